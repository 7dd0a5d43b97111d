package usage

import (
	"context"
	"fmt"
	"reflect"
	"time"

	"github.com/portico-gw/portico/internal/fault"
	"github.com/portico-gw/portico/internal/pipeline"
	"github.com/portico-gw/portico/internal/throttle"
)

// Step admits a request to a method with apiKeyRequired: the key must
// exist, be enabled and be in a usage plan for this API stage (else 403
// INVALID_API_KEY); then the plan's throttle (429 THROTTLED) and quota
// (429 QUOTA_EXCEEDED) apply, in that order.
type Step struct {
	api, stage, resource, method string
	fromAuthorizer               bool
	reg                          *Registry
	stageKeys                    *StageKeys
	methodSuffix                 string
	buckets                      throttle.Buckets
	quotas                       throttle.Quotas
	errs                         throttle.StoreErrors
	now                          func() time.Time
	// admitter combines the checks in one call (nil: separate calls);
	// it is buckets and quotas both.
	admitter throttle.Admitter
	// limits is each plan's effective throttle for this method, and
	// whether it is a per-method override.
	limits map[string]methodLimit
}

type methodLimit struct {
	limit     Limit
	perMethod bool
}

var _ pipeline.Step = (*Step)(nil)

// StepConfig configures a Step.
type StepConfig struct {
	APIID, Stage         string
	Resource, HTTPMethod string
	// KeySource is HEADER (x-api-key) or AUTHORIZER (the authorizer's
	// usageIdentifierKey, placed in Call.Identity.APIKey).
	KeySource string
	Registry  *Registry
	Buckets   throttle.Buckets
	Quotas    throttle.Quotas
	Errors    throttle.StoreErrors
	Now       func() time.Time
}

// NewStep compiles the step for one method of one stage.
func NewStep(cfg StepConfig) *Step {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	s := &Step{api: cfg.APIID, stage: cfg.Stage, resource: cfg.Resource, method: cfg.HTTPMethod,
		fromAuthorizer: cfg.KeySource == "AUTHORIZER", reg: cfg.Registry, buckets: cfg.Buckets, quotas: cfg.Quotas,
		errs: cfg.Errors, now: cfg.Now, limits: map[string]methodLimit{}}
	if a, ok := throttle.AdmitterOf(cfg.Buckets); ok && sameStore(cfg.Buckets, cfg.Quotas) {
		s.admitter = a
	}
	mk := MethodKey(cfg.Resource, cfg.HTTPMethod)
	s.stageKeys = cfg.Registry.Stage(cfg.APIID, cfg.Stage)
	s.methodSuffix = ":method:" + cfg.APIID + "/" + cfg.Stage + mk
	for _, p := range cfg.Registry.Plans() {
		for _, st := range p.Stages {
			if st.API != cfg.APIID || st.Stage != cfg.Stage {
				continue
			}
			if l, ok := st.Methods[mk]; ok {
				s.limits[p.ID] = methodLimit{l, true}
			} else if p.Throttle != nil {
				s.limits[p.ID] = methodLimit{*p.Throttle, false}
			}
		}
	}
	return s
}

// DeferSafe implements pipeline.DeferSafe: the step checks the key
// (reading the Call), then makes a deferred throttle take first among its
// counter checks.
func (*Step) DeferSafe() {}

// Name implements pipeline.Named.
func (s *Step) Name() string { return "apikey" }

// Run checks the key, then the plan's throttle and quota.
func (s *Step) Run(ctx context.Context, c *pipeline.Call) error {
	value := c.Header.Get("X-Api-Key")
	if s.fromAuthorizer {
		value = c.Identity.APIKey
	}
	if value == "" {
		return fault.Reject(fault.InvalidAPIKey, fmt.Errorf("no API key in the request (source %s)", s.source()))
	}
	k, ok := s.reg.Lookup(value)
	if !ok {
		return fault.Reject(fault.InvalidAPIKey, fmt.Errorf("API key %s is not a known key", pipeline.MaskKey(value)))
	}
	if !k.Enabled {
		return fault.Reject(fault.InvalidAPIKey, fmt.Errorf("API key %s (%s) is disabled", pipeline.MaskKey(value), k.Name))
	}
	a, ok := s.stageKeys.Admission(k)
	if !ok {
		return fault.Reject(fault.InvalidAPIKey, fmt.Errorf("API key %s (%s) not in a usage plan for %s/%s", pipeline.MaskKey(value), k.Name, s.api, s.stage))
	}
	c.Identity.APIKey, c.Identity.APIKeyID, c.Identity.UsagePlanID = value, k.ID, a.Plan.ID
	var pending *throttle.Pending
	if d := c.TakeDeferred(); d != nil {
		p, ok := d.(*throttle.Pending)
		if !ok || s.admitter == nil || !sameStore(p.Buckets(), s.buckets) {
			if err := d.Run(ctx); err != nil {
				return err
			}
		} else {
			pending = p
		}
	}
	now := s.now()
	if s.admitter != nil {
		return s.admit(ctx, pending, a, value, now)
	}
	if err := s.throttle(ctx, a, value, now); err != nil {
		return err
	}
	return s.quota(ctx, a, value, now)
}

