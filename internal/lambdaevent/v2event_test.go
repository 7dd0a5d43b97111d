package lambdaevent

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"math/rand/v2"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/google/go-cmp/cmp"

	"github.com/portico-gw/portico/internal/awsheaders"
	"github.com/portico-gw/portico/internal/pipeline"
)

// httpCall is a call on an HTTP API route GET /pets/{id} of stage dev.
func httpCall() *pipeline.Call {
	return &pipeline.Call{
		Start: time.Date(2026, 3, 4, 19, 15, 17, 135e6, time.UTC), RequestID: "JKJaXmPLvHcESHA=", ExtendedRequestID: "JKJaXmPLvHcESHA=",
		AccountID: "123456789012", Region: "us-east-1", APIID: "r3pmxmplak", Stage: "dev",
		DomainName: "r3pmxmplak.execute-api.us-east-1.amazonaws.com", DomainPrefix: "r3pmxmplak",
		StageVariables: map[string]string{"env": "dev"},
		HTTPMethod:     "POST", ResourcePath: "/pets/{id}", RouteKey: "POST /pets/{id}",
		Path: "/pets/1", StagePath: "/dev/pets/1", PathParams: map[string]string{"id": "1"},
		Query:    url.Values{"a": {"1", "2"}, "b": {"x y"}},
		RawQuery: "a=1&a=2&b=x+y",
		Header: http.Header{
			"User-Agent": {"curl/8.5"}, "X-Multi": {"a", "b"}, "Content-Type": {"application/json"},
			"Cookie": {"c1=v1; c2=v2", "c3=v3"}, "Connection": {"keep-alive"}, "Content-Length": {"7"},
			"Host": {"ignored"},
		},
		Host: "r3pmxmplak.execute-api.us-east-1.amazonaws.com", SourceIP: "198.51.100.7", Protocol: "HTTP/1.1",
		TraceID: "Root=1-5f84c7a1-abcdef012345678901234567",
	}
}

func TestProxyEventV2AsAWSLambdaGoReadsIt(t *testing.T) {
	t.Parallel()
	c := httpCall()
	c.Authorizer = map[string]any{"lambda": map[string]any{"user": "u1", "roles": []any{"a", "b"}}}
	raw, err := BuildProxyEventV2(context.Background(), c, []byte(`{"a":1}`))
	if err != nil {
		t.Fatal(err)
	}
	var got events.APIGatewayV2HTTPRequest
	if err := json.Unmarshal(raw, &got); err != nil {
		t.Fatalf("%v\n%s", err, raw)
	}
	want := events.APIGatewayV2HTTPRequest{
		Version: "2.0", RouteKey: "POST /pets/{id}", RawPath: "/dev/pets/1", RawQueryString: "a=1&a=2&b=x+y",
		Cookies: []string{"c1=v1", "c2=v2", "c3=v3"},
		Headers: map[string]string{
			"user-agent": "curl/8.5", "x-multi": "a,b", "content-type": "application/json", "content-length": "7",
			"host": "r3pmxmplak.execute-api.us-east-1.amazonaws.com", "x-forwarded-for": "198.51.100.7",
			"x-forwarded-port": "80", "x-forwarded-proto": "http", "x-amzn-trace-id": "Root=1-5f84c7a1-abcdef012345678901234567",
		},
		QueryStringParameters: map[string]string{"a": "1,2", "b": "x y"},
		PathParameters:        map[string]string{"id": "1"},
		StageVariables:        map[string]string{"env": "dev"},
		RequestContext: events.APIGatewayV2HTTPRequestContext{
			RouteKey: "POST /pets/{id}", AccountID: "123456789012", Stage: "dev", RequestID: "JKJaXmPLvHcESHA=",
			Authorizer: &events.APIGatewayV2HTTPRequestContextAuthorizerDescription{
				Lambda: map[string]any{"user": "u1", "roles": []any{"a", "b"}},
			},
			APIID: "r3pmxmplak", DomainName: "r3pmxmplak.execute-api.us-east-1.amazonaws.com", DomainPrefix: "r3pmxmplak",
			Time: "04/Mar/2026:19:15:17 +0000", TimeEpoch: 1772651717135,
			HTTP: events.APIGatewayV2HTTPRequestContextHTTPDescription{
				Method: "POST", Path: "/dev/pets/1", Protocol: "HTTP/1.1", SourceIP: "198.51.100.7", UserAgent: "curl/8.5",
			},
		},
		Body: `{"a":1}`,
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("event (-want +got):\n%s", d)
	}
	var m map[string]any
	_ = json.Unmarshal(raw, &m)
	if v, ok := m["requestContext"].(map[string]any)["authentication"]; !ok || v != nil {
		t.Errorf("authentication = %v (present %v), want null", v, ok)
	}
}

