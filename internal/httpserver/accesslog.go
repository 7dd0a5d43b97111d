package httpserver

import (
	"io"

	"github.com/portico-gw/portico/internal/telemetry"
)

// DefaultAccessLogFormat is the access line of stages without
// accessLogSettings: one JSON object per request with AWS $context names.
// Missing values render "-", as in AWS access logs.
const DefaultAccessLogFormat = `{"requestId":"$context.requestId","extendedRequestId":"$context.extendedRequestId",` +
	`"ip":"$context.identity.sourceIp","requestTime":"$context.requestTime","httpMethod":"$context.httpMethod",` +
	`"resourcePath":"$context.resourcePath","path":"$context.path","status":"$context.status",` +
	`"protocol":"$context.protocol","responseLength":"$context.responseLength",` +
	`"responseLatency":"$context.responseLatency","integrationLatency":"$context.integrationLatency",` +
	`"integrationStatus":"$context.integrationStatus","apiId":"$context.apiId","stage":"$context.stage",` +
	`"error.responseType":"$context.error.responseType","error.message":"$context.error.message"}`

// defaultAccessLog compiles the default line and its buffered writer over w
// (flushed every second and on Close); nil when w is nil.
func defaultAccessLog(w io.Writer) (*telemetry.AccessLog, *telemetry.AccessLogWriter) {
	if w == nil {
		return nil, nil
	}
	al, err := telemetry.CompileAccessLog(DefaultAccessLogFormat)
	if err != nil {
		panic("httpserver: the default access-log format does not compile: " + err.Error()) // a constant; tests pin it
	}
	aw, err := telemetry.NewAccessLogWriter(telemetry.AccessLogWriterConfig{Writer: w})
	if err != nil {
		panic("httpserver: access-log writer: " + err.Error())
	}
	return al, aw
}
