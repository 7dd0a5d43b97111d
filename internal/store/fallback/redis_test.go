package fallback_test

import (
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/portico-gw/portico/internal/store/fallback"
	"github.com/portico-gw/portico/internal/store/redis"
	"github.com/portico-gw/portico/internal/store/redistest"
	"github.com/portico-gw/portico/internal/store/storetest"
	"github.com/portico-gw/portico/internal/throttle"
)

// waitFor polls cond every 10 ms for up to ten seconds.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("%s: not reached in 10 s", what)
		}
		time.Sleep(10 * time.Millisecond) // poll interval
	}
}

// TestFrozenRedisBoundsQuota freezes Redis (SIGSTOP) in the middle of a
// quota: the requests made during the freeze are admitted only up to what
// remained of the quota, so the total never exceeds the limit by more than
// the requests in flight.
func TestFrozenRedisBoundsQuota(t *testing.T) {
	t.Parallel()
	srv := redistest.Start(t)
	rs, err := redis.New(redis.Options{URL: srv.URL(), Prefix: "frozen:", Timeout: 100 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	s := fallback.New(rs, fallback.Options{Local: true})
	t.Cleanup(func() { _ = s.Close() })
	const limit, workers = 100, 8
	now := time.Now()
	w, _ := throttle.Day.Window(now)
	var admitted atomic.Int64
	consume := func() {
		_, ok, err := s.Consume(t.Context(), "q", w, limit, now)
		if err != nil {
			t.Errorf("Consume: %v", err)
		}
		if ok {
			admitted.Add(1)
		}
	}
	for range 50 {
		consume()
	}
	if admitted.Load() != 50 {
		t.Fatalf("before the freeze: admitted %d of 50", admitted.Load())
	}
	srv.Pause()
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for range 20 {
				consume()
			}
		})
	}
	wg.Wait()
	frozen := admitted.Load() - 50
	if !s.Health(t.Context()).Failing {
		t.Error("health: not failing while Redis is frozen")
	}
	srv.Resume()
	waitFor(t, "recovery", func() bool { return !s.Health(t.Context()).Failing })
	for range 50 {
		consume()
	}
	total := admitted.Load()
	t.Logf("admitted %d during the freeze, %d in all, for a quota of %d", frozen, total, limit)
	if total > limit+workers {
		t.Errorf("admitted %d, want at most %d (the limit plus the requests in flight)", total, limit+workers)
	}
	if total < limit-workers {
		t.Errorf("admitted only %d of a %d quota", total, limit)
	}
	u, err := rs.Usage(t.Context(), "q", now, now)
	if err != nil || len(u) != 1 || u[0].Used < total {
		t.Errorf("Redis usage %+v (%v), want at least the %d admitted", u, err, total)
	}
}

// TestStartWhileRedisDown opens the store while Redis is unreachable,
// decides locally, and enforces through Redis once it is back, with the
// local admissions counted there.
func TestStartWhileRedisDown(t *testing.T) {
	t.Parallel()
	srv := redistest.Start(t)
	srv.Stop()
	if _, err := redis.New(redis.Options{URL: srv.URL(), Timeout: 100 * time.Millisecond}); err == nil {
		t.Fatal("New without ConnectLater against a stopped Redis: no error")
	}
	rs, err := redis.New(redis.Options{URL: srv.URL(), Prefix: "later:", Timeout: 100 * time.Millisecond, ConnectLater: true})
	if err != nil {
		t.Fatalf("New with ConnectLater: %v", err)
	}
	s := fallback.New(rs, fallback.Options{Local: true, ProbeEvery: time.Millisecond})
	t.Cleanup(func() { _ = s.Close() })
	now := time.Now()
	if got := consumeN(t, s, "k", 5, 3, now); got != 3 {
		t.Errorf("Redis down: admitted %d, want 3", got)
	}
	if h := s.Health(t.Context()); !h.Failing || h.Err == nil {
		t.Errorf("health with Redis down: %+v", h)
	}
	srv.Restart()
	waitFor(t, "connect", func() bool { return !s.Health(t.Context()).Failing })
	if !rs.Connected() {
		t.Error("not connected after a successful probe")
	}
	if got := consumeN(t, s, "k", 2, 3, now); got != 0 {
		t.Errorf("Redis back: admitted %d more, want 0", got)
	}
	u, err := rs.Usage(t.Context(), "k", now, now)
	if err != nil || len(u) != 1 || u[0].Used != 3 {
		t.Errorf("Redis usage %+v (%v), want 3", u, err)
	}
}

