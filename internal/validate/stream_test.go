package validate

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"testing"

	"github.com/portico-gw/portico/internal/apidef"
	"github.com/portico-gw/portico/internal/fault"
)

// streamable uses every keyword the streaming check applies itself, and a
// few it leaves to the parse-and-check path (uniq, combo, deps).
const streamable = `{
  "type": "object",
  "required": ["email"],
  "properties": {
    "email": {"type": "string"},
    "age": {"type": "integer", "minimum": 0, "maximum": 150},
    "score": {"type": "number", "minimum": 0, "exclusiveMinimum": true, "maximum": 10, "exclusiveMaximum": true, "multipleOf": 0.5},
    "big": {"multipleOf": 3, "maximum": 1e30},
    "kind": {"enum": ["dog", "cat", 1, 2.50, null, true, {"a": 1}, [1]]},
    "name": {"type": "string", "minLength": 2, "maxLength": 5, "pattern": "^[a-zé]+$"},
    "tags": {"type": "array", "minItems": 1, "maxItems": 3, "items": {"type": "string"}},
    "pair": {"type": "array", "items": [{"type": "string"}, {"type": "integer"}], "additionalItems": false},
    "pair2": {"type": "array", "items": [{"type": "string"}], "additionalItems": {"type": "boolean"}},
    "pair3": {"type": "array", "items": [{"type": "string"}]},
    "strict": {"type": "object", "properties": {"a": {}, "x-b": {"type": "null"}},
      "patternProperties": {"^x-": {"type": "integer"}, "y$": {"type": "string"}}, "additionalProperties": false},
    "sized": {"type": "object", "minProperties": 1, "maxProperties": 2},
    "nullable": {"type": ["string", "null"]},
    "extra": {"type": "object", "additionalProperties": {"type": "integer"}},
    "flag": {"type": "boolean", "enum": [true]},
    "none": {"type": "null"},
    "list": {"$ref": "#/definitions/List"},
    "anything": {},
    "uniq": {"type": "array", "uniqueItems": true},
    "combo": {"anyOf": [{"type": "string"}, {"type": "integer"}]},
    "deps": {"type": "object", "dependencies": {"a": ["b"]}}
  }
}`

// list is a recursive model: a linked list of integers.
const list = `{"type": "object", "required": ["v"], "properties": {"v": {"type": "integer"}, "next": {"$ref": "#/definitions/List"}}}`

func streamNodes(t testing.TB) map[string]*node {
	t.Helper()
	api := testAPI(map[string]string{"S": streamable, "List": list, "Order": orderModels()["Order"],
		"Address": orderModels()["Address"], "Kitchen": kitchen})
	out := map[string]*node{}
	for _, name := range []string{"S", "Order", "Kitchen"} {
		out[name] = mustStep(t, api, &apidef.Method{RequestModels: map[string]string{"application/json": name}}).models["application/json"]
	}
	return out
}

