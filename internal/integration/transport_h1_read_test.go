package integration

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"reflect"
	"strings"
	"testing"
)

// h1SplitReader hands out its first split bytes, then the rest, as
// a connection may deliver an answer in two segments.
type h1SplitReader struct {
	b     []byte
	split int
}

func (r *h1SplitReader) Read(p []byte) (int, error) {
	if len(r.b) == 0 {
		return 0, io.EOF
	}
	n := len(r.b)
	if r.split > 0 && r.split < n {
		n = r.split
	}
	r.split = 0
	n = copy(p, r.b[:n])
	r.b = r.b[n:]
	return n, nil
}

// h1CompareRead reads in with h1ReadResponse and with http.ReadResponse
// and fails on any difference: the answer's fields, the header (values'
// capacities too), each read of the body with chunk-sized buffers, and
// what is left to read after the body. It reports whether the fast path
// took the answer.
func h1CompareRead(t *testing.T, in []byte, method string, split, chunk int) bool {
	t.Helper()
	req := &http.Request{Method: method}
	br := bufio.NewReaderSize(&h1SplitReader{b: in, split: split}, h1BufferSize)
	br.Peek(1)
	buffered := br.Buffered()
	got, ok := h1ReadResponse(br, req)
	if !ok {
		if br.Buffered() != buffered {
			t.Fatalf("%q: refused after reading", in)
		}
		return false
	}
	wbr := bufio.NewReaderSize(&h1SplitReader{b: in, split: split}, h1BufferSize)
	wbr.Peek(1)
	want, err := http.ReadResponse(wbr, req)
	if err != nil {
		t.Fatalf("%q: the fast path took an answer http.ReadResponse refuses: %v", in, err)
	}
	if got.Request != req || want.Request != req {
		t.Fatalf("%q: Request not set", in)
	}
	gb, wb := got.Body, want.Body
	if (gb == http.NoBody) != (wb == http.NoBody) {
		t.Fatalf("%q: body NoBody %v, want %v", in, gb == http.NoBody, wb == http.NoBody)
	}
	g, w := *got, *want
	g.Body, w.Body = nil, nil
	if !reflect.DeepEqual(g, w) {
		t.Fatalf("%q:\n%#v\nwant\n%#v", in, g, w)
	}
	for k, vv := range want.Header {
		if cap(got.Header[k]) != cap(vv) {
			t.Fatalf("%q: %s values' capacity %d, want %d", in, k, cap(got.Header[k]), cap(vv))
		}
	}
	if chunk < 1 {
		chunk = 1
	}
	reads := func(b io.Reader) string {
		var log strings.Builder
		p := make([]byte, chunk)
		for i := 0; i < 1<<16; i++ {
			n, err := b.Read(p)
			fmt.Fprintf(&log, "%q %v|", p[:n], err)
			if err != nil {
				n, err = b.Read(p) // once more after the end
				fmt.Fprintf(&log, "%q %v|", p[:n], err)
				break
			}
		}
		return log.String()
	}
	if g, w := reads(gb), reads(wb); g != w {
		t.Fatalf("%q: body reads\n%s\nwant\n%s", in, g, w)
	}
	gr, _ := io.ReadAll(br)
	wr, _ := io.ReadAll(wbr)
	if !bytes.Equal(gr, wr) {
		t.Fatalf("%q: left %q, want %q", in, gr, wr)
	}
	gb.Close()
	wb.Close()
	if _, err := gb.Read(make([]byte, 1)); gb != http.NoBody && !errors.Is(err, http.ErrBodyReadAfterClose) {
		t.Fatalf("%q: read after close: %v", in, err)
	}
	return true
}

