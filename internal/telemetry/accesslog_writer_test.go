package telemetry

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"
)

// lockedBuffer is a bytes.Buffer safe for the flusher and the test to share.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func TestAccessLogWriterFileConcurrentLines(t *testing.T) {
	path := filepath.Join(t.TempDir(), "access.log")
	w, err := NewAccessLogWriter(AccessLogWriterConfig{Destination: path, BufferSize: 256, FlushInterval: -1})
	if err != nil {
		t.Fatal(err)
	}
	a := mustCompile(t, "$context.requestId $context.status")
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Go(func() {
			v := mapVars{fixed: map[string]string{"requestId": "req-" + string(rune('a'+g)), "status": "200"}}
			for range 100 {
				if err := w.Log(a, v); err != nil {
					t.Error(err)
					return
				}
			}
		})
	}
	wg.Wait()
	if err := w.WriteLine([]byte("already terminated\n")); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
	if err := w.WriteLine([]byte("late")); !errors.Is(err, ErrWriterClosed) {
		t.Errorf("write after Close: got %v, want ErrWriterClosed", err)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(string(data), "\n"), "\n")
	if len(lines) != 401 {
		t.Fatalf("got %d lines, want 401", len(lines))
	}
	for _, l := range lines[:400] {
		if len(l) != len("req-a 200") || !strings.HasPrefix(l, "req-") || !strings.HasSuffix(l, " 200") {
			t.Fatalf("torn or malformed line %q", l)
		}
	}
}

func TestAccessLogWriterPeriodicFlush(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var out lockedBuffer
		w, err := NewAccessLogWriter(AccessLogWriterConfig{Writer: &out, FlushInterval: time.Second})
		if err != nil {
			t.Fatal(err)
		}
		if err := w.WriteLine([]byte("one")); err != nil {
			t.Fatal(err)
		}
		if got := out.String(); got != "" {
			t.Fatalf("before the interval got %q, want nothing", got)
		}
		time.Sleep(time.Second + time.Millisecond)
		synctest.Wait()
		if got := out.String(); got != "one\n" {
			t.Fatalf("after the interval got %q, want %q", got, "one\n")
		}
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
	})
}

func BenchmarkAccessLogWriterLog(b *testing.B) {
	var out bytes.Buffer
	w, err := NewAccessLogWriter(AccessLogWriterConfig{Writer: &out, FlushInterval: -1})
	if err != nil {
		b.Fatal(err)
	}
	a, err := CompileAccessLog(`$context.identity.sourceIp $context.identity.caller $context.identity.user [$context.requestTime] "$context.httpMethod $context.resourcePath $context.protocol" $context.status $context.responseLength $context.requestId`)
	if err != nil {
		b.Fatal(err)
	}
	c := benchCall()
	b.ReportAllocs()
	for b.Loop() {
		if err := w.Log(a, c); err != nil {
			b.Fatal(err)
		}
		if out.Len() > 1<<20 {
			out.Reset()
		}
	}
}
