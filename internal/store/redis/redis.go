package redis

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/redis/rueidis"

	"github.com/portico-gw/portico/internal/throttle"
)

// Defaults for Options.
const (
	// DefaultPrefix namespaces every key Portico writes.
	DefaultPrefix = "portico:"
	// DefaultTimeout bounds each call, dial included.
	DefaultTimeout = 500 * time.Millisecond
	// DefaultMaxIdle is how long an untouched bucket is kept at most.
	DefaultMaxIdle = 24 * time.Hour
)

// windowGrace keeps a window counter an hour past its window's end, so a
// replica whose clock lags still finds the count.
const windowGrace = time.Hour

// Options configures a Store.
type Options struct {
	// URL is the server, as redis://[user:password@]host:port/db (also
	// rediss:// and unix://). Required.
	URL string
	// Prefix starts every key, e.g. "portico:" (the default). It must not
	// contain '{' or '}', which would break the keys' hash tags.
	Prefix string
	// Timeout bounds every call, including dialling a dropped connection;
	// a call against an unreachable Redis fails within it. Default 500 ms.
	Timeout time.Duration
	// Retention is how long per-day usage counts are kept. Default
	// throttle.DefaultRetention (90 days).
	Retention time.Duration
	// MaxIdle is how long a bucket that nobody touches is kept at most.
	// A bucket is dropped as soon as it would be full again; MaxIdle only
	// matters for rates below burst/MaxIdle, including rate 0, whose
	// bucket starts full again after MaxIdle. Default 24 hours.
	MaxIdle time.Duration
	// ConnectLater makes New succeed when the server cannot be reached:
	// calls then fail with ErrNotConnected until one of them connects
	// (one attempt at a time, at most one per Timeout), so a gateway can
	// start while Redis is down and use it as soon as it is back.
	ConnectLater bool
}

// ErrNotConnected is returned (wrapped) by calls on a store made with
// ConnectLater while no connection to Redis has been made yet.
var ErrNotConnected = errors.New("not connected to redis")

// Store keeps token buckets and quota counters in Redis. It is safe for
// concurrent use. Errors from Redis are returned wrapped, never retried;
// the caller decides whether to fail open or closed.
type Store struct {
	client    atomic.Pointer[rueidis.Client] // nil until connected
	copt      rueidis.ClientOption
	dialMu    sync.Mutex // held by the one call that dials
	nextDial  time.Time  // guarded by dialMu
	closed    atomic.Bool
	prefix    string
	timeout   time.Duration
	retention time.Duration
	maxIdle   string // milliseconds, as the take script reads it
	take      *rueidis.Lua
	consume   *rueidis.Lua
	add       *rueidis.Lua
	admit     *rueidis.Lua
}

// Interface guards.
var (
	_ throttle.Buckets  = (*Store)(nil)
	_ throttle.Quotas   = (*Store)(nil)
	_ throttle.Admitter = (*Store)(nil)
)

