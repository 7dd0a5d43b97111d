package integration

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"slices"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-lambda-go/lambda"
	"github.com/google/go-cmp/cmp"

	"github.com/portico-gw/portico/internal/fault"
	"github.com/portico-gw/portico/internal/lambdaevent"
	"github.com/portico-gw/portico/internal/pipeline"
)

// goFunction runs an aws-lambda-go handler in process through
// lambda.NewHandler: the payload is decoded and the answer encoded by
// aws-lambda-go exactly as its runtime loop does, and a returned error
// becomes an Unhandled function error with its errorMessage, as the
// runtime reports it.
type goFunction struct {
	h    lambda.Handler
	sent []byte
}

func newGoFunction(handler any) *goFunction { return &goFunction{h: lambda.NewHandler(handler)} }

func (f *goFunction) InvokeFunction(ctx context.Context, _ string, payload []byte, requestID, _ string) (lambdaevent.FunctionResult, error) {
	f.sent = payload
	out, err := f.h.Invoke(ctx, payload)
	if ctx.Err() != nil {
		return lambdaevent.FunctionResult{}, ctx.Err()
	}
	if err != nil {
		msg, _ := json.Marshal(map[string]string{"errorMessage": err.Error(), "errorType": "errorString"})
		return lambdaevent.FunctionResult{Payload: msg, FunctionError: "Unhandled", RequestID: requestID}, nil
	}
	return lambdaevent.FunctionResult{Payload: out, RequestID: requestID}, nil
}

// httpAPICall is a POST on the HTTP API route POST /pets/{id}, stage dev.
func httpAPICall(contentType string, body []byte) *pipeline.Call {
	h := http.Header{"User-Agent": {"curl/8.5"}, "Cookie": {"s=1; t=2"}, "X-Multi": {"a", "b"}}
	if contentType != "" {
		h.Set("Content-Type", contentType)
	}
	return &pipeline.Call{
		Start: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC), RequestID: "req-1", AccountID: "123456789012", Region: "us-east-1",
		APIID: "api1", Stage: "dev", HTTPMethod: "POST", ResourcePath: "/pets/{id}", RouteKey: "POST /pets/{id}",
		Path: "/pets/7", StagePath: "/dev/pets/7", PathParams: map[string]string{"id": "7"},
		Query: url.Values{"q": {"1", "2"}}, RawQuery: "q=1&q=2", Header: h, Host: "api1.execute-api.local",
		SourceIP: "198.51.100.7", Protocol: "HTTP/1.1", TraceID: "Root=1-5f84c7a1-abcdef012345678901234567",
		Authorizer: map[string]any{"lambda": map[string]any{"user": "u7"}},
		Body:       pipeline.NewBodyBytes(body),
	}
}

func httpAPIProxy(inv lambdaevent.FunctionInvoker, format string) *AWSProxy {
	return NewAWSProxy(LambdaConfig{Function: "fn", Timeout: 5 * time.Second, Invoker: inv, PayloadFormatVersion: format})
}

// TestHTTPAPIPayload2RoundTrip: an aws-lambda-go handler reading
// events.APIGatewayV2HTTPRequest and answering
// events.APIGatewayV2HTTPResponse.
func TestHTTPAPIPayload2RoundTrip(t *testing.T) {
	t.Parallel()
	fn := newGoFunction(func(req events.APIGatewayV2HTTPRequest) (events.APIGatewayV2HTTPResponse, error) {
		seen, _ := json.Marshal(map[string]any{
			"routeKey": req.RouteKey, "rawPath": req.RawPath, "rawQuery": req.RawQueryString, "cookies": req.Cookies,
			"q": req.QueryStringParameters["q"], "multi": req.Headers["x-multi"], "id": req.PathParameters["id"],
			"body": req.Body, "b64": req.IsBase64Encoded, "user": req.RequestContext.Authorizer.Lambda["user"],
			"method": req.RequestContext.HTTP.Method, "stage": req.RequestContext.Stage,
		})
		return events.APIGatewayV2HTTPResponse{
			StatusCode: 201,
			Headers:    map[string]string{"content-type": "application/json", "x-amzn-requestid": "fn-id", "date": "d"},
			Cookies:    []string{"a=1; Path=/", "b=2"},
			Body:       string(seen),
		}, nil
	})
	res, err := httpAPIProxy(fn, PayloadFormat2).Invoke(context.Background(), httpAPICall("application/json", []byte(`{"n":1}`)))
	if err != nil {
		t.Fatal(err)
	}
	wantHeader := http.Header{"content-type": {"application/json"}, "Content-Type": nil, "x-amzn-requestid": {"fn-id"},
		"date": {"d"}, "Set-Cookie": {"a=1; Path=/", "b=2"}}
	if res.Status != 201 || !cmp.Equal(wantHeader, res.Header) {
		t.Errorf("status %d, header %v", res.Status, res.Header)
	}
	want := `{"b64":false,"body":"{\"n\":1}","cookies":["s=1","t=2"],"id":"7","method":"POST","multi":"a,b","q":"1,2","rawPath":"/dev/pets/7","rawQuery":"q=1\u0026q=2","routeKey":"POST /pets/{id}","stage":"dev","user":"u7"}`
	if d := cmp.Diff(want, string(res.Body)); d != "" {
		t.Errorf("body (-want +got):\n%s", d)
	}
}