// TestConformanceOverRedis runs the conformance suite through the wrapper,
// whose Admit combines checks as Redis's does.
func TestConformanceOverRedis(t *testing.T) {
	t.Parallel()
	srv := redistest.Start(t)
	var seq atomic.Int64
	storetest.Run(t, func(t *testing.T) storetest.Store {
		rs, err := redis.New(redis.Options{URL: srv.URL(), Prefix: fmt.Sprintf("conf:%d:", seq.Add(1))})
		if err != nil {
			t.Fatal(err)
		}
		s := fallback.New(rs, fallback.Options{Local: true})
		t.Cleanup(func() { _ = s.Close() })
		return s
	})
}

// TestAdmitWhileRedisFrozen: while Redis is frozen Admit fails, so the caller
// makes the checks separately and the quota is decided locally; once Redis
// is back, Admit adds the local admissions to the shared counter before
// deciding the quota.
func TestAdmitWhileRedisFrozen(t *testing.T) {
	t.Parallel()
	srv := redistest.Start(t)
	rs, err := redis.New(redis.Options{URL: srv.URL(), Prefix: "admit:", Timeout: 100 * time.Millisecond, ConnectLater: true})
	if err != nil {
		t.Fatal(err)
	}
	s := fallback.New(rs, fallback.Options{Local: true, ProbeEvery: time.Millisecond})
	t.Cleanup(func() { _ = s.Close() })
	if _, ok := throttle.AdmitterOf(s); !ok {
		t.Fatal("a fallback store over Redis does not admit in one call")
	}
	now := time.Now()
	w, _ := throttle.Day.Window(now)
	checks := []throttle.Check{
		{Key: "b", Now: now, Rate: 100, Burst: 100},
		{Key: "q", Now: now, Quota: true, Window: w, Limit: 3},
	}
	out, err := s.Admit(t.Context(), checks)
	if err != nil || len(out) != 2 || !out[1].Decision.Allowed || out[1].Used != 1 {
		t.Fatalf("Redis up: Admit = %+v, %v; want both allowed, used 1", out, err)
	}
	srv.Pause()
	if out, err := s.Admit(t.Context(), checks); err == nil {
		t.Fatalf("Redis frozen: Admit = %+v, want an error", out)
	}
	if got := consumeN(t, s, "q", 5, 3, now); got != 2 {
		t.Errorf("Redis frozen: admitted %d locally, want the 2 left", got)
	}
	srv.Resume()
	waitFor(t, "recovery", func() bool { return !s.Health(t.Context()).Failing })
	// The frozen Admit's script may run once Redis resumes, counting that
	// request a second time (the strict side, see the package doc).
	out, err = s.Admit(t.Context(), checks)
	if err != nil || len(out) != 2 || out[1].Decision.Allowed || (out[1].Used != 3 && out[1].Used != 4) {
		t.Errorf("Redis back: Admit = %+v, %v; want the quota refused at 3 (1 before, 2 added) or 4", out, err)
	}
	u, err := rs.Usage(t.Context(), "q", now, now)
	if err != nil || len(u) != 1 || len(out) != 2 || u[0].Used != out[1].Used {
		t.Errorf("Redis usage %+v (%v), want the count Admit saw", u, err)
	}
}
