package telemetry

import (
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/portico-gw/portico/internal/contextvars"
)

var update = flag.Bool("update", false, "rewrite golden files")

// mapVars is a Vars backed by plain maps, for tests: fixed by variable name,
// keyed by the parameterised variable's prefix and the key.
type mapVars struct {
	fixed map[string]string
	keyed map[keyedVar]string
}

type keyedVar struct {
	prefix string
	key    string
}

func (m mapVars) AppendVar(dst []byte, id contextvars.ID, key string) []byte {
	if key != "" {
		return append(dst, m.keyed[keyedVar{id.Name(), key}]...)
	}
	return append(dst, m.fixed[id.Name()]...)
}

// goldenVars are the values every golden line renders: caller and user have
// no value, as for an unauthenticated request on AWS.
func goldenVars() mapVars {
	return mapVars{fixed: map[string]string{
		"identity.sourceIp": "203.0.113.7",
		"requestTime":       "26/Nov/2026:02:42:07 +0000",
		"httpMethod":        "GET",
		"resourcePath":      "/pets/{petId}",
		"protocol":          "HTTP/1.1",
		"status":            "200",
		"responseLength":    "52",
		"requestId":         "c6af9ac6-7b61-11e6-9a41-93e8deadbeef",
		"extendedRequestId": "LLCm7FonFiAFXFg=",
	}}
}

func TestAccessLogGolden(t *testing.T) {
	formats, err := filepath.Glob("testdata/accesslog/*.format")
	if err != nil || len(formats) == 0 {
		t.Fatalf("no formats: %v", err)
	}
	for _, path := range formats {
		name := strings.TrimSuffix(filepath.Base(path), ".format")
		t.Run(name, func(t *testing.T) {
			raw, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			for _, esc := range []Escaping{EscapeAuto, EscapeNone} {
				a, err := CompileAccessLog(strings.TrimSuffix(string(raw), "\n"), WithEscaping(esc))
				if err != nil {
					t.Fatalf("compile: %v", err)
				}
				got := string(a.Append(nil, goldenVars())) + "\n"
				golden := strings.TrimSuffix(path, ".format") + ".golden"
				if *update && esc == EscapeAuto {
					if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
						t.Fatal(err)
					}
				}
				want, err := os.ReadFile(golden)
				if err != nil {
					t.Fatal(err)
				}
				if got != string(want) {
					t.Errorf("escaping %d:\ngot  %s\nwant %s", esc, got, want)
				}
			}
		})
	}
}

func TestAccessLogMissingValuesRenderDash(t *testing.T) {
	a := mustCompile(t, "$context.requestId $context.identity.caller $context.authorizer.claims.sub $context.authorizer.tenant")
	v := mapVars{
		fixed: map[string]string{"requestId": "r1"},
		keyed: map[keyedVar]string{{"authorizer.", "tenant"}: "acme"},
	}
	if got, want := string(a.Append(nil, v)), "r1 - - acme"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestAccessLogEscaping(t *testing.T) {
	hostile := "a\"b\\c\nd<e>&'\x01"
	tests := []struct {
		name   string
		format string
		esc    Escaping
		want   string
	}{
		{"json string", `{"id":"$context.requestId","ua":"$context.identity.userAgent"}`, EscapeAuto,
			`{"id":"r1","ua":"a\"b\\c\nd<e>&'\u0001"}`},
		{"json outside string is verbatim", `{"id":"$context.requestId","n":$context.identity.userAgent}`, EscapeAuto,
			"{\"id\":\"r1\",\"n\":" + hostile + "}"},
		{"json escaped quote in literal keeps state", `{"k\"":"$context.requestId","ua":"$context.identity.userAgent"}`, EscapeAuto,
			`{"k\"":"r1","ua":"a\"b\\c\nd<e>&'\u0001"}`},
		{"xml", `<r id="$context.requestId">$context.identity.userAgent</r>`, EscapeAuto,
			"<r id=\"r1\">a&quot;b\\c&#10;d&lt;e&gt;&amp;&apos;\uFFFD</r>"},
		{"text", `$context.requestId "$context.identity.userAgent"`, EscapeAuto,
			`r1 "a"b\c\x0ad<e>&'\x01"`},
		{"json messageString escapes inside its quotes", `{"id":"$context.requestId","m":$context.error.messageString}`, EscapeAuto,
			`{"id":"r1","m":"say \"hi\"\n"}`},
		{"none is AWS verbatim", `{"id":"$context.requestId","ua":"$context.identity.userAgent"}`, EscapeNone,
			"{\"id\":\"r1\",\"ua\":\"" + hostile + "\"}"},
	}
	v := mapVars{fixed: map[string]string{"requestId": "r1", "identity.userAgent": hostile,
		"error.messageString": "\"say \"hi\"\n\""}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, err := CompileAccessLog(tt.format, WithEscaping(tt.esc))
			if err != nil {
				t.Fatal(err)
			}
			// A non-empty, short dst checks that escaping works in place
			// after earlier output and across reallocation.
			dst := make([]byte, 0, 4)
			dst = append(dst, '>')
			if got := string(a.Append(dst, v)); got != ">"+tt.want {
				t.Errorf("got  %s\nwant >%s", got, tt.want)
			}
		})
	}
}

