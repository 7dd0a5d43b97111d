package fallback

import (
	"context"
	"sync"
	"sync/atomic"
	"time"

	"github.com/portico-gw/portico/internal/throttle"
)

// Primary is the shared store being wrapped.
type Primary interface {
	throttle.Buckets
	throttle.Quotas
	Close() error
}

// Adder is implemented by a Primary that can count requests admitted
// while it was failing (redis.Store.Add).
type Adder interface {
	Add(ctx context.Context, key string, w throttle.Window, n int64, now time.Time) error
}

// Pinger is implemented by a Primary that can be probed (redis.Store.Ping).
type Pinger interface {
	Ping(ctx context.Context) error
}

// Options configures a Store.
type Options struct {
	// Local decides quotas locally while the primary fails (store.onError
	// open). Without it, failures are returned to the caller.
	Local bool
	// Report is told about every failure of the primary.
	Report func(error)
	// ProbeEvery is how often Health probes the primary at most (default
	// one second); between probes it answers from the last outcome.
	ProbeEvery time.Duration
}

// Store is a Primary with local quota decisions while it fails. It is safe
// for concurrent use.
type Store struct {
	p    Primary
	opts Options

	mu     sync.Mutex
	quotas map[string]*quota // by key

	failing atomic.Bool
	hmu     sync.Mutex
	lastErr error
	since   time.Time // start of the current failure
	probed  time.Time // last Health probe
}

// quota is what this process knows of one key's current window.
type quota struct {
	window  time.Time // the window's start
	seen    int64     // highest count the primary reported, plus counts since added to it
	local   int64     // admitted locally, not yet added to the primary
	pushing int64     // being added to the primary now
}

// Interface guards.
var (
	_ throttle.Buckets = (*Store)(nil)
	_ throttle.Quotas  = (*Store)(nil)
)

// New wraps p.
func New(p Primary, opts Options) *Store {
	if opts.ProbeEvery <= 0 {
		opts.ProbeEvery = time.Second
	}
	return &Store{p: p, opts: opts, quotas: map[string]*quota{}}
}

// Close closes the primary.
func (s *Store) Close() error { return s.p.Close() }

// Take implements throttle.Buckets: the primary's answer, its failures
// recorded for Health and returned.
func (s *Store) Take(ctx context.Context, key string, rate float64, burst int, now time.Time) (throttle.Decision, error) {
	d, err := s.p.Take(ctx, key, rate, burst, now)
	s.observe(err)
	return d, err
}

// Usage implements throttle.Quotas: the primary's answer.
func (s *Store) Usage(ctx context.Context, key string, from, to time.Time) ([]throttle.DayUsage, error) {
	u, err := s.p.Usage(ctx, key, from, to)
	s.observe(err)
	return u, err
}

// Consume implements throttle.Quotas. Requests admitted locally earlier
// are added to the primary first; if the primary fails, the decision is
// local (Options.Local) or the error is returned.
func (s *Store) Consume(ctx context.Context, key string, w throttle.Window, limit int64, now time.Time) (int64, bool, error) {
	if n := s.startPush(key, w); n > 0 {
		a := s.p.(Adder) // startPush returns 0 unless p is an Adder
		err := a.Add(ctx, key, w, n, now)
		s.endPush(key, w, n, err == nil)
		if err != nil {
			return s.fail(key, w, limit, err)
		}
	}
	used, ok, err := s.p.Consume(ctx, key, w, limit, now)
	if err != nil {
		return s.fail(key, w, limit, err)
	}
	s.observe(nil)
	s.mu.Lock()
	q := s.quota(key, w)
	q.seen = max(q.seen, used)
	s.mu.Unlock()
	return used, ok, nil
}

// quota returns key's state for window w, reset when the window changed.
// s.mu must be held.
func (s *Store) quota(key string, w throttle.Window) *quota {
	q := s.quotas[key]
	if q == nil || !q.window.Equal(w.Start) {
		q = &quota{window: w.Start}
		s.quotas[key] = q
	}
	return q
}

// startPush moves key's locally admitted count to pushing and returns it.
func (s *Store) startPush(key string, w throttle.Window) int64 {
	if _, ok := s.p.(Adder); !ok {
		return 0
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	q := s.quota(key, w)
	n := q.local
	q.local, q.pushing = 0, q.pushing+n
	return n
}

// endPush settles a push of n: counted as seen when it reached the
// primary, back to local otherwise.
func (s *Store) endPush(key string, w throttle.Window, n int64, ok bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	q := s.quota(key, w)
	if q.pushing < n { // the window changed meanwhile
		return
	}
	q.pushing -= n
	if ok {
		q.seen += n
	} else {
		q.local += n
	}
}

// fail records err and decides locally when allowed to.
func (s *Store) fail(key string, w throttle.Window, limit int64, err error) (int64, bool, error) {
	s.observe(err)
	if !s.opts.Local {
		return 0, false, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	q := s.quota(key, w)
	used := q.seen + q.local + q.pushing
	if used >= limit {
		return used, false, nil
	}
	q.local++
	return used + 1, true, nil
}

// observe records the outcome of a call to the primary and reports a
// failure.
func (s *Store) observe(err error) {
	if err != nil && s.opts.Report != nil {
		s.opts.Report(err)
	}
	s.record(err)
}

// record records the outcome of a call or probe for Health.
func (s *Store) record(err error) {
	if err == nil {
		if s.failing.Load() {
			s.hmu.Lock()
			s.failing.Store(false)
			s.lastErr = nil
			s.hmu.Unlock()
		}
		return
	}
	s.hmu.Lock()
	if !s.failing.Load() {
		s.since = time.Now()
		s.failing.Store(true)
	}
	s.lastErr = err
	s.hmu.Unlock()
}

// Health is the store's state as last seen.
type Health struct {
	// Failing is true while the last call or probe failed.
	Failing bool
	// Err is the last failure while Failing.
	Err error
	// Since is when the current failure started.
	Since time.Time
}

// Health probes the primary (a Pinger) at most once per ProbeEvery, so
// that a failure is seen, and its end too, without traffic; it returns
// the resulting state.
func (s *Store) Health(ctx context.Context) Health {
	if pg, ok := s.p.(Pinger); ok {
		s.hmu.Lock()
		due := time.Since(s.probed) >= s.opts.ProbeEvery
		if due {
			s.probed = time.Now()
		}
		s.hmu.Unlock()
		if due {
			s.record(pg.Ping(ctx))
		}
	}
	s.hmu.Lock()
	defer s.hmu.Unlock()
	return Health{Failing: s.failing.Load(), Err: s.lastErr, Since: s.since}
}
