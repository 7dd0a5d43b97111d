package integration

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/portico-gw/portico/internal/pipeline"
)

// TestHTTPAPIRequestMappings: each kind of key and value of
// https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-parameter-mapping.html,
// as the back end receives it.
func TestHTTPAPIRequestMappings(t *testing.T) {
	srv := echoBackend(t)
	tests := []struct {
		name     string
		mappings map[string]string
		uri      string // after the back end's address; "/base" when empty
		wantURI  string
		header   map[string]string // "" means absent
	}{
		{"AWS example: add a header with the request id (after the client's values)",
			map[string]string{"append:header.header1": "$context.requestId"}, "", "/base?q=1&q=2",
			map[string]string{"Header1": "h1a|h1b|req-1"}},
		{"AWS example: rename a header",
			map[string]string{"append:header.header2": "$request.header.header1", "remove:header.header1": "''"}, "", "/base?q=1&q=2",
			map[string]string{"Header2": "h1a,h1b", "Header1": ""}},
		{"overwrite replaces the client's header; append adds after it",
			map[string]string{"overwrite:header.X-Client": "new", "append:header.X-Client": "more"}, "", "/base?q=1&q=2",
			map[string]string{"X-Client": "new|more"}},
		{"static, braced and mixed values",
			map[string]string{"overwrite:header.X-Mix": "v-${request.path.proxy}-$stageVariables.env/${request.querystring.q}"}, "", "/base?q=1&q=2",
			map[string]string{"X-Mix": "v-7-test/1,2"}},
		{"a single variable with no value maps nothing",
			map[string]string{"overwrite:header.X-None": "$request.header.missing", "overwrite:header.X-Mixed": "a$request.header.missing"}, "", "/base?q=1&q=2",
			map[string]string{"X-None": "", "X-Mixed": "a"}},
		{"$request.path is the path without the stage",
			map[string]string{"overwrite:header.X-Path": "$request.path", "overwrite:header.X-Method": "$context.httpMethod",
				"overwrite:header.X-Route": "$context.routeKey"}, "", "/base?q=1&q=2",
			map[string]string{"X-Path": "/pets/7", "X-Method": "POST", "X-Route": "ANY /pets/{proxy+}"}},
		{"body JSON paths",
			map[string]string{"overwrite:header.X-Name": "$request.body.pet.name", "overwrite:header.X-Tag": "$request.body.pet.tags[1]",
				"overwrite:header.X-Obj": "$request.body.pet.age", "overwrite:header.X-Q": "${request.body.pet['odd key']}"}, "", "/base?q=1&q=2",
			map[string]string{"X-Name": "Rex", "X-Tag": "b", "X-Obj": "3", "X-Q": "v"}},
		{"$request.body alone is the whole body",
			map[string]string{"overwrite:header.X-Raw": "$request.body"}, "", "/base?q=1&q=2",
			map[string]string{"X-Raw": `{"pet":{"name":"Rex","tags":["a","b"],"age":3,"odd key":"v","note":"two\nlines"}}`}},
		{"a control character from the body becomes a space",
			map[string]string{"overwrite:header.X-Note": "$request.body.pet.note"}, "", "/base?q=1&q=2",
			map[string]string{"X-Note": "two lines"}},
		{"query strings: overwrite, append, remove keep the other pairs as sent",
			map[string]string{"overwrite:querystring.q": "one", "append:querystring.new": "a b", "remove:querystring.r": ""}, "/base?r=gone&keep=%2F", "/base?keep=%2F&q=one&new=a+b",
			nil},
		{"overwrite:path replaces the endpoint's path",
			map[string]string{"overwrite:path": "/v2$request.path"}, "/ignored", "/v2/pets/7?q=1&q=2",
			nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			uri := tt.uri
			if uri == "" {
				uri = "/base"
			}
			p := newTestV2Proxy(t, HTTPAPIProxyConfig{URI: srv.URL + uri, ParameterMappings: tt.mappings})
			c := newV2Call("POST", "/pets/7", "q=1&q=2")
			if strings.Contains(tt.name, "query strings") {
				c = newV2Call("POST", "/pets/7", "")
			}
			c.Header = http.Header{"Header1": {"h1a", "h1b"}, "X-Client": {"old"}}
			c.Body = pipeline.NewBodyBytes([]byte(`{"pet":{"name":"Rex","tags":["a","b"],"age":3,"odd key":"v","note":"two\nlines"}}`))
			_, s := invokeSeen(t, p, c)
			if s.URI != tt.wantURI {
				t.Errorf("URI %q, want %q", s.URI, tt.wantURI)
			}
			h := http.Header(s.Header)
			for name, want := range tt.header {
				got := strings.Join(h.Values(name), "|")
				if got != want {
					t.Errorf("%s = %q, want %q", name, got, want)
				}
			}
		})
	}
}

