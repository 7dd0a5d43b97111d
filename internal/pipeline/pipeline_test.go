package pipeline

import (
	"context"
	"errors"
	"testing"

	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
)

type namedStep struct {
	name string
	err  error
	ran  *[]string
}

func (s namedStep) Name() string { return s.name }
func (s namedStep) Run(context.Context, *Call) error {
	*s.ran = append(*s.ran, s.name)
	return s.err
}

type okIntegration struct{ ran *[]string }

func (okIntegration) Name() string { return "integration:TEST" }
func (i okIntegration) Invoke(context.Context, *Call) (*Result, error) {
	*i.ran = append(*i.ran, "integration")
	return &Result{Status: 200}, nil
}

// TestServeStopsAtFirstRejection pins the runner: steps in order, the first
// rejection ends the request, the integration runs only when all pass.
func TestServeStopsAtFirstRejection(t *testing.T) {
	t.Parallel()
	var ran []string
	stop := errors.New("rejected")
	p := New([]Step{namedStep{"a", nil, &ran}, namedStep{"b", stop, &ran}, namedStep{"c", nil, &ran}}, okIntegration{&ran})
	if _, err := p.Serve(context.Background(), &Call{}); !errors.Is(err, stop) {
		t.Fatalf("got %v", err)
	}
	if len(ran) != 2 || ran[1] != "b" {
		t.Errorf("ran %v, want a then b", ran)
	}
}

// TestServeSpans: with a recording parent span, each step and the
// integration get a child span; the rejecting step's span is an error.
func TestServeSpans(t *testing.T) {
	t.Parallel()
	rec := tracetest.NewSpanRecorder()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(rec))
	ctx, root := tp.Tracer("test").Start(context.Background(), "request")
	var ran []string
	p := New([]Step{namedStep{"throttle", nil, &ran}, namedStep{"apikey", nil, &ran}}, okIntegration{&ran})
	if _, err := p.Serve(ctx, &Call{}); err != nil {
		t.Fatal(err)
	}
	root.End()
	var names []string
	for _, s := range rec.Ended() {
		names = append(names, s.Name())
	}
	want := []string{"throttle", "apikey", "integration:TEST", "request"}
	if len(names) != len(want) {
		t.Fatalf("spans %v, want %v", names, want)
	}
	for i := range want {
		if names[i] != want[i] {
			t.Errorf("span %d: %s, want %s", i, names[i], want[i])
		}
	}
	if got := p.StepNames(); len(got) != 3 || got[2] != "integration:TEST" {
		t.Errorf("StepNames %v", got)
	}
}
