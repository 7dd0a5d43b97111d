package usage

import (
	"context"
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/portico-gw/portico/internal/fault"
	"github.com/portico-gw/portico/internal/pipeline"
	"github.com/portico-gw/portico/internal/store/memory"
	"github.com/portico-gw/portico/internal/throttle"
)

const (
	aliceKey = "alice-0123456789abcdefghij"
	bobKey   = "bob-0123456789abcdefghijkl"
)

type failing struct{}

func (failing) Take(context.Context, string, float64, int, time.Time) (throttle.Decision, error) {
	return throttle.Decision{}, errors.New("store down")
}
func (failing) Consume(context.Context, string, throttle.Window, int64, time.Time) (int64, bool, error) {
	return 0, false, errors.New("store down")
}
func (failing) Usage(context.Context, string, time.Time, time.Time) ([]throttle.DayUsage, error) {
	return nil, errors.New("store down")
}

func newStep(t *testing.T, plan Plan, counters interface {
	throttle.Buckets
	throttle.Quotas
}, closed bool) *Step {
	t.Helper()
	reg, err := NewRegistry([]Key{{ID: "a", Name: "alice", Value: aliceKey, Enabled: true}, {ID: "b", Name: "bob", Value: bobKey}}, []Plan{plan})
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)
	return NewStep(StepConfig{APIID: "api", Stage: "dev", Resource: "/pets", HTTPMethod: "GET", KeySource: "HEADER", Registry: reg,
		Buckets: counters, Quotas: counters, Errors: throttle.StoreErrors{Closed: closed}, Now: func() time.Time { return now }})
}

func call(key string) *pipeline.Call {
	h := http.Header{}
	if key != "" {
		h.Set("X-Api-Key", key)
	}
	return &pipeline.Call{Header: h}
}

func faultType(err error) fault.ResponseType {
	if err == nil {
		return ""
	}
	if f, ok := errors.AsType[*fault.Error](err); ok {
		return f.Type
	}
	return "not a fault"
}

func TestStepOutcomes(t *testing.T) {
	t.Parallel()
	plan := Plan{ID: "p", Name: "p", Keys: []string{"alice", "bob"}, Stages: []PlanStage{{API: "api", Stage: "dev"}},
		Throttle: &Limit{Rate: 0, Burst: 2}, Quota: &throttle.Quota{Limit: 1, Period: throttle.Day}}
	s := newStep(t, plan, memory.New(memory.Options{}), false)
	cases := []struct {
		name string
		key  string
		want fault.ResponseType
	}{
		{"missing", "", fault.InvalidAPIKey},
		{"unknown", "nobody-0123456789abcdefghij", fault.InvalidAPIKey},
		{"prefix of a key", aliceKey[:20], fault.InvalidAPIKey},
		{"disabled", bobKey, fault.InvalidAPIKey},
		{"admitted", aliceKey, ""},
		{"quota used up", aliceKey, fault.QuotaExceeded},
		{"throttled before quota", aliceKey, fault.Throttled},
	}
	for _, c := range cases {
		cl := call(c.key)
		err := s.Run(context.Background(), cl)
		if got := faultType(err); got != c.want {
			t.Errorf("%s: got %q (%v), want %q", c.name, got, err, c.want)
		}
		if c.want == "" && (cl.Identity.APIKeyID != "a" || cl.Identity.UsagePlanID != "p") {
			t.Errorf("%s: identity not set: %+v", c.name, cl.Identity)
		}
	}
}

func TestStepKeyNotInPlanForStage(t *testing.T) {
	t.Parallel()
	plan := Plan{ID: "p", Keys: []string{"alice"}, Stages: []PlanStage{{API: "api", Stage: "prod"}}}
	s := newStep(t, plan, memory.New(memory.Options{}), false)
	if got := faultType(s.Run(context.Background(), call(aliceKey))); got != fault.InvalidAPIKey {
		t.Errorf("got %q, want INVALID_API_KEY", got)
	}
}

func TestStepPerMethodOverride(t *testing.T) {
	t.Parallel()
	plan := Plan{ID: "p", Keys: []string{"alice"}, Throttle: &Limit{Rate: 0, Burst: 100},
		Stages: []PlanStage{{API: "api", Stage: "dev", Methods: map[string]Limit{"/pets/GET": {Rate: 0, Burst: 1}}}}}
	s := newStep(t, plan, memory.New(memory.Options{}), false)
	_ = s.Run(context.Background(), call(aliceKey))
	if got := faultType(s.Run(context.Background(), call(aliceKey))); got != fault.Throttled {
		t.Errorf("got %q, want the per-method limit (burst 1) to throttle", got)
	}
}

func TestStepStoreFailure(t *testing.T) {
	t.Parallel()
	plan := Plan{ID: "p", Keys: []string{"alice"}, Stages: []PlanStage{{API: "api", Stage: "dev"}},
		Throttle: &Limit{Rate: 1, Burst: 1}, Quota: &throttle.Quota{Limit: 1, Period: throttle.Day}}
	if err := newStep(t, plan, failing{}, false).Run(context.Background(), call(aliceKey)); err != nil {
		t.Errorf("onError open: got %v, want the request served", err)
	}
	err := newStep(t, plan, failing{}, true).Run(context.Background(), call(aliceKey))
	if f, ok := errors.AsType[*fault.Error](err); !ok || f.Type.Family() != fault.Default5XX {
		t.Errorf("onError closed: got %v, want a 5xx fault", err)
	}
	if got := faultType(newStep(t, plan, failing{}, true).Run(context.Background(), call(""))); got != fault.InvalidAPIKey {
		t.Errorf("a missing key is still 403 when the store is down, got %q", got)
	}
}

func TestMaskedNeverShowsTheKey(t *testing.T) {
	t.Parallel()
	if m := pipeline.MaskKey(aliceKey); m != "****ghij" {
		t.Errorf("got %q", m)
	}
	if m := pipeline.MaskKey("abc"); m != "****" {
		t.Errorf("got %q", m)
	}
}

func BenchmarkStepMemory(b *testing.B) {
	plan := Plan{ID: "p", Keys: []string{"alice"}, Stages: []PlanStage{{API: "api", Stage: "dev"}},
		Throttle: &Limit{Rate: 1e9, Burst: 1 << 30}, Quota: &throttle.Quota{Limit: 1 << 60, Period: throttle.Month}}
	s := newStep(&testing.T{}, plan, memory.New(memory.Options{}), false)
	c := call(aliceKey)
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if err := s.Run(ctx, c); err != nil {
			b.Fatal(err)
		}
	}
}

// TestStepGrant: a grant raises the key's quota in the period containing
// its instant only, and plans may name keys by ID.
func TestStepGrant(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		name  string
		at    time.Time
		extra int64
		want  int
	}{
		{"this period", now.Add(-time.Hour), 2, 3},
		{"an earlier period", now.Add(-24 * time.Hour), 2, 1},
		{"lowered", now.Add(-time.Hour), -1, 0},
	} {
		plan := Plan{ID: "p", Keys: []string{"a"}, Stages: []PlanStage{{API: "api", Stage: "dev"}},
			Quota: &throttle.Quota{Limit: 1, Period: throttle.Day}, Grants: map[string]Grant{"a": {At: c.at, Extra: c.extra}}}
		s := newStep(t, plan, memory.New(memory.Options{}), false)
		admitted := 0
		for range 5 {
			if s.Run(context.Background(), call(aliceKey)) == nil {
				admitted++
			}
		}
		if admitted != c.want {
			t.Errorf("%s: admitted %d, want %d", c.name, admitted, c.want)
		}
	}
}
