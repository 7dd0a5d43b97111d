package mgmt

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"sync"
	"time"

	"go.etcd.io/bbolt"
)

// Store keeps one JSON document per REST API, by API id, and one for the
// API keys and usage plans (id "_usage"). Every write is
// one whole document, so a store needs no transactions across keys: a
// Redis implementation is a hash of id → document.
type Store interface {
	// LoadAll returns every stored document.
	LoadAll(ctx context.Context) (map[string][]byte, error)
	// Put stores the document of API id, replacing any.
	Put(ctx context.Context, id string, doc []byte) error
	// Delete removes the document of API id; a missing id is not an error.
	Delete(ctx context.Context, id string) error
	// Close releases the store.
	Close() error
}

// MemoryStore is a Store in memory: state lasts as long as the process.
type MemoryStore struct {
	mu   sync.Mutex
	docs map[string][]byte
}

// NewMemoryStore returns an empty MemoryStore.
func NewMemoryStore() *MemoryStore { return &MemoryStore{docs: map[string][]byte{}} }

// LoadAll implements Store.
func (m *MemoryStore) LoadAll(context.Context) (map[string][]byte, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return maps.Clone(m.docs), nil
}

// Put implements Store.
func (m *MemoryStore) Put(_ context.Context, id string, doc []byte) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.docs[id] = append([]byte(nil), doc...)
	return nil
}

// Delete implements Store.
func (m *MemoryStore) Delete(_ context.Context, id string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	delete(m.docs, id)
	return nil
}

// Close implements Store.
func (m *MemoryStore) Close() error { return nil }

// boltBucket holds the documents in the bbolt file.
const boltBucket = "restapis"

// BoltStore is a Store in a bbolt file.
type BoltStore struct{ db *bbolt.DB }

// OpenBolt opens or creates the bbolt file at path. Only one process may
// have it open; a second waits one second, then fails.
func OpenBolt(path string) (*BoltStore, error) {
	db, err := bbolt.Open(path, 0o600, &bbolt.Options{Timeout: time.Second})
	if err != nil {
		return nil, fmt.Errorf("management store: open %s: %w", path, err)
	}
	if err := db.Update(func(tx *bbolt.Tx) error {
		_, err := tx.CreateBucketIfNotExists([]byte(boltBucket))
		return err
	}); err != nil {
		_ = db.Close()
		return nil, fmt.Errorf("management store: %s: %w", path, err)
	}
	return &BoltStore{db: db}, nil
}

// LoadAll implements Store.
func (b *BoltStore) LoadAll(context.Context) (map[string][]byte, error) {
	out := map[string][]byte{}
	err := b.db.View(func(tx *bbolt.Tx) error {
		bk := tx.Bucket([]byte(boltBucket))
		if bk == nil {
			return errors.New("bucket missing")
		}
		return bk.ForEach(func(k, v []byte) error {
			out[string(k)] = append([]byte(nil), v...)
			return nil
		})
	})
	return out, err
}

// Put implements Store.
func (b *BoltStore) Put(_ context.Context, id string, doc []byte) error {
	return b.db.Update(func(tx *bbolt.Tx) error { return tx.Bucket([]byte(boltBucket)).Put([]byte(id), doc) })
}

// Delete implements Store.
func (b *BoltStore) Delete(_ context.Context, id string) error {
	return b.db.Update(func(tx *bbolt.Tx) error { return tx.Bucket([]byte(boltBucket)).Delete([]byte(id)) })
}

// Close implements Store.
func (b *BoltStore) Close() error { return b.db.Close() }
