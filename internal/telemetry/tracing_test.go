package telemetry

import (
	"context"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"

	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/trace"
	"go.opentelemetry.io/otel/trace/noop"
)

func TestTracerProviderDisabledIsNoop(t *testing.T) {
	tp, shutdown, err := NewTracerProvider(t.Context(), TracingConfig{Endpoint: "http://127.0.0.1:1"})
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := tp.(noop.TracerProvider); !ok {
		t.Errorf("got %T, want noop.TracerProvider", tp)
	}
	_, span := tp.Tracer("portico").Start(t.Context(), "request")
	if span.IsRecording() || span.SpanContext().IsValid() {
		t.Error("the disabled provider records spans")
	}
	span.End()
	if err := shutdown(t.Context()); err != nil {
		t.Errorf("shutdown: %v", err)
	}
}

func TestTracerProviderExportsOverOTLPHTTP(t *testing.T) {
	var mu sync.Mutex
	var paths []string
	collector := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		paths = append(paths, r.Method+" "+r.URL.Path+" "+r.Header.Get("Content-Type")+" "+r.Header.Get("X-Token"))
		mu.Unlock()
		w.WriteHeader(http.StatusOK)
	}))
	defer collector.Close()

	tp, shutdown, err := NewTracerProvider(t.Context(), TracingConfig{
		Enabled: true, Endpoint: collector.URL, SampleRatio: 1, Headers: map[string]string{"X-Token": "t"},
	})
	if err != nil {
		t.Fatal(err)
	}
	_, span := tp.Tracer("portico").Start(t.Context(), "GET /pets/{petId}")
	if !span.IsRecording() {
		t.Fatal("the enabled provider does not record")
	}
	span.End()
	if err := shutdown(t.Context()); err != nil {
		t.Fatalf("shutdown: %v", err)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(paths) == 0 || paths[0] != "POST /v1/traces application/x-protobuf t" {
		t.Errorf("collector saw %q, want one POST /v1/traces", paths)
	}
}

func TestTracerProviderConfigErrors(t *testing.T) {
	for _, cfg := range []TracingConfig{
		{Enabled: true, Endpoint: "127.0.0.1:4318"},
		{Enabled: true, Endpoint: "ftp://collector"},
		{Enabled: true, SampleRatio: 1.5},
	} {
		if _, _, err := NewTracerProvider(t.Context(), cfg); err == nil {
			t.Errorf("%+v: got no error", cfg)
		}
	}
}

func TestXRayPropagatorRoundTrip(t *testing.T) {
	p := XRayPropagator{}
	in := propagation.HeaderCarrier(http.Header{})
	in.Set(TraceHeaderName, "Root="+testRoot+";Parent="+testParent+";Sampled=1")
	ctx := p.Extract(context.Background(), in)
	sc := trace.SpanContextFromContext(ctx)
	if !sc.IsValid() || !sc.IsRemote() || !sc.IsSampled() {
		t.Fatalf("extracted %+v", sc)
	}
	if got := sc.TraceID().String(); got != "5759e988bd862e3fe1be46a994272793" {
		t.Errorf("trace id %s", got)
	}
	if got := sc.SpanID().String(); got != testParent {
		t.Errorf("span id %s", got)
	}
	out := propagation.HeaderCarrier(http.Header{})
	XRayPropagator{Header: "Lambda-Runtime-Trace-Id"}.Inject(ctx, out)
	if got, want := out.Get("Lambda-Runtime-Trace-Id"), "Root="+testRoot+";Parent="+testParent+";Sampled=1"; got != want {
		t.Errorf("injected %q, want %q", got, want)
	}

	// Without a Parent there is no span to continue.
	rootOnly := propagation.HeaderCarrier(http.Header{})
	rootOnly.Set(TraceHeaderName, "Root="+testRoot)
	if sc := trace.SpanContextFromContext(p.Extract(context.Background(), rootOnly)); sc.IsValid() {
		t.Errorf("root-only header gave %+v", sc)
	}
}
