package validate

import (
	"encoding/json"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/portico-gw/portico/internal/apidef"
	"github.com/portico-gw/portico/internal/fault"
)

func TestParseJSON(t *testing.T) {
	valid := []string{
		`{}`, `[]`, `0`, `-0`, `1.5e+3`, `-12.5E-2`, `"a\u00e9\ud83d\ude00\n"`, `true`, `false`, `null`,
		` {"a" : [1, {"b": null}] } `, `"é"`, `"\ud800"`, `{"a":1,"a":2}`,
	}
	for _, in := range valid {
		v, err := parseJSON([]byte(in))
		if err != nil {
			t.Errorf("%s: %v", in, err)
			continue
		}
		// Our printer and encoding/json agree on the value.
		var std any
		if err := json.Unmarshal(appendJSON(nil, v), &std); err != nil {
			t.Errorf("%s: printed %s does not parse: %v", in, appendJSON(nil, v), err)
		}
	}
	invalid := []string{
		``, `{`, `[1,]`, `{"a":1,}`, `{"a" 1}`, `{1:2}`, `01`, `1.`, `.5`, `1e`, `+1`, `-`, `tru`, `nul`,
		`"abc`, "\"a\x01\"", "\"\xff\"", "\"a\\x\"", `"\u12"`, `{} {}`, `[1 2]`, "\xef\xbb\xbf{}",
	}
	for _, in := range invalid {
		if _, err := parseJSON([]byte(in)); err == nil {
			t.Errorf("%q: got no error", in)
		}
	}
}

func TestParseDuplicateKeys(t *testing.T) {
	var b strings.Builder
	b.WriteString("{")
	for i := range 20 {
		if i > 0 {
			b.WriteString(",")
		}
		b.WriteString(`"k`)
		b.WriteByte(byte('a' + i%10))
		b.WriteString(`":`)
		b.WriteByte(byte('0' + i/10))
	}
	b.WriteString("}")
	v, err := parseJSON([]byte(b.String()))
	if err != nil {
		t.Fatal(err)
	}
	if got, want := string(appendJSON(nil, v)), `{"ka":1,"kb":1,"kc":1,"kd":1,"ke":1,"kf":1,"kg":1,"kh":1,"ki":1,"kj":1}`; got != want {
		t.Errorf("got %s, want %s", got, want)
	}
}

// hostileBody is an abusive body and the outcome it must get.
type hostileBody struct {
	name string
	s    *Step
	body string
	want fault.ResponseType // "" passes
}

// hostileBodies are the bodies of TestHostileBodies; BenchmarkHostileBodies
// measures how long each takes.
func hostileBodies(tb testing.TB) []hostileBody {
	api := testAPI(map[string]string{
		"Tree": `{"type":["object","array","string","number","null"],"properties":{"c":{"$ref":"#/definitions/Tree"}},` +
			`"items":{"$ref":"#/definitions/Tree"},"uniqueItems":true,"maxLength":10}`,
		// Both branches recurse before failing at the leaf: 2^depth work
		// without the step budget.
		"Combo": `{"anyOf":[{"type":"object","properties":{"a":{"$ref":"#/definitions/Combo"}}},` +
			`{"type":"object","properties":{"a":{"$ref":"#/definitions/Combo"}}}]}`,
	})
	tree := mustStep(tb, api, &apidef.Method{RequestModels: map[string]string{"application/json": "Tree"}})
	combo := mustStep(tb, api, &apidef.Method{RequestModels: map[string]string{"application/json": "Combo"}})
	const mb = 1 << 20
	nest := func(open, close string, n int) string { return strings.Repeat(open, n) + strings.Repeat(close, n) }
	comboNest := strings.Repeat(`{"a":`, 500) + "1" + strings.Repeat("}", 500)
	var distinct strings.Builder
	distinct.WriteString("[0")
	for i := 1; i < 200000; i++ {
		distinct.WriteString("," + strconv.Itoa(i))
	}
	distinct.WriteString("]")
	return []hostileBody{
		{"depth 512 is accepted", tree, nest("[", "]", 512), ""},
		{"depth 513 is rejected", tree, nest("[", "]", 513), fault.BadRequestBody},
		{"deep objects", tree, nest(`{"c":`, "}", 100000)[:500000], fault.BadRequestBody},
		{"unterminated deep arrays", tree, strings.Repeat("[", 10*mb-1), fault.BadRequestBody},
		{"10 MB number", tree, "1" + strings.Repeat("0", 10*mb-1), ""},
		{"10 MB fraction", tree, "0." + strings.Repeat("1", 10*mb-2), ""},
		{"10 MB exponent", tree, "1e" + strings.Repeat("9", 10*mb-2), ""},
		{"10 MB string", tree, `"` + strings.Repeat("x", 10*mb-2) + `"`, fault.BadRequestBody},
		{"10 MB of escapes", tree, `"` + strings.Repeat(`\n`, 5*mb-1) + `"`, fault.BadRequestBody},
		{"invalid UTF-8 late in a big string", tree, `"` + strings.Repeat("é", 2*mb) + "\xc3\x28" + `"`, fault.BadRequestBody},
		{"big array of equal numbers", tree, "[" + strings.Repeat("1.0,", mb) + "1]", fault.BadRequestBody},
		{"big array of distinct numbers", tree, distinct.String(), ""},
		{"exponential combinators", combo, comboNest, fault.BadRequestBody},
		{"many duplicate keys", tree, "{" + strings.Repeat(`"c":1,`, mb) + `"c":2}`, ""},
	}
}

