package counters

import (
	"hash/maphash"
	"sync"
	"time"

	"github.com/portico-gw/portico/internal/throttle"
)

// numShards spreads keys over independent locks; a power of two.
const numShards = 64

// minSweep is the smallest table size at which a shard looks for expired
// entries. After a sweep the next one happens when the table has doubled.
const minSweep = 1024

// Tables are the token buckets, quota window counters and per-day usage
// counts of one store. The zero value is not usable; call New.
type Tables struct {
	seed      maphash.Seed
	retention int64 // seconds a day count is kept after the day starts
	minSweep  int
	shards    [numShards]shard
}

type shard struct {
	mu      sync.Mutex
	buckets map[string]*bucketEntry
	periods map[periodKey]*periodEntry
	days    map[dayKey]*dayEntry

	nextBucketSweep, nextPeriodSweep, nextDaySweep int
}

type bucketEntry struct {
	b     throttle.Bucket
	rate  float64
	burst int
}

// periodKey names a quota window counter: the key and the window's start
// in Unix seconds.
type periodKey struct {
	key   string
	start int64
}

type periodEntry struct {
	used  int64
	end   int64 // Unix seconds
	dirty bool
}

// dayKey names a per-day usage count: the key and the day's start in Unix
// seconds.
type dayKey struct {
	key string
	day int64
}

type dayEntry struct {
	used  int64
	dirty bool
}

// New returns empty tables that keep per-day counts for retention
// (throttle.DefaultRetention if zero or less).
func New(retention time.Duration) *Tables {
	return newTables(retention, minSweep)
}

func newTables(retention time.Duration, sweepAt int) *Tables {
	if retention <= 0 {
		retention = throttle.DefaultRetention
	}
	t := &Tables{seed: maphash.MakeSeed(), retention: int64(retention / time.Second), minSweep: sweepAt}
	for i := range t.shards {
		s := &t.shards[i]
		s.buckets = make(map[string]*bucketEntry)
		s.periods = make(map[periodKey]*periodEntry)
		s.days = make(map[dayKey]*dayEntry)
		s.nextBucketSweep, s.nextPeriodSweep, s.nextDaySweep = sweepAt, sweepAt, sweepAt
	}
	return t
}

func (t *Tables) shard(key string) *shard {
	return &t.shards[maphash.String(t.seed, key)%numShards]
}

// Take implements throttle.Buckets.Take.
func (t *Tables) Take(key string, rate float64, burst int, now time.Time) throttle.Decision {
	s := t.shard(key)
	s.mu.Lock()
	defer s.mu.Unlock()
	e := s.buckets[key]
	if e == nil {
		if len(s.buckets) >= s.nextBucketSweep {
			s.sweepBuckets(now, t.minSweep)
		}
		e = &bucketEntry{}
		s.buckets[key] = e
	}
	e.rate, e.burst = rate, burst
	return e.b.Take(rate, burst, now)
}

// Consume implements throttle.Quotas.Consume.
func (t *Tables) Consume(key string, w throttle.Window, limit int64, now time.Time) (int64, bool) {
	pk := periodKey{key: key, start: w.Start.Unix()}
	s := t.shard(key)
	s.mu.Lock()
	defer s.mu.Unlock()
	p := s.periods[pk]
	if p == nil {
		if len(s.periods) >= s.nextPeriodSweep {
			s.sweepPeriods(now.Unix(), t.minSweep)
		}
		p = &periodEntry{end: w.End.Unix()}
		s.periods[pk] = p
	}
	if p.used >= limit {
		return p.used, false
	}
	p.used++
	p.dirty = true
	dk := dayKey{key: key, day: dayOf(now)}
	d := s.days[dk]
	if d == nil {
		if len(s.days) >= s.nextDaySweep {
			s.sweepDays(now.Unix()-t.retention, t.minSweep)
		}
		d = &dayEntry{}
		s.days[dk] = d
	}
	d.used++
	d.dirty = true
	return p.used, true
}

// Usage implements throttle.Quotas.Usage.
func (t *Tables) Usage(key string, from, to time.Time) ([]throttle.DayUsage, error) {
	days, err := throttle.Days(from, to)
	if err != nil {
		return nil, err
	}
	out := make([]throttle.DayUsage, len(days))
	s := t.shard(key)
	s.mu.Lock()
	defer s.mu.Unlock()
	for i, d := range days {
		out[i].Day = d
		if e := s.days[dayKey{key: key, day: d.Unix()}]; e != nil {
			out[i].Used = e.used
		}
	}
	return out, nil
}

func dayOf(t time.Time) int64 {
	const day = 24 * 60 * 60
	u := t.Unix()
	if u < 0 {
		return (u - day + 1) / day * day
	}
	return u / day * day
}

func (s *shard) sweepBuckets(now time.Time, floor int) {
	for k, e := range s.buckets {
		if e.b.Full(e.rate, e.burst, now) {
			delete(s.buckets, k)
		}
	}
	s.nextBucketSweep = max(floor, 2*len(s.buckets))
}

func (s *shard) sweepPeriods(now int64, floor int) {
	for k, e := range s.periods {
		if e.end <= now {
			delete(s.periods, k)
		}
	}
	s.nextPeriodSweep = max(floor, 2*len(s.periods))
}

func (s *shard) sweepDays(before int64, floor int) {
	for k := range s.days {
		if k.day < before {
			delete(s.days, k)
		}
	}
	s.nextDaySweep = max(floor, 2*len(s.days))
}