// New connects to Redis. It fails if the server cannot be reached within
// the timeout. The client runs background goroutines until Close.
func New(opts Options) (*Store, error) {
	if opts.Prefix == "" {
		opts.Prefix = DefaultPrefix
	}
	if strings.ContainsAny(opts.Prefix, "{}") {
		return nil, fmt.Errorf("redis store: prefix %q contains a brace", opts.Prefix)
	}
	if opts.Timeout <= 0 {
		opts.Timeout = DefaultTimeout
	}
	if opts.Retention <= 0 {
		opts.Retention = throttle.DefaultRetention
	}
	if opts.MaxIdle <= 0 {
		opts.MaxIdle = DefaultMaxIdle
	}
	copt, err := rueidis.ParseURL(opts.URL)
	if err != nil {
		return nil, fmt.Errorf("redis store: url: %w", err)
	}
	copt.DisableCache = true // no client-side caching: counters are read in scripts
	copt.Dialer.Timeout = opts.Timeout
	copt.ConnWriteTimeout = opts.Timeout
	// rueidis sizes each pipelined connection for heavy use: 0.5 MiB read
	// and write buffers and a ring of 2^10 pending commands, all allocated
	// when it connects. Counters and cached answers are small and a few
	// hundred commands wait at most, so smaller ones keep the heap (and
	// with it the peak resident memory) down without costing throughput;
	// 2^8 is the smallest ring rueidis recommends (ClientOption,
	// https://pkg.go.dev/github.com/redis/rueidis#ClientOption). Bodies
	// larger than a buffer still pass, in several reads or writes.
	copt.ReadBufferEachConn, copt.WriteBufferEachConn = 64<<10, 64<<10
	copt.RingScaleEachConn = 8
	s := &Store{
		copt:      copt,
		prefix:    opts.Prefix,
		timeout:   opts.Timeout,
		retention: opts.Retention,
		maxIdle:   strconv.FormatInt(opts.MaxIdle.Milliseconds(), 10),
		take:      rueidis.NewLuaScript(takeScript),
		consume:   rueidis.NewLuaScript(consumeScript),
		add:       rueidis.NewLuaScript(addScript),
		admit:     rueidis.NewLuaScript(admitScript),
	}
	client, err := rueidis.NewClient(copt)
	if err != nil {
		if !opts.ConnectLater {
			return nil, fmt.Errorf("redis store: connect: %w", err)
		}
		s.nextDial = time.Now().Add(s.timeout)
		return s, nil
	}
	s.client.Store(&client)
	return s, nil
}

// Connected reports whether a connection has been made (it may have
// dropped since; rueidis reconnects on the next call).
func (s *Store) Connected() bool { return s.client.Load() != nil }

// conn returns the client, dialling first if the store was made with
// ConnectLater and has no connection yet. Only one call dials at a time,
// at most once per timeout; the others fail at once.
func (s *Store) conn() (rueidis.Client, error) {
	if c := s.client.Load(); c != nil {
		return *c, nil
	}
	if s.closed.Load() || !s.dialMu.TryLock() {
		return nil, ErrNotConnected
	}
	defer s.dialMu.Unlock()
	if c := s.client.Load(); c != nil {
		return *c, nil
	}
	if time.Now().Before(s.nextDial) {
		return nil, ErrNotConnected
	}
	c, err := rueidis.NewClient(s.copt)
	if err != nil {
		s.nextDial = time.Now().Add(s.timeout)
		return nil, fmt.Errorf("%w: %w", ErrNotConnected, err)
	}
	if s.closed.Load() {
		c.Close()
		return nil, ErrNotConnected
	}
	s.client.Store(&c)
	return c, nil
}

// Close closes the connections and stops the client's goroutines.
func (s *Store) Close() error {
	s.closed.Store(true)
	s.dialMu.Lock()
	defer s.dialMu.Unlock()
	if c := s.client.Load(); c != nil {
		(*c).Close()
	}
	return nil
}

// Ping checks that Redis answers within the timeout.
func (s *Store) Ping(ctx context.Context) error {
	c, err := s.conn()
	if err != nil {
		return fmt.Errorf("redis ping: %w", err)
	}
	ctx, cancel := context.WithTimeout(ctx, s.timeout)
	defer cancel()
	if err := c.Do(ctx, c.B().Ping().Build()).Error(); err != nil {
		return fmt.Errorf("redis ping: %w", err)
	}
	return nil
}

