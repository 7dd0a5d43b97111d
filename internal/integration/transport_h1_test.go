package integration

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// countingServer is an httptest server that counts the connections it
// accepted.
func countingServer(t *testing.T, h http.Handler) (*httptest.Server, *atomic.Int64) {
	t.Helper()
	var conns atomic.Int64
	srv := httptest.NewUnstartedServer(h)
	srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			conns.Add(1)
		}
	}
	srv.Start()
	t.Cleanup(srv.Close)
	return srv, &conns
}

func doGet(t *testing.T, tr http.RoundTripper, ctx context.Context, u string) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := tr.RoundTrip(req)
	if err != nil {
		t.Fatalf("GET %s: %v", u, err)
	}
	b, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		t.Fatalf("GET %s body: %v", u, err)
	}
	return resp, string(b)
}

func TestTransportReusesConnections(t *testing.T) {
	srv, conns := countingServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/chunked" {
			w.Write([]byte("part1,"))
			w.(http.Flusher).Flush()
		}
		if r.Method != http.MethodHead && r.URL.Path != "/empty" {
			w.Write([]byte("hello " + r.URL.Path))
		}
	}))
	tr := NewTransport(false)
	defer tr.CloseIdleConnections()
	for i, path := range []string{"/a", "/chunked", "/empty", "/b"} {
		resp, body := doGet(t, tr, context.Background(), srv.URL+path)
		want := "hello " + path
		switch path {
		case "/chunked":
			want = "part1,hello /chunked"
		case "/empty":
			want = ""
		}
		if resp.StatusCode != 200 || body != want {
			t.Fatalf("request %d: %d %q, want 200 %q", i, resp.StatusCode, body, want)
		}
	}
	req, _ := http.NewRequest(http.MethodHead, srv.URL+"/h", nil)
	resp, err := tr.RoundTrip(req)
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("HEAD: %v %v", resp, err)
	}
	resp.Body.Close()
	doGet(t, tr, context.Background(), srv.URL+"/after-head")
	if got := conns.Load(); got != 1 {
		t.Errorf("connections: got %d, want 1 (keep-alive)", got)
	}
}

// TestTransportSendsWhatNetHTTPSends compares the bytes on the wire with
// net/http's transport for the same requests.
func TestTransportSendsWhatNetHTTPSends(t *testing.T) {
	capture := func(tr http.RoundTripper, method, body string, header http.Header) string {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		defer ln.Close()
		got := make(chan string, 1)
		go func() {
			c, err := ln.Accept()
			if err != nil {
				got <- err.Error()
				return
			}
			defer c.Close()
			br := bufio.NewReader(c)
			var buf bytes.Buffer
			for {
				line, err := br.ReadString('\n')
				buf.WriteString(line)
				if err != nil || line == "\r\n" {
					break
				}
			}
			if n := len(body); n > 0 {
				b := make([]byte, n)
				io.ReadFull(br, b)
				buf.Write(b)
			}
			got <- buf.String()
			io.WriteString(c, "HTTP/1.1 204 No Content\r\n\r\n")
		}()
		u, _ := url.Parse("http://" + ln.Addr().String() + "/p/a%20th?q=1&q=2")
		var rd io.Reader
		if body != "" {
			rd = strings.NewReader(body)
		}
		req, _ := http.NewRequest(method, u.String(), rd)
		for k, vs := range header {
			req.Header[k] = vs
		}
		resp, err := tr.RoundTrip(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return strings.Replace(<-got, ln.Addr().String(), "HOST", 1)
	}
	std := &http.Transport{DisableCompression: true}
	defer std.CloseIdleConnections()
	ours := NewTransport(false)
	defer ours.CloseIdleConnections()
	for _, tc := range []struct {
		method, body string
		header       http.Header
	}{
		{http.MethodGet, "", nil},
		{http.MethodPost, "", nil},
		{http.MethodPost, `{"a":1}`, http.Header{"Content-Type": {"application/json"}, "X-Multi": {"1", "2"}}},
		{http.MethodDelete, "", http.Header{"User-Agent": {"agent/1"}, "Zeta": {"z"}, "Alpha": {"a"}}},
		{http.MethodGet, "", http.Header{"User-Agent": {""}}},
	} {
		want := capture(std, tc.method, tc.body, tc.header)
		got := capture(ours, tc.method, tc.body, tc.header)
		if got != want {
			t.Errorf("%s %q: sent\n%q\nnet/http sends\n%q", tc.method, tc.body, got, want)
		}
	}
}

// TestTransportBackEndClosesIdle: a back end that closes an idle
// connection (as Node.js does after 5 s) costs the caller nothing: the
// GET is sent again at once, and a POST is never sent on the dead one.
func TestTransportBackEndClosesIdle(t *testing.T) {
	var mu sync.Mutex
	var last net.Conn
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		w.Write([]byte(r.Method + ":" + string(b)))
	}))
	srv.Config.ConnState = func(c net.Conn, s http.ConnState) {
		if s == http.StateNew {
			mu.Lock()
			last = c
			mu.Unlock()
		}
	}
	srv.Start()
	defer srv.Close()
	tr := NewTransport(false)
	defer tr.CloseIdleConnections()
	closeIdle := func() {
		mu.Lock()
		c := last
		mu.Unlock()
		c.Close()
	}
	doGet(t, tr, context.Background(), srv.URL)
	closeIdle()
	if _, body := doGet(t, tr, context.Background(), srv.URL); body != "GET:" {
		t.Fatalf("GET after the back end closed the idle connection: %q", body)
	}
	closeIdle()
	// A POST cannot be sent twice: it is never sent on a connection the
	// back end closed, however recently it was used.
	req, _ := http.NewRequest(http.MethodPost, srv.URL, strings.NewReader("x"))
	resp, err := tr.RoundTrip(req)
	if err != nil {
		t.Fatalf("POST after the back end closed the idle connection: %v", err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if string(b) != "POST:x" {
		t.Fatalf("POST answer %q", b)
	}
}

func TestTransportConnectionClose(t *testing.T) {
	srv, conns := countingServer(t, http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Connection", "close")
		w.Write([]byte("bye"))
	}))
	tr := NewTransport(false)
	defer tr.CloseIdleConnections()
	for range 3 {
		if _, body := doGet(t, tr, context.Background(), srv.URL); body != "bye" {
			t.Fatalf("body %q", body)
		}
	}
	if got := conns.Load(); got != 3 {
		t.Errorf("connections: got %d, want 3 (the back end closes each)", got)
	}
}