func TestHTTPAPIPayload2Binary(t *testing.T) {
	t.Parallel()
	fn := newGoFunction(func(req events.APIGatewayV2HTTPRequest) (events.APIGatewayV2HTTPResponse, error) {
		if !req.IsBase64Encoded {
			return events.APIGatewayV2HTTPResponse{}, errors.New("body not base64-encoded")
		}
		in, err := base64.StdEncoding.DecodeString(req.Body)
		if err != nil {
			return events.APIGatewayV2HTTPResponse{}, err
		}
		slices.Reverse(in)
		return events.APIGatewayV2HTTPResponse{StatusCode: 200, Headers: map[string]string{"Content-Type": "image/png"},
			Body: base64.StdEncoding.EncodeToString(in), IsBase64Encoded: true}, nil
	})
	// No Accept header: HTTP APIs decode whatever the client accepts.
	res, err := httpAPIProxy(fn, PayloadFormat2).Invoke(context.Background(), httpAPICall("image/png", []byte{0x89, 'P', 0xff, 0}))
	if err != nil {
		t.Fatal(err)
	}
	if res.Status != 200 || string(res.Body) != "\x00\xffP\x89" || res.Header.Get("Content-Type") != "image/png" {
		t.Errorf("status %d, body %q, header %v", res.Status, res.Body, res.Header)
	}
}

func TestHTTPAPIPayload2Inferred(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name    string
		handler any
		body    string
	}{
		{"string", func() (string, error) { return "Hello from Lambda!", nil }, "Hello from Lambda!"},
		{"object", func() (map[string]string, error) { return map[string]string{"message": "Hello from Lambda!"}, nil }, `{"message":"Hello from Lambda!"}`},
		{"number", func() (int, error) { return 42, nil }, "42"},
	} {
		res, err := httpAPIProxy(newGoFunction(tt.handler), PayloadFormat2).Invoke(context.Background(), httpAPICall("", nil))
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		if res.Status != 200 || string(res.Body) != tt.body || !cmp.Equal(res.Header, http.Header{"Content-Type": {"application/json"}}) {
			t.Errorf("%s: status %d, body %q, header %v", tt.name, res.Status, res.Body, res.Header)
		}
	}
}