// TestStreamAgrees: on the streamable model the streaming check accepts
// exactly the bodies the parse-and-check path accepts, except where it
// defers to that path (marked): it never accepts an invalid body.
func TestStreamAgrees(t *testing.T) {
	n := streamNodes(t)["S"]
	tests := []struct {
		body   string
		valid  bool
		defer_ bool // the streaming check does not decide; the body is valid
	}{
		{`{"email":"e"}`, true, false},
		{` {"email" : "e"} `, true, false},
		{`{"email":"a\"b\u00e9"}`, true, false},
		{`{}`, false, false},
		{``, false, false},
		{`   `, false, false},
		{`{"email":1}`, false, false},
		{`{"email":"e"} x`, false, false},
		{`{"email":"e"`, false, false},
		{`[]`, false, false},
		{`"e"`, false, false},
		{`{"email":"e","age":0}`, true, false},
		{`{"email":"e","age":150}`, true, false},
		{`{"email":"e","age":151}`, false, false},
		{`{"email":"e","age":-1}`, false, false},
		{`{"email":"e","age":1.0}`, false, false},
		{`{"email":"e","age":1e2}`, false, false},
		{`{"email":"e","score":0.5}`, true, false},
		{`{"email":"e","score":0}`, false, false},
		{`{"email":"e","score":10}`, false, false},
		{`{"email":"e","score":9.5}`, true, false},
		{`{"email":"e","score":0.75}`, false, false},
		{`{"email":"e","score":5e-1}`, true, false},
		{`{"email":"e","big":300000000000000000000000000003}`, true, false},
		{`{"email":"e","big":300000000000000000000000000001}`, false, false},
		{`{"email":"e","big":1e31}`, false, false},
		{`{"email":"e","kind":"cat"}`, true, false},
		{`{"email":"e","kind":"cow"}`, false, false},
		{`{"email":"e","kind":1.0}`, true, false},
		{`{"email":"e","kind":2.5}`, true, false},
		{`{"email":"e","kind":25e-1}`, true, false},
		{`{"email":"e","kind":2}`, false, false},
		{`{"email":"e","kind":null}`, true, false},
		{`{"email":"e","kind":true}`, true, false},
		{`{"email":"e","kind":false}`, false, false},
		{`{"email":"e","kind":{"a":1}}`, true, true},
		{`{"email":"e","kind":[1]}`, true, true},
		{`{"email":"e","kind":[2]}`, false, false},
		{`{"email":"e","name":"ab"}`, true, false},
		{`{"email":"e","name":"éé"}`, true, false},
		{`{"email":"e","name":"\u00e9\u00e9"}`, true, false},
		{`{"email":"e","name":"a"}`, false, false},
		{`{"email":"e","name":"abcdef"}`, false, false},
		{`{"email":"e","name":"AB"}`, false, false},
		{`{"email":"e","tags":["a"]}`, true, false},
		{`{"email":"e","tags":[]}`, false, false},
		{`{"email":"e","tags":["a","b","c","d"]}`, false, false},
		{`{"email":"e","tags":["a",1]}`, false, false},
		{`{"email":"e","pair":["a",1]}`, true, false},
		{`{"email":"e","pair":["a"]}`, true, false},
		{`{"email":"e","pair":["a",1,2]}`, false, false},
		{`{"email":"e","pair":[1,1]}`, false, false},
		{`{"email":"e","pair2":["a",true,false]}`, true, false},
		{`{"email":"e","pair2":["a",true,1]}`, false, false},
		{`{"email":"e","pair3":["a",{"x":[1,{}]},1]}`, true, false},
		{`{"email":"e","pair3":[1]}`, false, false},
		{`{"email":"e","strict":{"a":[1],"x-c":1,"zy":"s"}}`, true, false},
		{`{"email":"e","strict":{"x-c":"s"}}`, false, false},
		{`{"email":"e","strict":{"zy":1}}`, false, false},
		{`{"email":"e","strict":{"b":1}}`, false, false},
		{`{"email":"e","strict":{"x-y":1}}`, false, false},
		{`{"email":"e","strict":{"x-b":null}}`, false, false}, // x-b is in properties and matches ^x-: both apply
		{`{"email":"e","sized":{"a":1}}`, true, false},
		{`{"email":"e","sized":{}}`, false, false},
		{`{"email":"e","sized":{"a":1,"b":2,"c":3}}`, false, false},
		{`{"email":"e","sized":{"a":1,"a":2}}`, true, true},
		{`{"email":"e","sized":{"a":1,"a":2,"a":3}}`, true, true},
		{`{"email":"e","sized":{"a":1,"b":2,"a":3}}`, true, true},
		{`{"email":"e","nullable":null}`, true, false},
		{`{"email":"e","nullable":false}`, false, false},
		{`{"email":"e","extra":{"a":1,"b":2}}`, true, false},
		{`{"email":"e","extra":{"a":1,"b":"2"}}`, false, false},
		{`{"email":"e","extra":{"a":"1","a":2}}`, true, true},
		{`{"email":"e","extra":{"a":1,"a":"2"}}`, false, false},
		{`{"email":"e","flag":true}`, true, false},
		{`{"email":"e","flag":false}`, false, false},
		{`{"email":"e","none":null}`, true, false},
		{`{"email":"e","none":0}`, false, false},
		{`{"email":"e","list":{"v":1,"next":{"v":2,"next":{"v":3}}}}`, true, false},
		{`{"email":"e","list":{"v":1,"next":{"v":2,"next":{"v":"3"}}}}`, false, false},
		{`{"email":"e","list":{"v":1,"next":{}}}`, false, false},
		{`{"email":"e","anything":[{"a":[null,true,1.5e3,"\ud83d\ude00"]}]}`, true, false},
		{`{"email":"e","uniq":[1,2]}`, true, true},
		{`{"email":"e","uniq":[1,1.0]}`, false, false},
		{`{"email":"e","combo":1}`, true, true},
		{`{"email":"e","combo":true}`, false, false},
		{`{"email":"e","deps":{"a":1,"b":2}}`, true, true},
		{`{"email":"e","deps":{"a":1}}`, false, false},
		{`{"email":"e","unknown":{"deep":[[[[{"x":"\u0000"}]]]]}}`, true, false},
		{`{"email":"e","\u0065mail":"f"}`, true, true},
		{`{"email":"e","em\u0061il":1}`, false, false},
		{`{"email":"e","unknown":"` + "\xff" + `"}`, false, false},
		{`{"email":"e","unknown":` + strings.Repeat("[", 511) + strings.Repeat("]", 511) + `}`, true, false},
		{`{"email":"e","unknown":` + strings.Repeat("[", 512) + strings.Repeat("]", 512) + `}`, false, false},
		{`{"email":"e","list":` + strings.Repeat(`{"v":1,"next":`, 510) + `{"v":1}` + strings.Repeat("}", 510) + `}`, true, false},
		{`{"email":"e","list":` + strings.Repeat(`{"v":1,"next":`, 511) + `{"v":1}` + strings.Repeat("}", 511) + `}`, false, false},
		{manyMembers(40, false), true, false},
		{manyMembers(40, true), true, true},
	}
	for _, tc := range tests {
		valid := checkBody(n, []byte(tc.body)) == nil
		if valid != tc.valid {
			t.Errorf("%.80s: checkBody says valid=%v, the test %v", tc.body, valid, tc.valid)
			continue
		}
		want := tc.valid && !tc.defer_
		if got := streamValid(n, []byte(tc.body)); got != want {
			t.Errorf("%.80s: streamValid %v, want %v", tc.body, got, want)
		}
	}
}

