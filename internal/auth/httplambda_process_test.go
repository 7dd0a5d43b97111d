package auth

import (
	"context"
	"encoding/json"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/portico-gw/portico/internal/fault"
	"github.com/portico-gw/portico/internal/function/functiontest"
)

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
	inv := functiontest.Build(t, "httpauthz", dir)
	l, err := NewHTTPLambdaAuthorizer(HTTPLambdaConfig{Def: httpDef("2.0", true, 0, "$request.header.Authorization", "$context.routeKey"),
		Invoker: inv, Function: "httpauthz"})
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
