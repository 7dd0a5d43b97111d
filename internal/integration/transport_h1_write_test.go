package integration

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptrace"
	"net/url"
	"reflect"
	"strings"
	"testing"
)

// h1WriteSpec describes a request for the differential tests; build
// makes a fresh one each time, as writing consumes the body.
type h1WriteSpec struct {
	method, host, urlHost, path, rawPath, rawQuery string
	forceQuery                                     bool
	opaque                                         string
	header                                         http.Header
	body                                           string
	bodyKind                                       int // 0 nil, 1 NoBody, 2 NopCloser(bytes.Reader), 3 NopCloser(strings.Reader), 4 other reader, 5 NopCloser(bytes.Buffer)
	contentLength                                  int64
	lengthFromBody                                 bool
	ctx                                            context.Context
}

func (s h1WriteSpec) build() *http.Request {
	u := &url.URL{Scheme: "http", Host: s.urlHost, Path: s.path, RawPath: s.rawPath, RawQuery: s.rawQuery,
		ForceQuery: s.forceQuery, Opaque: s.opaque}
	req := &http.Request{Method: s.method, URL: u, Host: s.host, Header: http.Header{}, ContentLength: s.contentLength}
	for k, vs := range s.header {
		req.Header[k] = append([]string(nil), vs...)
	}
	if s.header == nil {
		req.Header = nil
	}
	switch s.bodyKind {
	case 1:
		req.Body = http.NoBody
	case 2:
		req.Body = io.NopCloser(bytes.NewReader([]byte(s.body)))
	case 3:
		req.Body = io.NopCloser(strings.NewReader(s.body))
	case 4:
		req.Body = io.NopCloser(io.MultiReader(strings.NewReader(s.body)))
	case 5:
		req.Body = io.NopCloser(bytes.NewBufferString(s.body))
	}
	if s.lengthFromBody && req.Body != nil {
		req.ContentLength = int64(len(s.body))
	}
	if s.ctx != nil {
		req = req.WithContext(s.ctx)
	}
	return req
}

// h1CompareWrite writes the request with h1WriteRequest and with
// req.Write and fails on any difference; it reports whether the fast
// path took the request.
func h1CompareWrite(t *testing.T, s h1WriteSpec) bool {
	t.Helper()
	req := s.build()
	if !h1Eligible(req) {
		return false
	}
	var got bytes.Buffer
	bw := bufio.NewWriterSize(&got, h1BufferSize)
	if !h1WriteRequest(bw, req) {
		if bw.Buffered() != 0 {
			t.Fatalf("%+v: refused after writing %d bytes", s, bw.Buffered())
		}
		return false
	}
	if got.Len() != 0 {
		t.Fatalf("%+v: the fast path flushed before the caller's Flush", s)
	}
	bw.Flush()
	var want bytes.Buffer
	wreq := s.build()
	if err := wreq.Write(&want); err != nil {
		t.Fatalf("%+v: the fast path wrote\n%q\nwhere req.Write fails: %v", s, got.String(), err)
	}
	if got.String() != want.String() {
		t.Fatalf("%+v: wrote\n%q\nreq.Write writes\n%q", s, got.String(), want.String())
	}
	if req.Body != nil {
		if n, _ := req.Body.Read(make([]byte, 1)); n != 0 {
			t.Fatalf("%+v: the body was not read to its end", s)
		}
	}
	return true
}

