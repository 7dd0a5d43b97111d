package integration

import (
	"bufio"
	"bytes"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"

	"golang.org/x/net/http/httpguts"
)

// h1ReadResponse reads a plain final answer as http.ReadResponse would,
// with fewer allocations: an HTTP/1.1 answer of status 200 to 599 (but
// 204 and 304) to a request other than HEAD whose whole head is already
// in br's buffer, every line ending in CRLF, with one Content-Length, no
// Transfer-Encoding, Trailer or Pragma field, no "close" in Connection,
// no folded line and only valid field names and values. The resulting
// *http.Response is the one http.ReadResponse makes (header keys
// canonical, values trimmed and in order, ContentLength, Close false, the
// body ending where Content-Length says, with the same errors), checked
// by a differential fuzz test. It returns false, having read nothing, for
// anything else, which the caller reads with http.ReadResponse, the same
// bytes still in br.
//
// The rules are net/http's and net/textproto's (Go's
// src/net/http/response.go, ReadResponse; transfer.go, readTransfer and
// fixLength; src/net/textproto/reader.go, readMIMEHeader).
func h1ReadResponse(br *bufio.Reader, req *http.Request) (*http.Response, bool) {
	if req.Method == http.MethodHead {
		return nil, false
	}
	buf, _ := br.Peek(br.Buffered())
	end := bytes.Index(buf, h1HeadEnd)
	if end < 0 {
		return nil, false
	}
	head := buf[:end+2] // each line with its CRLF
	// The status line: "HTTP/1.1 ddd" and an optional " reason".
	eol := bytes.IndexByte(head, '\n')
	if eol < 1 || head[eol-1] != '\r' {
		return nil, false
	}
	line := head[:eol-1]
	if len(line) < 12 || string(line[:9]) != "HTTP/1.1 " || len(line) > 12 && line[12] != ' ' {
		return nil, false
	}
	code := 0
	for _, c := range line[9:12] {
		if c < '0' || c > '9' {
			return nil, false
		}
		code = code*10 + int(c-'0')
	}
	if code < 200 || code > 599 || code == http.StatusNoContent || code == http.StatusNotModified {
		return nil, false
	}
	for _, c := range line {
		if c == '\r' || c == '\n' {
			return nil, false
		}
	}
	// Count and check the field lines before anything is allocated.
	fields := head[eol+1:]
	n := 0
	for rest := fields; len(rest) > 0; n++ {
		i := bytes.IndexByte(rest, '\n')
		if i < 1 || rest[i-1] != '\r' || !h1ValidFieldLine(rest[:i-1]) {
			return nil, false
		}
		rest = rest[i+1:]
	}
	// One string holds the status and every field.
	s := string(head[9:])
	status := s[:len(line)-9]
	s = s[len(status)+2:]
	a := new(h1Answer)
	h := make(http.Header, n)
	values := a.values[:]
	if n > len(a.values) {
		values = make([]string, n)
	}
	length := int64(-1)
	for len(s) > 0 {
		i := strings.IndexByte(s, '\n')
		l := s[:i-1]
		s = s[i+1:]
		colon := strings.IndexByte(l, ':')
		key := http.CanonicalHeaderKey(l[:colon])
		v := h1TrimField(l[colon+1:])
		switch key {
		case "Transfer-Encoding", "Trailer", "Pragma":
			return nil, false
		case "Connection":
			if httpguts.HeaderValuesContainsToken([]string{v}, "close") {
				return nil, false
			}
		case "Content-Length":
			if length >= 0 {
				return nil, false
			}
			cl, err := strconv.ParseUint(v, 10, 63)
			if err != nil {
				return nil, false // ReadResponse's error
			}
			length = int64(cl)
		}
		if vv := h[key]; vv != nil {
			h[key] = append(vv, v)
		} else {
			values[0] = v
			h[key], values = values[:1:1], values[1:]
		}
	}
	if length < 0 {
		return nil, false // read to the close: ReadResponse's
	}
	resp := &a.resp
	*resp = http.Response{Status: status, StatusCode: code, Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
		Header: h, ContentLength: length, Request: req, Body: http.NoBody}
	if length > 0 {
		a.body.lr = io.LimitedReader{R: br, N: length}
		resp.Body = &a.body
	}
	br.Discard(len(head) + 2)
	return resp, true
}

var h1HeadEnd = []byte("\r\n\r\n")

// h1Answer is what h1ReadResponse allocates, in one allocation: the
// answer, its body and the values of its first header fields.
type h1Answer struct {
	resp   http.Response
	body   h1LengthBody
	values [8]string
}

// h1ValidFieldLine tells whether a field line (no CRLF) is one
// readMIMEHeader takes as it is: a name of token characters (no space
// before the colon, no leading white space, which would fold the line
// into the previous one), a colon, and a value of valid bytes.
func h1ValidFieldLine(l []byte) bool {
	colon := bytes.IndexByte(l, ':')
	if colon <= 0 || !httpguts.ValidHeaderFieldName(string(l[:colon])) {
		return false
	}
	for _, c := range l[colon+1:] {
		// textproto's validHeaderValueByte: no control byte but HTAB.
		if c < ' ' && c != '\t' || c == 0x7f {
			return false
		}
	}
	return true
}

// h1TrimField trims a field value as textproto does (spaces and tabs).
func h1TrimField(s string) string {
	for len(s) > 0 && (s[0] == ' ' || s[0] == '\t') {
		s = s[1:]
	}
	for len(s) > 0 && (s[len(s)-1] == ' ' || s[len(s)-1] == '\t') {
		s = s[:len(s)-1]
	}
	return s
}

// h1LengthBody is the body net/http gives an answer with a
// Content-Length (transfer.go, body over an io.LimitedReader): an early
// end of the connection is io.ErrUnexpectedEOF, and the read that takes
// the last byte returns io.EOF with it.
//
// wrap is the h1body exchange wraps it in, made with it.
type h1LengthBody struct {
	mu     sync.Mutex
	lr     io.LimitedReader
	sawEOF bool
	closed bool
	wrap   h1body
}

func (b *h1LengthBody) Read(p []byte) (n int, err error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.closed {
		return 0, http.ErrBodyReadAfterClose
	}
	if b.sawEOF {
		return 0, io.EOF
	}
	n, err = b.lr.Read(p)
	if err == io.EOF {
		b.sawEOF = true
		if b.lr.N > 0 {
			err = io.ErrUnexpectedEOF
		}
	}
	if err == nil && n > 0 && b.lr.N == 0 {
		err = io.EOF
		b.sawEOF = true
	}
	return n, err
}

// Close stops the reads; the connection (h1body) is released apart.
func (b *h1LengthBody) Close() error {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.closed = true
	return nil
}
