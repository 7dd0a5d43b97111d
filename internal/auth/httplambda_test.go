package auth

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-lambda-go/lambda"
	"github.com/google/go-cmp/cmp"

	"github.com/portico-gw/portico/internal/apidef"
	"github.com/portico-gw/portico/internal/fault"
	"github.com/portico-gw/portico/internal/lambdaevent"
	"github.com/portico-gw/portico/internal/pipeline"
)

// goFunction runs an aws-lambda-go handler in process through
// lambda.NewHandler, which decodes the event and encodes the answer as
// aws-lambda-go's runtime loop does; a returned error becomes an
// Unhandled function error carrying its errorMessage.
type goFunction struct {
	h     lambda.Handler
	calls atomic.Int64
}

func newGoFunction(handler any) *goFunction { return &goFunction{h: lambda.NewHandler(handler)} }

func (f *goFunction) InvokeFunction(ctx context.Context, _ string, payload []byte, _, _ string) (lambdaevent.FunctionResult, error) {
	f.calls.Add(1)
	out, err := f.h.Invoke(ctx, payload)
	if ctx.Err() != nil {
		return lambdaevent.FunctionResult{}, ctx.Err()
	}
	if err != nil {
		msg, _ := json.Marshal(map[string]string{"errorMessage": err.Error()})
		return lambdaevent.FunctionResult{Payload: msg, FunctionError: "Unhandled"}, nil
	}
	return lambdaevent.FunctionResult{Payload: out}, nil
}

const authURI = "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:123456789012:function:Auth/invocations"

func httpDef(format string, simple bool, ttl int, sources ...string) apidef.Authorizer {
	return apidef.Authorizer{Name: "lam", Type: apidef.AuthorizerRequest, PayloadFormatVersion: format, EnableSimpleResponses: simple,
		IdentitySources: sources, ResultTTLSeconds: ttl, AuthorizerURI: authURI}
}

func newHTTPLambda(t *testing.T, def apidef.Authorizer, inv lambdaevent.FunctionInvoker) *HTTPLambda {
	t.Helper()
	l, err := NewHTTPLambdaAuthorizer(HTTPLambdaConfig{Def: def, Invoker: inv})
	if err != nil {
		t.Fatal(err)
	}
	return l
}

// httpAPIRouteCall is GET /pets/1 on the route GET /pets/{id}, stage dev.
func httpAPIRouteCall(authorization string) *pipeline.Call {
	h := http.Header{}
	if authorization != "" {
		h.Set("Authorization", authorization)
	}
	return &pipeline.Call{Header: h, HTTPMethod: "GET", APIID: "api1", Stage: "dev", Path: "/pets/1", StagePath: "/dev/pets/1",
		ResourcePath: "/pets/{id}", RouteKey: "GET /pets/{id}", PathParams: map[string]string{"id": "1"},
		Query: url.Values{"q": {"a", "b"}}, RawQuery: "q=a&q=b", StageVariables: map[string]string{"tenant": "t1"},
		Region: "us-east-1", AccountID: "123456789012", RequestID: "req-1", Start: time.Unix(1_800_000_000, 0)}
}

func faultOf(t *testing.T, err error) *fault.Error {
	t.Helper()
	f, ok := errors.AsType[*fault.Error](err)
	if !ok {
		t.Fatalf("error %v (%T) is not a fault", err, err)
	}
	return f
}

func TestHTTPLambdaSimpleResponses(t *testing.T) {
	t.Parallel()
	fn := newGoFunction(func(req events.APIGatewayV2CustomAuthorizerV2Request) (events.APIGatewayV2CustomAuthorizerSimpleResponse, error) {
		if req.Version != "2.0" || req.Type != "REQUEST" || req.RouteArn != "arn:aws:execute-api:us-east-1:123456789012:api1/dev/GET/pets/1" ||
			req.RouteKey != "GET /pets/{id}" || req.RawPath != "/dev/pets/1" {
			return events.APIGatewayV2CustomAuthorizerSimpleResponse{}, errors.New("unexpected event")
		}
		return events.APIGatewayV2CustomAuthorizerSimpleResponse{
			IsAuthorized: req.IdentitySource[0] == "Bearer good",
			Context:      map[string]any{"user": "u1", "roles": []string{"admin", "dev"}, "n": 7, "nested": map[string]bool{"x": true}},
		}, nil
	})
	l := newHTTPLambda(t, httpDef("2.0", true, 0, "$request.header.authorization", "$stageVariables.tenant"), fn)
	c := httpAPIRouteCall("Bearer good")
	if err := l.Run(context.Background(), c); err != nil {
		t.Fatal(err)
	}
	got, _ := json.Marshal(c.Authorizer)
	if d := cmp.Diff(`{"lambda":{"n":7,"nested":{"x":true},"roles":["admin","dev"],"user":"u1"}}`, string(got)); d != "" {
		t.Errorf("authorizer (-want +got):\n%s", d)
	}
	c = httpAPIRouteCall("Bearer bad")
	f := faultOf(t, l.Run(context.Background(), c))
	if f.Type != fault.AccessDenied || f.StatusCode() != 403 || f.MessageText() != "Forbidden" || c.Authorizer != nil {
		t.Errorf("denied: type %s status %d message %q authorizer %v", f.Type, f.StatusCode(), f.MessageText(), c.Authorizer)
	}
}

