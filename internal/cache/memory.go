package cache

import (
	"container/list"
	"context"
	"sync"
	"time"
)

// Memory is a process-local store bounded in bytes: the least recently
// used entries go first when a new one needs room, and expired ones are
// dropped when they are next looked up or reached by eviction.
type Memory struct {
	mu       sync.Mutex
	capacity int64
	used     int64
	ll       list.List // front: most recently used; values are *memItem
	items    map[string]*list.Element
	now      func() time.Time
}

type memItem struct {
	key     string
	e       *Entry
	expires time.Time
	size    int64
}

// NewMemory returns a store holding at most capacity bytes; now is its
// clock (nil means time.Now).
func NewMemory(capacity int64, now func() time.Time) *Memory {
	if now == nil {
		now = time.Now
	}
	return &Memory{capacity: capacity, items: map[string]*list.Element{}, now: now}
}

// Get returns the live entry under key, or nil.
func (m *Memory) Get(_ context.Context, key string) (*Entry, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	el, ok := m.items[key]
	if !ok {
		return nil, nil
	}
	it := el.Value.(*memItem)
	if !m.now().Before(it.expires) {
		m.remove(el)
		return nil, nil
	}
	m.ll.MoveToFront(el)
	return it.e, nil
}

// Set stores e under key for ttl, replacing any entry, and evicts the least
// recently used entries while the store is over its capacity. An entry
// larger than the whole capacity is not kept.
func (m *Memory) Set(_ context.Context, key string, e *Entry, ttl time.Duration) error {
	size := e.size() + int64(len(key))
	m.mu.Lock()
	defer m.mu.Unlock()
	if el, ok := m.items[key]; ok {
		m.remove(el)
	}
	if size > m.capacity || ttl <= 0 {
		return nil
	}
	m.items[key] = m.ll.PushFront(&memItem{key: key, e: e, expires: m.now().Add(ttl), size: size})
	m.used += size
	for m.used > m.capacity {
		m.remove(m.ll.Back())
	}
	return nil
}

// Flush drops every entry.
func (m *Memory) Flush(context.Context) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.ll.Init()
	m.items = map[string]*list.Element{}
	m.used = 0
	return nil
}

// Len is the number of entries held (expired ones included until they are
// dropped); Used is their size in bytes.
func (m *Memory) Len() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return len(m.items)
}

// Used is the bytes the entries count for.
func (m *Memory) Used() int64 {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.used
}

func (m *Memory) remove(el *list.Element) {
	it := el.Value.(*memItem)
	m.ll.Remove(el)
	delete(m.items, it.key)
	m.used -= it.size
}
