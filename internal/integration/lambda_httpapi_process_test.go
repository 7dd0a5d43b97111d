package integration

import (
	"context"
	"net/http"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/portico-gw/portico/internal/function/functiontest"
)

// TestHTTPAPIPayload2Process: a Go function built with aws-lambda-go and
// run as its own process reads the payload 2.0 event as
// events.APIGatewayV2HTTPRequest, and its events.APIGatewayV2HTTPResponse
// becomes the client's answer.
func TestHTTPAPIPayload2Process(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs a Go function")
	}
	t.Parallel()
	dir, err := filepath.Abs("testdata/functions/httpapiv2")
	if err != nil {
		t.Fatal(err)
	}
	inv := functiontest.Build(t, "httpapiv2", dir)
	p := NewAWSProxy(LambdaConfig{Function: "httpapiv2", Timeout: 30 * time.Second, Invoker: inv, PayloadFormatVersion: PayloadFormat2})
	c := httpAPICall("text/plain; charset=utf-8", []byte("héllo"))
	res, err := p.Invoke(context.Background(), c)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"body":"héllo","cookies":["s=1","t=2"],"header":"a,b","isBase64Encoded":false,"method":"POST","path":{"id":"7"},` +
		`"query":{"q":"1,2"},"rawPath":"/dev/pets/7","rawQueryString":"q=1\u0026q=2","routeKey":"POST /pets/{id}","stage":"dev",` +
		`"time":"02/Jan/2026:03:04:05 +0000","timeEpoch":1767323045000,"version":"2.0"}`
	if d := cmp.Diff(want, string(res.Body)); d != "" {
		t.Errorf("body (-want +got):\n%s", d)
	}
	wantHeader := http.Header{"content-type": {"application/json"}, "Content-Type": nil, "x-function": {"httpapiv2"},
		"Set-Cookie": {"session=abc; HttpOnly", "theme=dark"}}
	if res.Status != 202 || !cmp.Equal(wantHeader, res.Header) {
		t.Errorf("status %d, header %v", res.Status, res.Header)
	}
}
