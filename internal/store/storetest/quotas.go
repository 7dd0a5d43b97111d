package storetest

import (
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/portico-gw/portico/internal/throttle"
)

// consume calls Consume and fails the test on an error.
func consume(t *testing.T, s Store, key string, w throttle.Window, limit int64, now time.Time) (int64, bool) {
	t.Helper()
	used, ok, err := s.Consume(t.Context(), key, w, limit, now)
	if err != nil {
		t.Fatalf("Consume(%q, %s, %d): %v", key, w.Start.Format(time.DateOnly), limit, err)
	}
	return used, ok
}

// window returns p's window at now, failing the test on an error.
func window(t *testing.T, p throttle.Period, now time.Time) throttle.Window {
	t.Helper()
	w, err := p.Window(now)
	if err != nil {
		t.Fatal(err)
	}
	return w
}

// wantConsume checks one Consume's result.
func wantConsume(t *testing.T, s Store, key string, w throttle.Window, limit int64, now time.Time, wantUsed int64, wantOK bool) {
	t.Helper()
	used, ok := consume(t, s, key, w, limit, now)
	if used != wantUsed || ok != wantOK {
		t.Errorf("Consume(%q, %s, limit %d) = (%d, %v), want (%d, %v)",
			key, w.Start.Format(time.DateOnly), limit, used, ok, wantUsed, wantOK)
	}
}

func testQuotaLimit(t *testing.T, s Store) {
	w := window(t, throttle.Day, at(0))
	for i := range int64(3) {
		wantConsume(t, s, "k", w, 3, at(time.Duration(i)*time.Minute), i+1, true)
	}
	wantConsume(t, s, "k", w, 3, at(time.Hour), 3, false)
	wantConsume(t, s, "k", w, 3, at(2*time.Hour), 3, false)
}

func testQuotaZeroLimit(t *testing.T, s Store) {
	w := window(t, throttle.Month, at(0))
	wantConsume(t, s, "k", w, 0, at(0), 0, false)
	wantConsume(t, s, "k", w, 0, at(time.Hour), 0, false)
}

func testQuotaLoweredLimit(t *testing.T, s Store) {
	w := window(t, throttle.Week, at(0))
	for i := range int64(5) {
		wantConsume(t, s, "k", w, 10, at(0), i+1, true)
	}
	wantConsume(t, s, "k", w, 3, at(0), 5, false)
	wantConsume(t, s, "k", w, 6, at(0), 6, true)
}

func testQuotaOffset(t *testing.T, s Store) {
	// A plan of 5 a day that started this morning with an offset of 2.
	q := throttle.Quota{Limit: 5, Offset: 2, Period: throttle.Day, Start: at(-3 * time.Hour)}
	admitted := func(now time.Time) int {
		n := 0
		for range 10 {
			w, limit, err := q.At(now)
			if err != nil {
				t.Fatal(err)
			}
			if _, ok := consume(t, s, "k", w, limit, now); ok {
				n++
			}
		}
		return n
	}
	if got := admitted(at(0)); got != 3 {
		t.Errorf("first day: %d admitted, want 3 (limit 5, offset 2)", got)
	}
	if got := admitted(at(24 * time.Hour)); got != 5 {
		t.Errorf("second day: %d admitted, want 5", got)
	}
}

func testQuotaRollover(t *testing.T, s Store) {
	cases := []struct {
		period throttle.Period
		next   time.Time // first instant of the next period
	}{
		{throttle.Day, time.Date(2026, time.March, 11, 0, 0, 0, 0, time.UTC)},
		{throttle.Week, time.Date(2026, time.March, 16, 0, 0, 0, 0, time.UTC)},
		{throttle.Month, time.Date(2026, time.April, 1, 0, 0, 0, 0, time.UTC)},
	}
	for _, c := range cases {
		key := "rollover-" + string(c.period)
		w := window(t, c.period, at(0))
		wantConsume(t, s, key, w, 2, at(0), 1, true)
		wantConsume(t, s, key, w, 2, at(0), 2, true)
		last := c.next.Add(-time.Nanosecond)
		wantConsume(t, s, key, window(t, c.period, last), 2, last, 2, false)
		next := window(t, c.period, c.next)
		if next.Start.Equal(w.Start) {
			t.Fatalf("%s: next window starts where this one does", c.period)
		}
		wantConsume(t, s, key, next, 2, c.next, 1, true)
		// The old window is still exhausted.
		wantConsume(t, s, key, w, 2, at(0), 2, false)
	}
}

