package vtl

import (
	"testing"
)

// render parses and executes src with vars, failing the test on error.
func render(t *testing.T, src string, vars map[string]any) string {
	t.Helper()
	tmpl, err := Parse("test", src)
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	out, err := tmpl.Execute(t.Context(), vars)
	if err != nil {
		t.Fatalf("Execute: %v", err)
	}
	return out
}

const petsJSON = `[{"id": 1, "type": "dog", "price": 249.99}, {"id": 2, "type": "cat", "price": 124.99}, {"id": 3, "type": "fish", "price": 0.99}]`

// TestInputPetStore runs the response template of AWS's PetStore mapping
// example ("Mapping templates for REST APIs" in the developer guide).
func TestInputPetStore(t *testing.T) {
	src := `#set($inputRoot = $input.path('$'))
[
#foreach($elem in $inputRoot)
  {
    "description" : "Item $elem.id is a $elem.type.",
    "askingPrice" : $elem.price
  }#if($foreach.hasNext),#end

#end
]`
	want := `[
  {
    "description" : "Item 1 is a dog.",
    "askingPrice" : 249.99
  },
  {
    "description" : "Item 2 is a cat.",
    "askingPrice" : 124.99
  },
  {
    "description" : "Item 3 is a fish.",
    "askingPrice" : 0.99
  }
]`
	got := render(t, src, map[string]any{"input": NewInput([]byte(petsJSON), Params{})})
	if got != want {
		t.Errorf("got:\n%s\nwant:\n%s", got, want)
	}
}

