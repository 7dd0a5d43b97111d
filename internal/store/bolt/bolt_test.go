package bolt_test

import (
	"os"
	"path/filepath"
	"testing"
	"testing/synctest"
	"time"

	"github.com/portico-gw/portico/internal/store/bolt"
	"github.com/portico-gw/portico/internal/store/storetest"
	"github.com/portico-gw/portico/internal/throttle"
)

func open(t *testing.T, opts bolt.Options) *bolt.Store {
	t.Helper()
	s, err := bolt.Open(opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return s
}

func TestConformance(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t *testing.T) storetest.Store {
		return open(t, bolt.Options{Path: filepath.Join(t.TempDir(), "counters.db")})
	})
}

// consumeN admits n requests for key in now's month and fails on a
// rejection.
func consumeN(t *testing.T, s *bolt.Store, key string, n int, now time.Time) {
	t.Helper()
	w, err := throttle.Month.Window(now)
	if err != nil {
		t.Fatal(err)
	}
	for range n {
		if _, ok, err := s.Consume(t.Context(), key, w, 1000, now); err != nil || !ok {
			t.Fatalf("Consume: ok %v, err %v", ok, err)
		}
	}
}

// wantUsed checks key's count in now's month (by consuming one more with a
// limit that rejects it) and its usage on now's day.
func wantUsed(t *testing.T, s *bolt.Store, key string, now time.Time, want int64) {
	t.Helper()
	w, err := throttle.Month.Window(now)
	if err != nil {
		t.Fatal(err)
	}
	used, _, err := s.Consume(t.Context(), key, w, 0, now)
	if err != nil {
		t.Fatal(err)
	}
	if used != want {
		t.Errorf("%s: window count %d, want %d", key, used, want)
	}
	days, err := s.Usage(t.Context(), key, now, now)
	if err != nil {
		t.Fatal(err)
	}
	if days[0].Used != want {
		t.Errorf("%s: day count %d, want %d", key, days[0].Used, want)
	}
}

func TestReopenKeepsCounts(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "counters.db")
	now := time.Now()
	s, err := bolt.Open(bolt.Options{Path: path, FlushInterval: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	consumeN(t, s, "alice", 7, now)
	consumeN(t, s, "bob", 2, now)
	// A graceful stop, long before the first flush: Close writes it all.
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}

	s = open(t, bolt.Options{Path: path})
	wantUsed(t, s, "alice", now, 7)
	wantUsed(t, s, "bob", now, 2)
}

func TestReopenDropsExpired(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "counters.db")
	then := time.Date(2026, time.January, 31, 10, 0, 0, 0, time.UTC)
	clock := func() time.Time { return then }
	s, err := bolt.Open(bolt.Options{Path: path, Now: clock, Retention: 10 * 24 * time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	consumeN(t, s, "k", 3, then)
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}

	// Reopened in February: January's window has ended, but its day is
	// within the retention.
	feb := then.AddDate(0, 0, 2)
	s = open(t, bolt.Options{Path: path, Now: func() time.Time { return feb }, Retention: 10 * 24 * time.Hour})
	wantUsed(t, s, "k", feb, 0)
	days, err := s.Usage(t.Context(), "k", then, then)
	if err != nil {
		t.Fatal(err)
	}
	if days[0].Used != 3 {
		t.Errorf("January 31 usage after reopening: %d, want 3", days[0].Used)
	}
	w, _ := throttle.Month.Window(then)
	if used, _, _ := s.Consume(t.Context(), "k", w, 0, then); used != 0 {
		t.Errorf("January window after reopening in February: count %d, want 0 (dropped)", used)
	}
}

// TestCrashLosesAtMostOneInterval copies the file while the store runs, as
// a crash would leave it, and checks what a store opened on the copy sees.
func TestCrashLosesAtMostOneInterval(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	path := filepath.Join(dir, "counters.db")
	crash := func(name string) string {
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, b, 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	var now time.Time
	var afterFlush, beforeFlush string
	synctest.Test(t, func(t *testing.T) {
		s, err := bolt.Open(bolt.Options{Path: path, FlushInterval: time.Second})
		if err != nil {
			t.Fatal(err)
		}
		now = time.Now()
		consumeN(t, s, "k", 5, now)
		time.Sleep(time.Second + time.Millisecond) // the fake clock: one flush
		synctest.Wait()
		afterFlush = crash("after-flush.db")
		consumeN(t, s, "k", 2, now)
		beforeFlush = crash("before-flush.db")
		if err := s.Close(); err != nil {
			t.Fatal(err)
		}
	})
	clock := func() time.Time { return now }
	wantUsed(t, open(t, bolt.Options{Path: afterFlush, Now: clock}), "k", now, 5)
	wantUsed(t, open(t, bolt.Options{Path: beforeFlush, Now: clock}), "k", now, 5)
	wantUsed(t, open(t, bolt.Options{Path: path, Now: clock}), "k", now, 7)
}

func TestOpenErrors(t *testing.T) {
	t.Parallel()
	if _, err := bolt.Open(bolt.Options{}); err == nil {
		t.Error("no path: no error")
	}
	if _, err := bolt.Open(bolt.Options{Path: filepath.Join(t.TempDir(), "missing", "x.db")}); err == nil {
		t.Error("path in a missing directory: no error")
	}
}

func BenchmarkStore(b *testing.B) {
	s, err := bolt.Open(bolt.Options{Path: filepath.Join(b.TempDir(), "counters.db")})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = s.Close() })
	storetest.Benchmark(b, s)
}

// TestOpenLocked checks that a second Store cannot open a file in use.
func TestOpenLocked(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "counters.db")
	open(t, bolt.Options{Path: path})
	if s, err := bolt.Open(bolt.Options{Path: path}); err == nil {
		_ = s.Close()
		t.Error("second Open of a file in use: no error")
	}
}