func TestHTTPLambdaIdentitySources(t *testing.T) {
	t.Parallel()
	var seen atomic.Value
	fn := newGoFunction(func(req events.APIGatewayV2CustomAuthorizerV2Request) (events.APIGatewayV2CustomAuthorizerSimpleResponse, error) {
		seen.Store(req.IdentitySource)
		return events.APIGatewayV2CustomAuthorizerSimpleResponse{IsAuthorized: true}, nil
	})
	l := newHTTPLambda(t, httpDef("2.0", true, 0, "$request.header.X-TOKEN", "$request.querystring.q", "$context.routeKey",
		"$context.stage", "$stageVariables.tenant"), fn)
	c := httpAPIRouteCall("")
	c.Header.Add("x-token", "t1")
	c.Header.Add("x-token", "t2")
	if err := l.Run(context.Background(), c); err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff([]string{"t1,t2", "a,b", "GET /pets/{id}", "dev", "t1"}, seen.Load()); d != "" {
		t.Errorf("identitySource (-want +got):\n%s", d)
	}
	if !cmp.Equal(c.Authorizer, map[string]any{"lambda": map[string]any{}}) {
		t.Errorf("authorizer %v", c.Authorizer)
	}
	for name, change := range map[string]func(c *pipeline.Call){
		"header missing":          func(c *pipeline.Call) { c.Header.Del("X-Token") },
		"header empty":            func(c *pipeline.Call) { c.Header.Set("X-Token", " ") },
		"query is case-sensitive": func(c *pipeline.Call) { c.Query = url.Values{"Q": {"a"}} },
		"stage variable missing":  func(c *pipeline.Call) { c.StageVariables = nil },
	} {
		c := httpAPIRouteCall("")
		c.Header.Set("X-Token", "t")
		change(c)
		before := fn.calls.Load()
		f := faultOf(t, l.Run(context.Background(), c))
		if f.Type != fault.Unauthorized || f.StatusCode() != 401 {
			t.Errorf("%s: got %s %d", name, f.Type, f.StatusCode())
		}
		if fn.calls.Load() != before {
			t.Errorf("%s: the function was invoked", name)
		}
	}
	// A query source spelled Q does not read q; a header source ignores case.
	upper := newHTTPLambda(t, httpDef("2.0", true, 0, "$request.header.x-token", "$request.querystring.Q"), fn)
	c = httpAPIRouteCall("")
	c.Header.Set("X-Token", "t")
	if f := faultOf(t, upper.Run(context.Background(), c)); f.Type != fault.Unauthorized {
		t.Errorf("querystring.Q with q=...: got %s", f.Type)
	}
	c.Query.Set("Q", "z")
	if err := upper.Run(context.Background(), c); err != nil {
		t.Errorf("querystring.Q with Q=z: %v", err)
	}
}

func TestHTTPLambdaPolicyV2(t *testing.T) {
	t.Parallel()
	fn := newGoFunction(func(req events.APIGatewayV2CustomAuthorizerV2Request) (events.APIGatewayV2CustomAuthorizerIAMPolicyResponse, error) {
		return events.APIGatewayV2CustomAuthorizerIAMPolicyResponse{
			PrincipalID: "u1",
			PolicyDocument: events.APIGatewayCustomAuthorizerPolicy{Version: "2012-10-17", Statement: []events.IAMPolicyStatement{
				{Action: []string{"execute-api:Invoke"}, Effect: "Allow", Resource: []string{"arn:aws:execute-api:us-east-1:123456789012:api1/dev/GET/pets/*"}},
			}},
			Context: map[string]any{"scopes": []string{"a"}, "user": "u1"},
		}, nil
	})
	l := newHTTPLambda(t, httpDef("2.0", false, -1, "$request.header.Authorization"), fn)
	c := httpAPIRouteCall("Bearer x")
	if err := l.Run(context.Background(), c); err != nil {
		t.Fatal(err)
	}
	got, _ := json.Marshal(c.Authorizer)
	if string(got) != `{"lambda":{"scopes":["a"],"user":"u1"}}` {
		t.Errorf("authorizer %s", got)
	}
	// The cached policy is evaluated against each route: another path is denied.
	c = httpAPIRouteCall("Bearer x")
	c.Path, c.HTTPMethod = "/admin", "POST"
	f := faultOf(t, l.Run(context.Background(), c))
	if f.Type != fault.AccessDenied || f.MessageText() != "Forbidden" {
		t.Errorf("implicit deny: %s %q", f.Type, f.MessageText())
	}
	if fn.calls.Load() != 1 {
		t.Errorf("invocations %d, want 1 (cached by identity)", fn.calls.Load())
	}
}

