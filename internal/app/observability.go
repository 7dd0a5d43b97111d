package app

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"go.opentelemetry.io/otel/trace"

	"github.com/portico-gw/portico/internal/config"
	"github.com/portico-gw/portico/internal/telemetry"
)

// observability owns the metrics registry, the access-log writers (one per
// destination, shared by stages) and the tracer provider.
type observability struct {
	reg      *prometheus.Registry
	metrics  *telemetry.Metrics
	tracer   trace.TracerProvider
	shutdown func(context.Context) error

	mu      sync.Mutex
	writers map[string]*telemetry.AccessLogWriter
}

// newObservability builds the registry (with Go and process collectors),
// Portico's metrics and, when enabled, the OTLP tracer. The tracer exports
// in the background until Close.
func newObservability(cfg *config.File) (*observability, error) {
	o := &observability{reg: prometheus.NewRegistry(), writers: map[string]*telemetry.AccessLogWriter{}}
	o.reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	m, err := telemetry.NewMetrics(o.reg)
	if err != nil {
		return nil, err
	}
	o.metrics = m
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	t := cfg.Tracing
	o.tracer, o.shutdown, err = telemetry.NewTracerProvider(ctx, telemetry.TracingConfig{Enabled: t.Enabled, Endpoint: t.Endpoint, Headers: t.Headers, SampleRatio: t.SampleRatio})
	if err != nil {
		return nil, fmt.Errorf("tracing: %w", err)
	}
	return o, nil
}

// writer returns the shared writer for an access-log destination.
func (o *observability) writer(dest string) (*telemetry.AccessLogWriter, error) {
	if dest == "" || dest == "-" {
		dest = "stdout"
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	if w, ok := o.writers[dest]; ok {
		return w, nil
	}
	w, err := telemetry.NewAccessLogWriter(telemetry.AccessLogWriterConfig{Destination: dest})
	if err != nil {
		return nil, fmt.Errorf("access log %s: %w", dest, err)
	}
	o.writers[dest] = w
	return w, nil
}

// Close flushes access logs and stops the tracer.
func (o *observability) Close() error {
	if o == nil {
		return nil
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	var errs []error
	for _, w := range o.writers {
		errs = append(errs, w.Close())
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	errs = append(errs, o.shutdown(ctx))
	return errors.Join(errs...)
}
