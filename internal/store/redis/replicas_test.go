package redis_test

import (
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/portico-gw/portico/internal/store/redis"
	"github.com/portico-gw/portico/internal/store/redistest"
	"github.com/portico-gw/portico/internal/throttle"
)

// TestReplicasShareLimits races several stores (as several gateway replicas
// would run, each with its own connections) on the same keys and checks
// that the limits hold across all of them together.
func TestReplicasShareLimits(t *testing.T) {
	t.Parallel()
	srv := redistest.Start(t)
	var seq atomic.Int64
	const replicas, workers, each = 4, 8, 25
	const burst, limit = 150, 333
	stores := make([]*redis.Store, replicas)
	for i := range stores {
		stores[i] = newStore(t, srv, &seq, redis.Options{Prefix: "shared:"})
	}
	now := time.Now()
	w, err := throttle.Month.Window(now)
	if err != nil {
		t.Fatal(err)
	}
	var taken, consumed atomic.Int64
	var wg sync.WaitGroup
	for _, s := range stores {
		for range workers {
			wg.Go(func() {
				for range each {
					d, err := s.Take(t.Context(), "bucket", 0, burst, now)
					if err != nil {
						t.Error(err)
						return
					}
					if d.Allowed {
						taken.Add(1)
					}
					_, ok, err := s.Consume(t.Context(), "quota", w, limit, now)
					if err != nil {
						t.Error(err)
						return
					}
					if ok {
						consumed.Add(1)
					}
				}
			})
		}
	}
	wg.Wait()
	if got := taken.Load(); got != burst {
		t.Errorf("%d takes over %d replicas from a bucket of %d: %d allowed", replicas*workers*each, replicas, burst, got)
	}
	if got := consumed.Load(); got != limit {
		t.Errorf("%d requests over %d replicas against a quota of %d: %d admitted", replicas*workers*each, replicas, limit, got)
	}
}