func TestHTTPLambdaPayload1(t *testing.T) {
	t.Parallel()
	fn := newGoFunction(func(req events.APIGatewayV2CustomAuthorizerV1Request) (events.APIGatewayCustomAuthorizerResponse, error) {
		if req.Version != "1.0" || req.IdentitySource != "Bearer x,a,b" || req.AuthorizationToken != "Bearer x,a,b" ||
			req.MethodArn != "arn:aws:execute-api:us-east-1:123456789012:api1/dev/GET/pets/1" || req.Headers["authorization"] != "Bearer x" {
			return events.APIGatewayCustomAuthorizerResponse{}, errors.New("unexpected event")
		}
		effect := "Allow"
		if req.QueryStringParameters["deny"] != "" {
			effect = "Deny"
		}
		resp := events.APIGatewayCustomAuthorizerResponse{PrincipalID: "u1",
			PolicyDocument: events.APIGatewayCustomAuthorizerPolicy{Version: "2012-10-17", Statement: []events.IAMPolicyStatement{
				{Action: []string{"execute-api:Invoke"}, Effect: effect, Resource: []string{"*"}}}},
			Context: map[string]any{"user": "u1", "n": 2}}
		if req.QueryStringParameters["bad"] != "" {
			resp.Context["list"] = []string{"not allowed in 1.0"}
		}
		return resp, nil
	})
	l := newHTTPLambda(t, httpDef("1.0", false, 0, "$request.header.Authorization", "$request.querystring.q"), fn)
	c := httpAPIRouteCall("Bearer x")
	if err := l.Run(context.Background(), c); err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(map[string]any{"lambda": map[string]any{"user": "u1", "n": "2"}}, c.Authorizer); d != "" {
		t.Errorf("authorizer (-want +got):\n%s", d)
	}
	c = httpAPIRouteCall("Bearer x")
	c.Query.Set("deny", "1")
	if f := faultOf(t, l.Run(context.Background(), c)); f.Type != fault.AccessDenied || f.MessageText() != "Forbidden" {
		t.Errorf("explicit deny: %s %q", f.Type, f.MessageText())
	}
	c = httpAPIRouteCall("Bearer x")
	c.Query.Set("bad", "1")
	if f := faultOf(t, l.Run(context.Background(), c)); f.Type != fault.AuthorizerConfigurationError || f.StatusCode() != 500 {
		t.Errorf("list context in 1.0: %s %d", f.Type, f.StatusCode())
	}
}

func TestHTTPLambdaFailures(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name    string
		handler any
		timeout time.Duration
		want    fault.ResponseType
		status  int
	}{
		{"Unauthorized", func() (string, error) { return "", errors.New("Unauthorized") }, 0, fault.Unauthorized, 401},
		{"other error", func() (string, error) { return "", errors.New("boom") }, 0, fault.AuthorizerConfigurationError, 500},
		{"no isAuthorized", func() (map[string]any, error) { return map[string]any{"context": map[string]any{}}, nil }, 0, fault.AuthorizerConfigurationError, 500},
		{"isAuthorized not boolean", func() (map[string]any, error) { return map[string]any{"isAuthorized": "true"}, nil }, 0, fault.AuthorizerConfigurationError, 500},
		{"context not an object", func() (map[string]any, error) { return map[string]any{"isAuthorized": true, "context": []int{1}}, nil }, 0, fault.AuthorizerConfigurationError, 500},
		{"not JSON object", func() (string, error) { return "yes", nil }, 0, fault.AuthorizerConfigurationError, 500},
		{"timeout", func(ctx context.Context) (string, error) { <-ctx.Done(); return "", ctx.Err() }, 5 * time.Millisecond, fault.AuthorizerConfigurationError, 500},
	} {
		l, err := NewHTTPLambdaAuthorizer(HTTPLambdaConfig{Def: httpDef("2.0", true, 0, "$request.header.Authorization"),
			Invoker: newGoFunction(tt.handler), Timeout: tt.timeout})
		if err != nil {
			t.Fatal(err)
		}
		f := faultOf(t, l.Run(context.Background(), httpAPIRouteCall("Bearer x")))
		if f.Type != tt.want || f.StatusCode() != tt.status {
			t.Errorf("%s: got %s %d, want %s %d", tt.name, f.Type, f.StatusCode(), tt.want, tt.status)
		}
	}
}

