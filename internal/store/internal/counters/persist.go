package counters

import "time"

// Kind says what a Record counts.
type Kind uint8

// The kinds of persisted counters.
const (
	// WindowCount is a quota window counter.
	WindowCount Kind = 'w'
	// DayCount is a per-day usage count.
	DayCount Kind = 'd'
)

// Record is one counter as a persistent store saves it.
type Record struct {
	Kind Kind
	Key  string
	// Start is the window's or the day's start, in Unix seconds.
	Start int64
	// End is a window's end in Unix seconds; zero for a DayCount.
	End int64
	// Used is the count.
	Used int64
}

// Dirty appends to buf every counter changed since it was last collected,
// marks them clean, and returns the extended buf. A caller that then fails
// to save them hands them to Redirty.
func (t *Tables) Dirty(buf []Record) []Record {
	for i := range t.shards {
		s := &t.shards[i]
		s.mu.Lock()
		for k, e := range s.periods {
			if e.dirty {
				e.dirty = false
				buf = append(buf, Record{Kind: WindowCount, Key: k.key, Start: k.start, End: e.end, Used: e.used})
			}
		}
		for k, e := range s.days {
			if e.dirty {
				e.dirty = false
				buf = append(buf, Record{Kind: DayCount, Key: k.key, Start: k.day, Used: e.used})
			}
		}
		s.mu.Unlock()
	}
	return buf
}

// Redirty marks the counters of recs changed again, so that the next Dirty
// collects them with their current counts.
func (t *Tables) Redirty(recs []Record) {
	for _, r := range recs {
		s := t.shard(r.Key)
		s.mu.Lock()
		switch r.Kind {
		case WindowCount:
			if e := s.periods[periodKey{key: r.Key, start: r.Start}]; e != nil {
				e.dirty = true
			}
		case DayCount:
			if e := s.days[dayKey{key: r.Key, day: r.Start}]; e != nil {
				e.dirty = true
			}
		}
		s.mu.Unlock()
	}
}

// Load sets the counter that r names to r.Used, unless the tables already
// hold a higher count for it. Loaded counters are clean.
func (t *Tables) Load(r Record) {
	s := t.shard(r.Key)
	s.mu.Lock()
	defer s.mu.Unlock()
	switch r.Kind {
	case WindowCount:
		k := periodKey{key: r.Key, start: r.Start}
		if e := s.periods[k]; e == nil {
			s.periods[k] = &periodEntry{used: r.Used, end: r.End}
		} else if r.Used > e.used {
			e.used = r.Used
		}
	case DayCount:
		k := dayKey{key: r.Key, day: r.Start}
		if e := s.days[k]; e == nil {
			s.days[k] = &dayEntry{used: r.Used}
		} else if r.Used > e.used {
			e.used = r.Used
		}
	}
}

// Expired reports whether a persisted record is past keeping at now: a
// window that has ended, or a day older than the retention.
func (t *Tables) Expired(r Record, now time.Time) bool {
	if r.Kind == WindowCount {
		return r.End <= now.Unix()
	}
	return r.Start < now.Unix()-t.retention
}

// Sweep forgets, in every shard, the full buckets, ended windows and days
// older than the retention at now.
func (t *Tables) Sweep(now time.Time) {
	for i := range t.shards {
		s := &t.shards[i]
		s.mu.Lock()
		s.sweepBuckets(now, t.minSweep)
		s.sweepPeriods(now.Unix(), t.minSweep)
		s.sweepDays(now.Unix()-t.retention, t.minSweep)
		s.mu.Unlock()
	}
}