func TestProxyEventV2DefaultStage(t *testing.T) {
	t.Parallel()
	c := httpCall()
	c.Stage, c.StagePath, c.RouteKey = "$default", "/pets/1", "$default"
	raw, err := BuildProxyEventV2(context.Background(), c, nil)
	if err != nil {
		t.Fatal(err)
	}
	var got events.APIGatewayV2HTTPRequest
	if err := json.Unmarshal(raw, &got); err != nil {
		t.Fatal(err)
	}
	if got.RawPath != "/pets/1" || got.RequestContext.HTTP.Path != "/pets/1" || got.RequestContext.Stage != "$default" ||
		got.RouteKey != "$default" || got.RequestContext.RouteKey != "$default" {
		t.Errorf("rawPath %q, http.path %q, stage %q, routeKey %q/%q", got.RawPath, got.RequestContext.HTTP.Path,
			got.RequestContext.Stage, got.RouteKey, got.RequestContext.RouteKey)
	}
}

// TestProxyEventV2OmitsEmptyFields: AWS leaves out cookies, query string
// parameters, path parameters, stage variables, body and the authorizer
// when there are none; headers, rawQueryString and isBase64Encoded stay.
func TestProxyEventV2OmitsEmptyFields(t *testing.T) {
	t.Parallel()
	c := httpCall()
	c.Query, c.RawQuery, c.PathParams, c.StageVariables = nil, "", nil, nil
	c.Header = http.Header{}
	raw, err := BuildProxyEventV2(context.Background(), c, nil)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatal(err)
	}
	want := []string{"headers", "isBase64Encoded", "rawPath", "rawQueryString", "requestContext", "routeKey", "version"}
	if d := cmp.Diff(want, slices.Sorted(mapsKeys(m))); d != "" {
		t.Errorf("keys (-want +got):\n%s", d)
	}
	if string(m["rawQueryString"]) != `""` || string(m["isBase64Encoded"]) != "false" {
		t.Errorf("rawQueryString %s, isBase64Encoded %s", m["rawQueryString"], m["isBase64Encoded"])
	}
	var rc map[string]json.RawMessage
	_ = json.Unmarshal(m["requestContext"], &rc)
	if _, ok := rc["authorizer"]; ok {
		t.Errorf("requestContext.authorizer present without an authorizer: %s", rc["authorizer"])
	}
}

func mapsKeys[V any](m map[string]V) func(func(string) bool) {
	return func(yield func(string) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}

func TestProxyEventV2Base64(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		contentType string
		body        string
		base64      bool
	}{
		{"application/json", `{"a":1}`, false},
		{"application/json; charset=utf-8", `{}`, false},
		{"Application/JSON", `{}`, false},
		{"text/plain", "hello", false},
		{"text/html;charset=ISO-8859-1", "<p>", false},
		{"application/xml", "<a/>", false},
		{"application/javascript", "x()", false},
		{"", "hello", true},
		{"application/x-www-form-urlencoded", "a=1", true},
		{"application/octet-stream", "hello", true},
		{"image/png", "\x89PNG", true},
		{"application/vnd.api+json", "{}", true},
		{"text/plain", "\xff\xfe", true}, // not UTF-8: kept intact as base64
	} {
		c := httpCall()
		c.Header.Set("Content-Type", tt.contentType)
		raw, err := BuildProxyEventV2(context.Background(), c, []byte(tt.body))
		if err != nil {
			t.Fatal(err)
		}
		var got events.APIGatewayV2HTTPRequest
		if err := json.Unmarshal(raw, &got); err != nil {
			t.Fatal(err)
		}
		want := tt.body
		if tt.base64 {
			want = base64.StdEncoding.EncodeToString([]byte(tt.body))
		}
		if got.IsBase64Encoded != tt.base64 || got.Body != want {
			t.Errorf("%q: body %q base64 %v, want %q %v", tt.contentType, got.Body, got.IsBase64Encoded, want, tt.base64)
		}
	}
}

