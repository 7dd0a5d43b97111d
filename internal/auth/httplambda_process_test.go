package auth

import (
	"context"
	"encoding/json"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/portico-gw/portico/internal/fault"
	"github.com/portico-gw/portico/internal/function"
	"github.com/portico-gw/portico/internal/lambdaevent"
)

// processInvoker runs functions of a function.Manager: real processes
// speaking the Lambda Runtime API.
type processInvoker struct{ m *function.Manager }

func (p processInvoker) InvokeFunction(ctx context.Context, name string, payload []byte, _, traceID string) (lambdaevent.FunctionResult, error) {
	resp, err := p.m.Invoke(ctx, name, payload, function.InvokeOptions{TraceID: traceID})
	if err != nil {
		return lambdaevent.FunctionResult{}, err
	}
	return lambdaevent.FunctionResult{Payload: resp.Payload, FunctionError: resp.FunctionError, RequestID: resp.RequestID}, nil
}

// TestHTTPLambdaProcess: a Go authorizer built with aws-lambda-go and run
// as its own process reads the payload 2.0 authorizer event and answers a
// simple response.
func TestHTTPLambdaProcess(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs a Go function")
	}
	t.Parallel()
	dir, err := filepath.Abs("testdata/functions/httpauthz")
	if err != nil {
		t.Fatal(err)
	}
	m, err := function.NewManager([]function.Config{{Name: "httpauthz", Build: dir, Timeout: 10 * time.Second}},
		function.Options{CacheDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = m.Close() })
	l, err := NewHTTPLambdaAuthorizer(HTTPLambdaConfig{Def: httpDef("2.0", true, 0, "$request.header.Authorization", "$context.routeKey"),
		Invoker: processInvoker{m}, Function: "httpauthz"})
	if err != nil {
		t.Fatal(err)
	}
	c := httpAPIRouteCall("allow")
	if err := l.Run(context.Background(), c); err != nil {
		t.Fatal(err)
	}
	got, _ := json.Marshal(c.Authorizer)
	want := `{"lambda":{"claims":{"tier":2},"identity":["allow","GET /pets/{id}"],` +
		`"routeArn":"arn:aws:execute-api:us-east-1:123456789012:api1/dev/GET/pets/1","routeKey":"GET /pets/{id}"}}`
	if d := cmp.Diff(want, string(got)); d != "" {
		t.Errorf("authorizer (-want +got):\n%s", d)
	}
	f := faultOf(t, l.Run(context.Background(), httpAPIRouteCall("deny")))
	if f.Type != fault.AccessDenied || f.StatusCode() != 403 || f.MessageText() != "Forbidden" {
		t.Errorf("denied: %s %d %q", f.Type, f.StatusCode(), f.MessageText())
	}
}
