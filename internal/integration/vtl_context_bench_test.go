package integration

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/portico-gw/portico/internal/pipeline"
)

// BenchmarkVTLContext renders a request template that reads $context,
// including building $context for the call.
func BenchmarkVTLContext(b *testing.B) {
	tmpl, err := VTL("bench", `{"requestId":"$context.requestId","ip":"$context.identity.sourceIp",`+
		`"time":"$context.requestTime","epoch":$context.requestTimeEpoch,"path":"$context.resourcePath",`+
		`"ua":"$context.identity.userAgent","tenant":"$context.authorizer.tenant"}`)
	if err != nil {
		b.Fatal(err)
	}
	c := &pipeline.Call{
		Start: time.Date(2026, 11, 26, 2, 42, 7, 0, time.UTC), RequestID: "c6af9ac6-7b61-11e6-9a41-93e8deadbeef",
		ExtendedRequestID: "LLCm7FonFiAFXFg=", AccountID: "123456789012", APIID: "a1b2c3d4e5", Stage: "prod",
		HTTPMethod: "GET", ResourceID: "abc123", ResourcePath: "/pets/{petId}", StagePath: "/prod/pets/1",
		Protocol: "HTTP/1.1", SourceIP: "203.0.113.7", Header: http.Header{"User-Agent": {"curl/8.5.0"}},
		Authorizer: map[string]any{"principalId": "u1", "tenant": "acme"},
	}
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		var o Overrides
		if _, err := tmpl.Render(ctx, c, nil, &o); err != nil {
			b.Fatal(err)
		}
	}
}