// lambdaGoTestdata returns a file of aws-lambda-go's events/testdata.
func lambdaGoTestdata(t *testing.T, name string) []byte {
	t.Helper()
	dir := lambdaGoDir(t)
	b, err := os.ReadFile(filepath.Join(dir, "events", "testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

var lambdaGoDirOnce = sync.OnceValues(func() (string, error) {
	out, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", "github.com/aws/aws-lambda-go").Output()
	return strings.TrimSpace(string(out)), err
})

func lambdaGoDir(t *testing.T) string {
	t.Helper()
	dir, err := lambdaGoDirOnce()
	if err != nil || dir == "" {
		t.Fatalf("locating aws-lambda-go: %v", err)
	}
	return dir
}

// keyPaths lists every object key path of a JSON document ("a.b.c"),
// without descending into the given opaque paths.
func keyPaths(t *testing.T, raw []byte, opaque ...string) []string {
	t.Helper()
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		t.Fatal(err)
	}
	var out []string
	var walk func(prefix string, v any)
	walk = func(prefix string, v any) {
		m, ok := v.(map[string]any)
		if !ok || slices.Contains(opaque, prefix) {
			return
		}
		for k, e := range m {
			p := k
			if prefix != "" {
				p = prefix + "." + k
			}
			out = append(out, p)
			walk(p, e)
		}
	}
	walk("", v)
	slices.Sort(out)
	return out
}

// TestProxyEventV2KeysMatchLambdaGoTestdata: with every field present the
// event has the key set of aws-lambda-go's payload 2.0 samples (the
// authorizer's and headers' own keys and the client certificate aside).
func TestProxyEventV2KeysMatchLambdaGoTestdata(t *testing.T) {
	t.Parallel()
	opaque := []string{"headers", "queryStringParameters", "pathParameters", "stageVariables", "requestContext.authorizer", "requestContext.authentication"}
	c := httpCall()
	c.Authorizer = map[string]any{"lambda": map[string]any{"k": "v"}}
	raw, err := BuildProxyEventV2(context.Background(), c, []byte("x"))
	if err != nil {
		t.Fatal(err)
	}
	got := keyPaths(t, raw, opaque...)
	for _, name := range []string{"apigw-v2-request-lambda-authorizer.json", "apigw-v2-request-jwt-authorizer.json"} {
		want := keyPaths(t, lambdaGoTestdata(t, name), opaque...)
		if d := cmp.Diff(want, got); d != "" {
			t.Errorf("%s keys (-testdata +ours):\n%s", name, d)
		}
	}
}

func TestAuthorizerEventV2(t *testing.T) {
	t.Parallel()
	c := httpCall()
	arn := "arn:aws:execute-api:us-east-1:123456789012:r3pmxmplak/dev/POST/pets/1"
	raw, err := AuthorizerEventV2(context.Background(), c, arn, []string{"Bearer t", "1"})
	if err != nil {
		t.Fatal(err)
	}
	var got events.APIGatewayV2CustomAuthorizerV2Request
	if err := json.Unmarshal(raw, &got); err != nil {
		t.Fatal(err)
	}
	if got.Version != "2.0" || got.Type != "REQUEST" || got.RouteArn != arn || !cmp.Equal(got.IdentitySource, []string{"Bearer t", "1"}) ||
		got.RouteKey != "POST /pets/{id}" || got.RawPath != "/dev/pets/1" || got.RawQueryString != "a=1&a=2&b=x+y" ||
		!cmp.Equal(got.Cookies, []string{"c1=v1", "c2=v2", "c3=v3"}) || got.Headers["x-multi"] != "a,b" ||
		got.QueryStringParameters["a"] != "1,2" || got.PathParameters["id"] != "1" || got.StageVariables["env"] != "dev" ||
		got.RequestContext.HTTP.Method != "POST" || got.RequestContext.RequestID != "JKJaXmPLvHcESHA=" {
		t.Errorf("event: %+v", got)
	}
	opaque := []string{"headers", "queryStringParameters", "pathParameters", "stageVariables", "requestContext.authentication"}
	want := keyPaths(t, lambdaGoTestdata(t, "apigw-v2-custom-authorizer-v2-request.json"), opaque...)
	if d := cmp.Diff(want, keyPaths(t, raw, opaque...)); d != "" {
		t.Errorf("keys (-testdata +ours):\n%s", d)
	}
	if strings.Contains(string(raw), `"body"`) || strings.Contains(string(raw), `"isBase64Encoded"`) {
		t.Errorf("authorizer event carries the body: %s", raw)
	}
}

func TestProxyEventHTTPAPIV1(t *testing.T) {
	t.Parallel()
	c := httpCall()
	c.Header.Set("Authorization", "Bearer t")
	c.Header.Set("Content-Type", "application/octet-stream")
	c.Authorizer = map[string]any{"jwt": map[string]any{"claims": map[string]any{"sub": "u1"}, "scopes": nil}}
	raw, err := BuildProxyEventHTTPAPIV1(context.Background(), c, []byte("\x00\x01"))
	if err != nil {
		t.Fatal(err)
	}
	var got events.APIGatewayProxyRequest
	if err := json.Unmarshal(raw, &got); err != nil {
		t.Fatal(err)
	}
	if got.Path != "/dev/pets/1" || got.Resource != "/pets/{id}" || got.HTTPMethod != "POST" ||
		got.Headers["authorization"] != "Bearer t" || got.Headers["x-multi"] != "b" || got.Headers["cookie"] != "c3=v3" ||
		!cmp.Equal(got.MultiValueHeaders["x-multi"], []string{"a", "b"}) || got.Headers["connection"] != "" ||
		got.QueryStringParameters["a"] != "2" || !cmp.Equal(got.MultiValueQueryStringParameters["a"], []string{"1", "2"}) ||
		!got.IsBase64Encoded || got.Body != "AAE=" ||
		got.RequestContext.Path != "/dev/pets/1" || got.RequestContext.Stage != "dev" || got.RequestContext.RequestTime != "04/Mar/2026:19:15:17 +0000" ||
		got.RequestContext.Identity.SourceIP != "198.51.100.7" || got.RequestContext.Identity.UserAgent != "curl/8.5" {
		t.Errorf("event: %+v", got)
	}
	var m struct {
		Version        string `json:"version"`
		RequestContext map[string]json.RawMessage
	}
	_ = json.Unmarshal(raw, &m)
	if m.Version != "1.0" {
		t.Errorf("version %q", m.Version)
	}
	if _, ok := m.RequestContext["deploymentId"]; ok {
		t.Errorf("requestContext has deploymentId")
	}
	if string(m.RequestContext["resourceId"]) != "null" {
		t.Errorf("resourceId = %s, want null", m.RequestContext["resourceId"])
	}
	if d := cmp.Diff(`{"claims":{"sub":"u1"},"scopes":null}`, string(m.RequestContext["authorizer"])); d != "" {
		t.Errorf("authorizer (-want +got):\n%s", d)
	}
	c.Authorizer = nil
	raw, _ = BuildProxyEventHTTPAPIV1(context.Background(), c, nil)
	_ = json.Unmarshal(raw, &m)
	if string(m.RequestContext["authorizer"]) != `{"claims":null,"scopes":null}` {
		t.Errorf("authorizer without one = %s", m.RequestContext["authorizer"])
	}
	c.Authorizer = map[string]any{"lambda": map[string]any{"user": "u1"}}
	raw, _ = BuildProxyEventHTTPAPIV1(context.Background(), c, nil)
	_ = json.Unmarshal(raw, &m)
	if string(m.RequestContext["authorizer"]) != `{"user":"u1"}` {
		t.Errorf("Lambda authorizer = %s", m.RequestContext["authorizer"])
	}
}

func TestAuthorizerEventHTTPAPIV1(t *testing.T) {
	t.Parallel()
	arn := "arn:aws:execute-api:us-east-1:123456789012:r3pmxmplak/dev/POST/pets/1"
	raw, err := AuthorizerEventHTTPAPIV1(context.Background(), httpCall(), arn, []string{"user1", "123"})
	if err != nil {
		t.Fatal(err)
	}
	var got events.APIGatewayV2CustomAuthorizerV1Request
	if err := json.Unmarshal(raw, &got); err != nil {
		t.Fatal(err)
	}
	if got.Version != "1.0" || got.Type != "REQUEST" || got.MethodArn != arn || got.IdentitySource != "user1,123" ||
		got.AuthorizationToken != "user1,123" || got.Resource != "/pets/{id}" || got.HTTPMethod != "POST" ||
		got.Headers["x-multi"] != "b" || got.RequestContext.Stage != "dev" || got.RequestContext.APIID != "r3pmxmplak" {
		t.Errorf("event: %+v", got)
	}
	// Every key of aws-lambda-go's sample is there.
	opaque := []string{"headers", "queryStringParameters", "pathParameters", "stageVariables", "requestContext.identity"}
	ours := keyPaths(t, raw, opaque...)
	for _, k := range keyPaths(t, lambdaGoTestdata(t, "apigw-v2-custom-authorizer-v1-request.json"), opaque...) {
		if !slices.Contains(ours, k) {
			t.Errorf("key %s missing", k)
		}
	}
	if strings.Contains(string(raw), `"body"`) {
		t.Errorf("authorizer event carries the body")
	}
}

// v2Mirror is v2Event with encoding/json tags, to check the hand-written
// encoder against encoding/json.
type v2Mirror struct {
	Version               string            `json:"version"`
	RouteKey              string            `json:"routeKey"`
	RawPath               string            `json:"rawPath"`
	RawQueryString        string            `json:"rawQueryString"`
	Cookies               []string          `json:"cookies,omitempty"`
	Headers               map[string]string `json:"headers"`
	QueryStringParameters map[string]string `json:"queryStringParameters,omitempty"`
	RequestContext        struct {
		AccountID      string         `json:"accountId"`
		APIID          string         `json:"apiId"`
		Authentication *struct{}      `json:"authentication"`
		Authorizer     map[string]any `json:"authorizer,omitempty"`
		DomainName     string         `json:"domainName"`
		DomainPrefix   string         `json:"domainPrefix"`
		HTTP           struct {
			Method    string `json:"method"`
			Path      string `json:"path"`
			Protocol  string `json:"protocol"`
			SourceIP  string `json:"sourceIp"`
			UserAgent string `json:"userAgent"`
		} `json:"http"`
		RequestID string `json:"requestId"`
		RouteKey  string `json:"routeKey"`
		Stage     string `json:"stage"`
		Time      string `json:"time"`
		TimeEpoch int64  `json:"timeEpoch"`
	} `json:"requestContext"`
	Body            string            `json:"body,omitempty"`
	PathParameters  map[string]string `json:"pathParameters,omitempty"`
	IsBase64Encoded bool              `json:"isBase64Encoded"`
	StageVariables  map[string]string `json:"stageVariables,omitempty"`
}

func TestAppendV2EventMatchesEncodingJSON(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(7, 11))
	for i := range 2000 {
		ev := v2Event{
			RouteKey: randString(r), RawPath: randString(r), RawQueryString: randString(r),
			Headers: randStringMap(r), QueryStringParameters: randStringMap(r), PathParameters: randStringMap(r),
			StageVariables: randStringMap(r), Body: randString(r), IsBase64Encoded: r.IntN(2) == 0,
		}
		if ev.Headers == nil {
			ev.Headers = map[string]string{}
		}
		for range r.IntN(3) {
			ev.Cookies = append(ev.Cookies, randString(r))
		}
		rc := &ev.RequestContext
		rc.AccountID, rc.APIID, rc.DomainName, rc.DomainPrefix = randString(r), randString(r), randString(r), randString(r)
		rc.HTTP = v2HTTP{randString(r), randString(r), randString(r), randString(r), randString(r)}
		rc.RequestID, rc.RouteKey, rc.Stage, rc.Time, rc.TimeEpoch = randString(r), randString(r), randString(r), randString(r), r.Int64()
		if r.IntN(2) == 0 {
			rc.Authorizer = map[string]any{"lambda": map[string]any{randString(r): randString(r)}}
		}
		var m v2Mirror
		m.Version, m.RouteKey, m.RawPath, m.RawQueryString, m.Cookies = "2.0", ev.RouteKey, ev.RawPath, ev.RawQueryString, ev.Cookies
		m.Headers, m.QueryStringParameters, m.Body, m.PathParameters = ev.Headers, ev.QueryStringParameters, ev.Body, ev.PathParameters
		m.IsBase64Encoded, m.StageVariables = ev.IsBase64Encoded, ev.StageVariables
		mc := &m.RequestContext
		mc.AccountID, mc.APIID, mc.Authorizer, mc.DomainName, mc.DomainPrefix = rc.AccountID, rc.APIID, rc.Authorizer, rc.DomainName, rc.DomainPrefix
		mc.HTTP.Method, mc.HTTP.Path, mc.HTTP.Protocol, mc.HTTP.SourceIP, mc.HTTP.UserAgent = rc.HTTP.Method, rc.HTTP.Path, rc.HTTP.Protocol, rc.HTTP.SourceIP, rc.HTTP.UserAgent
		mc.RequestID, mc.RouteKey, mc.Stage, mc.Time, mc.TimeEpoch = rc.RequestID, rc.RouteKey, rc.Stage, rc.Time, rc.TimeEpoch
		want, err := json.Marshal(m)
		if err != nil {
			t.Fatal(err)
		}
		got, err := appendV2Event(nil, &ev)
		if err != nil {
			t.Fatal(err)
		}
		if string(got) != string(want) {
			t.Fatalf("event %d:\n got %s\nwant %s", i, got, want)
		}
	}
}

func BenchmarkBuildProxyEventV2(b *testing.B) {
	c := httpCall()
	body := []byte(`{"name":"Rex","kind":"dog"}`)
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := BuildProxyEventV2(ctx, c, body); err != nil {
			b.Fatal(err)
		}
	}
}