func TestH1WriteRequestMatchesRequestWrite(t *testing.T) {
	base := h1WriteSpec{method: http.MethodGet, urlHost: "backend:8080", path: "/p"}
	with := func(f func(*h1WriteSpec)) h1WriteSpec {
		s := base
		f(&s)
		return s
	}
	body := func(kind int, b string) func(*h1WriteSpec) {
		return func(s *h1WriteSpec) {
			s.method, s.bodyKind, s.body, s.lengthFromBody = http.MethodPost, kind, b, true
		}
	}
	many := http.Header{}
	for i := range 40 {
		many["X-H"+strings.Repeat("z", i%7)+string(rune('a'+i%26))+string(rune('a'+i/26))] = []string{"v"}
	}
	type tc struct {
		name string
		spec h1WriteSpec
		fast bool // the fast path must take it
	}
	cases := []tc{
		{"get", base, true},
		{"empty method", with(func(s *h1WriteSpec) { s.method = "" }), true},
		{"lower-case method", with(func(s *h1WriteSpec) { s.method = "post" }), true},
		{"odd method", with(func(s *h1WriteSpec) { s.method = "PROPFIND" }), true},
		{"head", with(func(s *h1WriteSpec) { s.method = http.MethodHead }), true},
		{"delete", with(func(s *h1WriteSpec) { s.method = http.MethodDelete; s.bodyKind = 1 }), true},
		{"options", with(func(s *h1WriteSpec) { s.method = http.MethodOptions }), true},
		{"post no body", with(func(s *h1WriteSpec) { s.method = http.MethodPost; s.bodyKind = 1 }), true},
		{"put nil body", with(func(s *h1WriteSpec) { s.method = http.MethodPut }), true},
		{"patch NoBody with a length", with(func(s *h1WriteSpec) { s.method = http.MethodPatch; s.bodyKind = 1; s.contentLength = 12 }), true},
		{"get NoBody with a length", with(func(s *h1WriteSpec) { s.bodyKind = 1; s.contentLength = 3 }), true},
		{"post bytes", with(body(2, `{"a":1}`)), true},
		{"post strings", with(body(3, "hello")), true},
		{"put bytes", with(func(s *h1WriteSpec) { body(2, "x")(s); s.method = http.MethodPut }), true},
		{"get with a body", with(func(s *h1WriteSpec) { body(2, "abc")(s); s.method = http.MethodGet }), true},
		{"delete with a body", with(func(s *h1WriteSpec) { body(3, "abc")(s); s.method = http.MethodDelete }), true},
		{"other reader", with(body(4, "stream")), false},
		{"bytes.Buffer", with(body(5, "buf")), false},
		{"short length", with(func(s *h1WriteSpec) { body(2, "abcdef")(s); s.lengthFromBody = false; s.contentLength = 3 }), false},
		{"long length", with(func(s *h1WriteSpec) { body(2, "ab")(s); s.lengthFromBody = false; s.contentLength = 3 }), false},
		{"body too large for the buffer", with(body(2, strings.Repeat("b", h1BufferSize))), false},
		{"body filling the buffer", with(body(2, strings.Repeat("b", h1BufferSize-200))), true},
		{"query", with(func(s *h1WriteSpec) { s.rawQuery = "a=1&b=%20&c" }), true},
		{"force query", with(func(s *h1WriteSpec) { s.forceQuery = true }), true},
		{"empty path", with(func(s *h1WriteSpec) { s.path = "" }), true},
		{"empty path and query", with(func(s *h1WriteSpec) { s.path = ""; s.rawQuery = "q" }), true},
		{"escaped path", with(func(s *h1WriteSpec) { s.path = "/a b/ü/%" }), true},
		{"raw path", with(func(s *h1WriteSpec) { s.path = "/a/b"; s.rawPath = "/a%2Fb" }), true},
		{"invalid raw path", with(func(s *h1WriteSpec) { s.path = "/a/b"; s.rawPath = "/a%2Fc" }), true},
		{"control in path", with(func(s *h1WriteSpec) { s.path = "/a\x00b"; s.rawPath = "/a\x00b" }), true}, // escaped
		{"control in query", with(func(s *h1WriteSpec) { s.rawQuery = "a=\x7f" }), false},
		{"opaque", with(func(s *h1WriteSpec) { s.opaque = "//other/x" }), false},
		{"connect", with(func(s *h1WriteSpec) { s.method = "CONNECT" }), false},
		{"host field", with(func(s *h1WriteSpec) { s.host = "virtual.example" }), true},
		{"invalid host", with(func(s *h1WriteSpec) { s.host = "a b" }), true},
		{"host with a slash", with(func(s *h1WriteSpec) { s.host = "/tmp/sock" }), true},
		{"ipv6 host", with(func(s *h1WriteSpec) { s.urlHost = "[::1]:80" }), true},
		{"ipv6 zone", with(func(s *h1WriteSpec) { s.urlHost = "[fe80::1%25eth0]:80" }), false},
		{"headers sorted", with(func(s *h1WriteSpec) {
			s.header = http.Header{"Zeta": {"z"}, "Alpha": {"a1", "a2"}, "X-Forwarded-For": {"1.2.3.4"}, "Accept": {"*/*"}}
		}), true},
		{"nil header", with(func(s *h1WriteSpec) { s.header = nil }), true},
		{"excluded fields", with(func(s *h1WriteSpec) {
			s.header = http.Header{"Host": {"h"}, "Content-Length": {"9"}, "Trailer": {"X"}, "Other": {"o"}}
		}), true},
		{"non-canonical names", with(func(s *h1WriteSpec) {
			s.header = http.Header{"host": {"h"}, "content-length": {"9"}, "user-agent": {"lower"}, "x-lower": {"l"}}
		}), true},
		{"user agent", with(func(s *h1WriteSpec) { s.header = http.Header{"User-Agent": {" agent/1 ", "second"}} }), true},
		{"white space user agent", with(func(s *h1WriteSpec) { s.header = http.Header{"User-Agent": {" \t "}} }), true},
		{"empty user agent", with(func(s *h1WriteSpec) { s.header = http.Header{"User-Agent": {""}} }), true},
		{"user agent without values", with(func(s *h1WriteSpec) { s.header = http.Header{"User-Agent": {}} }), true},
		{"field without values", with(func(s *h1WriteSpec) { s.header = http.Header{"X-Empty": {}, "X-A": {"a"}} }), true},
		{"values with white space", with(func(s *h1WriteSpec) { s.header = http.Header{"X-Ws": {"\t a b \t", "", "  "}} }), true},
		{"many fields", with(func(s *h1WriteSpec) { s.header = many }), true},
		{"huge header", with(func(s *h1WriteSpec) { s.header = http.Header{"X-Big": {strings.Repeat("v", h1BufferSize)}} }), false},
		{"client trace", with(func(s *h1WriteSpec) {
			s.ctx = httptrace.WithClientTrace(context.Background(), &httptrace.ClientTrace{})
		}), false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if !h1Eligible(c.spec.build()) {
				t.Fatalf("not h1Eligible")
			}
			if fast := h1CompareWrite(t, c.spec); fast != c.fast {
				t.Errorf("fast path taken: %v, want %v", fast, c.fast)
			}
		})
	}
}