// admit makes the deferred throttle takes (pending, if any), the plan's
// throttle and its quota in one call to the store, answering as the
// separate checks would.
func (s *Step) admit(ctx context.Context, pending *throttle.Pending, a *Admission, value string, now time.Time) error {
	var parts []throttle.Part
	if pending != nil {
		parts = pending.Parts()
	}
	if key, ml, ok := s.planBucket(a); ok {
		parts = append(parts, throttle.Part{
			Check:   throttle.Check{Key: key, Now: now, Rate: ml.limit.Rate, Burst: ml.limit.Burst},
			Refused: func(o throttle.Outcome) error { return s.throttled(o.Decision, a, value, ml) },
			Alone:   func(ctx context.Context) error { return s.throttle(ctx, a, value, now) },
		})
	}
	quotaLater := false
	if q := a.Plan.Quota; q != nil {
		w, limit, err := q.At(now)
		if err != nil {
			quotaLater = true // s.quota answers the error, after the throttles
		} else {
			limit = max(limit+a.Grant.In(w), 0)
			parts = append(parts, throttle.Part{
				Check:   throttle.Check{Key: a.QuotaKey, Now: now, Quota: true, Window: w, Limit: limit},
				Refused: func(throttle.Outcome) error { return s.quotaExceeded(a, value, w, now) },
				Alone:   func(ctx context.Context) error { return s.quota(ctx, a, value, now) },
			})
		}
	}
	if len(parts) > 0 {
		if err := throttle.AdmitParts(ctx, s.admitter, parts); err != nil {
			return err
		}
	}
	if quotaLater {
		return s.quota(ctx, a, value, now)
	}
	return nil
}

// sameStore reports whether a and b are the same store.
func sameStore(a, b any) bool {
	ta := reflect.TypeOf(a)
	return ta != nil && ta == reflect.TypeOf(b) && ta.Comparable() && a == b
}

func (s *Step) source() string {
	if s.fromAuthorizer {
		return "AUTHORIZER"
	}
	return "HEADER x-api-key"
}

// planBucket is the plan's bucket for this method: its key and limit;
// false when the plan does not throttle.
func (s *Step) planBucket(a *Admission) (string, methodLimit, bool) {
	ml, ok := s.limits[a.Plan.ID]
	if !ok {
		return "", ml, false
	}
	key := a.BucketKey
	if ml.perMethod {
		key += s.methodSuffix
	}
	return key, ml, true
}

func (s *Step) throttle(ctx context.Context, a *Admission, value string, now time.Time) error {
	key, ml, ok := s.planBucket(a)
	if !ok {
		return nil
	}
	d, err := s.buckets.Take(ctx, key, ml.limit.Rate, ml.limit.Burst, now)
	if err != nil {
		return s.errs.Handle(fmt.Errorf("Usage Plan check failed due to an internal error: %w", err))
	}
	if !d.Allowed {
		return s.throttled(d, a, value, ml)
	}
	return nil
}

func (s *Step) throttled(d throttle.Decision, a *Admission, value string, ml methodLimit) error {
	return throttle.Throttled(d, fmt.Errorf("API Key %s exceeded throttle limit for API Stage %s/%s: Key throttle limit exceeded for Usage Plan ID %s, RestApi %s, Stage %s, Resource %s, HttpMethod %s. Limit: %.2f Burst: %d",
		pipeline.MaskKey(value), s.api, s.stage, a.Plan.ID, s.api, s.stage, s.resource, s.method, ml.limit.Rate, ml.limit.Burst))
}

func (s *Step) quota(ctx context.Context, a *Admission, value string, now time.Time) error {
	p := a.Plan
	if p.Quota == nil {
		return nil
	}
	w, limit, err := p.Quota.At(now)
	if err != nil {
		return s.errs.Handle(err)
	}
	limit = max(limit+a.Grant.In(w), 0)
	_, allowed, err := s.quotas.Consume(ctx, a.QuotaKey, w, limit, now)
	if err != nil {
		return s.errs.Handle(fmt.Errorf("Usage Plan check failed due to an internal error: %w", err))
	}
	if !allowed {
		return s.quotaExceeded(a, value, w, now)
	}
	return nil
}

func (s *Step) quotaExceeded(a *Admission, value string, w throttle.Window, now time.Time) error {
	p := a.Plan
	return fault.LimitExceeded(retryAt(w.End, now),
		fmt.Errorf("API Key %s exceeded quota limit for API Stage %s/%s: Key quota exhausted for Usage Plan ID %s. Quota Limit: %d Period: %s",
			pipeline.MaskKey(value), s.api, s.stage, p.ID, p.Quota.Limit, p.Quota.Period))
}

// QuotaKey names a key's quota counter in a plan; usage reports read it.
func QuotaKey(planID, keyID string) string { return "quota:" + planID + ":key:" + keyID }

// retryAt is the Retry-After for a used-up quota: seconds until the period ends.
func retryAt(end, now time.Time) string {
	secs := int64(end.Sub(now).Seconds() + 0.999)
	return fmt.Sprint(max(secs, 1))
}
