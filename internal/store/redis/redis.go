package redis

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
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
}

// Store keeps token buckets and quota counters in Redis. It is safe for
// concurrent use. Errors from Redis are returned wrapped, never retried;
// the caller decides whether to fail open or closed.
type Store struct {
	client    rueidis.Client
	prefix    string
	timeout   time.Duration
	retention time.Duration
	maxIdle   string // milliseconds, as the take script reads it
	take      *rueidis.Lua
	consume   *rueidis.Lua
}

// Interface guards.
var (
	_ throttle.Buckets = (*Store)(nil)
	_ throttle.Quotas  = (*Store)(nil)
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
	client, err := rueidis.NewClient(copt)
	if err != nil {
		return nil, fmt.Errorf("redis store: connect: %w", err)
	}
	return &Store{
		client:    client,
		prefix:    opts.Prefix,
		timeout:   opts.Timeout,
		retention: opts.Retention,
		maxIdle:   strconv.FormatInt(opts.MaxIdle.Milliseconds(), 10),
		take:      rueidis.NewLuaScript(takeScript),
		consume:   rueidis.NewLuaScript(consumeScript),
	}, nil
}

// Close closes the connections and stops the client's goroutines.
func (s *Store) Close() error {
	s.client.Close()
	return nil
}

// Take implements throttle.Buckets.
func (s *Store) Take(ctx context.Context, key string, rate float64, burst int, now time.Time) (throttle.Decision, error) {
	if burst <= 0 {
		return throttle.Decision{RetryAfter: throttle.Never}, nil
	}
	ctx, cancel := context.WithTimeout(ctx, s.timeout)
	defer cancel()
	res, err := s.take.Exec(ctx, s.client, []string{s.key(key, "b")}, []string{
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

// Consume implements throttle.Quotas.
func (s *Store) Consume(ctx context.Context, key string, w throttle.Window, limit int64, now time.Time) (int64, bool, error) {
	day := dayStart(now)
	windowTTL := max(w.End.Sub(now), 0) + windowGrace
	dayTTL := max(day.Add(s.retention).Sub(now), time.Millisecond)
	ctx, cancel := context.WithTimeout(ctx, s.timeout)
	defer cancel()
	res, err := s.consume.Exec(ctx, s.client,
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
	ctx, cancel := context.WithTimeout(ctx, s.timeout)
	defer cancel()
	vals, err := s.client.Do(ctx, s.client.B().Mget().Key(keys...).Build()).ToArray()
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