func TestH1ReadResponseMatchesReadResponse(t *testing.T) {
	cases := []struct {
		in     string
		method string
		fast   bool
	}{
		{"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok", "GET", true},
		{"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nDate: Thu, 03 Dec 2026 20:00:00 GMT\r\nContent-Length: 11\r\n\r\n{\"ok\":true}", "", true},
		{"HTTP/1.1 404 Not Found\r\ncontent-length: 3\r\nx-lower-case: a\r\n\r\nno!", "POST", true},
		{"HTTP/1.1 500\r\nContent-Length: 0\r\n\r\n", "GET", true},
		{"HTTP/1.1 200 \r\nContent-Length: 0\r\n\r\n", "GET", true},
		{"HTTP/1.1 201 Created, with  spaces\r\nContent-Length: 1\r\n\r\nx", "PUT", true},
		{"HTTP/1.1 200 OK\r\nSet-Cookie: a=1\r\nSet-Cookie: b=2\r\nX: 1\r\nset-cookie: c=3\r\nContent-Length: 1\r\n\r\nx", "GET", true},
		{"HTTP/1.1 200 OK\r\nConnection: keep-alive\r\nKeep-Alive: timeout=5\r\nContent-Length: 1\r\n\r\nx", "GET", true},
		{"HTTP/1.1 200 OK\r\nConnection: Keep-Alive, Upgrade\r\nContent-Length: 1\r\n\r\nx", "GET", true},
		{"HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 1\r\n\r\nx", "GET", false},
		{"HTTP/1.1 200 OK\r\nConnection: keep-alive\r\nConnection: Close\r\nContent-Length: 1\r\n\r\nx", "GET", false},
		{"HTTP/1.1 200 OK\r\nContent-Length:   5 \t\r\n\r\nhello", "GET", true},
		{"HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 5\r\n\r\nhello", "GET", false},
		{"HTTP/1.1 200 OK\r\nContent-Length: +5\r\n\r\nhello", "GET", false},
		{"HTTP/1.1 200 OK\r\nContent-Length: \r\n\r\n", "GET", false},
		{"HTTP/1.1 200 OK\r\n\r\nuntil close", "GET", false},
		{"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\n\r\n", "GET", false},
		{"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok", "HEAD", false},
		{"HTTP/1.1 204 No Content\r\nContent-Length: 2\r\n\r\n", "GET", false},
		{"HTTP/1.1 304 Not Modified\r\nContent-Length: 2\r\n\r\n", "GET", false},
		{"HTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\n", "GET", false},
		{"HTTP/1.1 101 Switching Protocols\r\nContent-Length: 0\r\n\r\n", "GET", false},
		{"HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nok", "GET", false},
		{"HTTP/1.1 200 OK\r\nPragma: no-cache\r\nContent-Length: 2\r\n\r\nok", "GET", false},
		{"HTTP/1.1 200 OK\r\nTrailer: X\r\nContent-Length: 2\r\n\r\nok", "GET", false},
		{"HTTP/1.1 200 OK\r\nX-Folded: a\r\n b\r\nContent-Length: 2\r\n\r\nok", "GET", false},
		{"HTTP/1.1 200 OK\nContent-Length: 2\r\n\r\nok", "GET", false},
		{"HTTP/1.1 200 OK\r\nContent-Length: 2\n\r\n\r\nok", "GET", false},
		{"HTTP/1.1 200 OK\r\nBad Key: 1\r\nContent-Length: 2\r\n\r\nok", "GET", false},
		{"HTTP/1.1 200 OK\r\nX-Ctl: a\x01b\r\nContent-Length: 2\r\n\r\nok", "GET", false},
		{"HTTP/1.1 200 OK\r\nX-Obs: caf\xc3\xa9 \x80\xff\r\nX-Tab: a\tb\r\nX-Empty:\r\nX-Spaces:    \r\nContent-Length: 2\r\n\r\nok", "GET", true},
		{"HTTP/1.1 200 OK\r\nX-!#$%&'*+.^_`|~09az: token\r\nx-ALL-upper: v\r\nContent-Length: 2\r\n\r\nok", "GET", true},
		{"HTTP/1.1 200 OK\r\n: no name\r\nContent-Length: 2\r\n\r\nok", "GET", false},
		{"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort", "GET", true},
		{"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\noklonger", "GET", true},
		{"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nokHTTP/1.1 200 OK\r\n", "GET", true},
		{"HTTP/1.1 2x0 OK\r\nContent-Length: 2\r\n\r\nok", "GET", false},
		{"HTTP/1.1 600 OK\r\nContent-Length: 2\r\n\r\nok", "GET", false},
		{"HTTP/1.1  200 OK\r\nContent-Length: 2\r\n\r\nok", "GET", false},
		{"HTTP/1.1 2000 OK\r\nContent-Length: 2\r\n\r\nok", "GET", false},
		{"HTTP/1.1 200 O\rK\r\nContent-Length: 2\r\n\r\nok", "GET", false},
		{"HTTP/1.1 200 OK\r\nContent-Length: 2", "GET", false},
		{"HTTP/1.1 200 OK\r\nX-Big: " + strings.Repeat("a", h1BufferSize) + "\r\nContent-Length: 2\r\n\r\nok", "GET", false},
	}
	for _, c := range cases {
		for _, chunk := range []int{1, 3, 512} {
			if fast := h1CompareRead(t, []byte(c.in), c.method, 0, chunk); fast != c.fast {
				t.Errorf("%q %s: fast path taken: %v, want %v", c.in, c.method, fast, c.fast)
			}
		}
		// Split after the head's first bytes: the fast path sees part of
		// it and leaves the answer to ReadResponse.
		if h1CompareRead(t, []byte(c.in), c.method, 10, 512) {
			t.Errorf("%q: fast path taken on a partial head", c.in)
		}
	}
}