func TestHTTPAPIFailures(t *testing.T) {
	t.Parallel()
	t.Run("function error", func(t *testing.T) {
		t.Parallel()
		fn := newGoFunction(func() (string, error) { return "", errors.New("boom") })
		_, err := httpAPIProxy(fn, PayloadFormat2).Invoke(context.Background(), httpAPICall("", nil))
		if s := testShapeOf(t, err); s.Type != fault.Default5XX || s.Status != 502 {
			t.Errorf("got %+v", s)
		}
	})
	t.Run("not JSON", func(t *testing.T) {
		t.Parallel()
		inv := invokerFunc(func() lambdaevent.FunctionResult { return lambdaevent.FunctionResult{Payload: []byte("Hello")} })
		_, err := httpAPIProxy(inv, PayloadFormat2).Invoke(context.Background(), httpAPICall("", nil))
		s := testShapeOf(t, err)
		if s.Type != fault.Default5XX || s.Status != 502 || !errors.Is(err, lambdaevent.ErrMalformed) {
			t.Errorf("got %+v", s)
		}
	})
	t.Run("bad base64", func(t *testing.T) {
		t.Parallel()
		inv := invokerFunc(func() lambdaevent.FunctionResult {
			return lambdaevent.FunctionResult{Payload: []byte(`{"statusCode":200,"body":"%%%","isBase64Encoded":true}`)}
		})
		_, err := httpAPIProxy(inv, PayloadFormat2).Invoke(context.Background(), httpAPICall("", nil))
		if s := testShapeOf(t, err); s.Type != fault.Default5XX || s.Status != 502 {
			t.Errorf("got %+v", s)
		}
	})
	t.Run("1.0 answer rules", func(t *testing.T) {
		t.Parallel()
		// A JSON string is a valid 2.0 answer but a malformed 1.0 one.
		fn := newGoFunction(func() (string, error) { return "Hello", nil })
		_, err := httpAPIProxy(fn, PayloadFormat1).Invoke(context.Background(), httpAPICall("", nil))
		if s := testShapeOf(t, err); s.Status != 502 || !errors.Is(err, lambdaevent.ErrMalformed) {
			t.Errorf("got %+v", s)
		}
	})
	t.Run("timeout", func(t *testing.T) {
		t.Parallel()
		fn := newGoFunction(func(ctx context.Context) (string, error) { <-ctx.Done(); return "", ctx.Err() })
		p := NewAWSProxy(LambdaConfig{Function: "fn", Timeout: 10 * time.Millisecond, Invoker: fn, PayloadFormatVersion: PayloadFormat2})
		_, err := p.Invoke(context.Background(), httpAPICall("", nil))
		if s := testShapeOf(t, err); s.Type != fault.IntegrationTimeout {
			t.Errorf("got %+v", s)
		}
	})
}

type invokerFunc func() lambdaevent.FunctionResult

func (f invokerFunc) InvokeFunction(context.Context, string, []byte, string, string) (lambdaevent.FunctionResult, error) {
	return f(), nil
}

// TestHTTPAPIPayload1 runs an aws-lambda-go handler reading the 1.0 event
// as events.APIGatewayProxyRequest on an HTTP API route.
func TestHTTPAPIPayload1(t *testing.T) {
	t.Parallel()
	fn := newGoFunction(func(req events.APIGatewayProxyRequest) (events.APIGatewayProxyResponse, error) {
		seen, _ := json.Marshal(map[string]any{
			"path": req.Path, "resource": req.Resource, "multi": req.Headers["x-multi"], "cookie": req.Headers["cookie"],
			"q": req.MultiValueQueryStringParameters["q"], "user": req.RequestContext.Authorizer["user"],
			"stage": req.RequestContext.Stage, "body": req.Body, "b64": req.IsBase64Encoded,
		})
		return events.APIGatewayProxyResponse{StatusCode: 200, Headers: map[string]string{"X-Seen": "1"},
			MultiValueHeaders: map[string][]string{"X-Multi": {"m1", "m2"}},
			Body:              base64.StdEncoding.EncodeToString(seen), IsBase64Encoded: true}, nil
	})
	res, err := httpAPIProxy(fn, PayloadFormat1).Invoke(context.Background(), httpAPICall("text/plain", []byte("hi")))
	if err != nil {
		t.Fatal(err)
	}
	want := `{"b64":false,"body":"hi","cookie":"s=1; t=2","multi":"b","path":"/dev/pets/7","q":["1","2"],"resource":"/pets/{id}","stage":"dev","user":"u7"}`
	if d := cmp.Diff(want, string(res.Body)); d != "" {
		t.Errorf("body (-want +got):\n%s", d)
	}
	if !cmp.Equal(res.Header, http.Header{"X-Seen": {"1"}, "X-Multi": {"m1, m2"}}) {
		t.Errorf("header %v", res.Header)
	}
	var ev map[string]any
	_ = json.Unmarshal(fn.sent, &ev)
	if ev["version"] != "1.0" {
		t.Errorf("version %v", ev["version"])
	}
}
