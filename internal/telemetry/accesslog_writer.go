package telemetry

import (
	"bufio"
	"errors"
	"io"
	"os"
	"sync"
	"time"
)

// AccessLogWriterConfig configures an AccessLogWriter.
type AccessLogWriterConfig struct {
	// Destination is "stdout" (or "-", or empty) for standard output, else
	// the path of a file that lines are appended to (created 0644).
	Destination string
	// Writer, when set, receives the lines instead of Destination. The
	// caller owns it: Close flushes but does not close it.
	Writer io.Writer
	// BufferSize is the write buffer in bytes; 0 means 64 KiB.
	BufferSize int
	// FlushInterval is how often buffered lines are written out even when
	// the buffer is not full; 0 means one second, negative disables the
	// periodic flush (lines then leave only when the buffer fills, on
	// Flush and on Close).
	FlushInterval time.Duration
}

// AccessLogWriter writes access-log lines, one per request, through a
// mutex-protected buffer. Lines are rendered outside the lock into pooled
// buffers, so concurrent requests contend only for the copy into the buffer.
//
// When the flush interval is positive, the writer runs one background
// goroutine that flushes on a ticker; Close stops it, flushes and closes the
// file. No goroutine is started per line.
type AccessLogWriter struct {
	mu     sync.Mutex
	bw     *bufio.Writer
	closer io.Closer // nil for stdout and caller-owned writers
	closed bool

	pool sync.Pool // *[]byte line buffers
	stop chan struct{}
	done chan struct{}
}

// ErrWriterClosed is returned by writes after Close.
var ErrWriterClosed = errors.New("access log writer is closed")

// NewAccessLogWriter opens cfg.Destination (or takes cfg.Writer) and returns
// a writer for it.
func NewAccessLogWriter(cfg AccessLogWriterConfig) (*AccessLogWriter, error) {
	if cfg.Writer != nil {
		return newAccessLogWriter(cfg.Writer, nil, cfg), nil
	}
	switch cfg.Destination {
	case "", "-", "stdout":
		return newAccessLogWriter(os.Stdout, nil, cfg), nil
	}
	f, err := os.OpenFile(cfg.Destination, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
	if err != nil {
		return nil, err
	}
	return newAccessLogWriter(f, f, cfg), nil
}

func newAccessLogWriter(w io.Writer, c io.Closer, cfg AccessLogWriterConfig) *AccessLogWriter {
	size := cfg.BufferSize
	if size <= 0 {
		size = 64 << 10
	}
	lw := &AccessLogWriter{bw: bufio.NewWriterSize(w, size), closer: c}
	lw.pool.New = func() any {
		b := make([]byte, 0, 512)
		return &b
	}
	every := cfg.FlushInterval
	if every == 0 {
		every = time.Second
	}
	if every > 0 {
		lw.stop, lw.done = make(chan struct{}), make(chan struct{})
		go lw.flushEvery(every)
	}
	return lw
}

func (w *AccessLogWriter) flushEvery(d time.Duration) {
	defer close(w.done)
	t := time.NewTicker(d)
	defer t.Stop()
	for {
		select {
		case <-w.stop:
			return
		case <-t.C:
			_ = w.Flush()
		}
	}
}

// Log renders one line of a for v and writes it. It is the request-path
// entry point: it allocates nothing once the pool is warm.
func (w *AccessLogWriter) Log(a *AccessLog, v Vars) error {
	bp := w.pool.Get().(*[]byte)
	b := a.Append((*bp)[:0], v)
	err := w.WriteLine(b)
	if cap(b) <= 64<<10 { // do not keep a freak huge buffer around
		*bp = b
		w.pool.Put(bp)
	}
	return err
}

// WriteLine writes line followed by a newline, unless line already ends
// with one.
func (w *AccessLogWriter) WriteLine(line []byte) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.closed {
		return ErrWriterClosed
	}
	if _, err := w.bw.Write(line); err != nil {
		return err
	}
	if len(line) == 0 || line[len(line)-1] != '\n' {
		return w.bw.WriteByte('\n')
	}
	return nil
}

// Flush writes buffered lines out.
func (w *AccessLogWriter) Flush() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.closed {
		return nil
	}
	return w.bw.Flush()
}

// Close stops the periodic flush, flushes and closes the destination file.
// Later writes fail with ErrWriterClosed; a second Close is a no-op.
func (w *AccessLogWriter) Close() error {
	w.mu.Lock()
	if w.closed {
		w.mu.Unlock()
		return nil
	}
	w.closed = true
	err := w.bw.Flush()
	w.mu.Unlock()
	if w.stop != nil {
		close(w.stop)
		<-w.done
	}
	if w.closer != nil {
		err = errors.Join(err, w.closer.Close())
	}
	return err
}
