package storetest

import (
	"fmt"
	"math"
	"sync"
	"testing"
	"time"

	"github.com/portico-gw/portico/internal/throttle"
)

// take calls Take and fails the test on an error.
func take(t *testing.T, s Store, key string, rate float64, burst int, now time.Time) throttle.Decision {
	t.Helper()
	d, err := s.Take(t.Context(), key, rate, burst, now)
	if err != nil {
		t.Fatalf("Take(%q, %v, %d, %s): %v", key, rate, burst, now.Format(time.RFC3339Nano), err)
	}
	return d
}

// takeStep is one Take of a scripted bucket test.
type takeStep struct {
	after time.Duration
	want  throttle.Decision
}

func runTakes(t *testing.T, s Store, key string, rate float64, burst int, steps []takeStep) {
	t.Helper()
	for i, st := range steps {
		if got := take(t, s, key, rate, burst, at(st.after)); got != st.want {
			t.Errorf("%s step %d at +%v (rate %v, burst %d): got %+v, want %+v", key, i, st.after, rate, burst, got, st.want)
		}
	}
}

func allow() throttle.Decision { return throttle.Decision{Allowed: true} }

func never() throttle.Decision { return throttle.Decision{RetryAfter: throttle.Never} }

func deny(d time.Duration) throttle.Decision { return throttle.Decision{RetryAfter: d} }

func testBucketStartsFull(t *testing.T, s Store) {
	runTakes(t, s, "full", 1, 5, []takeStep{
		{0, allow()}, {0, allow()}, {0, allow()}, {0, allow()}, {0, allow()},
		{0, deny(time.Second)},
		{0, deny(time.Second)},
	})
}

func testBucketRefill(t *testing.T, s Store) {
	runTakes(t, s, "refill", 2, 2, []takeStep{
		{0, allow()}, {0, allow()},
		{0, deny(500 * time.Millisecond)},
		{100 * time.Millisecond, deny(400 * time.Millisecond)},
		{500 * time.Millisecond, allow()},
		{500 * time.Millisecond, deny(500 * time.Millisecond)},
		{1500 * time.Millisecond, allow()},
		{1500 * time.Millisecond, allow()},
		{1500 * time.Millisecond, deny(500 * time.Millisecond)},
	})
	runTakes(t, s, "fractional", 0.25, 1, []takeStep{
		{0, allow()},
		{time.Second, deny(3 * time.Second)},
		{3999 * time.Millisecond, deny(time.Millisecond)},
		{4 * time.Second, allow()},
	})
	runTakes(t, s, "tenths", 10, 1, []takeStep{
		{0, allow()},
		{10 * time.Millisecond, deny(90 * time.Millisecond)},
		{30 * time.Millisecond, deny(70 * time.Millisecond)},
		{60 * time.Millisecond, deny(40 * time.Millisecond)},
		{100 * time.Millisecond, allow()},
	})
}

func testBucketRefillCapsAtBurst(t *testing.T, s Store) {
	runTakes(t, s, "cap", 100, 3, []takeStep{
		{0, allow()},
		{time.Hour, allow()}, {time.Hour, allow()}, {time.Hour, allow()},
		{time.Hour, deny(10 * time.Millisecond)},
	})
}

func testBucketZeroBurst(t *testing.T, s Store) {
	// AWS: a zero limit blocks.
	runTakes(t, s, "zero-burst", 10000, 0, []takeStep{
		{0, never()}, {time.Second, never()}, {24 * time.Hour, never()},
	})
	runTakes(t, s, "zero-both", 0, 0, []takeStep{{0, never()}})
}

func testBucketZeroRate(t *testing.T, s Store) {
	runTakes(t, s, "zero-rate", 0, 3, []takeStep{
		{0, allow()}, {time.Minute, allow()}, {time.Hour, allow()},
		{2 * time.Hour, never()}, {12 * time.Hour, never()},
	})
}

func testBucketOddRates(t *testing.T, s Store) {
	runTakes(t, s, "nan", math.NaN(), 1, []takeStep{{0, allow()}, {time.Hour, never()}})
	runTakes(t, s, "negative", -5, 1, []takeStep{{0, allow()}, {time.Hour, never()}})
	runTakes(t, s, "inf", math.Inf(1), 1, []takeStep{
		{0, allow()}, {0, deny(0)}, {time.Microsecond, allow()},
	})
}

func testBucketLoweredBurst(t *testing.T, s Store) {
	runTakes(t, s, "lowered", 1, 10, []takeStep{{0, allow()}})
	// The bucket holds 9; with the burst lowered to 2 it holds 2.
	runTakes(t, s, "lowered", 1, 2, []takeStep{
		{0, allow()}, {0, allow()}, {0, deny(time.Second)},
	})
}

func testBucketClockBackwards(t *testing.T, s Store) {
	runTakes(t, s, "backwards", 1, 1, []takeStep{
		{10 * time.Second, allow()},
		{0, deny(time.Second)},
		{10*time.Second + 500*time.Millisecond, deny(500 * time.Millisecond)},
		{11 * time.Second, allow()},
	})
}

func testBucketKeysIndependent(t *testing.T, s Store) {
	for i := range 3 {
		key := fmt.Sprintf("key-%d", i)
		runTakes(t, s, key, 1, 1, []takeStep{{0, allow()}, {0, deny(time.Second)}})
	}
}

func testBucketConcurrent(t *testing.T, s Store) {
	const workers, each, burst = 16, 25, 100
	var mu sync.Mutex
	allowed := 0
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			n := 0
			for range each {
				d, err := s.Take(t.Context(), "race", 0, burst, at(0))
				if err != nil {
					t.Error(err)
					return
				}
				if d.Allowed {
					n++
				}
			}
			mu.Lock()
			allowed += n
			mu.Unlock()
		})
	}
	wg.Wait()
	if allowed != burst {
		t.Errorf("%d racing takes from a bucket of %d: %d allowed, want %d", workers*each, burst, allowed, burst)
	}
}
