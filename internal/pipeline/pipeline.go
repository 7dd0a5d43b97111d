package pipeline

import (
	"context"
	"io"
	"net/http"

	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/trace"
)

// Step is one concern of the method request (throttle, API key, validation,
// ...). It passes (nil), enriches the call and passes, or rejects with a
// *fault.Error. It never writes HTTP.
type Step interface {
	Run(ctx context.Context, c *Call) error
}

// Integration calls the back end (or answers itself, for MOCK) and returns
// the method response after integration-response mapping.
type Integration interface {
	Invoke(ctx context.Context, c *Call) (*Result, error)
}

// Named is an optional interface steps and integrations implement to name
// themselves in logs, traces and the order tests.
type Named interface {
	Name() string
}

// Result is the response that goes back to the client.
type Result struct {
	// Status is the HTTP status code.
	Status int
	// Header holds the response headers (already remapped per AWS rules).
	Header http.Header
	// Body is the buffered body, used when Stream is nil.
	Body []byte
	// Stream, when set, is copied to the client and then closed.
	Stream io.ReadCloser
	// ContentLength is the length of Stream when known, else -1.
	ContentLength int64
}

// Pipeline is one method's compiled request path: steps in AWS order, then
// the integration. It is immutable after deploy and safe for concurrent use.
type Pipeline struct {
	steps       []Step
	integration Integration
}

// New returns a pipeline running steps in the given order, then integration.
func New(steps []Step, integration Integration) *Pipeline {
	return &Pipeline{steps: steps, integration: integration}
}

// Serve runs the steps until one rejects, then the integration. When the
// request carries a recording trace span, each step and the integration
// get a child span; otherwise this costs nothing.
func (p *Pipeline) Serve(ctx context.Context, c *Call) (*Result, error) {
	parent := trace.SpanFromContext(ctx)
	if !parent.IsRecording() {
		for _, s := range p.steps {
			if err := s.Run(ctx, c); err != nil {
				return nil, err
			}
		}
		return p.integration.Invoke(ctx, c)
	}
	tr := parent.TracerProvider().Tracer("portico")
	for _, s := range p.steps {
		sctx, span := tr.Start(ctx, nameOf(s))
		err := s.Run(sctx, c)
		if err != nil {
			span.SetStatus(codes.Error, err.Error())
		}
		span.End()
		if err != nil {
			return nil, err
		}
	}
	ictx, span := tr.Start(ctx, nameOf(p.integration))
	defer span.End()
	res, err := p.integration.Invoke(ictx, c)
	if err != nil {
		span.SetStatus(codes.Error, err.Error())
	}
	return res, err
}

// StepNames lists the names of the steps and the integration, in order; used
// by the tests that pin the pipeline order.
func (p *Pipeline) StepNames() []string {
	names := make([]string, 0, len(p.steps)+1)
	for _, s := range p.steps {
		names = append(names, nameOf(s))
	}
	return append(names, nameOf(p.integration))
}

func nameOf(v any) string {
	if n, ok := v.(Named); ok {
		return n.Name()
	}
	return "unnamed"
}
