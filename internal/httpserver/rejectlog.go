package httpserver

import (
	"log/slog"
	"sync"
	"time"
)

// Defaults for the rejection log's rate limit.
const (
	DefaultRejectLogBurst    = 10
	DefaultRejectLogInterval = 10 * time.Second
)

// rejectLog writes the "request rejected" lines with a rate limit, so that a
// flood of rejected requests cannot flood the log: per key (gateway response
// type and status) the first burst rejections of each interval are logged in
// full; the rest are counted, and once the interval is over one line
// "similar request rejections suppressed" gives their number. Metrics are
// recorded elsewhere and stay exact.
type rejectLog struct {
	log      *slog.Logger
	burst    int
	interval time.Duration
	now      func() time.Time
	// after schedules f once d has passed (time.AfterFunc; tests inject it).
	after func(d time.Duration, f func())

	mu   sync.Mutex
	keys map[rejectKey]*rejectWindow
}

type rejectKey struct {
	responseType string
	status       int
}

// rejectWindow is one key's current interval.
type rejectWindow struct {
	start      time.Time
	logged     int
	suppressed int
	example    string // the path of the first suppressed request
}

func newRejectLog(log *slog.Logger, burst int, interval time.Duration) *rejectLog {
	if burst <= 0 {
		burst = DefaultRejectLogBurst
	}
	if interval <= 0 {
		interval = DefaultRejectLogInterval
	}
	return &rejectLog{log: log, burst: burst, interval: interval, now: time.Now,
		after: func(d time.Duration, f func()) { time.AfterFunc(d, f) },
		keys:  map[rejectKey]*rejectWindow{}}
}

// allow reports whether this rejection gets its own line; it rolls the
// key's window over when its interval has passed, reporting what the
// previous window suppressed.
func (l *rejectLog) allow(responseType string, status int, path string) bool {
	k := rejectKey{responseType, status}
	now := l.now()
	l.mu.Lock()
	w := l.keys[k]
	if w == nil {
		w = &rejectWindow{start: now}
		l.keys[k] = w
	}
	var done rejectWindow
	if now.Sub(w.start) >= l.interval {
		done = *w
		*w = rejectWindow{start: now}
	}
	ok := w.logged < l.burst
	schedule := false
	if ok {
		w.logged++
	} else {
		w.suppressed++
		if w.suppressed == 1 {
			w.example = path
			schedule = true
		}
	}
	start := w.start
	l.mu.Unlock()
	l.summary(k, done)
	if schedule {
		// Report this window's suppressions when it ends even if no
		// rejection of this key comes later to roll it over.
		l.after(start.Add(l.interval).Sub(now), l.flush)
	}
	return ok
}

// flush reports and resets every window whose interval is over.
func (l *rejectLog) flush() {
	now := l.now()
	var done []struct {
		k rejectKey
		w rejectWindow
	}
	l.mu.Lock()
	for k, w := range l.keys {
		if now.Sub(w.start) >= l.interval {
			if w.suppressed > 0 {
				done = append(done, struct {
					k rejectKey
					w rejectWindow
				}{k, *w})
			}
			delete(l.keys, k)
		}
	}
	l.mu.Unlock()
	for _, d := range done {
		l.summary(d.k, d.w)
	}
}

func (l *rejectLog) summary(k rejectKey, w rejectWindow) {
	if w.suppressed == 0 {
		return
	}
	l.log.Info("similar request rejections suppressed", "responseType", k.responseType, "status", k.status,
		"suppressed", w.suppressed, "logged", w.logged, "interval", l.interval.String(), "firstSuppressedPath", w.example)
}
