package fallback_test

import (
	"context"
	"errors"
	"math"
	"sync/atomic"
	"testing"
	"time"

	"github.com/portico-gw/portico/internal/store/fallback"
	"github.com/portico-gw/portico/internal/store/memory"
	"github.com/portico-gw/portico/internal/throttle"
)

// flaky is a memory store that fails while down is set.
type flaky struct {
	*memory.Store
	down  atomic.Bool
	calls atomic.Int64
}

var errDown = errors.New("store down")

func (f *flaky) Consume(ctx context.Context, key string, w throttle.Window, limit int64, now time.Time) (int64, bool, error) {
	f.calls.Add(1)
	if f.down.Load() {
		return 0, false, errDown
	}
	return f.Store.Consume(ctx, key, w, limit, now)
}

func (f *flaky) Add(ctx context.Context, key string, w throttle.Window, n int64, now time.Time) error {
	if f.down.Load() {
		return errDown
	}
	for range n {
		_, _, _ = f.Store.Consume(ctx, key, w, math.MaxInt64, now)
	}
	return nil
}

func (f *flaky) Ping(context.Context) error {
	if f.down.Load() {
		return errDown
	}
	return nil
}

func consumeN(t *testing.T, s *fallback.Store, key string, n int, limit int64, now time.Time) (admitted int) {
	t.Helper()
	w, _ := throttle.Day.Window(now)
	for range n {
		_, ok, err := s.Consume(t.Context(), key, w, limit, now)
		if err != nil {
			t.Fatalf("Consume: %v", err)
		}
		if ok {
			admitted++
		}
	}
	return admitted
}

func TestLocalQuotaWhileFailing(t *testing.T) {
	p := &flaky{Store: memory.New(memory.Options{})}
	var reported atomic.Int64
	s := fallback.New(p, fallback.Options{Local: true, Report: func(error) { reported.Add(1) }, ProbeEvery: time.Nanosecond})
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	if got := consumeN(t, s, "k", 4, 10, now); got != 4 {
		t.Fatalf("store up: admitted %d of 4", got)
	}
	p.down.Store(true)
	if got := consumeN(t, s, "k", 10, 10, now); got != 6 {
		t.Errorf("store down: admitted %d, want the 6 left of the quota", got)
	}
	if reported.Load() != 10 {
		t.Errorf("%d failures reported, want 10", reported.Load())
	}
	if h := s.Health(t.Context()); !h.Failing || !errors.Is(h.Err, errDown) {
		t.Errorf("health while down: %+v", h)
	}
	p.down.Store(false)
	if h := s.Health(t.Context()); h.Failing {
		t.Errorf("health after recovery: %+v", h)
	}
	if got := consumeN(t, s, "k", 3, 10, now); got != 0 {
		t.Errorf("store back: admitted %d, want 0 (the local admissions were added to it)", got)
	}
	u, _ := p.Usage(t.Context(), "k", now, now)
	if len(u) != 1 || u[0].Used != 10 {
		t.Errorf("store's usage after recovery: %+v, want 10", u)
	}
	// A new window starts afresh.
	if got := consumeN(t, s, "k", 3, 10, now.Add(24*time.Hour)); got != 3 {
		t.Errorf("next day: admitted %d of 3", got)
	}
}

func TestClosedReturnsErrors(t *testing.T) {
	p := &flaky{Store: memory.New(memory.Options{})}
	s := fallback.New(p, fallback.Options{})
	p.down.Store(true)
	now := time.Now()
	w, _ := throttle.Day.Window(now)
	if _, _, err := s.Consume(t.Context(), "k", w, 10, now); !errors.Is(err, errDown) {
		t.Errorf("got %v, want the store's error", err)
	}
	if !s.Health(t.Context()).Failing {
		t.Error("failure not recorded")
	}
}

// TestNeverSeenKeyGetsItsLimit: a key with no count seen before the
// failure is admitted up to its whole limit, not without limit.
func TestNeverSeenKeyGetsItsLimit(t *testing.T) {
	p := &flaky{Store: memory.New(memory.Options{})}
	p.down.Store(true)
	s := fallback.New(p, fallback.Options{Local: true})
	if got := consumeN(t, s, "new", 20, 5, time.Now()); got != 5 {
		t.Errorf("admitted %d, want 5", got)
	}
}
