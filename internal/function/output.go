package function

import (
	"bufio"
	"context"
	"io"
	"log/slog"
	"sync"
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
func copyLines(r io.Reader, log *slog.Logger, attrs []slog.Attr, requestID func() string, t *tail) {
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
		}
		if err != nil && err != bufio.ErrBufferFull {
			return
		}
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