// TestH1WriteRequestAllocs: the fast path writes a GET with a few header
// fields without allocating.
func TestH1WriteRequestAllocs(t *testing.T) {
	u := &url.URL{Scheme: "http", Host: "backend:8080", Path: "/status/200", RawQuery: "a=1"}
	req := &http.Request{Method: http.MethodGet, URL: u, Host: u.Host, Body: http.NoBody,
		Header: http.Header{"Accept": {"*/*"}, "X-Forwarded-For": {"127.0.0.1"}, "X-Forwarded-Proto": {"http"}}}
	bw := bufio.NewWriterSize(io.Discard, h1BufferSize)
	if n := testing.AllocsPerRun(100, func() {
		if !h1WriteRequest(bw, req) {
			t.Fatal("refused")
		}
		bw.Flush()
	}); n != 0 {
		t.Errorf("%v allocations per request, want 0", n)
	}
}

// FuzzH1WriteRequest compares h1WriteRequest with req.Write on requests
// built from arbitrary parts: header is "name: value" lines.
func FuzzH1WriteRequest(f *testing.F) {
	f.Add("GET", "", "backend:80", "/p", "", "a=1", false, "User-Agent: x\nAccept: */*", "", uint8(0), int64(0))
	f.Add("POST", "h", "[::1]:8080", "/a b", "/a%20b", "", true, "X-A:  1 \nX-A: 2\nhost: y", `{"a":1}`, uint8(2), int64(-1))
	f.Add("", "a b", "x", "", "", "", false, "Content-Length: 3\nTrailer: X", "abc", uint8(3), int64(2))
	f.Add("PUT", "", "x:1", "/\x7f", "", "\x01", false, "User-Agent:\nx-y: \t", "", uint8(1), int64(5))
	f.Fuzz(func(t *testing.T, method, host, urlHost, path, rawPath, rawQuery string, forceQuery bool, header, body string, kind uint8, length int64) {
		s := h1WriteSpec{method: method, host: host, urlHost: urlHost, path: path, rawPath: rawPath, rawQuery: rawQuery,
			forceQuery: forceQuery, body: body, bodyKind: int(kind % 6), contentLength: length, lengthFromBody: length < 0}
		if header != "" {
			s.header = http.Header{}
			for _, line := range strings.Split(header, "\n") {
				k, v, _ := strings.Cut(line, ":")
				s.header[k] = append(s.header[k], v)
			}
		}
		if urlHost == "" {
			return // h1Eligible's refusal
		}
		h1CompareWrite(t, s)
	})
}

