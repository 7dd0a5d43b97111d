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
	buckets Buckets
	method  *Limit
	key     string
	account *Limit
	errs    StoreErrors
	now     func() time.Time
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
}

// NewStep returns the step, or nil when neither limit applies.
func NewStep(cfg StepConfig) *Step {
	if cfg.Method == nil && cfg.Account == nil {
		return nil
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	return &Step{buckets: cfg.Buckets, method: cfg.Method, key: cfg.MethodKey, account: cfg.Account, errs: cfg.Errors, now: cfg.Now}
}

// Name implements pipeline.Named.
func (s *Step) Name() string { return "throttle" }

// Run takes a token from the method bucket, then the account bucket.
func (s *Step) Run(ctx context.Context, _ *pipeline.Call) error {
	now := s.now()
	if s.method != nil {
		if err := s.take(ctx, "stage:"+s.key, *s.method, now, "method throttle limit exceeded for "+s.key); err != nil {
			return err
		}
	}
	if s.account != nil {
		return s.take(ctx, "account", *s.account, now, "account throttle limit exceeded")
	}
	return nil
}

func (s *Step) take(ctx context.Context, key string, l Limit, now time.Time, why string) error {
	d, err := s.buckets.Take(ctx, key, l.Rate, l.Burst, now)
	if err != nil {
		return s.errs.Handle(fmt.Errorf("throttle %s: %w", key, err))
	}
	if !d.Allowed {
		return Throttled(d, fmt.Errorf("%s. Limit: %.2f Burst: %d", why, l.Rate, l.Burst))
	}
	return nil
}
