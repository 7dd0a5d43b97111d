package cache

import (
	"context"
	"fmt"
	"time"

	"github.com/redis/rueidis"
)

// Redis is a stage's cache in Redis, shared by every replica that uses the
// same server and prefix: one string key per entry, expired by Redis.
type Redis struct {
	client  func() (rueidis.Client, error)
	prefix  string // ends with ':'; every entry key starts with it
	timeout time.Duration
}

// NewRedis returns the store whose keys start with prefix; client gives
// the connection (the usage store's), timeout bounds each call.
func NewRedis(client func() (rueidis.Client, error), prefix string, timeout time.Duration) *Redis {
	if timeout <= 0 {
		timeout = time.Second
	}
	return &Redis{client: client, prefix: prefix, timeout: timeout}
}

// Get returns the entry under key, or nil.
func (r *Redis) Get(ctx context.Context, key string) (*Entry, error) {
	c, err := r.client()
	if err != nil {
		return nil, fmt.Errorf("cache get: %w", err)
	}
	ctx, cancel := context.WithTimeout(ctx, r.timeout)
	defer cancel()
	b, err := c.Do(ctx, c.B().Get().Key(r.prefix+key).Build()).AsBytes()
	if rueidis.IsRedisNil(err) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("cache get: %w", err)
	}
	return decode(b)
}

// Set stores e under key with a Redis TTL.
func (r *Redis) Set(ctx context.Context, key string, e *Entry, ttl time.Duration) error {
	if ttl <= 0 {
		return nil
	}
	c, err := r.client()
	if err != nil {
		return fmt.Errorf("cache set: %w", err)
	}
	ctx, cancel := context.WithTimeout(ctx, r.timeout)
	defer cancel()
	err = c.Do(ctx, c.B().Set().Key(r.prefix+key).Value(rueidis.BinaryString(e.encode())).Px(ttl).Build()).Error()
	if err != nil {
		return fmt.Errorf("cache set: %w", err)
	}
	return nil
}

// Flush deletes every entry of the stage (SCAN over the prefix, then
// UNLINK in batches).
func (r *Redis) Flush(ctx context.Context) error {
	c, err := r.client()
	if err != nil {
		return fmt.Errorf("cache flush: %w", err)
	}
	var cursor uint64
	for {
		sctx, cancel := context.WithTimeout(ctx, r.timeout)
		se, err := c.Do(sctx, c.B().Scan().Cursor(cursor).Match(r.prefix+"*").Count(1000).Build()).AsScanEntry()
		if err == nil && len(se.Elements) > 0 {
			err = c.Do(sctx, c.B().Unlink().Key(se.Elements...).Build()).Error()
		}
		cancel()
		if err != nil {
			return fmt.Errorf("cache flush: %w", err)
		}
		if cursor = se.Cursor; cursor == 0 {
			return nil
		}
	}
}
