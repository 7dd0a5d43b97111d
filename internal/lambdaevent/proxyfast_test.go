package lambdaevent

import (
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

var answerSamples = []string{
	`{"statusCode":200,"body":"hi"}`,
	` { "statusCode" : "201" , "body" : "a\"b" , "isBase64Encoded" : false } `,
	`{"statusCode":200,"headers":{"X-A":"1","x-a":"2","B":true,"C":1.50,"D":null},"multiValueHeaders":{"x-A":["m",true,3],"E":[]}}`,
	`{"statusCode":200,"headers":{"A":{}}}`, `{"statusCode":200,"multiValueHeaders":{"A":"x"}}`,
	`{"statusCode":200,"multiValueHeaders":{"A":null}}`, `{"statusCode":200,"multiValueHeaders":null,"headers":null}`,
	`{"statusCode":99}`, `{"statusCode":"abc"}`, `{"statusCode":2e2}`, `{"statusCode":200.0}`, `{"statusCode":null}`,
	`{"body":null}`, `{"body":5}`, `{"body":"caf\u00e9 \ud83d\ude00"}`, "{\"body\":\"\xff\"}", `{"body":"é"}`,
	`{"isBase64Encoded":"true"}`, `{"isBase64Encoded":true,"body":"aGk="}`, `{"Body":"x"}`, `{"statusCode":200,"extra":1}`,
	`{}`, `[]`, `null`, `"x"`, `{"statusCode":200}{}`, `{"statusCode":200} x`, `{`, ``, `{"st\u0061tusCode":201}`,
	`{"statusCode":500,"statusCode":201}`, `{"statusCode":"x","statusCode":202}`, `{"headers":{"A":"1","A":"2"}}`,
	`{"headers":{"a":"1"},"multiValueHeaders":{"A":["2"]}}`, `{"headers":{"k\"q":"v"}}`, `{"headers":{"":"v"}}`,
	"{\n\t\"statusCode\": 204,\r\n\"body\": \"\"\n}", `{"body":"{\"nested\":[1,{\"a\":\"]\"}]}"}`,
	`{"multiValueHeaders":{"A":[["x"]]}}`, `{"multiValueHeaders":{"A":[{"x":1}]}}`, `{"headers":[]}`,
}

// checkFast fails unless the fast path either leaves it to the general one
// or returns exactly what the general one returns.
func checkFast(t *testing.T, in string) bool {
	t.Helper()
	fast, ok := parseProxyResponseFast([]byte(in))
	if !ok {
		return false
	}
	general, err := parseProxyResponseGeneral([]byte(in))
	if err != nil {
		t.Errorf("%q: fast path accepted what the general one rejects: %v", in, err)
		return true
	}
	if d := cmp.Diff(general, fast); d != "" {
		t.Errorf("%q: (-general +fast)\n%s", in, d)
	}
	return true
}

// TestParseProxyResponseFastMatchesGeneral pins the fast path to the
// encoding/json one on every sample and on random answers built from
// their parts.
func TestParseProxyResponseFastMatchesGeneral(t *testing.T) {
	for _, in := range answerSamples {
		checkFast(t, in)
	}
	for _, in := range answerSamples[:3] {
		if !checkFast(t, in) {
			t.Errorf("%q: the fast path does not take a usual answer", in)
		}
	}
	keys := []string{`"statusCode"`, `"headers"`, `"multiValueHeaders"`, `"body"`, `"isBase64Encoded"`, `"other"`}
	values := []string{`200`, `"404"`, `"x"`, `null`, `true`, `"a\nb"`, `{"A":"1","b":2}`, `{"a":["1",false]}`, `[]`, `{}`, `"\u2028<&>"`, `1e400`, ` "sp" `}
	r := rand.New(rand.NewPCG(3, 4))
	taken := 0
	for range 20000 {
		var b strings.Builder
		b.WriteString("{")
		for i := range r.IntN(5) {
			if i > 0 {
				b.WriteString(",")
			}
			b.WriteString(keys[r.IntN(len(keys))] + ":" + values[r.IntN(len(values))])
		}
		b.WriteString("}")
		if checkFast(t, b.String()) {
			taken++
		}
	}
	if taken < 100 {
		t.Errorf("the fast path took only %d random answers", taken)
	}
}

func FuzzParseProxyResponse(f *testing.F) {
	for _, in := range answerSamples {
		f.Add(in)
	}
	f.Fuzz(func(t *testing.T, in string) { checkFast(t, in) })
}

func BenchmarkParseProxyResponse(b *testing.B) {
	in := []byte(`{"statusCode":200,"headers":{"Content-Type":"application/json","X-Id":"abc"},"multiValueHeaders":{"Set-Cookie":["a=1","b=2"]},"body":"{\"ok\":true}","isBase64Encoded":false}`)
	for _, p := range []struct {
		name  string
		parse func([]byte) (*ProxyResponse, error)
	}{{"ParseProxyResponse", ParseProxyResponse}, {"general", parseProxyResponseGeneral}} {
		b.Run(p.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := p.parse(in); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
