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

// Deferred is a check a step postponed (Call.Defer) so that a later step
// can make it together with its own: the throttle step's buckets, taken by
// the key step in the same round trip to a shared store as the plan's.
type Deferred interface {
	Run(ctx context.Context) error
}

// DeferSafe is implemented by steps that may run while a check is
// deferred: until they call Call.Settle they only read and enrich the
// Call, with no effect outside it (no function invoked, no body read, no
// counter touched). Before any other step, before the integration, and
// before a step's rejection is answered, the runner settles the deferred
// check, and its rejection wins: the answer and the counters are those of
// making the check in its place.
type DeferSafe interface {
	DeferSafe()
}

// Defer postpones d until a later step takes it (TakeDeferred) or the
// runner settles it. It is for steps placed where d belongs.
func (c *Call) Defer(d Deferred) { c.deferred = d }

// TakeDeferred returns the deferred check, if any, and clears it: the
// caller makes it now, before its own checks.
func (c *Call) TakeDeferred() Deferred {
	d := c.deferred
	c.deferred = nil
	return d
}

// Settle makes the deferred check, if any, and returns its rejection. A
// DeferSafe step calls it before doing anything with an effect outside
// the Call.
func (c *Call) Settle(ctx context.Context) error {
	if d := c.TakeDeferred(); d != nil {
		return d.Run(ctx)
	}
	return nil
}

// run runs step s, settling a deferred check first unless s is DeferSafe,
// and before answering with s's rejection.
func run(ctx context.Context, s Step, c *Call) error {
	if c.deferred != nil {
		if _, ok := s.(DeferSafe); !ok {
			if err := c.Settle(ctx); err != nil {
				return err
			}
		}
	}
	err := s.Run(ctx, c)
	if err != nil && c.deferred != nil {
		if serr := c.Settle(ctx); serr != nil {
			return serr
		}
	}
	return err
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
			if err := run(ctx, s, c); err != nil {
				return nil, err
			}
		}
		if err := c.Settle(ctx); err != nil {
			return nil, err
		}
		return p.integration.Invoke(ctx, c)
	}
	tr := parent.TracerProvider().Tracer("portico")
	for _, s := range p.steps {
		sctx, span := tr.Start(ctx, nameOf(s))
		err := run(sctx, s, c)
		if err != nil {
			span.SetStatus(codes.Error, err.Error())
		}
		span.End()
		if err != nil {
			return nil, err
		}
	}
	if err := c.Settle(ctx); err != nil {
		return nil, err
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
