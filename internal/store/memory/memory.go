package memory

import (
	"context"
	"time"

	"github.com/portico-gw/portico/internal/store/internal/counters"
	"github.com/portico-gw/portico/internal/throttle"
)

// Options configures a Store.
type Options struct {
	// Retention is how long per-day usage counts are kept. Zero means
	// throttle.DefaultRetention (90 days).
	Retention time.Duration
}

// Store keeps token buckets and quota counters in process memory. It is
// safe for concurrent use. It ignores the contexts it is given: no call
// blocks on anything but a short mutex.
type Store struct {
	t *counters.Tables
}

// Interface guards.
var (
	_ throttle.Buckets = (*Store)(nil)
	_ throttle.Quotas  = (*Store)(nil)
)

// New returns an empty Store.
func New(opts Options) *Store {
	return &Store{t: counters.New(opts.Retention)}
}

// Close does nothing: the Store holds no resources. It lets callers close
// every store alike.
func (s *Store) Close() error { return nil }

// Take implements throttle.Buckets.
func (s *Store) Take(_ context.Context, key string, rate float64, burst int, now time.Time) (throttle.Decision, error) {
	return s.t.Take(key, rate, burst, now), nil
}

// Consume implements throttle.Quotas.
func (s *Store) Consume(_ context.Context, key string, w throttle.Window, limit int64, now time.Time) (int64, bool, error) {
	used, ok := s.t.Consume(key, w, limit, now)
	return used, ok, nil
}

// Usage implements throttle.Quotas.
func (s *Store) Usage(_ context.Context, key string, from, to time.Time) ([]throttle.DayUsage, error) {
	return s.t.Usage(key, from, to)
}
