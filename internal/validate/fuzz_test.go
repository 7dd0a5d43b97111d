package validate

import (
	"encoding/json"
	"errors"
	"testing"
	"unicode/utf8"

	"github.com/portico-gw/portico/internal/apidef"
	"github.com/portico-gw/portico/internal/fault"
)

// FuzzValidate feeds arbitrary bodies to the validator entry point. The
// invariants: no panic; the answer is nil or a BAD_REQUEST_BODY fault; the
// parser accepts exactly the valid JSON texts (bar the depth limit and
// invalid UTF-8, which encoding/json tolerates); and printing a parsed value
// and parsing it again gives an equal value.
func FuzzValidate(f *testing.F) {
	api := testAPI(map[string]string{
		"Kitchen": kitchen,
		"Tree": `{"type":["object","array","string","number","null"],"properties":{"c":{"$ref":"#/definitions/Tree"}},` +
			`"items":{"$ref":"#/definitions/Tree"},"uniqueItems":true,"maxLength":10,"enum":[1,"a",{"b":[]},null,[2]]}`,
	})
	var nodes []*node
	for _, name := range []string{"Kitchen", "Tree"} {
		s := mustStep(f, api, &apidef.Method{RequestModels: map[string]string{"application/json": name}})
		nodes = append(nodes, s.models["application/json"])
	}
	for _, seed := range []string{
		``, `{}`, `[]`, `{"email":"e","age":1.5,"tags":["a","a"],"kind":"bird"}`, `{"c":{"c":[1,1.0]}}`,
		`[[[[[[]]]]]]`, `"\ud83d\ude00"`, `1e999999999`, `-0.0e-0`, `{"a":1,"a":2}`, "\"\xff\"", `{"email":"é","name":"abc"}`,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		for _, n := range nodes {
			if err := validateBody(n, body); err != nil {
				var fe *fault.Error
				if !errors.As(err, &fe) || fe.Type != fault.BadRequestBody {
					t.Fatalf("got %v, want nil or BAD_REQUEST_BODY", err)
				}
			}
		}
		v, err := parseJSON(body)
		if err == nil {
			if !json.Valid(body) {
				t.Fatalf("parser accepted invalid JSON %q", body)
			}
			again, err := parseJSON(appendJSON(nil, v))
			if err != nil || !equal(v, again) {
				t.Fatalf("round trip of %q: %v", body, err)
			}
			return
		}
		if json.Valid(body) && utf8.Valid(body) {
			if _, deep := errors.AsType[errDepth](err); !deep {
				t.Fatalf("parser rejected valid JSON %q: %v", body, err)
			}
		}
	})
}
