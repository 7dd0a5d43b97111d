package counters

import (
	"fmt"
	"testing"
	"time"

	"github.com/portico-gw/portico/internal/throttle"
)

// sizes returns the number of buckets, windows and days across shards.
func (t *Tables) sizes() (buckets, windows, days int) {
	for i := range t.shards {
		s := &t.shards[i]
		s.mu.Lock()
		buckets += len(s.buckets)
		windows += len(s.periods)
		days += len(s.days)
		s.mu.Unlock()
	}
	return buckets, windows, days
}

// TestTablesForgetExpired checks that the tables stay bounded without a
// background sweep: keys used once and then idle are dropped as new keys
// arrive, once they are full again, ended, or past the retention.
func TestTablesForgetExpired(t *testing.T) {
	t.Parallel()
	// A low sweep threshold, so that a few thousand keys exercise it.
	const n = 5_000
	tb := newTables(48*time.Hour, 16)
	t0 := time.Date(2026, time.March, 10, 12, 0, 0, 0, time.UTC)
	fill := func(prefix string, now time.Time) {
		w, err := throttle.Day.Window(now)
		if err != nil {
			t.Fatal(err)
		}
		for i := range n {
			key := fmt.Sprintf("%s-%d", prefix, i)
			tb.Take(key, 10, 5, now)
			tb.Consume(key, w, 10, now)
		}
	}
	fill("old", t0)
	if b, w, d := tb.sizes(); b != n || w != n || d != n {
		t.Fatalf("after the first fill: %d buckets, %d windows, %d days; want %d of each", b, w, d, n)
	}
	// Three days on: every old bucket has refilled, every old window has
	// ended and every old day is past the 48 h retention.
	fill("new", t0.Add(72*time.Hour))
	b, w, d := tb.sizes()
	// Each shard sweeps when it reaches its threshold, so some old entries
	// may remain in shards that have not grown enough since; but most go.
	if limit := n + n/2; b > limit || w > limit || d > limit {
		t.Errorf("after the second fill: %d buckets, %d windows, %d days; want at most %d of each", b, w, d, limit)
	}
	tb.Sweep(t0.Add(72 * time.Hour))
	if b, w, d := tb.sizes(); b != n || w != n || d != n {
		t.Errorf("after Sweep: %d buckets, %d windows, %d days; want %d of each (the new keys)", b, w, d, n)
	}
}

func TestTablesDirtyAndLoad(t *testing.T) {
	t.Parallel()
	tb := New(0)
	now := time.Date(2026, time.March, 10, 12, 0, 0, 0, time.UTC)
	w, _ := throttle.Month.Window(now)
	tb.Consume("k", w, 10, now)
	tb.Consume("k", w, 10, now)
	recs := tb.Dirty(nil)
	if len(recs) != 2 {
		t.Fatalf("Dirty: %+v, want a window and a day", recs)
	}
	if again := tb.Dirty(nil); len(again) != 0 {
		t.Errorf("second Dirty: %+v, want nothing", again)
	}
	tb.Redirty(recs)
	if again := tb.Dirty(nil); len(again) != 2 {
		t.Errorf("Dirty after Redirty: %+v, want 2 records", again)
	}

	other := New(0)
	for _, r := range recs {
		other.Load(r)
	}
	if used, ok := other.Consume("k", w, 10, now); used != 3 || !ok {
		t.Errorf("Consume after Load = (%d, %v), want (3, true)", used, ok)
	}
	if dirty := other.Dirty(nil); len(dirty) != 2 || dirty[0].Used != 3 || dirty[1].Used != 3 {
		t.Errorf("Dirty after Load and Consume: %+v, want both counts at 3", dirty)
	}
}