func TestTransportDeadlineAndCancel(t *testing.T) {
	release := make(chan struct{})
	srv, _ := countingServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/body" {
			w.Write([]byte("start"))
			w.(http.Flusher).Flush()
		}
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}))
	defer close(release)
	tr := NewTransport(false)
	defer tr.CloseIdleConnections()

	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, srv.URL+"/slow", nil)
	if _, err := tr.RoundTrip(req); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("slow back end: got %v, want the context's deadline", err)
	}

	ctx2, cancel2 := context.WithCancel(context.Background())
	req, _ = http.NewRequestWithContext(ctx2, http.MethodGet, srv.URL+"/body", nil)
	resp, err := tr.RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 5)
	if _, err := io.ReadFull(resp.Body, buf); err != nil || string(buf) != "start" {
		t.Fatalf("first bytes: %q %v", buf, err)
	}
	cancel2()
	if _, err := io.ReadAll(resp.Body); !errors.Is(err, context.Canceled) {
		t.Errorf("reading after cancel: got %v, want context.Canceled", err)
	}
	resp.Body.Close()
}

func TestTransportBadAnswers(t *testing.T) {
	serve := func(answer string) string {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { ln.Close() })
		go func() {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			defer c.Close()
			br := bufio.NewReader(c)
			for {
				line, err := br.ReadString('\n')
				if err != nil || line == "\r\n" {
					break
				}
			}
			io.WriteString(c, answer)
		}()
		return "http://" + ln.Addr().String() + "/"
	}
	tr := NewTransport(false)
	defer tr.CloseIdleConnections()
	huge := "HTTP/1.1 200 OK\r\nX-Big: " + strings.Repeat("a", h1MaxHeaderBytes+10) + "\r\n\r\n"
	req, _ := http.NewRequest(http.MethodGet, serve(huge), nil)
	if _, err := tr.RoundTrip(req); err == nil || !strings.Contains(err.Error(), "exceeded") {
		t.Errorf("huge header: got %v", err)
	}
	req, _ = http.NewRequest(http.MethodGet, serve("garbage\r\n\r\n"), nil)
	if _, err := tr.RoundTrip(req); err == nil {
		t.Error("a malformed status line was accepted")
	}
	req, _ = http.NewRequest(http.MethodGet, serve(""), nil)
	if _, err := tr.RoundTrip(req); err == nil {
		t.Error("a back end closing without an answer was accepted")
	}
	early := "HTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"
	req, _ = http.NewRequest(http.MethodGet, serve(early), nil)
	resp, err := tr.RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || string(b) != "ok" {
		t.Errorf("after 103: %d %q", resp.StatusCode, b)
	}
}

