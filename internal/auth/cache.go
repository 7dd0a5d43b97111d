package auth

import (
	"context"
	"crypto/sha256"
	"sync"
	"time"

	"github.com/portico-gw/portico/internal/pipeline"
)

// maxCacheEntries bounds one authorizer's cache; older entries are swept
// when it is full.
const maxCacheEntries = 10000

// cache holds one authorizer's results by identity, for its TTL. It is
// safe for concurrent use.
type cache struct {
	mu      sync.Mutex
	ttl     time.Duration
	entries map[[sha256.Size]byte]cacheEntry
}

type cacheEntry struct {
	out     *output
	expires time.Time
}

func newCache(ttl time.Duration) *cache {
	if ttl <= 0 {
		return nil
	}
	return &cache{ttl: ttl, entries: map[[sha256.Size]byte]cacheEntry{}}
}

func (c *cache) get(key [sha256.Size]byte, now time.Time) (*output, bool) {
	if c == nil {
		return nil, false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.entries[key]
	if !ok || !now.Before(e.expires) {
		return nil, false
	}
	return e.out, true
}

func (c *cache) put(key [sha256.Size]byte, out *output, now time.Time) {
	if c == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.entries) >= maxCacheEntries {
		for k, e := range c.entries {
			if !now.Before(e.expires) {
				delete(c.entries, k)
			}
		}
		for k := range c.entries {
			if len(c.entries) < maxCacheEntries*3/4 {
				break
			}
			delete(c.entries, k)
		}
	}
	c.entries[key] = cacheEntry{out: out, expires: now.Add(c.ttl)}
}

// authorizer is what a Lambda authorizer (REST or HTTP API) does around its
// cache: read the identity sources, invoke the function, decide.
type authorizer interface {
	identity(c *pipeline.Call) ([]string, error)
	call(ctx context.Context, c *pipeline.Call, values []string) (*output, error)
	decide(c *pipeline.Call, out *output) error
}

// runCached authorizes a call through the cache: the identity values key
// the cached answer; a miss invokes the function and keeps its answer.
func runCached(ctx context.Context, a authorizer, ch *cache, now time.Time, c *pipeline.Call) error {
	values, err := a.identity(c)
	if err != nil {
		return err
	}
	key := cacheKey(values)
	out, ok := ch.get(key, now)
	if !ok {
		// A deferred check (the throttle's) is made before the function
		// is invoked, as it would have been before this step.
		if err := c.Settle(ctx); err != nil {
			return err
		}
		if out, err = a.call(ctx, c, values); err != nil {
			return err
		}
		ch.put(key, out, now)
	}
	return a.decide(c, out)
}