func TestHTTPLambdaCache(t *testing.T) {
	t.Parallel()
	allow := func() (events.APIGatewayV2CustomAuthorizerSimpleResponse, error) {
		return events.APIGatewayV2CustomAuthorizerSimpleResponse{IsAuthorized: true}, nil
	}
	now := time.Unix(1_800_000_000, 0)
	fn := newGoFunction(allow)
	l, err := NewHTTPLambdaAuthorizer(HTTPLambdaConfig{Def: httpDef("2.0", true, 60, "$request.header.Authorization"), Invoker: fn,
		Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	run := func(tok string) {
		t.Helper()
		if err := l.Run(context.Background(), httpAPIRouteCall(tok)); err != nil {
			t.Fatal(err)
		}
	}
	run("a")
	run("a")
	now = now.Add(59 * time.Second)
	run("a")
	if fn.calls.Load() != 1 {
		t.Errorf("%d invocations within the TTL, want 1", fn.calls.Load())
	}
	run("b")
	now = now.Add(time.Second)
	run("a")
	if fn.calls.Load() != 3 {
		t.Errorf("%d invocations, want 3 (a new identity, an expired entry)", fn.calls.Load())
	}

	for name, def := range map[string]apidef.Authorizer{
		"TTL 0":              httpDef("2.0", true, 0, "$request.header.Authorization"),
		"no identity source": httpDef("2.0", true, 300),
	} {
		fn := newGoFunction(allow)
		l := newHTTPLambda(t, def, fn)
		for range 2 {
			if err := l.Run(context.Background(), httpAPIRouteCall("a")); err != nil {
				t.Fatal(err)
			}
		}
		if fn.calls.Load() != 2 {
			t.Errorf("%s: %d invocations, want 2 (no cache)", name, fn.calls.Load())
		}
	}
}

func TestNewHTTPLambdaAuthorizerErrors(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		def  apidef.Authorizer
		want string
	}{
		{httpDef("", false, 0), `authorizerPayloadFormatVersion "" is not 1.0 or 2.0`},
		{httpDef("3.0", false, 0), `authorizerPayloadFormatVersion "3.0" is not 1.0 or 2.0`},
		{httpDef("1.0", true, 0), "enableSimpleResponses needs authorizerPayloadFormatVersion 2.0"},
		{httpDef("2.0", true, 0, "$request.body.x"), `identity source "$request.body.x" is not`},
		{httpDef("2.0", true, 0, "$request.header."), `identity source "$request.header." is not`},
		{httpDef("2.0", true, 3601, "$request.header.a"), "authorizerResultTtlInSeconds 3601 is over 3600"},
		{apidef.Authorizer{Name: "lam", PayloadFormatVersion: "2.0", AuthorizerURI: "arn:aws:apigateway:us-east-1:s3:path/x"}, "does not name a Lambda function"},
	} {
		_, err := NewHTTPLambdaAuthorizer(HTTPLambdaConfig{Def: tt.def})
		if err == nil || !strings.Contains(err.Error(), tt.want) || !strings.HasPrefix(err.Error(), "authorizer lam: ") {
			t.Errorf("%+v: got %v, want %q", tt.def, err, tt.want)
		}
	}
	def := httpDef("2.0", false, -1)
	def.IdentitySource = "$request.header.a, $request.querystring.b"
	l, err := NewHTTPLambdaAuthorizer(HTTPLambdaConfig{Def: def, Function: "Other"})
	if err == nil && !cmp.Equal(l.sources, []identitySource{{"$request.header.a", 'h', "a"}, {"$request.querystring.b", 'q', "b"}}, cmp.AllowUnexported(identitySource{})) {
		t.Errorf("identity sources from the comma-separated string: %+v", l.sources)
	}
	if err != nil || l.Function() != "Other" {
		t.Errorf("explicit function: %v, %v", l, err)
	}
}
