package bolt

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"go.etcd.io/bbolt"

	"github.com/portico-gw/portico/internal/store/internal/counters"
	"github.com/portico-gw/portico/internal/throttle"
)

// DefaultFlushInterval is how often changed counts are written by default.
const DefaultFlushInterval = time.Second

// pruneEvery is how often a flush also deletes expired records from the
// file and sweeps the memory tables.
const pruneEvery = time.Hour

// Options configures a Store.
type Options struct {
	// Path is the bbolt file, created if missing. Required.
	Path string
	// FlushInterval is how often changed counts are written to the file,
	// and so the most a crash can lose. Default 1 s.
	FlushInterval time.Duration
	// Retention is how long per-day usage counts are kept. Default
	// throttle.DefaultRetention (90 days).
	Retention time.Duration
	// Now is the clock that decides which stored counts have expired.
	// Default time.Now.
	Now func() time.Time
	// Logger receives errors of the background flush. Default: discard.
	Logger *slog.Logger
}

// Store keeps token buckets in memory and quota counts in memory, written
// through to a bbolt file. It is safe for concurrent use; the hot path
// never touches the file.
type Store struct {
	t        *counters.Tables
	db       *bbolt.DB
	now      func() time.Time
	log      *slog.Logger
	interval time.Duration

	stop chan struct{}
	done chan struct{}

	flushMu   sync.Mutex // serializes flushes; guards buf and lastPrune
	buf       []counters.Record
	lastPrune time.Time

	closeOnce sync.Once
	closeErr  error
}

// Interface guards.
var (
	_ throttle.Buckets = (*Store)(nil)
	_ throttle.Quotas  = (*Store)(nil)
)

// Open opens or creates the file, loads the counts that have not expired,
// and starts the flush goroutine. Close stops it.
func Open(opts Options) (*Store, error) {
	if opts.Path == "" {
		return nil, errors.New("bolt store: no path")
	}
	if opts.FlushInterval <= 0 {
		opts.FlushInterval = DefaultFlushInterval
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	db, err := bbolt.Open(opts.Path, 0o600, &bbolt.Options{Timeout: time.Second})
	if err != nil {
		return nil, fmt.Errorf("bolt store: open %s: %w", opts.Path, err)
	}
	s := &Store{
		t:        counters.New(opts.Retention),
		db:       db,
		now:      opts.Now,
		log:      opts.Logger,
		interval: opts.FlushInterval,
		stop:     make(chan struct{}),
		done:     make(chan struct{}),
	}
	if err := s.load(); err != nil {
		_ = db.Close()
		return nil, fmt.Errorf("bolt store: load %s: %w", opts.Path, err)
	}
	go s.loop()
	return s, nil
}

// load checks the file's version, drops expired records and loads the rest.
func (s *Store) load() error {
	now := s.now()
	s.lastPrune = now
	return s.db.Update(func(tx *bbolt.Tx) error {
		meta, err := tx.CreateBucketIfNotExists([]byte(metaBucket))
		if err != nil {
			return err
		}
		switch v := meta.Get([]byte(versionKey)); {
		case v == nil:
			if err := meta.Put([]byte(versionKey), []byte(version)); err != nil {
				return err
			}
		case string(v) != version:
			return fmt.Errorf("file format version %q, want %q", v, version)
		}
		b, err := tx.CreateBucketIfNotExists([]byte(countersBucket))
		if err != nil {
			return err
		}
		c := b.Cursor()
		for k, v := c.First(); k != nil; {
			r, err := decode(k, v)
			if err != nil {
				return fmt.Errorf("record %q: %w", k, err)
			}
			if s.t.Expired(r, now) {
				k = bytes.Clone(k)
				if err := c.Delete(); err != nil {
					return err
				}
				k, v = c.Seek(k) // after Delete, Next could skip a record
				continue
			}
			s.t.Load(r)
			k, v = c.Next()
		}
		return nil
	})
}

func (s *Store) loop() {
	defer close(s.done)
	tick := time.NewTicker(s.interval)
	defer tick.Stop()
	for {
		select {
		case <-s.stop:
			return
		case <-tick.C:
			if err := s.Flush(); err != nil {
				s.log.Error("bolt store: flush quota counts", "err", err)
			}
		}
	}
}

// Flush writes every count changed since the last flush in one
// transaction. The background loop calls it every flush interval; callers
// may call it too. On failure the counts stay pending for the next flush.
func (s *Store) Flush() error {
	s.flushMu.Lock()
	defer s.flushMu.Unlock()
	now := s.now()
	prune := now.Sub(s.lastPrune) >= pruneEvery
	s.buf = s.t.Dirty(s.buf[:0])
	if len(s.buf) == 0 && !prune {
		return nil
	}
	err := s.db.Update(func(tx *bbolt.Tx) error {
		b := tx.Bucket([]byte(countersBucket))
		for _, r := range s.buf {
			var err error
			if s.t.Expired(r, now) {
				err = b.Delete(encodeKey(r))
			} else {
				err = b.Put(encodeKey(r), encodeValue(r))
			}
			if err != nil {
				return err
			}
		}
		if prune {
			return s.prune(b, now)
		}
		return nil
	})
	if err != nil {
		s.t.Redirty(s.buf)
		return fmt.Errorf("bolt store: flush: %w", err)
	}
	if prune {
		s.lastPrune = now
		s.t.Sweep(now)
	}
	return nil
}

// prune deletes the expired records of b.
func (s *Store) prune(b *bbolt.Bucket, now time.Time) error {
	c := b.Cursor()
	for k, v := c.First(); k != nil; {
		r, err := decode(k, v)
		if err == nil && !s.t.Expired(r, now) {
			k, v = c.Next()
			continue
		}
		k = bytes.Clone(k)
		if err := c.Delete(); err != nil {
			return err
		}
		k, v = c.Seek(k) // after Delete, Next could skip a record
	}
	return nil
}

// Close stops the flush goroutine, writes the remaining counts and closes
// the file. Later calls return the first call's result. The Store must not
// be used after Close.
func (s *Store) Close() error {
	s.closeOnce.Do(func() {
		close(s.stop)
		<-s.done
		s.closeErr = errors.Join(s.Flush(), s.db.Close())
	})
	return s.closeErr
}

// Take implements throttle.Buckets.
func (s *Store) Take(_ context.Context, key string, rate float64, burst int, now time.Time) (throttle.Decision, error) {
	return s.t.Take(key, rate, burst, now), nil
}

// Consume implements throttle.Quotas.
func (s *Store) Consume(_ context.Context, key string, w throttle.Window, limit int64, now time.Time) (int64, bool, error) {
	used, ok := s.t.Consume(key, w, limit, now)
	return used, ok, nil
}

// Usage implements throttle.Quotas.
func (s *Store) Usage(_ context.Context, key string, from, to time.Time) ([]throttle.DayUsage, error) {
	return s.t.Usage(key, from, to)
}