func TestCompileAccessLogErrors(t *testing.T) {
	tests := []struct {
		name, format string
		want         []string // substrings, in order
	}{
		{"empty", "  ", []string{"Access Log value must not be empty"}},
		{"no request id", "$context.status", []string{"must include $context.requestId or $context.extendedRequestId"}},
		{"unknown", "$context.requestId $context.reqestTime", []string{"column 20: unknown variable $context.reqestTime"}},
		{"case-sensitive", "$context.requestId $context.RequestId", []string{"column 20: unknown variable $context.RequestId"}},
		{"not context", "$context.requestId $input.body", []string{"column 20: $input.body: only $context variables are supported"}},
		{"all reported, columns in characters", "é $context.foo $context.requestId $stageVariables.x",
			[]string{"column 3: unknown variable $context.foo", "column 35: $stageVariables.x: only"}},
		{"bare prefix", "$context.requestId $context.authorizer.", []string{"column 20: unknown variable $context.authorizer"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := CompileAccessLog(tt.format)
			if err == nil {
				t.Fatal("got no error")
			}
			var fe *FormatError
			if !errors.As(err, &fe) {
				t.Fatalf("got %T, want *FormatError", err)
			}
			msg := err.Error()
			for _, w := range tt.want {
				i := strings.Index(msg, w)
				if i < 0 {
					t.Fatalf("got %q, want it to contain %q", msg, w)
				}
				msg = msg[i+len(w):]
			}
		})
	}
}

func TestCompileAccessLogNames(t *testing.T) {
	a := mustCompile(t, "$$context.requestId.$5 $context.status-$context.authorizer.claims.email_verified ${x}")
	v := mapVars{
		fixed: map[string]string{"requestId": "r1", "status": "200"},
		keyed: map[keyedVar]string{{"authorizer.claims.", "email_verified"}: "true"},
	}
	if got, want := string(a.Append(nil, v)), "$r1.$5 200-true ${x}"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	if !a.Uses("status") || a.Uses("stage") {
		t.Error("Uses disagrees with the format")
	}
}

func mustCompile(t *testing.T, format string) *AccessLog {
	t.Helper()
	a, err := CompileAccessLog(format)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// callVars is shaped like the gateway's call: typed fields converted while
// appending, which is what the benchmark should measure.
type callVars struct {
	sourceIP, method, resourcePath, protocol, requestID, caller string
	start                                                       time.Time
	status                                                      int
	responseLength                                              int64
}

// benchIDs are the ids callVars answers, looked up once.
var benchIDs = struct {
	sourceIP, caller, requestTime, method, resourcePath, protocol, status, responseLength, requestID contextvars.ID
}{
	mustID("identity.sourceIp"), mustID("identity.caller"), mustID("requestTime"), mustID("httpMethod"),
	mustID("resourcePath"), mustID("protocol"), mustID("status"), mustID("responseLength"), mustID("requestId"),
}

func mustID(name string) contextvars.ID {
	id, _, ok := contextvars.Lookup(name, contextvars.AccessLog)
	if !ok {
		panic(name)
	}
	return id
}

func (c *callVars) AppendVar(dst []byte, id contextvars.ID, _ string) []byte {
	switch id {
	case benchIDs.sourceIP:
		return append(dst, c.sourceIP...)
	case benchIDs.caller:
		return append(dst, c.caller...)
	case benchIDs.requestTime:
		return contextvars.AppendRequestTime(dst, c.start)
	case benchIDs.method:
		return append(dst, c.method...)
	case benchIDs.resourcePath:
		return append(dst, c.resourcePath...)
	case benchIDs.protocol:
		return append(dst, c.protocol...)
	case benchIDs.status:
		return strconv.AppendInt(dst, int64(c.status), 10)
	case benchIDs.responseLength:
		return strconv.AppendInt(dst, c.responseLength, 10)
	case benchIDs.requestID:
		return append(dst, c.requestID...)
	}
	return dst
}

func benchCall() *callVars {
	return &callVars{
		sourceIP: "203.0.113.7", method: "GET", resourcePath: "/pets/{petId}", protocol: "HTTP/1.1",
		requestID: "c6af9ac6-7b61-11e6-9a41-93e8deadbeef",
		start:     time.Date(2026, 11, 26, 2, 42, 7, 0, time.UTC), status: 200, responseLength: 52,
	}
}

func BenchmarkAccessLogCLF(b *testing.B) {
	raw, err := os.ReadFile("testdata/accesslog/clf.format")
	if err != nil {
		b.Fatal(err)
	}
	a, err := CompileAccessLog(strings.TrimSpace(string(raw)))
	if err != nil {
		b.Fatal(err)
	}
	c := benchCall()
	buf := make([]byte, 0, 512)
	b.ReportAllocs()
	for b.Loop() {
		buf = a.Append(buf[:0], c)
	}
}

func BenchmarkAccessLogJSON(b *testing.B) {
	raw, err := os.ReadFile("testdata/accesslog/json.format")
	if err != nil {
		b.Fatal(err)
	}
	a, err := CompileAccessLog(strings.TrimSpace(string(raw)))
	if err != nil {
		b.Fatal(err)
	}
	c := benchCall()
	c.caller = `needs "escaping"`
	buf := make([]byte, 0, 512)
	b.ReportAllocs()
	for b.Loop() {
		buf = a.Append(buf[:0], c)
	}
}

func FuzzCompileAccessLog(f *testing.F) {
	for _, s := range []string{
		`$context.identity.sourceIp [$context.requestTime] "$context.httpMethod" $context.requestId`,
		`{"id":"$context.requestId","m":$context.error.messageString,"a":"$context.authorizer.claims.sub"}`,
		`<r id="$context.requestId">$context.identity.userAgent</r>`,
		`$$context.requestId.$ $context.`, `"\"$context.requestId\\"`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, format string) {
		a, err := CompileAccessLog(format)
		if err != nil {
			return
		}
		if a.Format() != format || !a.Uses("requestId") && !a.Uses("extendedRequestId") {
			t.Fatalf("compiled %q into %+v", format, a.parts)
		}
		v := mapVars{fixed: map[string]string{"requestId": "r\"\n<&"}}
		if line := a.Append(nil, v); len(line) == 0 {
			t.Fatal("empty line")
		}
	})
}