// manyMembers is a valid body whose "extra" object has n members; with
// repeat, the last name is the first one again.
func manyMembers(n int, repeat bool) string {
	var b strings.Builder
	b.WriteString(`{"email":"e","extra":{`)
	for i := range n {
		if i > 0 {
			b.WriteString(",")
		}
		name := "m" + string(rune('A'+i%26)) + string(rune('a'+i/26))
		if repeat && i == n-1 {
			name = "mAa"
		}
		b.WriteString(`"` + name + `":1`)
	}
	b.WriteString("}}")
	return b.String()
}

// TestStreamAllocations: a valid body costs no allocation beyond a
// pattern's string.
func TestStreamAllocations(t *testing.T) {
	n := streamNodes(t)["S"]
	// score is left out: multipleOf works in math/big.
	body := []byte(`{"email":"e","age":3,"kind":"cat","tags":["x","y"],"pair":["a",1],` +
		`"strict":{"a":1,"x-c":2},"sized":{"a":1},"nullable":null,"extra":{"q":1},"list":{"v":1,"next":{"v":2}},"anything":[1,{"b":"c"}]}`)
	if !streamValid(n, body) {
		t.Fatal("not valid")
	}
	// strict's patternProperties match "x-c" once.
	if a := testing.AllocsPerRun(100, func() { streamValid(n, body) }); a > 1 {
		t.Fatalf("%v allocations, want at most 1", a)
	}
}