// Take implements throttle.Buckets.
func (s *Store) Take(ctx context.Context, key string, rate float64, burst int, now time.Time) (throttle.Decision, error) {
	if burst <= 0 {
		return throttle.Decision{RetryAfter: throttle.Never}, nil
	}
	c, err := s.conn()
	if err != nil {
		return throttle.Decision{}, fmt.Errorf("redis take %q: %w", key, err)
	}
	ctx, cancel := context.WithTimeout(ctx, s.timeout)
	defer cancel()
	res, err := s.take.Exec(ctx, c, []string{s.key(key, "b")}, []string{
		strconv.FormatFloat(throttle.SaneRate(rate), 'g', -1, 64),
		strconv.Itoa(burst),
		strconv.FormatInt(now.UnixMicro(), 10),
		s.maxIdle,
	}).AsIntSlice()
	if err == nil && len(res) != 2 {
		err = errors.New("unexpected script reply")
	}
	if err != nil {
		return throttle.Decision{}, fmt.Errorf("redis take %q: %w", key, err)
	}
	switch {
	case res[0] == 1:
		return throttle.Decision{Allowed: true}, nil
	case res[1] < 0:
		return throttle.Decision{RetryAfter: throttle.Never}, nil
	default:
		return throttle.Decision{RetryAfter: time.Duration(res[1]) * time.Microsecond}, nil
	}
}

// Admit implements throttle.Admitter with one script, one round trip. On
// Redis Cluster, where the checks' keys are in different slots, it makes
// the separate calls instead.
func (s *Store) Admit(ctx context.Context, checks []throttle.Check) ([]throttle.Outcome, error) {
	c, err := s.conn()
	if err != nil {
		return nil, fmt.Errorf("redis admit: %w", err)
	}
	if c.Mode() == rueidis.ClientModeCluster {
		return throttle.AdmitEach(ctx, s, s, checks)
	}
	keys := make([]string, 0, len(checks)+1)
	args := make([]string, 1, 1+4*len(checks))
	args[0] = s.maxIdle
	for _, ch := range checks {
		if ch.Quota {
			windowTTL, dayTTL := s.ttls(ch.Window, ch.Now)
			keys = append(keys, s.key(ch.Key, "w:"+strconv.FormatInt(ch.Window.Start.Unix(), 10)), s.dayKey(ch.Key, dayStart(ch.Now)))
			args = append(args, "q", strconv.FormatInt(ch.Limit, 10),
				strconv.FormatInt(windowTTL.Milliseconds(), 10), strconv.FormatInt(dayTTL.Milliseconds(), 10))
			continue
		}
		keys = append(keys, s.key(ch.Key, "b"))
		args = append(args, "b", strconv.FormatFloat(throttle.SaneRate(ch.Rate), 'g', -1, 64),
			strconv.Itoa(ch.Burst), strconv.FormatInt(ch.Now.UnixMicro(), 10))
	}
	ctx, cancel := context.WithTimeout(ctx, s.timeout)
	defer cancel()
	res, err := s.admit.Exec(ctx, c, keys, args).AsIntSlice()
	if err == nil && (len(res)%2 != 0 || len(res) > 2*len(checks)) {
		err = errors.New("unexpected script reply")
	}
	if err != nil {
		return nil, fmt.Errorf("redis admit: %w", err)
	}
	out := make([]throttle.Outcome, len(res)/2)
	for i := range out {
		allowed, v := res[2*i] == 1, res[2*i+1]
		switch {
		case checks[i].Quota:
			out[i] = throttle.Outcome{Decision: throttle.Decision{Allowed: allowed}, Used: v}
		case allowed:
			out[i].Decision.Allowed = true
		case v < 0:
			out[i].Decision.RetryAfter = throttle.Never
		default:
			out[i].Decision.RetryAfter = time.Duration(v) * time.Microsecond
		}
	}
	if len(out) < len(checks) && (len(out) == 0 || out[len(out)-1].Decision.Allowed) {
		return nil, errors.New("redis admit: unexpected script reply: stopped without a refusal")
	}
	return out, nil
}

// ttls are the expiries of a quota window's counter and of now's day
// count.
func (s *Store) ttls(w throttle.Window, now time.Time) (window, day time.Duration) {
	return max(w.End.Sub(now), 0) + windowGrace, max(dayStart(now).Add(s.retention).Sub(now), time.Millisecond)
}

