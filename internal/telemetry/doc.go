// Package telemetry holds Portico's observability building blocks: access-log
// formats compiled from AWS $context references and a buffered line writer,
// Prometheus metrics named after API Gateway's CloudWatch set, AWS-style
// execution-log lines with secrets masked, X-Amzn-Trace-Id handling and an
// optional OpenTelemetry tracer provider.
//
// It imports no other Portico package and never writes HTTP responses: the
// gateway implements the small Vars interface on its own request type and
// calls these types from the edge. Entry points are CompileAccessLog and
// NewAccessLogWriter (access logs), NewMetrics and MetricsHandler (metrics),
// NewExecLog (execution logs), ContinueTrace and ParseTraceHeader (trace
// ids), and NewTracerProvider with XRayPropagator (OpenTelemetry). Nothing
// here keeps package-level state; the only background goroutines are the
// access-log writer's flusher and the tracer's batcher, both stopped by
// their Close or shutdown.
package telemetry
