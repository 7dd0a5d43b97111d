package httpserver

import (
	"net/http"
	"testing"
	"time"

	"github.com/portico-gw/portico/internal/pipeline"
	"github.com/portico-gw/portico/internal/telemetry"
)

// benchExchange is a finished request as the access log sees it.
func benchExchange() *exchange {
	c := &pipeline.Call{
		Start: time.Date(2026, 11, 26, 2, 42, 7, 0, time.UTC), RequestID: "c6af9ac6-7b61-11e6-9a41-93e8deadbeef",
		ExtendedRequestID: "LLCm7FonFiAFXFg=", AccountID: "123456789012", APIID: "a1b2c3d4e5", Stage: "prod",
		HTTPMethod: "GET", ResourceID: "abc123", ResourcePath: "/pets/{petId}", StagePath: "/prod/pets/1",
		Protocol: "HTTP/1.1", SourceIP: "203.0.113.7",
		Header:             http.Header{"User-Agent": {"curl/8.5.0"}},
		IntegrationLatency: 7 * time.Millisecond, IntegrationStatus: 200,
	}
	return &exchange{c: c, status: 200, length: 52}
}

// BenchmarkAccessLogDefault renders the default access line through the
// gateway's own variable resolution, as finish does per request.
func BenchmarkAccessLogDefault(b *testing.B) {
	a, err := telemetry.CompileAccessLog(DefaultAccessLogFormat)
	if err != nil {
		b.Fatal(err)
	}
	x := benchExchange()
	buf := make([]byte, 0, 1024)
	b.ReportAllocs()
	for b.Loop() {
		buf = a.Append(buf[:0], x.accessVars(12*time.Millisecond))
	}
}

// BenchmarkAccessLogCLFGateway renders a CLF line through the gateway's
// variable resolution.
func BenchmarkAccessLogCLFGateway(b *testing.B) {
	a, err := telemetry.CompileAccessLog(`$context.identity.sourceIp $context.identity.caller $context.identity.user [$context.requestTime] ` +
		`"$context.httpMethod $context.resourcePath $context.protocol" $context.status $context.responseLength $context.requestId`)
	if err != nil {
		b.Fatal(err)
	}
	x := benchExchange()
	buf := make([]byte, 0, 1024)
	b.ReportAllocs()
	for b.Loop() {
		buf = a.Append(buf[:0], x.accessVars(12*time.Millisecond))
	}
}
