package throttle

import (
	"context"
	"fmt"
	"math"
	"strconv"
	"time"

	"github.com/portico-gw/portico/internal/fault"
	"github.com/portico-gw/portico/internal/pipeline"
)

// Limit is one token bucket's settings.
type Limit struct {
	Rate  float64
	Burst int
}

// StoreErrors says what a step does when its counters fail.
type StoreErrors struct {
	// Closed answers 500 when the store fails; otherwise (the default, as
	// AWS fails open) the request proceeds without that limit.
	Closed bool
	// Report is told about every store failure (logging and metrics).
	Report func(error)
}

// Handle applies the policy to a store error: nil to proceed, or a fault.
func (s StoreErrors) Handle(err error) error {
	if s.Report != nil {
		s.Report(err)
	}
	if s.Closed {
		return fault.Internal(fmt.Errorf("usage store failed and store.onError is closed: %w", err))
	}
	return nil
}

// Throttled builds the THROTTLED fault (429 Too Many Requests) with a
// Retry-After header in whole seconds (Portico's addition).
func Throttled(d Decision, cause error) *fault.Error {
	retryAfter := ""
	if d.RetryAfter != Never {
		retryAfter = strconv.FormatInt(int64(math.Ceil(d.RetryAfter.Seconds())), 10)
	}
	return fault.TooManyRequests(retryAfter, cause)
}

// Step is the stage and account throttle of one method: the stage's
// methodSettings bucket for the method (if any), then the account bucket
// (docs/aws-behaviour.md#throttling). A request must pass both.
type Step struct {
	buckets  Buckets
	method   *Limit
	key      string
	account  *Limit
	errs     StoreErrors
	now      func() time.Time
	admitter Admitter // nil: the store takes one token per call
	deferred bool
}

var _ pipeline.Step = (*Step)(nil)

// StepConfig configures a Step.
type StepConfig struct {
	Buckets Buckets
	// MethodKey names the method's bucket ("api/stage/resource/METHOD").
	MethodKey string
	// Method is the stage methodSettings limit; nil means none.
	Method *Limit
	// Account is the account limit; nil means none.
	Account *Limit
	Errors  StoreErrors
	Now     func() time.Time
	// Defer, when Buckets is an Admitter, leaves the takes to a later
	// step that makes them with its own checks in one call (the key step,
	// Pending): the step then only defers them (pipeline.Call.Defer).
	Defer bool
}

// NewStep returns the step, or nil when neither limit applies.
func NewStep(cfg StepConfig) *Step {
	if cfg.Method == nil && cfg.Account == nil {
		return nil
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	a, admits := AdmitterOf(cfg.Buckets)
	return &Step{buckets: cfg.Buckets, method: cfg.Method, key: cfg.MethodKey, account: cfg.Account, errs: cfg.Errors, now: cfg.Now,
		admitter: a, deferred: cfg.Defer && admits}
}

// Name implements pipeline.Named.
func (s *Step) Name() string { return "throttle" }

// Run takes a token from the method bucket, then the account bucket (in
// one call when the store is an Admitter); or, with Defer, defers both
// takes at this instant to a later step.
func (s *Step) Run(ctx context.Context, c *pipeline.Call) error {
	if s.deferred {
		c.Defer(&Pending{s: s, now: s.now()})
		return nil
	}
	return s.run(ctx, s.now())
}

// run takes the tokens at now: in one call when the store admits
// several checks at once and there are two buckets.
func (s *Step) run(ctx context.Context, now time.Time) error {
	if s.admitter != nil && s.method != nil && s.account != nil {
		return AdmitParts(ctx, s.admitter, s.parts(now))
	}
	if s.method != nil {
		if err := s.take(ctx, "stage:"+s.key, *s.method, now, s.methodWhy()); err != nil {
			return err
		}
	}
	if s.account != nil {
		return s.take(ctx, "account", *s.account, now, accountWhy)
	}
	return nil
}

const accountWhy = "account throttle limit exceeded"

func (s *Step) methodWhy() string { return "method throttle limit exceeded for " + s.key }

// Pending is a throttle step's deferred takes: the method bucket, then
// the account bucket, at the instant the step ran. The key step makes
// them first among its own checks (Parts); otherwise the pipeline runs
// them (Run) before any step that is not pipeline.DeferSafe and before a
// rejection is answered, so that the answer and the buckets are those of
// taking them in the throttle step's place.
type Pending struct {
	s   *Step
	now time.Time
}

// Run takes the tokens, as the step would have.
func (p *Pending) Run(ctx context.Context) error { return p.s.run(ctx, p.now) }

// Buckets is the store the takes are for.
func (p *Pending) Buckets() Buckets { return p.s.buckets }

// Parts returns the takes as parts of a combined admission (AdmitParts).
func (p *Pending) Parts() []Part { return p.s.parts(p.now) }

// parts returns the step's takes at now as parts of a combined admission.
func (s *Step) parts(now time.Time) []Part {
	parts := make([]Part, 0, 2)
	add := func(key string, l Limit, why string) {
		parts = append(parts, Part{
			Check:   Check{Key: key, Now: now, Rate: l.Rate, Burst: l.Burst},
			Refused: func(o Outcome) error { return refused(o.Decision, l, why) },
			Alone:   func(ctx context.Context) error { return s.take(ctx, key, l, now, why) },
		})
	}
	if m := s.method; m != nil {
		add("stage:"+s.key, *m, s.methodWhy())
	}
	if a := s.account; a != nil {
		add("account", *a, accountWhy)
	}
	return parts
}

func (s *Step) take(ctx context.Context, key string, l Limit, now time.Time, why string) error {
	d, err := s.buckets.Take(ctx, key, l.Rate, l.Burst, now)
	if err != nil {
		return s.errs.Handle(fmt.Errorf("throttle %s: %w", key, err))
	}
	if !d.Allowed {
		return refused(d, l, why)
	}
	return nil
}

func refused(d Decision, l Limit, why string) error {
	return Throttled(d, fmt.Errorf("%s. Limit: %.2f Burst: %d", why, l.Rate, l.Burst))
}
