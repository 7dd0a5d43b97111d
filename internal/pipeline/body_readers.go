package pipeline

import (
	"bytes"
	"errors"
	"io"
)

// errStreamed is what Bytes reports after the body was handed out as a stream.
var errStreamed = errors.New("request body was already streamed")

func newBytesReader(b []byte) io.Reader { return bytes.NewReader(b) }

// limitedReader fails with ErrTooLarge instead of silently truncating.
type limitedReader struct {
	r io.Reader
	n int64
}

func (l *limitedReader) Read(p []byte) (int, error) {
	if l.n < 0 {
		return 0, &ErrTooLarge{}
	}
	if int64(len(p)) > l.n+1 {
		p = p[:l.n+1]
	}
	n, err := l.r.Read(p)
	l.n -= int64(n)
	if l.n < 0 {
		return n, &ErrTooLarge{}
	}
	if err != nil && err != io.EOF {
		err = &ErrClientBody{Err: err}
	}
	return n, err
}