// TestHTTPAPIRequestMappingErrors: every refused mapping is reported, with
// its key, at compile time.
func TestHTTPAPIRequestMappingErrors(t *testing.T) {
	tests := []struct {
		key, value, want string
	}{
		{"overwrite:header.Authorization", "x", `requestParameters "overwrite:header.Authorization": header "Authorization" is reserved and cannot be mapped`},
		{"append:header.x-amzn-trace-id", "x", `header "x-amzn-trace-id" is reserved`},
		{"overwrite:header.Access-Control-Allow-Origin", "*", `header "Access-Control-Allow-Origin" is reserved`},
		{"overwrite:header.apigw-requestid", "x", `header "apigw-requestid" is reserved`},
		{"overwrite:header.X-Forwarded-For", "x", `header "X-Forwarded-For" is reserved`},
		{"overwrite:header.Host", "x", ""},
		{"overwrite:header.bad name", "x", `"bad name" is not a valid header name`},
		{"replace:header.x", "x", `unknown action "replace" (append, overwrite or remove)`},
		{"append:path", "x", `the path can only be overwritten ("overwrite:path")`},
		{"overwrite:cookie.x", "x", `unknown location "cookie" (header, querystring or path)`},
		{"header.x", "x", `a key is "{append|overwrite|remove}:{header|querystring}.{name}" or "overwrite:path"`},
		{"overwrite:header.x", "$request.cookie.a", `$request.cookie.a: unknown request variable`},
		{"overwrite:header.x", "$response.header.a", `$response.header.a: $response variables are for response parameters only`},
		{"overwrite:header.x", "$context.noSuchVariable", `$context.noSuchVariable: unknown context variable`},
		{"overwrite:header.x", "$request.body..a", `recursive descent (..) is not supported`},
		{"overwrite:header.x", "${request.body.a[?(@.b)]}", `filter expressions (?(...)) are not supported`},
		{"overwrite:header.x", "${request.header.a", `"${" without its "}"`},
		{"overwrite:header.x", "$foo", `$foo: unknown variable`},
	}
	for _, tt := range tests {
		t.Run(tt.key+"="+tt.value, func(t *testing.T) {
			_, err := CompileParameterMappings(map[string]string{tt.key: tt.value})
			if tt.want == "" {
				if err != nil {
					t.Errorf("refused: %v", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error %v, want %q", err, tt.want)
			}
			var me *MappingError
			if !errors.As(err, &me) || me.Key != tt.key {
				t.Errorf("error %v is not a *MappingError for %q", err, tt.key)
			}
		})
	}
	// Every problem is reported at once.
	_, err := CompileParameterMappings(map[string]string{"overwrite:header.Origin": "x", "remove:header.Via": "", "overwrite:header.ok": "fine"})
	if err == nil || strings.Count(err.Error(), "is reserved") != 2 {
		t.Errorf("error %v, want both reserved headers reported", err)
	}
	// Text with a "$" that starts no variable is static.
	m, err := CompileParameterMappings(map[string]string{"overwrite:header.x": "costs $5 or $"})
	if err != nil || len(m.ops) != 1 || len(m.ops[0].value) != 1 || m.ops[0].value[0].text != "costs $5 or $" {
		t.Errorf("static text with $: %v %+v", err, m)
	}
}

// TestHTTPAPIMappedPathIsChecked: an overwritten path that would climb out
// is refused with 400 BAD_REQUEST_PARAMETERS before anything is sent.
func TestHTTPAPIMappedPathIsChecked(t *testing.T) {
	fake := &fakeBackend{}
	p := newTestV2Proxy(t, HTTPAPIProxyConfig{URI: "http://backend.example/base", Transport: fake,
		ParameterMappings: map[string]string{"overwrite:path": "/safe/$request.header.p"}})
	c := newV2Call("GET", "/pets/1", "")
	c.Header.Set("P", "..%2F..%2Fadmin")
	_, err := p.Invoke(context.Background(), c)
	got := testShapeOf(t, err)
	if got.Status != 400 || got.Message != "Invalid request parameters" || fake.calls != 0 {
		t.Errorf("got %d %q with %d calls, want 400 and no call", got.Status, got.Message, fake.calls)
	}
}

// stubIntegration answers with a fixed result.
type stubIntegration struct{ res *pipeline.Result }

func (s *stubIntegration) Invoke(context.Context, *pipeline.Call) (*pipeline.Result, error) {
	r := *s.res
	r.Header = s.res.Header.Clone()
	return &r, nil
}

func (s *stubIntegration) Name() string { return "integration:AWS_PROXY" }

// TestHTTPAPIResponseMappings: response parameters by status code, the AWS
// example included.
func TestHTTPAPIResponseMappings(t *testing.T) {
	mappings := map[string]map[string]string{
		// The example of the AWS page: 500 becomes 403 with header1; 404 gets an error header.
		"500": {"append:header.header1": "$context.requestId", "overwrite:statuscode": "403"},
		"404": {"append:header.error": "$stageVariables.env"},
		"200": {
			"overwrite:header.X-Id":      "$response.body.id",
			"overwrite:header.X-Both":    "${response.header.X-Multi}|$response.body.items[0]",
			"remove:header.X-Secret":     "",
			"overwrite:header.X-Type":    "$response.header.content-type",
			"overwrite:statuscode":       "$response.body.code",
			"append:header.X-Multi":      "third",
			"overwrite:header.X-Missing": "$response.header.nope",
		},
	}
	tests := []struct {
		name       string
		res        pipeline.Result
		wantStatus int
		header     map[string]string
		wantBody   string
	}{
		{"500 becomes 403", pipeline.Result{Status: 500, Header: http.Header{}, Body: []byte("boom")}, 403,
			map[string]string{"Header1": "req-1"}, "boom"},
		{"404 gets a stage variable", pipeline.Result{Status: 404, Header: http.Header{}}, 404,
			map[string]string{"Error": "test"}, ""},
		{"201 has no mappings", pipeline.Result{Status: 201, Header: http.Header{"X-Secret": {"s"}}}, 201,
			map[string]string{"X-Secret": "s"}, ""},
		{"200 reads a streamed body and headers", pipeline.Result{Status: 200,
			Header: http.Header{"X-Multi": {"a", "b"}, "X-Secret": {"s"}, "Content-Type": {"application/json"}},
			Stream: io.NopCloser(strings.NewReader(`{"id":"i-9","items":[1.50,2],"code":202}`)), ContentLength: -1}, 202,
			map[string]string{"X-Id": "i-9", "X-Both": "a,b|1.50", "X-Secret": "", "X-Type": "application/json",
				"X-Multi": "a|b|third", "X-Missing": ""},
			`{"id":"i-9","items":[1.50,2],"code":202}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := &stubIntegration{res: &tt.res}
			wrapped, err := WithResponseMappings(in, mappings)
			if err != nil {
				t.Fatal(err)
			}
			if n := wrapped.(pipeline.Named).Name(); n != "integration:AWS_PROXY" {
				t.Errorf("Name %q, want the wrapped integration's", n)
			}
			c := newV2Call("GET", "/pets/1", "")
			res, err := wrapped.Invoke(context.Background(), c)
			if err != nil {
				t.Fatal(err)
			}
			if res.Status != tt.wantStatus {
				t.Errorf("status %d, want %d", res.Status, tt.wantStatus)
			}
			for name, want := range tt.header {
				if got := strings.Join(res.Header.Values(name), "|"); got != want {
					t.Errorf("%s = %q, want %q", name, got, want)
				}
			}
			body := string(res.Body)
			if res.Stream != nil {
				b, _ := io.ReadAll(res.Stream)
				body = string(b)
			}
			if body != tt.wantBody {
				t.Errorf("body %q, want %q", body, tt.wantBody)
			}
		})
	}
	// No mappings: the integration itself.
	in := &stubIntegration{res: &pipeline.Result{Status: 200}}
	if got, err := WithResponseMappings(in, nil); err != nil || got != pipeline.Integration(in) {
		t.Errorf("WithResponseMappings(nil) = %v, %v; want the integration itself", got, err)
	}
}

// TestHTTPAPIResponseMappingErrors: refused response parameters, each
// located by status code and key.
func TestHTTPAPIResponseMappingErrors(t *testing.T) {
	tests := []struct {
		status, key, value, want string
	}{
		{"2xx", "overwrite:statuscode", "200", `responseParameters "2xx" "": the key of response parameters is a status code (100 to 599)`},
		{"200", "overwrite:statuscode", "abc", `responseParameters "200" "overwrite:statuscode": "abc" is not a status code (200 to 599)`},
		{"200", "overwrite:querystring.a", "x", `a response key is "{append|overwrite|remove}:header.{name}" or "overwrite:statuscode"`},
		{"200", "overwrite:path", "/x", `a response key is`},
		{"200", "overwrite:header.Content-Length", "1", `header "Content-Length" is reserved`},
		{"200", "overwrite:header.x-amz-apigw-id", "1", `header "x-amz-apigw-id" is reserved`},
		{"200", "overwrite:header.x", "$response.trailer.a", `unknown response variable`},
	}
	for _, tt := range tests {
		t.Run(tt.status+" "+tt.key, func(t *testing.T) {
			_, err := WithResponseMappings(&stubIntegration{}, map[string]map[string]string{tt.status: {tt.key: tt.value}})
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error %v, want %q", err, tt.want)
			}
			var me *MappingError
			if !errors.As(err, &me) || me.Status != tt.status {
				t.Errorf("error %v is not a *MappingError for status %q", err, tt.status)
			}
		})
	}
}

// TestHTTPAPIMapCall: the mappings applied to a copy of the call, for
// integrations that read the call rather than send a request.
func TestHTTPAPIMapCall(t *testing.T) {
	m, err := CompileParameterMappings(map[string]string{
		"overwrite:header.X-A": "$request.querystring.q", "remove:header.X-Gone": "",
		"append:querystring.q": "three", "overwrite:path": "/v2$request.path",
	})
	if err != nil {
		t.Fatal(err)
	}
	c := newV2Call("GET", "/pets/7", "q=1&q=2")
	c.Header = http.Header{"X-Gone": {"x"}, "X-Keep": {"k"}}
	got, err := m.MapCall(c)
	if err != nil {
		t.Fatal(err)
	}
	if got.Header.Get("X-A") != "1,2" || got.Header.Get("X-Gone") != "" || got.Header.Get("X-Keep") != "k" {
		t.Errorf("headers %v", got.Header)
	}
	if got.RawQuery != "q=1&q=2&q=three" || strings.Join(got.Query["q"], ",") != "1,2,three" || got.Path != "/v2/pets/7" {
		t.Errorf("query %q %v, path %q", got.RawQuery, got.Query, got.Path)
	}
	if c.Header.Get("X-Gone") != "x" || c.RawQuery != "q=1&q=2" || c.Path != "/pets/7" {
		t.Errorf("the original call was changed: %v %q %q", c.Header, c.RawQuery, c.Path)
	}
	var none *ParamMapping
	if same, _ := none.MapCall(c); same != c {
		t.Errorf("a nil mapping copied the call")
	}
}

// TestHTTPAPIHostMapping: "overwrite:header.Host" sets the Host the back
// end sees.
func TestHTTPAPIHostMapping(t *testing.T) {
	srv := echoBackend(t)
	p := newTestV2Proxy(t, HTTPAPIProxyConfig{URI: srv.URL, ParameterMappings: map[string]string{"overwrite:header.Host": "internal.example"}})
	_, s := invokeSeen(t, p, newV2Call("GET", "/pets/1", ""))
	if s.Host != "internal.example" {
		t.Errorf("Host %q, want the mapped one", s.Host)
	}
}
