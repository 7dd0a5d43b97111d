package cache

import (
	"encoding/binary"
	"errors"
	"net/http"

	"github.com/portico-gw/portico/internal/pipeline"
)

// Entry is one cached method response.
type Entry struct {
	Status int
	Header http.Header
	Body   []byte
}

// size is what the entry counts against a memory bound: body, header names
// and values.
func (e *Entry) size() int64 {
	n := int64(len(e.Body)) + 64
	for k, vs := range e.Header {
		n += int64(len(k))
		for _, v := range vs {
			n += int64(len(v)) + 16
		}
	}
	return n
}

// result is the answer for a hit. The header map is the caller's own (the
// value slices are shared and never modified); the body is shared.
func (e *Entry) result() *pipeline.Result {
	h := make(http.Header, len(e.Header)+1)
	for k, vs := range e.Header {
		h[k] = vs
	}
	return &pipeline.Result{Status: e.Status, Header: h, Body: e.Body, ContentLength: int64(len(e.Body))}
}

// errCorrupt reports an encoded entry that cannot be read.
var errCorrupt = errors.New("cache: corrupt entry")

// encode writes the entry as: status, header count, then per header its
// name and values, then the body; lengths are uvarints.
func (e *Entry) encode() []byte {
	b := make([]byte, 0, e.size())
	b = binary.AppendUvarint(b, uint64(e.Status))
	b = binary.AppendUvarint(b, uint64(len(e.Header)))
	for k, vs := range e.Header {
		b = appendString(b, k)
		b = binary.AppendUvarint(b, uint64(len(vs)))
		for _, v := range vs {
			b = appendString(b, v)
		}
	}
	return append(b, e.Body...)
}

func appendString(b []byte, s string) []byte {
	b = binary.AppendUvarint(b, uint64(len(s)))
	return append(b, s...)
}

// decode reads an entry written by encode.
func decode(b []byte) (*Entry, error) {
	r := reader{b: b}
	e := &Entry{Status: int(r.uvarint())}
	n := r.uvarint()
	if r.err || n > uint64(len(b)) {
		return nil, errCorrupt
	}
	e.Header = make(http.Header, n)
	for range n {
		k := r.string()
		m := r.uvarint()
		if r.err || m > uint64(len(b)) {
			return nil, errCorrupt
		}
		vs := make([]string, 0, m)
		for range m {
			vs = append(vs, r.string())
		}
		e.Header[k] = vs
	}
	if r.err || e.Status < 100 || e.Status > 599 {
		return nil, errCorrupt
	}
	e.Body = r.b
	return e, nil
}

type reader struct {
	b   []byte
	err bool
}

func (r *reader) uvarint() uint64 {
	v, n := binary.Uvarint(r.b)
	if n <= 0 {
		r.err = true
		return 0
	}
	r.b = r.b[n:]
	return v
}

func (r *reader) string() string {
	n := r.uvarint()
	if r.err || n > uint64(len(r.b)) {
		r.err = true
		return ""
	}
	s := string(r.b[:n])
	r.b = r.b[n:]
	return s
}