// Consume implements throttle.Quotas.
func (s *Store) Consume(ctx context.Context, key string, w throttle.Window, limit int64, now time.Time) (int64, bool, error) {
	day := dayStart(now)
	windowTTL := max(w.End.Sub(now), 0) + windowGrace
	dayTTL := max(day.Add(s.retention).Sub(now), time.Millisecond)
	c, err := s.conn()
	if err != nil {
		return 0, false, fmt.Errorf("redis consume %q: %w", key, err)
	}
	ctx, cancel := context.WithTimeout(ctx, s.timeout)
	defer cancel()
	res, err := s.consume.Exec(ctx, c,
		[]string{s.key(key, "w:"+strconv.FormatInt(w.Start.Unix(), 10)), s.dayKey(key, day)},
		[]string{
			strconv.FormatInt(limit, 10),
			strconv.FormatInt(windowTTL.Milliseconds(), 10),
			strconv.FormatInt(dayTTL.Milliseconds(), 10),
		}).AsIntSlice()
	if err == nil && len(res) != 2 {
		err = errors.New("unexpected script reply")
	}
	if err != nil {
		return 0, false, fmt.Errorf("redis consume %q: %w", key, err)
	}
	return res[0], res[1] == 1, nil
}

// Add counts n requests admitted elsewhere (by a replica while Redis was
// unreachable) in the window and day counters of key, so later Consume
// calls see them. The window count may exceed its limit; Consume then
// refuses until the window ends.
func (s *Store) Add(ctx context.Context, key string, w throttle.Window, n int64, now time.Time) error {
	if n <= 0 {
		return nil
	}
	c, err := s.conn()
	if err != nil {
		return fmt.Errorf("redis add %q: %w", key, err)
	}
	day := dayStart(now)
	windowTTL := max(w.End.Sub(now), 0) + windowGrace
	dayTTL := max(day.Add(s.retention).Sub(now), time.Millisecond)
	ctx, cancel := context.WithTimeout(ctx, s.timeout)
	defer cancel()
	err = s.add.Exec(ctx, c,
		[]string{s.key(key, "w:"+strconv.FormatInt(w.Start.Unix(), 10)), s.dayKey(key, day)},
		[]string{
			strconv.FormatInt(n, 10),
			strconv.FormatInt(windowTTL.Milliseconds(), 10),
			strconv.FormatInt(dayTTL.Milliseconds(), 10),
		}).Error()
	if err != nil {
		return fmt.Errorf("redis add %q: %w", key, err)
	}
	return nil
}

// Usage implements throttle.Quotas with one MGET.
func (s *Store) Usage(ctx context.Context, key string, from, to time.Time) ([]throttle.DayUsage, error) {
	days, err := throttle.Days(from, to)
	if err != nil {
		return nil, err
	}
	keys := make([]string, len(days))
	for i, d := range days {
		keys[i] = s.dayKey(key, d)
	}
	c, err := s.conn()
	if err != nil {
		return nil, fmt.Errorf("redis usage %q: %w", key, err)
	}
	ctx, cancel := context.WithTimeout(ctx, s.timeout)
	defer cancel()
	vals, err := c.Do(ctx, c.B().Mget().Key(keys...).Build()).ToArray()
	if err != nil {
		return nil, fmt.Errorf("redis usage %q: %w", key, err)
	}
	out := make([]throttle.DayUsage, len(days))
	for i, d := range days {
		out[i].Day = d
		if i >= len(vals) || vals[i].IsNil() {
			continue
		}
		if out[i].Used, err = vals[i].AsInt64(); err != nil {
			return nil, fmt.Errorf("redis usage %q on %s: %w", key, d.Format(time.DateOnly), err)
		}
	}
	return out, nil
}

// key is prefix{key}:suffix; the braces make the key a Redis Cluster hash
// tag, so all of one key's counters live in one slot.
func (s *Store) key(key, suffix string) string {
	return s.prefix + "{" + key + "}:" + suffix
}

func (s *Store) dayKey(key string, day time.Time) string {
	return s.key(key, "d:"+strconv.FormatInt(day.Unix(), 10))
}

func dayStart(t time.Time) time.Time {
	t = t.UTC()
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
}
