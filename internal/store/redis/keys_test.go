package redis_test

import (
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/rueidis"

	"github.com/portico-gw/portico/internal/store/redis"
	"github.com/portico-gw/portico/internal/store/redistest"
	"github.com/portico-gw/portico/internal/throttle"
)

// TestKeysArePrefixedAndExpire checks that every key the store writes
// starts with the prefix and carries an expiry no longer than it should.
func TestKeysArePrefixedAndExpire(t *testing.T) {
	t.Parallel()
	srv := redistest.Start(t)
	var seq atomic.Int64
	s := newStore(t, srv, &seq, redis.Options{Prefix: "pfx:", Retention: 48 * time.Hour, MaxIdle: time.Hour})
	now := time.Now()
	w, err := throttle.Month.Window(now)
	if err != nil {
		t.Fatal(err)
	}
	ctx := t.Context()
	for _, rate := range []float64{10, 0} {
		if _, err := s.Take(ctx, "bucket-"+strings.Repeat("x", int(rate)), rate, 5, now); err != nil {
			t.Fatal(err)
		}
	}
	if _, _, err := s.Consume(ctx, "quota", w, 10, now); err != nil {
		t.Fatal(err)
	}

	c, err := rueidis.NewClient(rueidis.ClientOption{InitAddress: []string{srv.Addr()}, DisableCache: true})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	keys, err := c.Do(ctx, c.B().Keys().Pattern("*").Build()).AsStrSlice()
	if err != nil {
		t.Fatal(err)
	}
	if len(keys) != 4 {
		t.Errorf("keys = %q, want 2 buckets, a window and a day", keys)
	}
	maxTTL := map[string]time.Duration{
		"b":  time.Hour,                                // MaxIdle; a rate-10 bucket refills in 100 ms
		"w:": w.End.Sub(now) + time.Hour + time.Second, // the window's end plus the grace
		"d:": 48 * time.Hour,                           // the retention from the day's start
	}
	for _, k := range keys {
		if !strings.HasPrefix(k, "pfx:{") {
			t.Errorf("key %q lacks the prefix and hash tag", k)
		}
		ttl, err := c.Do(ctx, c.B().Pttl().Key(k).Build()).AsInt64()
		if err != nil {
			t.Fatal(err)
		}
		kind := k[strings.LastIndex(k, "}:")+2:]
		if strings.HasPrefix(kind, "w:") || strings.HasPrefix(kind, "d:") {
			kind = kind[:2]
		}
		limit, ok := maxTTL[kind]
		if !ok {
			t.Errorf("key %q: unknown kind %q", k, kind)
			continue
		}
		if got := time.Duration(ttl) * time.Millisecond; got <= 0 || got > limit {
			t.Errorf("key %q: TTL %v, want in (0, %v]", k, got, limit)
		}
	}
}

func TestNewRejectsBracedPrefix(t *testing.T) {
	t.Parallel()
	if _, err := redis.New(redis.Options{URL: "redis://127.0.0.1:1/0", Prefix: "a{b}:"}); err == nil {
		t.Error("prefix with braces: no error")
	}
}
