package fallback

import (
	"context"
	"errors"
	"fmt"
	"slices"
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
	// Report is told about every failure decided locally (other failures
	// are returned to the caller, who reports them).
	Report func(error)
	// ProbeEvery is how often Health probes the primary at most (default
	// one second); between probes it answers from the last outcome.
	ProbeEvery time.Duration
	// RetryEvery is how often, while the primary is failing, one call is
	// let through to try it (default 200 ms); the others fail at once
	// instead of each waiting for a hung store's timeout.
	RetryEvery time.Duration
}

// Store is a Primary with local quota decisions while it fails. It is safe
// for concurrent use.
type Store struct {
	p    Primary
	opts Options

	mu     sync.Mutex
	quotas map[string]*quota // by key

	failing atomic.Bool
	lastTry atomic.Int64 // when a call last tried the failing primary (Unix ns)
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
	_ throttle.Buckets  = (*Store)(nil)
	_ throttle.Quotas   = (*Store)(nil)
	_ throttle.Admitter = (*Store)(nil)
)

// New wraps p.
func New(p Primary, opts Options) *Store {
	if opts.ProbeEvery <= 0 {
		opts.ProbeEvery = time.Second
	}
	if opts.RetryEvery <= 0 {
		opts.RetryEvery = 200 * time.Millisecond
	}
	return &Store{p: p, opts: opts, quotas: map[string]*quota{}}
}

// Close closes the primary.
func (s *Store) Close() error { return s.p.Close() }

// Take implements throttle.Buckets: the primary's answer, its failures
// recorded for Health and returned (the caller applies store.onError).
func (s *Store) Take(ctx context.Context, key string, rate float64, burst int, now time.Time) (throttle.Decision, error) {
	if err := s.skip(); err != nil {
		return throttle.Decision{}, err
	}
	d, err := s.p.Take(ctx, key, rate, burst, now)
	s.observe(err)
	return d, err
}

// Admits reports whether Admit combines checks: whether the primary is a
// throttle.Admitter.
func (s *Store) Admits() bool {
	_, ok := s.p.(throttle.Admitter)
	return ok
}

// Admit implements throttle.Admitter with the primary's Admit, its
// failures recorded for Health and returned: the caller then makes the
// checks separately, which decides a quota locally as Consume does. A
// quota with requests admitted locally and not yet added to the primary
// is consumed through Consume, which adds them first.
func (s *Store) Admit(ctx context.Context, checks []throttle.Check) ([]throttle.Outcome, error) {
	a, ok := s.p.(throttle.Admitter)
	if !ok {
		return nil, errors.New("the store does not combine checks")
	}
	if err := s.skip(); err != nil {
		return nil, err
	}
	if i := slices.IndexFunc(checks, func(c throttle.Check) bool { return c.Quota && s.pending(c.Key, c.Window) }); i >= 0 {
		var out []throttle.Outcome
		if i > 0 {
			var err error
			if out, err = s.Admit(ctx, checks[:i]); err != nil || len(out) < i {
				return out, err
			}
		}
		rest, err := throttle.AdmitEach(ctx, s, s, checks[i:])
		return append(out, rest...), err
	}
	out, err := a.Admit(ctx, checks)
	s.observe(err)
	if err != nil {
		return out, err
	}
	for i, o := range out {
		if c := checks[i]; c.Quota {
			s.mu.Lock()
			q := s.quota(c.Key, c.Window)
			q.seen = max(q.seen, o.Used)
			s.mu.Unlock()
		}
	}
	return out, nil
}

// pending reports whether key has requests admitted locally in window w
// that the primary has not counted yet.
func (s *Store) pending(key string, w throttle.Window) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	q := s.quotas[key]
	return q != nil && q.window.Equal(w.Start) && q.local > 0
}

// Usage implements throttle.Quotas: the primary's answer.
func (s *Store) Usage(ctx context.Context, key string, from, to time.Time) ([]throttle.DayUsage, error) {
	if err := s.skip(); err != nil {
		return nil, err
	}
	u, err := s.p.Usage(ctx, key, from, to)
	s.observe(err)
	return u, err
}

// Consume implements throttle.Quotas. Requests admitted locally earlier
// are added to the primary first; if the primary fails, the decision is
// local (Options.Local) or the error is returned.
func (s *Store) Consume(ctx context.Context, key string, w throttle.Window, limit int64, now time.Time) (int64, bool, error) {
	if err := s.skip(); err != nil {
		return s.local(key, w, limit, err)
	}
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

// skip returns an error instead of letting a call try a failing primary,
// except for one call every RetryEvery.
func (s *Store) skip() error {
	if !s.failing.Load() {
		return nil
	}
	now := time.Now().UnixNano()
	last := s.lastTry.Load()
	if now-last >= int64(s.opts.RetryEvery) && s.lastTry.CompareAndSwap(last, now) {
		return nil
	}
	s.hmu.Lock()
	err := s.lastErr
	s.hmu.Unlock()
	if err == nil {
		err = errors.New("store failing")
	}
	return fmt.Errorf("not tried while the store fails: %w", err)
}

// fail records err and decides locally when allowed to.
func (s *Store) fail(key string, w throttle.Window, limit int64, err error) (int64, bool, error) {
	s.observe(err)
	return s.local(key, w, limit, err)
}

// local decides locally when allowed to, else returns err.
func (s *Store) local(key string, w throttle.Window, limit int64, err error) (int64, bool, error) {
	if !s.opts.Local {
		return 0, false, err
	}
	if s.opts.Report != nil {
		s.opts.Report(err)
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

// observe records the outcome of a call or probe for Health.
func (s *Store) observe(err error) {
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
		s.lastTry.Store(s.since.UnixNano())
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
			s.observe(pg.Ping(ctx))
		}
	}
	s.hmu.Lock()
	defer s.hmu.Unlock()
	return Health{Failing: s.failing.Load(), Err: s.lastErr, Since: s.since}
}