func TestInput(t *testing.T) {
	body := `{"foo": "bar", "bigger": {"bigger": "dict", "to": "test", "with": "separators"},` +
		` "list": [{"foo": "bar"}], "nested": {"foo": [{"nested": "bar"}]}, "empty": [],` +
		` "pets": ` + petsJSON + `, "n": 1.50, "s": "a\"b/c"}`
	params := Params{
		Path:        map[string]string{"id": "42", "both": "from-path"},
		QueryString: map[string]string{"limit": "10", "both": "from-query", "q": "x"},
		Header:      map[string]string{"Accept": "application/json", "q": "from-header"},
	}
	tests := []struct{ name, src, want string }{
		// Recorded from API Gateway (docs/aws-behaviour.md#recorded-rendering-details).
		{"path map", `$input.path('$.bigger')`, `{bigger=dict, to=test, with=separators}`},
		{"path list", `$input.path('$.list')`, `[{"foo":"bar"}]`},
		{"path list elem", `$input.path('$.list[0]')`, `{foo=bar}`},
		{"path map with list", `$input.path('$.nested')`, `{foo=[{"nested":"bar"}]}`},
		{"path empty list", `$input.path('$.empty')`, `[]`},
		{"path missing", `"body": $input.path('$.missing'),`, `"body": ,`},
		{"path missing null", `#set($v = $input.path('$.missing'))#if($v == $null)null#end #if($v == "")empty#end`, `null empty`},
		{"path missing if", `#if($input.path('$.missing'))yes#else no#end`, ` no`},
		// Documented (docs/aws-behaviour.md#input-functions).
		{"path string", `$input.path('$.foo')`, `bar`},
		{"path size", `$input.path('$.pets').size() $input.path('$.pets').get(1).type`, `3 cat`},
		{"path number", `$input.path('$.pets[0].price') $input.path('$.n')`, `249.99 1.5`},
		{"json", `$input.json('$.pets[0]')`, `{"id":1,"type":"dog","price":249.99}`},
		{"json string", `$input.json('$.foo') $input.json('$.s')`, `"bar" "a\"b/c"`},
		{"json root", `$input.json('$.bigger')`, `{"bigger":"dict","to":"test","with":"separators"}`},
		{"json missing", `[$input.json('$.missing')]`, `[]`},
		{"json wildcard", `$input.json('$.pets[*].id')`, `[1,2,3]`},
		{"json deep", `$input.json('$..nested')`, `[{"foo":[{"nested":"bar"}]},"bar"]`},
		{"json filter", `$input.json('$.pets[?(@.price < 200)].type')`, `["cat","fish"]`},
		{"json filter eq", `$input.json("$.pets[?(@.type == 'dog')].id")`, `[1]`},
		{"json slice", `$input.json('$.pets[0:2].id') $input.json('$.pets[-1:].id')`, `[1,2] [3]`},
		{"json union", `$input.json("$['foo','n']") $input.json('$.pets[0,2].id')`, `["bar",1.5] [1,3]`},
		{"json bracket", `$input.json("$['bigger']['to']")`, `"test"`},
		{"body", `$input.body`, body},
		{"params name", `$input.params('id') $input.params('limit') $input.params('Accept') [$input.params('nope')]`, `42 10 application/json []`},
		{"params precedence", `$input.params('both') $input.params('q')`, `from-path x`},
		{"params all", `$input.params()`, `{path={both=from-path, id=42}, querystring={both=from-query, limit=10, q=x}, header={Accept=application/json, q=from-header}}`},
		{"params typed", `$input.params().path.id $input.params().header.get('Accept')`, `42 application/json`},
		{"foreach path", `#foreach($p in $input.path('$.pets'))$p.id#end`, `123`},
		{"mutate path list", `#set($l = $input.path('$.empty'))#set($d = $l.add(1))$l`, `[1]`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := render(t, tt.src, map[string]any{"input": NewInput([]byte(body), params)})
			if got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestInputEmptyAndRawBody(t *testing.T) {
	in := NewInput(nil, Params{})
	if got := render(t, `$input.body $input.json('$') $input.body.someAttr`, map[string]any{"input": in}); got != `{} {} $input.body.someAttr` {
		t.Errorf("empty body: got %q", got)
	}
	raw := NewInput([]byte("some raw data"), Params{})
	if got := render(t, `$input.body|$input.path('$')|$util.urlEncode($input.body)`, map[string]any{"input": raw, "util": NewUtil()}); got != `some raw data|some raw data|some+raw+data` {
		t.Errorf("raw body: got %q", got)
	}
}

// TestMockRecorded is the recorded MOCK response template
// (docs/aws-behaviour.md#mock-integrations).
func TestMockRecorded(t *testing.T) {
	in := NewInput(nil, Params{Path: map[string]string{"id": "42"}})
	got := render(t, `{"statusCode": 200, "id": $input.params().path.id}`, map[string]any{"input": in})
	if want := `{"statusCode": 200, "id": 42}`; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

// TestResponseOverride checks that #set on $context.responseOverride writes
// into the caller's maps (docs/aws-behaviour.md#mock-integrations).
func TestResponseOverride(t *testing.T) {
	header := map[string]any{}
	override := map[string]any{"header": header}
	ctx := map[string]any{"responseOverride": override, "requestId": "r-1"}
	src := `#set($context.responseOverride.status = 444)
#set($context.responseOverride.header.foo = "bar")
#set($context.custom = "is also passed around")
{"statusOverride":"$context.responseOverride.status","fooHeader":"$context.responseOverride.header.foo","custom":"$context.custom"}`
	got := render(t, src, map[string]any{"context": ctx})
	want := `{"statusOverride":"444","fooHeader":"bar","custom":"is also passed around"}`
	if got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	if override["status"] != int64(444) || header["foo"] != "bar" || ctx["custom"] != "is also passed around" {
		t.Errorf("caller maps not updated: %v", ctx)
	}
}

func TestStageVariables(t *testing.T) {
	vars := map[string]any{"stageVariables": map[string]any{"name": "v1", "url": "example.com"}}
	got := render(t, `$stageVariables.name $stageVariables['name'] ${stageVariables['url']}`, vars)
	if want := `v1 v1 example.com`; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestUtil(t *testing.T) {
	tests := []struct{ name, src, want string }{
		// Expected values computed with commons-lang 2.6 and java.net.URLEncoder.
		{"escapeJavaScript", `$util.escapeJavaScript($s)`, `He said \"hi\" & it\'s 5\/6\n\ttab\\ \u00E9 \u20AC \uD83D\uDE00 \u0001 ~*-._+`},
		{"escapeJavaScript docs fix", `$util.escapeJavaScript("it's").replaceAll("\\'", "'")`, `it's`},
		{"urlEncode", `$util.urlEncode($s)`, `He+said+%22hi%22+%26+it%27s+5%2F6%0A%09tab%5C+%C3%A9+%E2%82%AC+%F0%9F%98%80+%01+%7E*-._%2B`},
		{"urlEncode recorded", `$util.urlEncode('{"some": "value"}')`, `%7B%22some%22%3A+%22value%22%7D`},
		{"urlDecode", `$util.urlDecode("a+b%20c%2Fd%C3%A9")`, `a b c/dé`},
		{"base64", `$util.base64Encode("hello wörld") $util.base64Decode("aGVsbG8gd8O2cmxk")`, `aGVsbG8gd8O2cmxk hello wörld`},
		{"parseJson", `#set($e = $util.parseJson('{"a": {"b": [1, 2]}, "c": "d"}'))$e.a.b[1] $e.c $e.a $e.a.b`, `2 d {b=[1,2]} [1,2]`},
		{"parseJson errorMessage", `#set($e = $util.parseJson($input.path('$.errorMessage')))$e.code`, `E42`},
	}
	in := NewInput([]byte(`{"errorMessage": "{\"code\": \"E42\"}"}`), Params{})
	s := "He said \"hi\" & it's 5/6\n\ttab\\ é € 😀 \u0001 ~*-._+"
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := render(t, tt.src, map[string]any{"util": NewUtil(), "s": s, "input": in})
			if got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestUtilErrors(t *testing.T) {
	for _, src := range []string{`$util.urlDecode("%zz")`, `$util.base64Decode("!!")`, `$util.parseJson("{bad")`} {
		tmpl, err := Parse("t", src)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := tmpl.Execute(t.Context(), map[string]any{"util": NewUtil()}); err == nil {
			t.Errorf("%s: want an error", src)
		}
	}
}

// TestEmptyNulls checks Options.EmptyNulls, API Gateway's rendering of null
// and undefined references, against plain Velocity's on the same templates.
func TestEmptyNulls(t *testing.T) {
	tests := []struct{ name, src, velocity, apigw string }{
		{"undefined", `[$nope]`, `[$nope]`, `[]`},
		{"null set", `#set($result = $input.path('$.missing'))#set($result = $nope)[$result]`, `[]`, `[]`},
		{"null set of unset", `#set($result = $nope)[$result]`, `[$result]`, `[]`},
		{"missing property", `#set($result = {"a": 1})[$result.nested][$result.a]`, `[$result.nested][1]`, `[][1]`},
		{"property of string body", `[$input.body.x]`, `[$input.body.x]`, `[]`},
		{"unknown stage variable", `[$stageVariables.unknown][$stageVariables.known]`, `[$stageVariables.unknown][v]`, `[][v]`},
		{"urlEncode null", `[$util.urlEncode($input.path('$.missing'))][$util.urlEncode($nope)]`, `[][$util.urlEncode($nope)]`, `[][]`},
		{"put returns null", `$qs.put("a", "b") [$qs.a]`, `$qs.put("a", "b") [b]`, ` [b]`},
		{"method of undefined", `[$nope.size()]`, `[$nope.size()]`, `[]`},
		{"in string", `#set($s = "x$nope")[$s]`, `[x$nope]`, `[x]`},
		{"escaped stays", `[\$nope][\$stageVariables.known]`, `[\$nope][$stageVariables.known]`, `[\$nope][$stageVariables.known]`},
		{"quiet unchanged", `[$!nope]`, `[]`, `[]`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, mode := range []struct {
				opts Options
				want string
			}{{Options{}, tt.velocity}, {Options{EmptyNulls: true}, tt.apigw}} {
				tmpl, err := ParseOptions("t", tt.src, mode.opts)
				if err != nil {
					t.Fatal(err)
				}
				vars := map[string]any{
					"input":          NewInput([]byte(`{"a": 1}`), Params{}),
					"util":           NewUtil(),
					"stageVariables": map[string]any{"known": "v"},
					"qs":             map[string]any{},
				}
				got, err := tmpl.Execute(t.Context(), vars)
				if err != nil {
					t.Fatal(err)
				}
				if got != mode.want {
					t.Errorf("%+v: got %q, want %q", mode.opts, got, mode.want)
				}
			}
		})
	}
}

// TestEscapedQuotesInExpressions: \"...\" inside an expression reads as a
// string literal (Velocity rejects it; API Gateway deploys it).
func TestEscapedQuotesInExpressions(t *testing.T) {
	in := NewInput(nil, Params{Path: map[string]string{"data": "d1"}})
	tests := []struct{ src, want string }{
		{`{"data": "$input.params(\"data\")", "r": 1}`, `{"data": "d1", "r": 1}`},
		{`#set($x = $input.params(\"data\"))[$x]`, `[d1]`},
		{`#set($x = \"a-$input.params('data')\")[$x]`, `[a-d1]`},
		{`#if($input.params(\"data\") == \"d1\")yes#end`, `yes`},
		{`text \"quoted\" stays`, `text \"quoted\" stays`},
	}
	for _, tt := range tests {
		if got := render(t, tt.src, map[string]any{"input": in}); got != tt.want {
			t.Errorf("%s: got %q, want %q", tt.src, got, tt.want)
		}
	}
	for _, src := range []string{`$m.get(\"k)`, `#set($x = \"open)`} {
		if _, err := Parse("t", src); err == nil {
			t.Errorf("%s: want a parse error", src)
		}
	}
}
