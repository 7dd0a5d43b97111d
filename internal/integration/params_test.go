package integration

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/portico-gw/portico/internal/apidef"
	"github.com/portico-gw/portico/internal/fault"
	"github.com/portico-gw/portico/internal/pipeline"
)

// TestRequestParameterMapping: every source of an integration.request.*
// mapping, as the back end receives it. A source with no value is skipped
// (the parameter is omitted), as AWS does (docs/aws-behaviour.md#request-mapping).
func TestRequestParameterMapping(t *testing.T) {
	type want struct {
		header map[string]string // header → value sent
		absent []string          // headers that must not be sent
		query  string            // the query string sent
		path   string            // the path sent
	}
	tests := []struct {
		name   string
		uri    string
		params map[string]string
		call   func(c *pipeline.Call)
		want   want
	}{
		{
			name:   "path parameter to path",
			uri:    "http://backend.example/items/{item}",
			params: map[string]string{"integration.request.path.item": "method.request.path.id"},
			call:   func(c *pipeline.Call) { c.PathParams["id"] = "7" },
			want:   want{path: "/items/7"},
		},
		{
			name:   "querystring: the last of several values",
			params: map[string]string{"integration.request.querystring.search": "method.request.querystring.q"},
			call:   func(c *pipeline.Call) { c.Query["q"] = []string{"a", "b"} },
			want:   want{query: "search=b", path: "/pets"},
		},
		{
			name:   "multivaluequerystring: all values joined by commas",
			params: map[string]string{"integration.request.querystring.all": "method.request.multivaluequerystring.q"},
			call:   func(c *pipeline.Call) { c.Query["q"] = []string{"a", "b"} },
			want:   want{query: "all=a%2Cb", path: "/pets"},
		},
		{
			name:   "header to header, the last value",
			params: map[string]string{"integration.request.header.X-Out": "method.request.header.X-In"},
			call:   func(c *pipeline.Call) { c.Header["X-In"] = []string{"one", "two"} },
			want:   want{header: map[string]string{"X-Out": "two"}, path: "/pets"},
		},
		{
			name:   "multivalueheader: all values joined by commas",
			params: map[string]string{"integration.request.header.X-Out": "method.request.multivalueheader.X-In"},
			call:   func(c *pipeline.Call) { c.Header["X-In"] = []string{"one", "two"} },
			want:   want{header: map[string]string{"X-Out": "one,two"}, path: "/pets"},
		},
		{
			name: "a missing source omits the parameter",
			params: map[string]string{
				"integration.request.header.X-Out":       "method.request.header.X-Missing",
				"integration.request.querystring.q":      "method.request.querystring.missing",
				"integration.request.header.X-Stage-Var": "stageVariables.missing",
			},
			want: want{absent: []string{"X-Out", "X-Stage-Var"}, query: "", path: "/pets"},
		},
		{
			name: "context variables",
			params: map[string]string{
				"integration.request.header.X-Req":     "context.requestId",
				"integration.request.header.X-Stage":   "context.stage",
				"integration.request.header.X-Method":  "context.httpMethod",
				"integration.request.querystring.path": "context.resourcePath",
			},
			want: want{header: map[string]string{"X-Req": "req-1", "X-Stage": "dev", "X-Method": "GET"},
				query: "path=%2Fpets%2F%7Bid%7D", path: "/pets"},
		},
		{
			name:   "stage variables",
			params: map[string]string{"integration.request.querystring.env": "stageVariables.env"},
			call:   func(c *pipeline.Call) { c.StageVariables["env"] = "blue green" },
			want:   want{query: "env=blue+green", path: "/pets"},
		},
		{
			name: "static values, quotes stripped, spaces and commas kept",
			params: map[string]string{
				"integration.request.header.X-Static": "'a static, value'",
				"integration.request.querystring.s":   "'1'",
			},
			want: want{header: map[string]string{"X-Static": "a static, value"}, query: "s=1", path: "/pets"},
		},
		{
			name: "body JSONPath: strings, numbers, objects, array elements",
			params: map[string]string{
				"integration.request.header.X-Name":  "method.request.body.pet.name",
				"integration.request.header.X-Age":   "method.request.body.pet.age",
				"integration.request.header.X-Tag":   "method.request.body.pet.tags.1",
				"integration.request.header.X-Owner": "method.request.body.pet.owner",
				"integration.request.header.X-Null":  "method.request.body.pet.none",
				"integration.request.header.X-Gone":  "method.request.body.pet.missing",
				"integration.request.header.X-Past":  "method.request.body.pet.tags.5",
				"integration.request.header.X-Index": "method.request.body.pet.tags.x",
				"integration.request.header.X-Deep":  "method.request.body.pet.name.first",
			},
			call: func(c *pipeline.Call) {
				c.Body = pipeline.NewBodyBytes([]byte(`{"pet":{"name":"Rex","age":3,"tags":["a","b"],"owner":{"id":1},"none":null}}`))
			},
			want: want{header: map[string]string{"X-Name": "Rex", "X-Age": "3", "X-Tag": "b", "X-Owner": `{"id":1}`},
				absent: []string{"X-Null", "X-Gone", "X-Past", "X-Index", "X-Deep"}, path: "/pets"},
		},
		{
			name:   "the whole body",
			params: map[string]string{"integration.request.header.X-Body": "method.request.body"},
			call:   func(c *pipeline.Call) { c.Body = pipeline.NewBodyBytes([]byte(`{"a":[1,2]}`)) },
			want:   want{header: map[string]string{"X-Body": `{"a":[1,2]}`}, path: "/pets"},
		},
		{
			name:   "a body that is not JSON yields nothing for a JSONPath",
			params: map[string]string{"integration.request.header.X-Name": "method.request.body.name"},
			call:   func(c *pipeline.Call) { c.Body = pipeline.NewBodyBytes([]byte(`name=Rex`)) },
			want:   want{absent: []string{"X-Name"}, path: "/pets"},
		},
		{
			name: "keys that are not integration.request.* are ignored",
			params: map[string]string{
				"method.request.header.X-In":       "'ignored'",
				"integration.request.nolocation":   "'ignored'",
				"integration.request.header.X-Yes": "'kept'",
			},
			want: want{header: map[string]string{"X-Yes": "kept"}, absent: []string{"X-In"}, path: "/pets"},
		},
		{
			name:   "query mappings are appended to the endpoint URI's own query",
			uri:    "http://backend.example/pets?testQs=foo",
			params: map[string]string{"integration.request.querystring.testQs": "'bar'"},
			want:   want{query: "testQs=foo&testQs=bar", path: "/pets"},
		},
		{
			name:   "a path mapping takes precedence over the method's own parameter",
			uri:    "http://backend.example/items/{id}",
			params: map[string]string{"integration.request.path.id": "'mapped'"},
			call:   func(c *pipeline.Call) { c.PathParams["id"] = "own" },
			want:   want{path: "/items/mapped"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fake := &fakeBackend{}
			h := newTestHTTP(t, nil, &apidef.Integration{URI: tt.uri, HTTPMethod: "GET", RequestParameters: tt.params}, fake)
			c := newTestCall()
			if tt.call != nil {
				tt.call(c)
			}
			if _, err := callTestHTTP(t, h, c); err != nil {
				t.Fatalf("Invoke: %v", err)
			}
			if fake.calls != 1 {
				t.Fatalf("back end called %d times, want 1", fake.calls)
			}
			if got := fake.req.URL.EscapedPath(); got != tt.want.path {
				t.Errorf("path: got %q, want %q", got, tt.want.path)
			}
			if got := fake.req.URL.RawQuery; got != tt.want.query {
				t.Errorf("query: got %q, want %q", got, tt.want.query)
			}
			for k, v := range tt.want.header {
				if got := strings.Join(fake.req.Header.Values(k), "|"); got != v {
					t.Errorf("header %s: got %q, want %q", k, got, v)
				}
			}
			for _, k := range tt.want.absent {
				if vs := fake.req.Header.Values(k); len(vs) > 0 {
					t.Errorf("header %s: got %q, want absent", k, vs)
				}
			}
		})
	}
}