// TestHTTPAPIEventAddedHeadersMatchRules: the headers the gateway writes
// into HTTP API events are the ones awsheaders.Rules lists as Added at
// HTTPAPIEvent, and the hop-by-hop headers listed as Dropped stay out.
func TestHTTPAPIEventAddedHeadersMatchRules(t *testing.T) {
	t.Parallel()
	c := httpCall()
	c.Header = http.Header{"Connection": {"close"}, "Te": {"trailers"}, "Upgrade": {"h2c"}, "Keep-Alive": {"5"}}
	want := []string{}
	for k := range awsheaders.AddedAt(awsheaders.HTTPAPIEvent) {
		want = append(want, strings.ToLower(k))
	}
	slices.Sort(want)
	for _, build := range []func() ([]byte, error){
		func() ([]byte, error) { return BuildProxyEventV2(context.Background(), c, nil) },
		func() ([]byte, error) { return BuildProxyEventHTTPAPIV1(context.Background(), c, nil) },
	} {
		raw, err := build()
		if err != nil {
			t.Fatal(err)
		}
		var ev struct{ Headers map[string]string }
		if err := json.Unmarshal(raw, &ev); err != nil {
			t.Fatal(err)
		}
		if d := cmp.Diff(want, slices.Sorted(mapsKeys(ev.Headers))); d != "" {
			t.Errorf("headers (-rules +event):\n%s", d)
		}
	}
}
