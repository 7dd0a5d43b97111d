package pipeline

import (
	"context"
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// deferringStep defers a check that records "name(deferred)" and
// answers err.
type deferringStep struct {
	name string
	err  error
	ran  *[]string
}

type recordedCheck struct {
	name string
	err  error
	ran  *[]string
}

func (d recordedCheck) Run(context.Context) error {
	*d.ran = append(*d.ran, d.name+"(deferred)")
	return d.err
}

func (s deferringStep) Run(_ context.Context, c *Call) error {
	*s.ran = append(*s.ran, s.name)
	c.Defer(recordedCheck{s.name, s.err, s.ran})
	return nil
}

// safeStep is a DeferSafe step; with take it makes the deferred check
// itself first.
type safeStep struct {
	namedStep
	take bool
}

func (safeStep) DeferSafe() {}

func (s safeStep) Run(ctx context.Context, c *Call) error {
	if s.take {
		if d := c.TakeDeferred(); d != nil {
			if err := d.Run(ctx); err != nil {
				return err
			}
		}
	}
	return s.namedStep.Run(ctx, c)
}

// TestDeferredCheck pins when the runner makes a deferred check: not
// before DeferSafe steps; before any other step and the integration;
// before a DeferSafe step's rejection is answered, its own rejection
// winning; never twice once a step took it.
func TestDeferredCheck(t *testing.T) {
	t.Parallel()
	throttled := errors.New("throttled")
	denied := errors.New("denied")
	tests := []struct {
		name    string
		steps   func(ran *[]string) []Step
		wantErr error
		wantRan []string
	}{
		{"settled before a step that is not DeferSafe",
			func(ran *[]string) []Step {
				return []Step{deferringStep{"throttle", nil, ran}, safeStep{namedStep{"auth", nil, ran}, false}, namedStep{"validate", nil, ran}}
			}, nil, []string{"throttle", "auth", "throttle(deferred)", "validate", "integration"}},
		{"settled before the integration",
			func(ran *[]string) []Step {
				return []Step{deferringStep{"throttle", nil, ran}, safeStep{namedStep{"auth", nil, ran}, false}}
			}, nil, []string{"throttle", "auth", "throttle(deferred)", "integration"}},
		{"its rejection wins over a DeferSafe step's",
			func(ran *[]string) []Step {
				return []Step{deferringStep{"throttle", throttled, ran}, safeStep{namedStep{"auth", denied, ran}, false}}
			}, throttled, []string{"throttle", "auth", "throttle(deferred)"}},
		{"made when a DeferSafe step rejects",
			func(ran *[]string) []Step {
				return []Step{deferringStep{"throttle", nil, ran}, safeStep{namedStep{"auth", denied, ran}, false}}
			}, denied, []string{"throttle", "auth", "throttle(deferred)"}},
		{"its rejection stops the request before a step that is not DeferSafe",
			func(ran *[]string) []Step {
				return []Step{deferringStep{"throttle", throttled, ran}, namedStep{"validate", nil, ran}}
			}, throttled, []string{"throttle", "throttle(deferred)"}},
		{"taken by a step, made once",
			func(ran *[]string) []Step {
				return []Step{deferringStep{"throttle", nil, ran}, safeStep{namedStep{"apikey", nil, ran}, true}, namedStep{"validate", nil, ran}}
			}, nil, []string{"throttle", "throttle(deferred)", "apikey", "validate", "integration"}},
		{"taken by a step that then rejects, made once",
			func(ran *[]string) []Step {
				return []Step{deferringStep{"throttle", nil, ran}, safeStep{namedStep{"apikey", denied, ran}, true}}
			}, denied, []string{"throttle", "throttle(deferred)", "apikey"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var ran []string
			_, err := New(tc.steps(&ran), okIntegration{&ran}).Serve(context.Background(), &Call{})
			if !errors.Is(err, tc.wantErr) || (err == nil) != (tc.wantErr == nil) {
				t.Errorf("Serve: %v, want %v", err, tc.wantErr)
			}
			if diff := cmp.Diff(tc.wantRan, ran); diff != "" {
				t.Errorf("order (-want +got):\n%s", diff)
			}
		})
	}
}

// TestSettle: Settle makes the deferred check once.
func TestSettle(t *testing.T) {
	t.Parallel()
	var ran []string
	c := &Call{}
	if err := c.Settle(context.Background()); err != nil {
		t.Fatalf("Settle with nothing deferred: %v", err)
	}
	c.Defer(recordedCheck{"t", errors.New("no"), &ran})
	if err := c.Settle(context.Background()); err == nil {
		t.Error("Settle: the deferred rejection is lost")
	}
	if err := c.Settle(context.Background()); err != nil || len(ran) != 1 {
		t.Errorf("second Settle: %v, ran %v; want nothing made again", err, ran)
	}
}
