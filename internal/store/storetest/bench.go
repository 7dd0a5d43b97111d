package storetest

import (
	"fmt"
	"math"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/portico-gw/portico/internal/throttle"
)

// Benchmark measures a store's hot paths: one Take, one Consume, and a
// request's four checks (three buckets and a quota) in one Admit call
// (Admit4) and as separate calls (Separate4), on keys that already exist, from one goroutine (with b.Loop) and from
// GOMAXPROCS goroutines; and the latency of both under 64 concurrent
// clients, reported as p50 and p99 in microseconds.
func Benchmark(b *testing.B, s Store) {
	now := time.Date(2026, time.March, 10, 12, 0, 0, 0, time.UTC)
	w, err := throttle.Month.Window(now)
	if err != nil {
		b.Fatal(err)
	}
	// Limits high enough that nothing is ever rejected.
	const rate, burst, limit = 1e12, math.MaxInt32, math.MaxInt64
	take := func(key string) error {
		_, err := s.Take(b.Context(), key, rate, burst, now)
		return err
	}
	consume := func(key string) error {
		_, _, err := s.Consume(b.Context(), key, w, limit, now)
		return err
	}
	// A request's checks: stage, account and plan buckets, then the quota;
	// in one Admit call when the store has one, and as separate calls.
	checks := func(key string) []throttle.Check {
		return []throttle.Check{
			{Key: key + ":stage", Now: now, Rate: rate, Burst: burst},
			{Key: key + ":account", Now: now, Rate: rate, Burst: burst},
			{Key: key + ":plan", Now: now, Rate: rate, Burst: burst},
			{Key: key + ":quota", Now: now, Quota: true, Window: w, Limit: limit},
		}
	}
	admit := func(key string) error {
		a, ok := throttle.AdmitterOf(s)
		if !ok {
			_, err := throttle.AdmitEach(b.Context(), s, s, checks(key))
			return err
		}
		_, err := a.Admit(b.Context(), checks(key))
		return err
	}
	each := func(key string) error {
		_, err := throttle.AdmitEach(b.Context(), s, s, checks(key))
		return err
	}
	for _, op := range []struct {
		name string
		fn   func(key string) error
	}{{"Take", take}, {"Consume", consume}, {"Admit4", admit}, {"Separate4", each}} {
		b.Run(op.name, func(b *testing.B) {
			if err := op.fn("bench"); err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			for b.Loop() {
				if err := op.fn("bench"); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(op.name+"Parallel", func(b *testing.B) {
			b.ReportAllocs()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					if err := op.fn("bench"); err != nil {
						b.Error(err)
						return
					}
				}
			})
		})
		b.Run(op.name+"Latency64", func(b *testing.B) { latency(b, op.fn, 64, 50) })
	}
}

// latency runs rounds of clients goroutines, each making perClient calls
// on its own key, and reports the p50 and p99 of all calls' durations.
func latency(b *testing.B, fn func(key string) error, clients, perClient int) {
	keys := make([]string, clients)
	for i := range keys {
		keys[i] = fmt.Sprintf("client-%d", i)
	}
	var all []time.Duration
	var mu sync.Mutex
	for b.Loop() {
		var wg sync.WaitGroup
		for _, key := range keys {
			wg.Go(func() {
				mine := make([]time.Duration, 0, perClient)
				for range perClient {
					start := time.Now()
					if err := fn(key); err != nil {
						b.Error(err)
						return
					}
					mine = append(mine, time.Since(start))
				}
				mu.Lock()
				all = append(all, mine...)
				mu.Unlock()
			})
		}
		wg.Wait()
	}
	if len(all) == 0 {
		return
	}
	slices.Sort(all)
	pct := func(p float64) float64 {
		return float64(all[int(p*float64(len(all)-1))]) / float64(time.Microsecond)
	}
	b.ReportMetric(pct(0.50), "p50-µs")
	b.ReportMetric(pct(0.99), "p99-µs")
	b.ReportMetric(float64(len(all))/b.Elapsed().Seconds(), "calls/s")
}