// TestNewBackendRequestMatchesNewRequest: newBackendRequest's request is
// http.NewRequestWithContext's with the target, its Host, the header and
// (for no body) http.NoBody, whatever the method and body.
func TestNewBackendRequestMatchesNewRequest(t *testing.T) {
	ctx := context.WithValue(context.Background(), struct{}{}, 1)
	header := http.Header{"A": {"b"}}
	for _, method := range []string{"GET", "POST", "", "get", "PROPFIND", "BAD METHOD", "Ü", "A\r\n", "CONNECT"} {
		for _, body := range []string{"", "x", `{"a":1}`} {
			for _, host := range []string{"backend:80", "backend:", "[::1]:"} {
				target := func() *url.URL { return &url.URL{Scheme: "http", Host: host, Path: "/p", RawQuery: "q=1"} }
				got, gerr := newBackendRequest(ctx, method, target(), []byte(body), header)
				var rd io.Reader
				if body != "" {
					rd = bytes.NewReader([]byte(body))
				}
				want, werr := http.NewRequestWithContext(ctx, method, "", rd)
				if (gerr != nil) != (werr != nil) || gerr != nil && gerr.Error() != werr.Error() {
					t.Fatalf("%q %q: error %v, want %v", method, body, gerr, werr)
				}
				if werr != nil {
					continue
				}
				u := target()
				u.Host = strings.TrimSuffix(u.Host, ":")
				want.URL, want.Host, want.Header = u, u.Host, header
				if rd == nil {
					want.Body = http.NoBody
				}
				if got.Context() != want.Context() {
					t.Errorf("%q %q: another context", method, body)
				}
				gb, wb := got.GetBody, want.GetBody
				got.GetBody, want.GetBody = nil, nil
				if (gb == nil) != (wb == nil) {
					t.Errorf("%q %q: GetBody %v, want %v", method, body, gb != nil, wb != nil)
				}
				gotBody, _ := io.ReadAll(got.Body)
				wantBody, _ := io.ReadAll(want.Body)
				if string(gotBody) != string(wantBody) || (got.Body == http.NoBody) != (want.Body == http.NoBody) {
					t.Errorf("%q %q: body %q, want %q", method, body, gotBody, wantBody)
				}
				got.Body, want.Body = nil, nil
				if !reflect.DeepEqual(*got.WithContext(context.Background()), *want.WithContext(context.Background())) {
					t.Errorf("%q %q %q:\n%+v\nwant\n%+v", method, body, host, got, want)
				}
			}
		}
	}
}

// TestNewBackendRequestAllocs: a request without a body is one allocation.
func TestNewBackendRequestAllocs(t *testing.T) {
	ctx := context.Background()
	target := &url.URL{Scheme: "http", Host: "backend:80", Path: "/p"}
	h := http.Header{}
	if n := testing.AllocsPerRun(100, func() {
		if _, err := newBackendRequest(ctx, http.MethodGet, target, nil, h); err != nil {
			t.Fatal(err)
		}
	}); n != 1 {
		t.Errorf("%v allocations, want 1", n)
	}
}

// TestH1WriteRequestGenerated compares h1WriteRequest with req.Write on
// many generated requests the fast path mostly takes.
func TestH1WriteRequestGenerated(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	methods := []string{"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "", "get", "post"}
	names := []string{"Accept", "Content-Type", "User-Agent", "user-agent", "X-Forwarded-For", "X-Forwarded-Proto",
		"Host", "host", "Content-Length", "Trailer", "Authorization", "X-Amzn-Trace-Id", "x-lower", "A", "Zz"}
	pick := func(s string) string { return string(s[rng.IntN(len(s))]) }
	fast := 0
	const n = 5000
	for range n {
		s := h1WriteSpec{method: methods[rng.IntN(len(methods))], urlHost: []string{"backend:8080", "10.0.0.1", "[::1]:80"}[rng.IntN(3)],
			path: []string{"", "/", "/a/b", "/a b/é", "/status/200"}[rng.IntN(5)], rawQuery: []string{"", "a=1&b=2", "q=%20"}[rng.IntN(3)],
			host: []string{"", "", "virtual:81", "bad host"}[rng.IntN(4)], header: http.Header{}}
		for range rng.IntN(10) {
			name := names[rng.IntN(len(names))]
			value := ""
			for range rng.IntN(8) {
				value += pick("ab /;=\t é")
			}
			s.header[name] = append(s.header[name], value)
		}
		if k := rng.IntN(4); k > 0 && s.method != "HEAD" {
			s.bodyKind, s.body, s.lengthFromBody = []int{1, 2, 3}[k-1], strings.Repeat("x", 1+rng.IntN(30)), true
		}
		if h1CompareWrite(t, s) {
			fast++
		}
	}
	t.Logf("the fast path took %d of %d requests", fast, n)
	if fast < n/2 {
		t.Errorf("the fast path took %d of %d requests", fast, n)
	}
}
