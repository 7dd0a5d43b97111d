package function

import (
	"context"
	"log/slog"
	"os"
	"sync"
	"testing"
	"time"
)

// slowHandler takes a while per record, like a logger under load.
type slowHandler struct {
	mu    sync.Mutex
	lines []string
	gate  chan struct{}
}

func (h *slowHandler) Enabled(context.Context, slog.Level) bool { return true }
func (h *slowHandler) Handle(_ context.Context, r slog.Record) error {
	<-h.gate
	h.mu.Lock()
	h.lines = append(h.lines, r.Message)
	h.mu.Unlock()
	return nil
}
func (h *slowHandler) WithAttrs([]slog.Attr) slog.Handler { return h }
func (h *slowHandler) WithGroup(string) slog.Handler      { return h }

// TestCatchUpLogsEarlierOutputFirst: the output a process wrote before a
// platform line is logged before catchUp returns, even when the logger is
// slower than the writer.
func TestCatchUpLogsEarlierOutputFirst(t *testing.T) {
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	h := &slowHandler{gate: make(chan struct{})}
	// The wait is a hang guard here, not catchUpWait's 5 ms: what is
	// tested is the order, and a loaded machine may take longer than 5 ms
	// to schedule the logger.
	c := &outCounter{f: r, wait: time.Minute}
	done := make(chan struct{})
	go func() {
		copyLines(r, slog.New(h), nil, func() string { return "" }, &tail{}, c)
		close(done)
	}()
	if _, err := w.WriteString("one\ntwo\nthree\n"); err != nil {
		t.Fatal(err)
	}
	// Let the logger go only once catchUp is waiting.
	go func() {
		for range 3 {
			h.gate <- struct{}{}
		}
	}()
	c.catchUp()
	h.mu.Lock()
	got := len(h.lines)
	h.mu.Unlock()
	if got != 3 {
		t.Errorf("catchUp returned with %d of 3 lines logged", got)
	}
	w.Close()
	<-done
}
