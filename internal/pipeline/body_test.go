package pipeline

import (
	"errors"
	"io"
	"os"
	"strings"
	"testing"
	"testing/iotest"
)

// TestBodyBytesLimits: a body of exactly the limit is returned whole,
// whatever length was declared; one byte more is ErrTooLarge.
func TestBodyBytesLimits(t *testing.T) {
	t.Parallel()
	for _, hint := range []int64{-1, 0, 5, 10, 11, 1 << 20} {
		b := NewBody(strings.NewReader(strings.Repeat("x", 10)), 10)
		b.SetLengthHint(hint)
		if got, err := b.Bytes(); err != nil || string(got) != strings.Repeat("x", 10) {
			t.Errorf("hint %d, 10 bytes: got %q, %v", hint, got, err)
		}
		b = NewBody(strings.NewReader(strings.Repeat("x", 11)), 10)
		b.SetLengthHint(hint)
		if got, err := b.Bytes(); !errors.As(err, new(*ErrTooLarge)) || got != nil {
			t.Errorf("hint %d, 11 bytes: got %q, %v; want ErrTooLarge", hint, got, err)
		}
	}
}

// TestBodyReadErrorsAreTheClients: a failed read is an ErrClientBody, a
// timeout among them reports Timeout, and the stream reader says the same.
func TestBodyReadErrorsAreTheClients(t *testing.T) {
	t.Parallel()
	broken := errors.New("malformed chunked encoding")
	_, err := NewBody(iotest.ErrReader(broken), 10).Bytes()
	cb, ok := errors.AsType[*ErrClientBody](err)
	if !ok || !errors.Is(err, broken) || cb.Timeout() {
		t.Errorf("got %v, want a non-timeout ErrClientBody wrapping the read error", err)
	}
	_, err = NewBody(iotest.ErrReader(os.ErrDeadlineExceeded), 10).Bytes()
	if cb, ok := errors.AsType[*ErrClientBody](err); !ok || !cb.Timeout() {
		t.Errorf("got %v, want a timeout ErrClientBody", err)
	}
	_, err = io.ReadAll(NewBody(iotest.ErrReader(broken), 10).Reader())
	if _, ok := errors.AsType[*ErrClientBody](err); !ok {
		t.Errorf("stream: got %v, want ErrClientBody", err)
	}
	if got, err := io.ReadAll(NewBody(strings.NewReader("abc"), 10).Reader()); err != nil || string(got) != "abc" {
		t.Errorf("stream: got %q, %v", got, err)
	}
}
