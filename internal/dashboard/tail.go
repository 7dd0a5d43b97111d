package dashboard

import (
	"github.com/portico-gw/portico/internal/telemetry"
	"sync"
	"sync/atomic"
	"time"
)

// tailSize is how many recent requests the tail keeps for a new viewer.
const tailSize = 1024

// subscriberBuffer is how many requests may wait for a slow viewer; more
// are dropped for that viewer (and counted).
const subscriberBuffer = 256

// TailEntry is one request of the live tail.
type TailEntry struct {
	Seq          uint64  `json:"seq"`
	Time         string  `json:"time"`
	RequestID    string  `json:"requestId"`
	API          string  `json:"api"`
	Stage        string  `json:"stage"`
	Method       string  `json:"method"`
	Path         string  `json:"path"`
	Route        string  `json:"route"`
	Status       int     `json:"status"`
	LatencyMs    float64 `json:"latencyMs"`
	ResponseType string  `json:"responseType,omitempty"`
	Reason       string  `json:"reason,omitempty"`
}

// tailRec is a kept request: the edge's record, turned into a TailEntry
// only when a viewer is sent it.
type tailRec struct {
	seq uint64
	r   telemetry.RequestRecord
}

func (t *tailRec) entry() *TailEntry {
	r := &t.r
	return &TailEntry{Seq: t.seq, Time: formatTime(r.Start), RequestID: r.RequestID, API: r.API, Stage: r.Stage, Method: r.Method,
		Path: r.Path, Route: routeKey{method: r.RouteMethod, resource: r.Resource}.route(), Status: r.Status,
		LatencyMs: float64(r.Latency.Microseconds()) / 1000, ResponseType: r.ResponseType, Reason: r.Reason}
}

// tail is a lock-free ring of the last requests plus the live viewers.
// A request takes one atomic increment and one pointer store; viewers get
// it by a non-blocking channel send.
type tail struct {
	next  atomic.Uint64
	slots [tailSize]atomic.Pointer[tailRec]

	subs  atomic.Pointer[[]*subscriber]
	subMu sync.Mutex
}

type subscriber struct {
	ch      chan *tailRec
	dropped atomic.Uint64
}

func (t *tail) add(r telemetry.RequestRecord) {
	e := &tailRec{r: r}
	e.seq = t.next.Add(1)
	t.slots[e.seq%tailSize].Store(e)
	if subs := t.subs.Load(); subs != nil {
		for _, s := range *subs {
			select {
			case s.ch <- e:
			default:
				s.dropped.Add(1)
			}
		}
	}
}

// recent returns the kept requests, oldest first.
func (t *tail) recent() []*tailRec {
	last := t.next.Load()
	out := make([]*tailRec, 0, tailSize)
	first := uint64(1)
	if last > tailSize {
		first = last - tailSize + 1
	}
	for seq := first; seq <= last; seq++ {
		if e := t.slots[seq%tailSize].Load(); e != nil && e.seq == seq {
			out = append(out, e)
		}
	}
	return out
}

func (t *tail) subscribe() *subscriber {
	s := &subscriber{ch: make(chan *tailRec, subscriberBuffer)}
	t.subMu.Lock()
	defer t.subMu.Unlock()
	var next []*subscriber
	if cur := t.subs.Load(); cur != nil {
		next = append(next, *cur...)
	}
	next = append(next, s)
	t.subs.Store(&next)
	return s
}

func (t *tail) unsubscribe(s *subscriber) {
	t.subMu.Lock()
	defer t.subMu.Unlock()
	var next []*subscriber
	for _, o := range *t.subs.Load() {
		if o != s {
			next = append(next, o)
		}
	}
	t.subs.Store(&next)
}

// TailFilter selects tail entries; empty fields match everything. Class
// is "2xx", "3xx", "4xx" or "5xx".
type TailFilter struct {
	API, Class, Route string
}

func (f TailFilter) match(t *tailRec) bool {
	e := &t.r
	if f.API != "" && f.API != e.API {
		return false
	}
	if f.Route != "" && f.Route != (routeKey{method: e.RouteMethod, resource: e.Resource}).route() {
		return false
	}
	if f.Class != "" && (len(f.Class) != 3 || f.Class[0] != byte('0'+e.Status/100)) {
		return false
	}
	return true
}

func formatTime(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000Z") }