// TestTransportFallsBack: what the HTTP/1.1 path does not take still
// works, through net/http.
func TestTransportFallsBack(t *testing.T) {
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.Write([]byte("tls")) }))
	defer srv.Close()
	tr := NewTransport(true)
	defer tr.CloseIdleConnections()
	if _, body := doGet(t, tr, context.Background(), srv.URL); body != "tls" {
		t.Errorf("https: %q", body)
	}
	plain, _ := countingServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		w.Write([]byte(strings.Join(r.TransferEncoding, ",") + ":" + string(b)))
	}))
	req, _ := http.NewRequest(http.MethodPost, plain.URL, io.NopCloser(strings.NewReader("streamed")))
	req.ContentLength = -1
	resp, err := tr.RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if string(b) != "chunked:streamed" {
		t.Errorf("unknown length: %q", b)
	}
}

func BenchmarkTransport(b *testing.B) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.Write([]byte(`{"ok":true}`)) }))
	defer srv.Close()
	u, _ := url.Parse(srv.URL + "/x")
	for _, tc := range []struct {
		name    string
		tr      http.RoundTripper
		timeout bool // each request under a 29 s enforced deadline, as an integration's
	}{{"NetHTTP", NewTransport(false).fallback, false}, {"H1", NewTransport(false), false}, {"H1Timeout", NewTransport(false), true}} {
		b.Run(tc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				ctx, cancel := context.Background(), context.CancelFunc(func() {})
				if tc.timeout {
					ctx, cancel = withEnforcedDeadline(ctx, time.Now().Add(29*time.Second))
				}
				req := &http.Request{Method: http.MethodGet, URL: u, Host: u.Host, Header: http.Header{}, Body: http.NoBody}
				resp, err := tc.tr.RoundTrip(req.WithContext(ctx))
				if err != nil {
					b.Fatal(err)
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				cancel()
			}
		})
	}
}

// TestTransportEnforcedDeadline: a deadline no timer of its own enforces
// still ends the exchange on both paths.
func TestTransportEnforcedDeadline(t *testing.T) {
	release := make(chan struct{})
	defer close(release)
	slow := http.HandlerFunc(func(_ http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	})
	plain := httptest.NewServer(slow)
	defer plain.Close()
	tls := httptest.NewTLSServer(slow)
	defer tls.Close()
	tr := NewTransport(true)
	defer tr.CloseIdleConnections()
	for _, u := range []string{plain.URL, tls.URL} {
		ctx, cancel := withEnforcedDeadline(context.Background(), time.Now().Add(50*time.Millisecond))
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
		_, err := tr.RoundTrip(req)
		cancel()
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("%s: got %v, want the deadline", u, err)
		}
		if ctx.Err() != context.DeadlineExceeded {
			t.Errorf("%s: the context's Err after its deadline: %v", u, ctx.Err())
		}
	}
}

// TestTransportDropsStaleIdleConnections: connections idle for the idle
// timeout are closed when another connection returns, for every back end.
func TestTransportDropsStaleIdleConnections(t *testing.T) {
	a, aConns := countingServer(t, http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.Write([]byte("a")) }))
	b, _ := countingServer(t, http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.Write([]byte("b")) }))
	tr := NewTransport(false)
	defer tr.CloseIdleConnections()
	doGet(t, tr, context.Background(), a.URL)
	// Age a's connection past the idle timeout and let the next return prune.
	tr.mu.Lock()
	for _, cs := range tr.idle {
		for _, c := range cs {
			c.idleAt = c.idleAt.Add(-h1IdleTimeout)
		}
	}
	tr.pruned = time.Time{}
	tr.mu.Unlock()
	doGet(t, tr, context.Background(), b.URL)
	tr.mu.Lock()
	_, kept := tr.idle[h1HostPort(strings.TrimPrefix(a.URL, "http://"))]
	n := len(tr.idle)
	tr.mu.Unlock()
	if kept || n != 1 {
		t.Errorf("after pruning: a's connection kept %v, %d back ends idle (want only b's)", kept, n)
	}
	doGet(t, tr, context.Background(), a.URL)
	if got := aConns.Load(); got != 2 {
		t.Errorf("connections to a: %d, want 2 (the stale one was closed)", got)
	}
}