// FuzzStream: validateBody, with the streaming check, answers every body as
// the parse-and-check path alone does (the same fault, message, variables
// and cause), on models that use every keyword; in particular the streaming
// check never accepts a body that path rejects.
func FuzzStream(f *testing.F) {
	nodes := streamNodes(f)
	for _, seed := range []string{
		`{"email":"e"}`, `{"email":"e","age":3,"score":1.5,"kind":"cat","name":"abc","tags":["x"],"pair":["a",1]}`,
		`{"email":"e","strict":{"a":1,"x-c":2,"zy":"s"},"sized":{"a":1,"a":2},"list":{"v":1,"next":{"v":2}}}`,
		`{"email":"e","kind":2.5e0,"big":3e1,"pair2":["a",true],"extra":{"a":1},"flag":true,"none":null}`,
		`{"email":"a@b.c","age":3,"score":1.5,"kind":"cat","name":"abc","tags":["x"],"pair":["a",1],"card":{"number":1,"expiry":2,"cvv":3},"nullable":null,"any":1,"one":1,"all":7,"not":1,"extra":{"q":1}}`,
		orderBody, `{"id":"ord-0badcafe","total":1,"customer":{"name":"A","email":"a"},"items":[{"sku":"ABC-0001","qty":1,"price":1}]}`,
		`{"email":"\u0065","\u0065mail":"f"}`, `[]`, `1`, ``,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		for name, n := range nodes {
			if streamValid(n, body) {
				if err := checkBody(n, body); err != nil {
					t.Fatalf("%s: the streaming check accepted %q; checkBody: %v", name, body, err)
				}
			}
			if got, want := answer(validateBody(n, body)), answer(checkBody(n, body)); got != want {
				t.Fatalf("%s: %q:\nvalidateBody: %s\ncheckBody:    %s", name, body, got, want)
			}
		}
	})
}

// TestStreamOrder: the benchmarks' order body is known valid as it is
// tokenized.
func TestStreamOrder(t *testing.T) {
	if !streamValid(streamNodes(t)["Order"], []byte(orderBody)) {
		t.Fatal("the order body is left to the parse-and-check path")
	}
}

// FuzzFloatOf: the direct conversion of short integers gives what
// strconv.ParseFloat gives, to the bit.
func FuzzFloatOf(f *testing.F) {
	for _, s := range []string{"0", "-0", "1", "-42", "999999999999999", "-999999999999999", "9999999999999999", "1.5", "1e3", "-"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		want, _ := strconv.ParseFloat(s, 64)
		if got := floatOf(number(s)); math.Float64bits(got) != math.Float64bits(want) && !(math.IsNaN(got) && math.IsNaN(want)) {
			t.Fatalf("floatOf(%q) = %v, ParseFloat says %v", s, got, want)
		}
	})
}

// answer prints everything of a validation result that reaches the client
// or the logs.
func answer(err error) string {
	if err == nil {
		return "<nil>"
	}
	f, ok := errors.AsType[*fault.Error](err)
	if !ok {
		return "not a fault: " + err.Error()
	}
	return fmt.Sprintf("%s %q %v cause=%v", f.Type, f.MessageText(), f.Vars, errors.Unwrap(f))
}

// TestStreamSyntaxErrors: a body that is not JSON is answered from the
// streaming check's syntax error exactly as from parseJSON's.
func TestStreamSyntaxErrors(t *testing.T) {
	nodes := streamNodes(t)
	for _, body := range []string{
		`{"email":"e",}`, `{"email":"e"} x`, `{"email":"e","unknown":[1,2}`, `{"email":"e","age":01}`,
		`{"email":"e","name":"` + "\xff" + `"}`, `{"email":"e","unknown":{"a":"\u12"}}`, `[`, `"`, `nul`,
		`{"email":"e","unknown":` + strings.Repeat("[", 600) + `x`, `{"email":"e","list":` + strings.Repeat(`{"v":1,"next":`, 600) + `x`,
		`{"email":"e","combo":{"a":[1,}}`, `{"email":1,"x":[}`, ` `, ``,
	} {
		for name, n := range nodes {
			if got, want := answer(validateBody(n, []byte(body))), answer(checkBody(n, []byte(body))); got != want {
				t.Errorf("%s: %.60q:\nvalidateBody: %s\ncheckBody:    %s", name, body, got, want)
			}
		}
	}
}
