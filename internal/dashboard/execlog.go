package dashboard

import (
	"context"
	"log/slog"
	"sync"
	"time"
)

// Bounds of the execution-log store: the lines of the last execRequests
// request ids, at most execLines each.
const (
	execRequests = 2048
	execLines    = 64
)

// ExecLine is one execution-log line of a request.
type ExecLine struct {
	Time    string `json:"time"`
	Level   string `json:"level"`
	Message string `json:"message"`
}

// execStore keeps the last lines per request id in a bounded ring of ids.
type execStore struct {
	mu    sync.Mutex
	byID  map[string][]ExecLine
	order [execRequests]string
	next  int
}

func newExecStore() *execStore { return &execStore{byID: map[string][]ExecLine{}} }

func (s *execStore) add(id string, l ExecLine) {
	s.mu.Lock()
	defer s.mu.Unlock()
	lines, ok := s.byID[id]
	if !ok {
		if old := s.order[s.next]; old != "" {
			delete(s.byID, old)
		}
		s.order[s.next] = id
		s.next = (s.next + 1) % execRequests
	}
	if len(lines) < execLines {
		s.byID[id] = append(lines, l)
	}
}

func (s *execStore) lines(id string) ([]ExecLine, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	l, ok := s.byID[id]
	return append([]ExecLine(nil), l...), ok
}

// teeHandler passes every record to next and keeps the ones carrying a
// requestId attribute (the execution log's lines) in the store.
type teeHandler struct {
	next  slog.Handler
	store *execStore
	id    string // a requestId given by WithAttrs
}

func (h *teeHandler) Enabled(ctx context.Context, l slog.Level) bool {
	return true // the store keeps every level the execution log writes
}

func (h *teeHandler) Handle(ctx context.Context, r slog.Record) error {
	id := h.id
	if id == "" {
		r.Attrs(func(a slog.Attr) bool {
			if a.Key == "requestId" {
				id = a.Value.String()
				return false
			}
			return true
		})
	}
	if id != "" {
		t := r.Time
		if t.IsZero() {
			t = time.Now()
		}
		h.store.add(id, ExecLine{Time: formatTime(t), Level: r.Level.String(), Message: r.Message})
	}
	if h.next.Enabled(ctx, r.Level) {
		return h.next.Handle(ctx, r)
	}
	return nil
}

func (h *teeHandler) WithAttrs(as []slog.Attr) slog.Handler {
	c := *h
	c.next = h.next.WithAttrs(as)
	for _, a := range as {
		if a.Key == "requestId" {
			c.id = a.Value.String()
		}
	}
	return &c
}

func (h *teeHandler) WithGroup(name string) slog.Handler {
	c := *h
	c.next = h.next.WithGroup(name)
	return &c
}
