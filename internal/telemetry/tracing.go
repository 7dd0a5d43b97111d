package telemetry

import (
	"context"
	"fmt"
	"net/url"
	"time"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracehttp"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/trace"
	"go.opentelemetry.io/otel/trace/noop"
)

// TracingConfig configures OpenTelemetry tracing. The zero value is off.
type TracingConfig struct {
	// Enabled turns tracing on; when false NewTracerProvider returns a
	// no-op provider and nothing is exported.
	Enabled bool
	// Endpoint is the OTLP/HTTP collector URL, e.g.
	// "http://127.0.0.1:4318". A URL without a path gets "/v1/traces".
	// Empty means the exporter's defaults: the OTEL_EXPORTER_OTLP_*
	// environment variables, else localhost:4318.
	Endpoint string
	// Headers are added to every export request (e.g. an auth token).
	Headers map[string]string
	// SampleRatio is the fraction of new traces sampled, 0 to 1. A
	// request that arrives with a sampling decision keeps it (parent-based
	// sampling).
	SampleRatio float64
	// ServiceName is the service.name resource attribute; empty means
	// "portico".
	ServiceName string
	// ExportTimeout bounds one export; 0 means 10 seconds.
	ExportTimeout time.Duration
}

// NewTracerProvider returns the tracer provider for cfg and a shutdown
// function that flushes pending spans and stops the exporter. With tracing
// disabled it returns a no-op provider whose shutdown does nothing. With it
// enabled, spans are batched and exported by a background goroutine until
// shutdown is called.
func NewTracerProvider(ctx context.Context, cfg TracingConfig) (trace.TracerProvider, func(context.Context) error, error) {
	if !cfg.Enabled {
		return noop.NewTracerProvider(), func(context.Context) error { return nil }, nil
	}
	if cfg.SampleRatio < 0 || cfg.SampleRatio > 1 {
		return nil, nil, fmt.Errorf("tracing: sample ratio %v is outside 0..1", cfg.SampleRatio)
	}
	opts := []otlptracehttp.Option{}
	if cfg.Endpoint != "" {
		u, err := url.Parse(cfg.Endpoint)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return nil, nil, fmt.Errorf("tracing: endpoint %q: want an http or https URL", cfg.Endpoint)
		}
		if u.Path == "" || u.Path == "/" {
			u.Path = "/v1/traces"
		}
		opts = append(opts, otlptracehttp.WithEndpointURL(u.String()))
	}
	if len(cfg.Headers) > 0 {
		opts = append(opts, otlptracehttp.WithHeaders(cfg.Headers))
	}
	timeout := cfg.ExportTimeout
	if timeout <= 0 {
		timeout = 10 * time.Second
	}
	opts = append(opts, otlptracehttp.WithTimeout(timeout))
	exp, err := otlptracehttp.New(ctx, opts...)
	if err != nil {
		return nil, nil, fmt.Errorf("tracing: exporter: %w", err)
	}
	name := cfg.ServiceName
	if name == "" {
		name = "portico"
	}
	tp := sdktrace.NewTracerProvider(
		sdktrace.WithBatcher(exp),
		sdktrace.WithSampler(sdktrace.ParentBased(sdktrace.TraceIDRatioBased(cfg.SampleRatio))),
		sdktrace.WithResource(resource.NewSchemaless(attribute.String("service.name", name))),
	)
	return tp, tp.Shutdown, nil
}
