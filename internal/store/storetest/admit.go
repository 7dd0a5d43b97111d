package storetest

import (
	"fmt"
	"math"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/portico-gw/portico/internal/throttle"
)

// admit decides checks with the store's own Admit when it has one, else
// with throttle.AdmitEach, the separate calls every Admit must match.
func admit(t *testing.T, s Store, checks []throttle.Check) []throttle.Outcome {
	t.Helper()
	var out []throttle.Outcome
	var err error
	if a, ok := throttle.AdmitterOf(s); ok {
		out, err = a.Admit(t.Context(), checks)
	} else {
		out, err = throttle.AdmitEach(t.Context(), s, s, checks)
	}
	if err != nil {
		t.Fatalf("Admit(%+v): %v", checks, err)
	}
	return out
}

func bucketCheck(key string, rate float64, burst int, now time.Time) throttle.Check {
	return throttle.Check{Key: key, Now: now, Rate: rate, Burst: burst}
}

func quotaCheck(key string, w throttle.Window, limit int64, now time.Time) throttle.Check {
	return throttle.Check{Key: key, Now: now, Quota: true, Window: w, Limit: limit}
}

func admitted(used int64) throttle.Outcome {
	return throttle.Outcome{Decision: allow(), Used: used}
}

func quotaRefused(used int64) throttle.Outcome {
	return throttle.Outcome{Used: used}
}

func bucket(d throttle.Decision) throttle.Outcome { return throttle.Outcome{Decision: d} }

// testAdmitInOrder: checks are decided in order; the first refusal stops
// the call, and the checks after it are not applied.
func testAdmitInOrder(t *testing.T, s Store) {
	w := window(t, throttle.Day, at(0))
	checks := func(now time.Time) []throttle.Check {
		return []throttle.Check{bucketCheck("a", 1, 2, now), bucketCheck("b", 1, 1, now), quotaCheck("q", w, 2, now)}
	}
	steps := []struct {
		after time.Duration
		want  []throttle.Outcome
	}{
		{0, []throttle.Outcome{bucket(allow()), bucket(allow()), admitted(1)}},
		{0, []throttle.Outcome{bucket(allow()), bucket(deny(time.Second))}},
		{0, []throttle.Outcome{bucket(deny(time.Second))}},
		{time.Second, []throttle.Outcome{bucket(allow()), bucket(allow()), admitted(2)}},
		// The buckets' tokens are spent even though the quota refuses,
		// as with separate calls.
		{3 * time.Second, []throttle.Outcome{bucket(allow()), bucket(allow()), quotaRefused(2)}},
		{3 * time.Second, []throttle.Outcome{bucket(allow()), bucket(deny(time.Second))}},
	}
	for i, st := range steps {
		if diff := cmp.Diff(st.want, admit(t, s, checks(at(st.after)))); diff != "" {
			t.Errorf("step %d at +%v (-want +got):\n%s", i, st.after, diff)
		}
	}
	// What the steps left, read through the separate calls: "b" empty,
	// the quota at its limit and counted twice on the day.
	if got := take(t, s, "b", 1, 1, at(3*time.Second)); got != deny(time.Second) {
		t.Errorf("Take(b) after the Admits: %+v, want %+v", got, deny(time.Second))
	}
	wantConsume(t, s, "q", w, 2, at(3*time.Second), 2, false)
	u, err := s.Usage(t.Context(), "q", at(0), at(0))
	if err != nil {
		t.Fatal(err)
	}
	if len(u) != 1 || u[0].Used != 2 {
		t.Errorf("Usage(q) = %+v, want 2 requests on the day", u)
	}
	if out := admit(t, s, nil); len(out) != 0 {
		t.Errorf("Admit of no checks = %+v, want none", out)
	}
}

// testAdmitMatchesSeparate drives one script of checks through Admit on
// keys "x:..." and through separate calls on keys "y:..." of the same
// store: every outcome must be the same.
func testAdmitMatchesSeparate(t *testing.T, s Store) {
	day := window(t, throttle.Day, at(0))
	month := window(t, throttle.Month, at(0))
	type spec struct {
		after       time.Duration
		rate        float64
		burst       int
		limit       int64
		account     bool // with a second bucket
		quota, zero bool // with a quota; the quota's limit zero
	}
	var script []spec
	rates := []float64{1, 0, 2.5, math.NaN(), -1, math.Inf(1), 1e-9}
	for i := range 60 {
		script = append(script, spec{
			after:   time.Duration(i%7) * 300 * time.Millisecond * time.Duration(i/7),
			rate:    rates[i%len(rates)],
			burst:   []int{3, 1, 0, 2, 5}[i%5],
			limit:   int64(10 + i%3),
			account: i%2 == 0,
			quota:   i%3 != 1,
			zero:    i == 40,
		})
	}
	checks := func(prefix string, sp spec) []throttle.Check {
		now := at(sp.after)
		cs := []throttle.Check{bucketCheck(prefix+"stage", sp.rate, sp.burst, now)}
		if sp.account {
			cs = append(cs, bucketCheck(prefix+"account", 100, 1000, now))
		}
		cs = append(cs, bucketCheck(prefix+"plan", 1, 4, now))
		if sp.quota {
			limit := sp.limit
			if sp.zero {
				limit = 0
			}
			w := day
			if sp.burst == 2 {
				w = month
			}
			cs = append(cs, quotaCheck(prefix+"quota", w, limit, now))
		}
		return cs
	}
	for i, sp := range script {
		got := admit(t, s, checks("x:", sp))
		want, err := throttle.AdmitEach(t.Context(), s, s, checks("y:", sp))
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("step %d %+v: Admit differs from separate calls (-separate +Admit):\n%s", i, sp, diff)
		}
	}
	u, err := s.Usage(t.Context(), "x:quota", at(0), at(0))
	if err != nil {
		t.Fatal(err)
	}
	want, err := s.Usage(t.Context(), "y:quota", at(0), at(0))
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(u, want) {
		t.Errorf("Usage after Admit %+v, after separate calls %+v", u, want)
	}
}

// testAdmitConcurrent: racing Admits never admit more than the quota, and
// a refused quota does not stop the buckets' tokens being spent.
func testAdmitConcurrent(t *testing.T, s Store) {
	const workers, each, limit = 16, 25, 100
	w := window(t, throttle.Day, at(0))
	var mu sync.Mutex
	admittedN := 0
	var wg sync.WaitGroup
	for i := range workers {
		wg.Go(func() {
			n := 0
			for range each {
				out := admit(t, s, []throttle.Check{
					bucketCheck("race-bucket", 0, workers*each, at(0)),
					bucketCheck(fmt.Sprintf("race-own-%d", i), 0, each, at(0)),
					quotaCheck("race-quota", w, limit, at(0)),
				})
				if len(out) == 3 && out[2].Decision.Allowed {
					n++
				}
			}
			mu.Lock()
			admittedN += n
			mu.Unlock()
		})
	}
	wg.Wait()
	if admittedN != limit {
		t.Errorf("%d racing Admits against a quota of %d: %d admitted", workers*each, limit, admittedN)
	}
	if d := take(t, s, "race-bucket", 0, workers*each, at(0)); d.Allowed {
		t.Errorf("the shared bucket still has a token after %d Admits took one each", workers*each)
	}
}