// TestHostileBodies checks that abusive bodies are answered with a 400-type
// fault, without panics. How fast is BenchmarkHostileBodies' business: a
// wall-clock bound fails on a busy machine.
func TestHostileBodies(t *testing.T) {
	for _, tt := range hostileBodies(t) {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.s.Run(t.Context(), request{body: tt.body}.call())
			if tt.want == "" {
				checkFault(t, err, want{})
				return
			}
			checkFault(t, err, want{typ: tt.want, detail: "-"})
			if testing.Verbose() {
				t.Logf("%.200s", err.(*fault.Error).Vars[VarValidationError])
			}
			if f := err.(*fault.Error); len(f.Vars[VarValidationError]) > 64<<10 {
				t.Errorf("validationErrorString is %d bytes", len(f.Vars[VarValidationError]))
			}
		})
	}
}

// BenchmarkHostileBodies times each abusive body: each takes well under a
// second (TestHostileBodies used to fail past 5 s, which a busy machine hit).
func BenchmarkHostileBodies(b *testing.B) {
	for _, bc := range hostileBodies(b) {
		b.Run(bc.name, func(b *testing.B) {
			b.SetBytes(int64(len(bc.body)))
			for b.Loop() {
				err := bc.s.Run(b.Context(), request{body: bc.body}.call())
				if (err == nil) != (bc.want == "") {
					b.Fatalf("got %v, want %q", err, bc.want)
				}
			}
		})
	}
}

// nestedUniqueItems returns a step whose model nests uniqueItems arrays and
// a body 500 levels deep with a 20 kB string at each level: every level
// re-reads its subtree to find duplicates.
func nestedUniqueItems(tb testing.TB) (*Step, string) {
	api := testAPI(map[string]string{"Uniq": `{"uniqueItems":true,"items":{"$ref":"#/definitions/Uniq"}}`})
	s := mustStep(tb, api, &apidef.Method{RequestModels: map[string]string{"application/json": "Uniq"}})
	var b strings.Builder
	for i := range 500 {
		b.WriteString(`["` + strings.Repeat("x", 20000) + strconv.Itoa(i) + `",`)
	}
	b.WriteString("0" + strings.Repeat("]", 500))
	return s, b.String()
}

// TestNestedUniqueItems: the step budget bounds the total work (each byte
// hashed is charged to it), so the body is refused as too complex rather
// than validated for minutes. BenchmarkNestedUniqueItems times it.
func TestNestedUniqueItems(t *testing.T) {
	s, body := nestedUniqueItems(t)
	err := s.Run(t.Context(), request{body: body}.call())
	checkFault(t, err, want{typ: fault.BadRequestBody, detail: "[" + msgTooComplex() + "]"})
}

// BenchmarkNestedUniqueItems times TestNestedUniqueItems' body: well under
// a second (the test used to fail past 3 s, which a busy machine hit).
func BenchmarkNestedUniqueItems(b *testing.B) {
	s, body := nestedUniqueItems(b)
	b.SetBytes(int64(len(body)))
	for b.Loop() {
		if err := s.Run(b.Context(), request{body: body}.call()); err == nil {
			b.Fatal("accepted")
		}
	}
}

func TestMessagesAreBounded(t *testing.T) {
	api := testAPI(map[string]string{"Ints": `{"type":"array","items":{"type":"integer"}}`})
	s := mustStep(t, api, &apidef.Method{RequestModels: map[string]string{"application/json": "Ints"}})
	err := s.Run(t.Context(), request{body: "[" + strings.Repeat(`"x",`, 10000) + `"x"]`}.call())
	checkFault(t, err, want{typ: fault.BadRequestBody, detail: "-"})
	if n := strings.Count(err.(*fault.Error).Vars[VarValidationError], "instance type"); n != maxMessages {
		t.Errorf("got %d messages, want %d", n, maxMessages)
	}
}

func TestQuotedIsClipped(t *testing.T) {
	big := &object{keys: []string{"k"}, vals: []any{strings.Repeat("é", 10000)}}
	got := quoted([]any{big, big})
	if !strings.HasPrefix(got, `[{"k":"éé`) || !strings.HasSuffix(got, "...") || utf8.RuneCountInString(got) != maxQuoted+3 {
		t.Errorf("got %d runes: %.40s...", utf8.RuneCountInString(got), got)
	}
	if !utf8.ValidString(got) {
		t.Error("clipped value is not valid UTF-8")
	}
}