// FuzzH1ReadResponse compares h1ReadResponse with http.ReadResponse on
// arbitrary answers, delivered in two segments.
func FuzzH1ReadResponse(f *testing.F) {
	f.Add([]byte("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"), false, 0, 7)
	f.Add([]byte("HTTP/1.1 404 Not Found\r\ncontent-length: 3\r\nSet-Cookie: a\r\nSet-Cookie: b\r\n\r\nno!"), false, 0, 1)
	f.Add([]byte("HTTP/1.1 200 \r\nConnection: keep-alive\r\nContent-Length: 10\r\n\r\nshort"), true, 30, 2)
	f.Add([]byte("HTTP/1.1 500\r\nX-A:\t v \r\nContent-Length: 0\r\n\r\n"), false, 0, 512)
	f.Fuzz(func(t *testing.T, in []byte, head bool, split, chunk int) {
		method := http.MethodGet
		if head {
			method = http.MethodHead
		}
		if chunk > 4096 || chunk < 0 {
			chunk = 4096
		}
		h1CompareRead(t, in, method, split, chunk)
	})
}

// TestH1ReadResponseGenerated compares both readers on many generated
// answers the fast path mostly takes: random statuses, field names in
// random case, values with random white space and bytes, repeated
// fields, bodies shorter or longer than their Content-Length.
func TestH1ReadResponseGenerated(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	names := []string{"Content-Type", "Date", "Server", "Set-Cookie", "X-Request-Id", "Vary", "Connection",
		"Keep-Alive", "Cache-Control", "ETag", "X-Amzn-Trace-Id", "Access-Control-Allow-Origin", "X-Ünicode", "X_Under"}
	pick := func(s string) string { return string(s[rng.IntN(len(s))]) }
	fast := 0
	const n = 20000
	for range n {
		var b strings.Builder
		fmt.Fprintf(&b, "HTTP/1.1 %d", 200+rng.IntN(400))
		if rng.IntN(4) > 0 {
			b.WriteString(" " + []string{"OK", "Not Found", "", "Weird  reason\x01"}[rng.IntN(4)])
		}
		b.WriteString("\r\n")
		body := strings.Repeat("b", rng.IntN(40))
		length := len(body) + rng.IntN(5) - 2
		if length < 0 {
			length = 0
		}
		fields := rng.IntN(12)
		clAt := rng.IntN(fields + 1)
		for f := 0; f <= fields; f++ {
			if f == clAt {
				fmt.Fprintf(&b, "%s:%s%d%s\r\n", []string{"Content-Length", "content-length", "CONTENT-LENGTH"}[rng.IntN(3)],
					[]string{"", " ", "  \t"}[rng.IntN(3)], length, []string{"", " ", "\t"}[rng.IntN(3)])
				continue
			}
			name := []byte(names[rng.IntN(len(names))])
			for j := range name {
				if c := name[j] | 0x20; rng.IntN(3) == 0 && 'a' <= c && c <= 'z' {
					name[j] ^= 0x20 // the other case
				}
			}
			value := ""
			for range rng.IntN(8) {
				value += pick("abc xyz\t;=,\"é\x80")
			}
			fmt.Fprintf(&b, "%s:%s%s\r\n", name, pick(" \t"), value)
		}
		b.WriteString("\r\n" + body)
		if h1CompareRead(t, []byte(b.String()), http.MethodGet, 0, 1+rng.IntN(16)) {
			fast++
		}
	}
	t.Logf("the fast path took %d of %d answers", fast, n)
	if fast < n/4 {
		t.Errorf("the fast path took %d of %d answers", fast, n)
	}
}