func testQuotaKeysIndependent(t *testing.T, s Store) {
	w := window(t, throttle.Day, at(0))
	wantConsume(t, s, "a", w, 1, at(0), 1, true)
	wantConsume(t, s, "a", w, 1, at(0), 1, false)
	wantConsume(t, s, "b", w, 1, at(0), 1, true)
}

func testQuotaConcurrent(t *testing.T, s Store) {
	const workers, each, limit = 32, 25, 500
	w := window(t, throttle.Month, at(0))
	var mu sync.Mutex
	var seen []int64 // the used count of every admitted request
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			var mine []int64
			for range each {
				used, ok, err := s.Consume(t.Context(), "race", w, limit, at(0))
				if err != nil {
					t.Error(err)
					return
				}
				if ok {
					mine = append(mine, used)
				}
			}
			mu.Lock()
			seen = append(seen, mine...)
			mu.Unlock()
		})
	}
	wg.Wait()
	if len(seen) != limit {
		t.Fatalf("%d racing requests against a limit of %d: %d admitted", workers*each, limit, len(seen))
	}
	// Each admitted request saw a distinct count, 1 to limit.
	slices.Sort(seen)
	for i, u := range seen {
		if u != int64(i+1) {
			t.Fatalf("admitted counts are not 1..%d: position %d holds %d", limit, i, u)
		}
	}
	days, err := s.Usage(t.Context(), "race", at(0), at(0))
	if err != nil {
		t.Fatal(err)
	}
	if len(days) != 1 || days[0].Used != limit {
		t.Errorf("usage after the race: %+v, want one day with %d", days, limit)
	}
}

func testUsage(t *testing.T, s Store) {
	w := window(t, throttle.Month, at(0))
	for range 3 {
		consume(t, s, "k", w, 100, at(0))
	}
	consume(t, s, "k", w, 100, at(2*24*time.Hour+11*time.Hour)) // 2026-03-12 23:00
	consume(t, s, "other", w, 100, at(24*time.Hour))
	// A rejected request is not counted.
	consume(t, s, "k", w, 4, at(24*time.Hour))

	// From 2026-03-09 to 2026-03-13, given in another zone.
	zone := time.FixedZone("UTC-5", -5*3600)
	got, err := s.Usage(t.Context(), "k", at(-24*time.Hour).In(zone), at(3*24*time.Hour).In(zone))
	if err != nil {
		t.Fatal(err)
	}
	day := func(d int, used int64) throttle.DayUsage {
		return throttle.DayUsage{Day: time.Date(2026, time.March, d, 0, 0, 0, 0, time.UTC), Used: used}
	}
	want := []throttle.DayUsage{day(9, 0), day(10, 3), day(11, 0), day(12, 1), day(13, 0)}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Usage (-want +got):\n%s", diff)
	}
	none, err := s.Usage(t.Context(), "nobody", at(0), at(0))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]throttle.DayUsage{day(10, 0)}, none); diff != "" {
		t.Errorf("Usage of an unused key (-want +got):\n%s", diff)
	}
}

func testUsageReport(t *testing.T, s Store) {
	// A weekly plan of 10: Saturday 4, Sunday 7 (one rejected), Monday 2.
	q := throttle.Quota{Limit: 10, Period: throttle.Week}
	sat := time.Date(2026, time.March, 14, 9, 0, 0, 0, time.UTC)
	for d, n := range []int{4, 7, 2} {
		now := sat.AddDate(0, 0, d)
		for range n {
			w, limit, err := q.At(now)
			if err != nil {
				t.Fatal(err)
			}
			consume(t, s, "k", w, limit, now)
		}
	}
	monday := time.Date(2026, time.March, 9, 0, 0, 0, 0, time.UTC)
	days, err := s.Usage(t.Context(), "k", monday, sat.AddDate(0, 0, 2))
	if err != nil {
		t.Fatal(err)
	}
	got, err := q.Report(days)
	if err != nil {
		t.Fatal(err)
	}
	var want []throttle.DayReport
	for i, used := range []int64{0, 0, 0, 0, 0, 4, 6, 2} {
		rem := []int64{10, 10, 10, 10, 10, 6, 0, 8}[i]
		want = append(want, throttle.DayReport{Day: monday.AddDate(0, 0, i), Used: used, Remaining: rem})
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Report (-want +got):\n%s", diff)
	}
}

func testUsageBadRange(t *testing.T, s Store) {
	if _, err := s.Usage(t.Context(), "k", at(24*time.Hour), at(0)); err == nil {
		t.Error("Usage with to before from: got no error")
	}
}
