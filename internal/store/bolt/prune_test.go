package bolt_test

import (
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"github.com/portico-gw/portico/internal/store/bolt"
	"github.com/portico-gw/portico/internal/throttle"
)

// TestFlushPrunesExpired checks that a flush an hour or more after the last
// prune deletes ended windows and days past the retention from the file.
func TestFlushPrunesExpired(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "counters.db")
	start := time.Date(2026, time.March, 10, 23, 0, 0, 0, time.UTC)
	var clock atomic.Int64
	clock.Store(start.UnixNano())
	now := func() time.Time { return time.Unix(0, clock.Load()).UTC() }
	opts := bolt.Options{Path: path, Now: now, FlushInterval: time.Hour, Retention: 24 * time.Hour}
	s, err := bolt.Open(opts)
	if err != nil {
		t.Fatal(err)
	}
	day, _ := throttle.Day.Window(start)
	month, _ := throttle.Month.Window(start)
	for _, w := range []throttle.Window{day, month} {
		if _, ok, err := s.Consume(t.Context(), "k", w, 10, start); err != nil || !ok {
			t.Fatalf("Consume: ok %v, err %v", ok, err)
		}
	}
	if err := s.Flush(); err != nil {
		t.Fatal(err)
	}
	// Three days later the day window has ended and the day is past the
	// retention; the month window still runs.
	clock.Store(start.AddDate(0, 0, 3).UnixNano())
	if err := s.Flush(); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}

	// Reopen with the clock turned back, so that loading drops nothing:
	// whatever is missing was pruned by the flush.
	clock.Store(start.UnixNano())
	s = open(t, opts)
	if used, _, _ := s.Consume(t.Context(), "k", day, 0, start); used != 0 {
		t.Errorf("day window: count %d after prune, want 0", used)
	}
	if used, _, _ := s.Consume(t.Context(), "k", month, 0, start); used != 1 {
		t.Errorf("month window: count %d after prune, want 1", used)
	}
	days, err := s.Usage(t.Context(), "k", start, start)
	if err != nil {
		t.Fatal(err)
	}
	if days[0].Used != 0 {
		t.Errorf("day count %d after prune, want 0", days[0].Used)
	}
}
