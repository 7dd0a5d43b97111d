package cache

import (
	"context"
	"sync"
	"time"

	"github.com/redis/rueidis"
)

// Store holds one stage's entries.
type Store interface {
	// Get returns the live entry under key, or nil when there is none.
	Get(ctx context.Context, key string) (*Entry, error)
	// Set stores e under key for ttl, replacing any entry.
	Set(ctx context.Context, key string, e *Entry, ttl time.Duration) error
	// Flush deletes every entry of the stage.
	Flush(ctx context.Context) error
}

// Provider gives each stage its store and outlives deployments, so a
// reload keeps the cached entries. It is safe for concurrent use.
type Provider struct {
	mu      sync.Mutex
	now     func() time.Time
	redis   func() (rueidis.Client, error)
	prefix  string
	timeout time.Duration
	stages  map[string]*stageStore // by "api/stage"
}

type stageStore struct {
	store    Store
	capacity int64
}

// NewMemoryProvider keeps each stage's cache in this process; now is the
// clock of the TTLs (nil means time.Now).
func NewMemoryProvider(now func() time.Time) *Provider {
	return &Provider{now: now, stages: map[string]*stageStore{}}
}

// NewRedisProvider keeps every stage's cache in Redis under
// {prefix}cache:{api}/{stage}:, shared by the replicas using the server.
func NewRedisProvider(client func() (rueidis.Client, error), prefix string, timeout time.Duration) *Provider {
	return &Provider{redis: client, prefix: prefix, timeout: timeout, stages: map[string]*stageStore{}}
}

// Stage returns the store of a stage whose cluster holds capacity bytes. A
// stage deployed again with the same capacity keeps its entries; a new
// capacity starts empty, as AWS recreates a resized cache.
func (p *Provider) Stage(api, stage string, capacity int64) Store {
	id := api + "/" + stage
	p.mu.Lock()
	defer p.mu.Unlock()
	if s, ok := p.stages[id]; ok && s.capacity == capacity {
		return s.store
	}
	var st Store
	if p.redis != nil {
		st = NewRedis(p.redis, p.prefix+"cache:"+id+":", p.timeout)
	} else {
		st = NewMemory(capacity, p.now)
	}
	p.stages[id] = &stageStore{store: st, capacity: capacity}
	return st
}

// Flush deletes every entry of a stage's cache. found is false when no
// deployment gave the stage a cache.
func (p *Provider) Flush(ctx context.Context, api, stage string) (found bool, err error) {
	p.mu.Lock()
	s, ok := p.stages[api+"/"+stage]
	p.mu.Unlock()
	if !ok {
		return false, nil
	}
	return true, s.store.Flush(ctx)
}

// Retain forgets the stages not in ids ("api/stage"), after a deployment
// that no longer gives them a cache: their memory is freed and FlushStageCache
// finds no cache for them.
func (p *Provider) Retain(ids map[string]bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	for id := range p.stages {
		if !ids[id] {
			delete(p.stages, id)
		}
	}
}
