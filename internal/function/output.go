package function

import (
	"bufio"
	"context"
	"io"
	"log/slog"
	"os"
	"sync"
	"sync/atomic"
	"time"
)

// tailSize is how much of a process's recent output a CrashError carries.
const tailSize = 4096

// tail keeps the last tailSize bytes written to it.
type tail struct {
	mu  sync.Mutex
	buf []byte
}

// add appends p, dropping the oldest bytes beyond tailSize.
func (t *tail) add(p []byte) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.buf = append(t.buf, p...)
	if over := len(t.buf) - tailSize; over > 0 {
		t.buf = append(t.buf[:0], t.buf[over:]...)
	}
}

// String returns the kept output.
func (t *tail) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return string(t.buf)
}

// copyLines reads r until EOF and logs each line, tagged with the function
// name, the stream, the process id and the request id current at the time
// (from requestID). Every byte also goes to t.
func copyLines(r io.Reader, log *slog.Logger, attrs []slog.Attr, requestID func() string, t *tail, c *outCounter) {
	if c != nil {
		r = &countingReader{r: r, n: &c.read}
	}
	br := bufio.NewReaderSize(r, 16*1024)
	for {
		line, err := br.ReadSlice('\n')
		if len(line) > 0 {
			t.add(line)
			text := string(trimNewline(line))
			as := attrs
			if id := requestID(); id != "" {
				as = append(as[:len(as):len(as)], slog.String("requestId", id))
			}
			log.LogAttrs(context.Background(), slog.LevelInfo, text, as...)
			if c != nil {
				c.logged.Add(int64(len(line)))
			}
		}
		if err != nil && err != bufio.ErrBufferFull {
			return
		}
	}
}

// outCounter counts a process output stream's bytes: read from the pipe,
// and logged. Before a platform line (END, REPORT) is written, the output
// the function wrote before it answered is logged first (catchUp), so that
// a function's lines come before its END as on Lambda.
type outCounter struct {
	f      *os.File
	read   atomic.Int64
	logged atomic.Int64
	wait   time.Duration // how long catchUp may wait; zero means catchUpWait
}

type countingReader struct {
	r io.Reader
	n *atomic.Int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n.Add(int64(n))
	return n, err
}

// catchUpWait bounds how long a platform line waits for earlier output: a
// partial line without its newline is never logged until the newline comes.
const catchUpWait = 5 * time.Millisecond

// catchUp waits (at most catchUpWait) until every byte the process had
// written to the stream when it was called has been logged.
func (c *outCounter) catchUp() {
	if c == nil {
		return
	}
	var target int64
	for {
		r1 := c.read.Load()
		pending := pipePending(c.f)
		if c.read.Load() == r1 {
			target = r1 + int64(pending)
			break
		}
	}
	if c.logged.Load() >= target {
		return
	}
	wait := c.wait
	if wait == 0 {
		wait = catchUpWait
	}
	deadline := time.Now().Add(wait)
	for c.logged.Load() < target && time.Now().Before(deadline) {
		time.Sleep(50 * time.Microsecond)
	}
}

// trimNewline drops a trailing "\n" or "\r\n".
func trimNewline(b []byte) []byte {
	if n := len(b); n > 0 && b[n-1] == '\n' {
		b = b[:n-1]
		if n := len(b); n > 0 && b[n-1] == '\r' {
			b = b[:n-1]
		}
	}
	return b
}
