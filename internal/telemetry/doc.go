// Package telemetry holds Portico's observability building blocks: access-log
// formats compiled from AWS $context references and a buffered line writer,
// Prometheus metrics named after API Gateway's CloudWatch set, AWS-style
// execution-log lines with secrets masked, X-Amzn-Trace-Id handling and an
// optional OpenTelemetry tracer provider.
//
// It imports no other Portico package and never writes HTTP responses: the
// gateway implements the small Vars interface on its own request type and
// calls these types from the edge. Entry points are CompileAccessLog,
// NewAccessLogWriter, NewMetrics, NewExecLog, ParseTraceHeader and
// NewTracerProvider. Nothing here keeps package-level state.
package telemetry