// TestTransportCapsIdleInTotal: beyond the total idle cap, returning a
// connection closes the one idle the longest, whatever its back end.
func TestTransportCapsIdleInTotal(t *testing.T) {
	var srvs []*httptest.Server
	var conns []*atomic.Int64
	for range 3 {
		s, n := countingServer(t, http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.Write([]byte("x")) }))
		srvs, conns = append(srvs, s), append(conns, n)
	}
	tr := NewTransport(false)
	defer tr.CloseIdleConnections()
	tr.maxIdle = 2
	for _, s := range srvs {
		doGet(t, tr, context.Background(), s.URL)
	}
	tr.mu.Lock()
	n, firstKept := tr.nIdle, len(tr.idle[h1HostPort(strings.TrimPrefix(srvs[0].URL, "http://"))]) > 0
	tr.mu.Unlock()
	if n != 2 || firstKept {
		t.Errorf("idle %d (want 2), the oldest back end's connection kept: %v", n, firstKept)
	}
	// The two kept connections are reused, the evicted one is dialed again.
	for _, s := range srvs[1:] {
		doGet(t, tr, context.Background(), s.URL)
	}
	doGet(t, tr, context.Background(), srvs[0].URL)
	if a, b, c := conns[0].Load(), conns[1].Load(), conns[2].Load(); a != 2 || b != 1 || c != 1 {
		t.Errorf("connections per back end %d %d %d, want 2 1 1", a, b, c)
	}
}

// deadlineCountingConn counts the deadlines set on a connection.
type deadlineCountingConn struct {
	net.Conn
	sets atomic.Int64
}

func (c *deadlineCountingConn) SetDeadline(t time.Time) error {
	c.sets.Add(1)
	return c.Conn.SetDeadline(t)
}

// TestTransportKeepsCloseDeadline: an exchange keeps the deadline its
// connection already has when it is not before the context's and at most
// h1DeadlineMaxLate after it; otherwise it sets one, never before the
// context's.
func TestTransportKeepsCloseDeadline(t *testing.T) {
	srv, _ := countingServer(t, http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.Write([]byte("ok")) }))
	tr := NewTransport(false)
	defer tr.CloseIdleConnections()
	idle := func() *h1conn {
		t.Helper()
		tr.mu.Lock()
		defer tr.mu.Unlock()
		for _, cs := range tr.idle {
			if len(cs) == 1 {
				return cs[0]
			}
		}
		t.Fatalf("not one idle connection: %v", tr.idle)
		return nil
	}
	get := func(d time.Time) {
		t.Helper()
		ctx := context.Background()
		if !d.IsZero() {
			var cancel context.CancelFunc
			ctx, cancel = context.WithDeadline(ctx, d)
			defer cancel()
		}
		if _, body := doGet(t, tr, ctx, srv.URL); body != "ok" {
			t.Fatalf("body %q", body)
		}
	}
	check := func(c *h1conn, d time.Time, sets int64) {
		t.Helper()
		if c.deadline.Before(d) {
			t.Errorf("the connection's deadline %v is before the context's %v", c.deadline, d)
		}
		if late := c.deadline.Sub(d); late > h1DeadlineMaxLate {
			t.Errorf("the connection's deadline is %v after the context's, over %v", late, h1DeadlineMaxLate)
		}
		if got := c.conn.(*deadlineCountingConn).sets.Load(); got != sets {
			t.Errorf("deadlines set: %d, want %d", got, sets)
		}
	}
	get(time.Time{})
	c := idle()
	cc := &deadlineCountingConn{Conn: c.conn}
	c.conn = cc
	d := time.Now().Add(time.Minute)
	get(d)
	check(c, d, 1)
	// A deadline a little later keeps the one set.
	get(d.Add(time.Millisecond))
	check(c, d.Add(time.Millisecond), 1)
	// An earlier one is set: the exchange must not end late.
	early := d.Add(-30 * time.Second)
	get(early)
	check(c, early, 2)
	// A much later one is set: the exchange must not end early.
	get(d)
	check(c, d, 3)
	// No deadline clears it.
	get(time.Time{})
	if !c.deadline.IsZero() {
		t.Errorf("a request without a deadline left %v", c.deadline)
	}
	check(c, time.Time{}, 4)
	get(time.Time{})
	check(c, time.Time{}, 4)
}

// TestTransportChecksIdleWithPassedDeadline: an idle connection whose
// deadline has passed is still found open when it is checked, and reused.
func TestTransportChecksIdleWithPassedDeadline(t *testing.T) {
	srv, conns := countingServer(t, http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.Write([]byte("ok")) }))
	tr := NewTransport(false)
	defer tr.CloseIdleConnections()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	doGet(t, tr, ctx, srv.URL)
	cancel()
	tr.mu.Lock()
	for _, cs := range tr.idle {
		for _, c := range cs {
			c.deadline = time.Now().Add(-time.Millisecond)
			_ = c.conn.SetDeadline(c.deadline)
		}
	}
	tr.mu.Unlock()
	// A POST checks the connection whatever its age.
	req, _ := http.NewRequest(http.MethodPost, srv.URL, strings.NewReader("x"))
	resp, err := tr.RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if n := conns.Load(); n != 1 {
		t.Errorf("connections: %d, want 1 (the idle one reused)", n)
	}
}