// TestExpandURI: how {name} placeholders of an endpoint URI are filled.
func TestExpandURI(t *testing.T) {
	tests := []struct {
		name     string
		uri      string
		resource string
		mapped   map[string]string
		own      map[string]string
		want     string
	}{
		{name: "no placeholder", uri: "http://h/a/b", want: "http://h/a/b"},
		{name: "method path parameter", uri: "http://h/pets/{id}", own: map[string]string{"id": "7"}, want: "http://h/pets/7"},
		{name: "mapped value first", uri: "http://h/pets/{id}", mapped: map[string]string{"id": "m"}, own: map[string]string{"id": "o"}, want: "http://h/pets/m"},
		{name: "a slash in a plain parameter is escaped", uri: "http://h/f/{id}", own: map[string]string{"id": "a/b"}, want: "http://h/f/a%2Fb"},
		{name: "space and percent are escaped", uri: "http://h/f/{id}", own: map[string]string{"id": "a b%"}, want: "http://h/f/a%20b%25"},
		{name: "a greedy parameter keeps its slashes", uri: "http://h/f/{proxy}", resource: "/f/{proxy+}",
			own: map[string]string{"proxy": "a b/c"}, want: "http://h/f/a%20b/c"},
		{name: "the same name, not greedy in this resource", uri: "http://h/f/{proxy+}", resource: "/f/{proxy}",
			own: map[string]string{"proxy": "a/c"}, want: "http://h/f/a%2Fc"},
		{name: "a placeholder in the query is query-escaped", uri: "http://h/f?q={id}", own: map[string]string{"id": "a b&c/d"}, want: "http://h/f?q=a+b%26c%2Fd"},
		{name: "no value: the placeholder is dropped", uri: "http://h/a/{x}/b", want: "http://h/a//b"},
		{name: "an unclosed brace is kept", uri: "http://h/a/{x", own: map[string]string{"x": "1"}, want: "http://h/a/{x"},
		{name: "several placeholders", uri: "http://h/{a}/{b}/{a}", own: map[string]string{"a": "1", "b": "2"}, want: "http://h/1/2/1"},
		{name: "harmless dots", uri: "http://h/f/{id}", own: map[string]string{"id": "...a..b.c"}, want: "http://h/f/...a..b.c"},
		{name: "a bad percent escape is not refused", uri: "http://h/f/{id}", own: map[string]string{"id": "%zz"}, want: "http://h/f/%25zz"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := newTestCall()
			c.ResourcePath = tt.resource
			if tt.own != nil {
				c.PathParams = tt.own
			}
			var mapped pathValues
			for k, v := range tt.mapped {
				mapped = append(mapped, pathValue{k, v})
			}
			got, err := expandURI(tt.uri, mapped, c)
			if err != nil {
				t.Fatalf("expandURI: %v", err)
			}
			if got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

// TestExpandURIRefusesPathTraversal: a path value that could leave the
// endpoint's path once a back end decodes it is refused with 400
// BAD_REQUEST_PARAMETERS, and nothing is sent.
func TestExpandURIRefusesPathTraversal(t *testing.T) {
	encode := func(s string, times int) string {
		for range times {
			s = strings.NewReplacer("%", "%25", ".", "%2e", "/", "%2f").Replace(s)
		}
		return s
	}
	tests := []struct {
		name, value string
		greedy      bool
		why         string
	}{
		{name: "dot-dot", value: "..", why: "dot segment"},
		{name: "dot", value: ".", why: "dot segment"},
		{name: "dot-dot with params", value: "..;x=1", why: "dot segment"},
		{name: "dot-dot inside a greedy value", value: "a/../b", greedy: true, why: "dot segment"},
		{name: "dot-dot inside a plain value", value: "a/../../admin", why: "dot segment"},
		{name: "encoded once", value: "%2e%2e", why: "dot segment"},
		{name: "encoded upper case", value: "%2E%2E%2Fadmin", why: "dot segment"},
		{name: "encoded three times", value: encode("../admin", 3), why: "dot segment"},
		{name: "encoded more often than decoded", value: encode("../admin", 5), why: "too many times"},
		{name: "backslash", value: `a\..\b`, why: "backslash"},
		{name: "encoded backslash", value: "a%5cb", why: "backslash"},
		{name: "NUL", value: "a\x00b", why: "NUL"},
		{name: "encoded NUL", value: "a%00b", why: "NUL"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := newTestCall()
			c.PathParams["id"] = tt.value
			if tt.greedy {
				c.ResourcePath = "/pets/{id+}"
			}
			_, err := expandURI("http://h/pets/{id}", nil, c)
			if err == nil {
				t.Fatalf("%q was accepted", tt.value)
			}
			got := testShapeOf(t, err)
			if got.Type != fault.BadRequestParameters || got.Status != 400 || got.Message != "Invalid request parameters" {
				t.Errorf("got %+v, want BAD_REQUEST_PARAMETERS 400 \"Invalid request parameters\"", got)
			}
			if !strings.Contains(got.Text, tt.why) {
				t.Errorf("error %q does not say %q", got.Text, tt.why)
			}

			// Through the integration: the back end is never called.
			fake := &fakeBackend{}
			h := newTestHTTP(t, nil, &apidef.Integration{URI: "http://backend.example/pets/{id}", HTTPMethod: "GET"}, fake)
			if _, err := callTestHTTP(t, h, c); err == nil || fake.calls != 0 {
				t.Errorf("Invoke: err %v, back end called %d times; want a refusal and no call", err, fake.calls)
			}
		})
	}
	// A dot segment in the query part is a query value, not a path segment.
	c := newTestCall()
	c.PathParams["id"] = ".."
	if got, err := expandURI("http://h/pets?id={id}", nil, c); err != nil || got != "http://h/pets?id=.." {
		t.Errorf("query placeholder: got %q, %v; want http://h/pets?id=..", got, err)
	}
}

// TestMergeQuery: the endpoint URI's query, then the client's as sent, then
// the mapped values; nothing replaced, dropped or reordered.
func TestMergeQuery(t *testing.T) {
	tests := []struct {
		name        string
		uri, client string
		mapped      url.Values
		want        string
	}{
		{name: "nothing", want: ""},
		{name: "uri only", uri: "a=1", want: "a=1"},
		{name: "client only, sent as is", client: "b=%zz;c&b=2", want: "b=%zz;c&b=2"},
		{name: "mapped only, encoded and sorted", mapped: url.Values{"z": {"1"}, "a": {"x y"}}, want: "a=x+y&z=1"},
		{name: "a name in every source is sent once per value", uri: "q=uri", client: "q=client", mapped: url.Values{"q": {"mapped"}},
			want: "q=uri&q=client&q=mapped"},
		{name: "empty parts leave no stray ampersand", uri: "", client: "c=1", mapped: url.Values{}, want: "c=1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := mergeQuery(tt.uri, tt.client, tt.mapped); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

// TestMappedHeaderRules: mapped headers replace the gateway's defaults, and
// the hop-by-hop names AWS never sends are dropped.
func TestMappedHeaderRules(t *testing.T) {
	fake := &fakeBackend{}
	h := newTestHTTP(t, nil, &apidef.Integration{HTTPMethod: "GET", RequestParameters: map[string]string{
		"integration.request.header.Accept":     "'text/plain'",
		"integration.request.header.User-Agent": "'mine'",
		"integration.request.header.Via":        "'1.1 proxy'",
		"integration.request.header.Expect":     "'100-continue'",
	}}, fake)
	if _, err := callTestHTTP(t, h, newTestCall()); err != nil {
		t.Fatal(err)
	}
	want := http.Header{"Accept": {"text/plain"}, "User-Agent": {"mine"}}
	for k, v := range want {
		if got := fake.req.Header.Values(k); strings.Join(got, ",") != v[0] {
			t.Errorf("%s: got %q, want %q", k, got, v)
		}
	}
	for _, k := range []string{"Via", "Expect"} {
		if got := fake.req.Header.Values(k); len(got) > 0 {
			t.Errorf("%s: got %q, want absent", k, got)
		}
	}
}
