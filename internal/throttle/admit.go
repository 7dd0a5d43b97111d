package throttle

import (
	"context"
	"time"
)

// Check is one decision of an Admit call: a token from a bucket
// (Buckets.Take), or with Quota set one request against a quota window
// (Quotas.Consume).
type Check struct {
	Key string
	Now time.Time
	// Rate and Burst are a bucket's, as Buckets.Take reads them.
	Rate  float64
	Burst int
	// Quota makes the check a Consume of Window with Limit.
	Quota  bool
	Window Window
	Limit  int64
}

// Outcome is a Check's result: for a bucket, Take's Decision; for a
// quota, Decision.Allowed and Used, the window's count after the call.
type Outcome struct {
	Decision Decision
	Used     int64
}

// Admitter is implemented by stores that decide several checks in one
// call: the redis store makes it one script, one round trip, instead of
// one per check.
type Admitter interface {
	// Admit decides checks in order, each exactly as the separate Take
	// or Consume would, and stops after the first one refused: checks
	// after it are not applied. It returns the outcomes of the checks
	// decided, the refused one last. On an error, the outcomes are those
	// decided before the failure, and the checks from the failing one
	// on are to be made separately (their effect is unknown, as after a
	// failed Take or Consume).
	Admit(ctx context.Context, checks []Check) ([]Outcome, error)
}

// AdmitterOf returns b's Admitter, if it has one that is in use. A store
// that wraps another (store/fallback) says with Admits whether it does.
func AdmitterOf(b Buckets) (Admitter, bool) {
	a, ok := b.(Admitter)
	if !ok {
		return nil, false
	}
	if w, ok := b.(interface{ Admits() bool }); ok && !w.Admits() {
		return nil, false
	}
	return a, true
}

// AdmitEach is Admitter.Admit made of separate Take and Consume calls on
// b and q: the reference the conformance suite holds stores to, and the
// way for a store that cannot combine a particular call.
func AdmitEach(ctx context.Context, b Buckets, q Quotas, checks []Check) ([]Outcome, error) {
	out := make([]Outcome, 0, len(checks))
	for _, c := range checks {
		var o Outcome
		var err error
		if c.Quota {
			o.Used, o.Decision.Allowed, err = q.Consume(ctx, c.Key, c.Window, c.Limit, c.Now)
		} else {
			o.Decision, err = b.Take(ctx, c.Key, c.Rate, c.Burst, c.Now)
		}
		if err != nil {
			return out, err
		}
		out = append(out, o)
		if !o.Decision.Allowed {
			break
		}
	}
	return out, nil
}

// Part is one check of a combined admission and how the step that owns
// it answers.
type Part struct {
	Check Check
	// Refused is the rejection when the check is refused with o.
	Refused func(o Outcome) error
	// Alone makes the check by itself, as the step does when nothing is
	// combined: its refusal, or a store error handled by the step's
	// policy.
	Alone func(ctx context.Context) error
}

// AdmitParts makes the parts' checks in one Admit call and answers as
// making them one after the other would: the first refusal's rejection,
// or nil. The checks the call leaves undecided after a store error are
// made alone, in order.
func AdmitParts(ctx context.Context, a Admitter, parts []Part) error {
	checks := make([]Check, len(parts))
	for i, p := range parts {
		checks[i] = p.Check
	}
	outs, err := a.Admit(ctx, checks)
	for i, p := range parts {
		if i < len(outs) {
			if !outs[i].Decision.Allowed {
				return p.Refused(outs[i])
			}
			continue
		}
		if err == nil {
			break
		}
		if aerr := p.Alone(ctx); aerr != nil {
			return aerr
		}
	}
	return nil
}
