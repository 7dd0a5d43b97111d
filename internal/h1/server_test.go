package h1

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"io"
	"log"
	"net"
	"net/http"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/portico-gw/portico/internal/wirenames"
)

// serve starts s on a loopback listener and returns its address and a
// channel with Serve's result.
func serve(t *testing.T, s *Server) (string, <-chan error) {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	if s.ErrorLog == nil {
		s.ErrorLog = log.New(io.Discard, "", 0)
	}
	done := make(chan error, 1)
	go func() { done <- s.Serve(l) }()
	t.Cleanup(func() { s.Close() })
	return l.Addr().String(), done
}

func dial(t *testing.T, addr string) net.Conn {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	c.SetDeadline(time.Now().Add(10 * time.Second)) // hang guard only
	t.Cleanup(func() { c.Close() })
	return c
}

// TestWireNames: the handler sees each request's header names as that
// request spelled them, pipelined requests included.
func TestWireNames(t *testing.T) {
	addr, _ := serve(t, &Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		names := wirenames.FromContext(r.Context())
		var kv []string
		for k, v := range names {
			kv = append(kv, k+"="+v)
		}
		sort.Strings(kv)
		io.WriteString(w, strings.Join(kv, ","))
	})})
	c := dial(t, addr)
	io.WriteString(c, "GET /a HTTP/1.1\r\nhost: x\r\nx-lower: 1\r\nContent-Type: t\r\n\r\n"+
		"GET /a HTTP/1.1\r\nHost: x\r\nX-UPPER: 2\r\nx-lower: 3\r\n\r\n"+
		"GET /a HTTP/1.1\r\nHost: x\r\n\r\n")
	br := bufio.NewReader(c)
	for i, want := range []string{"X-Lower=x-lower", "X-Lower=x-lower,X-Upper=X-UPPER", ""} {
		res, err := http.ReadResponse(br, nil)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(res.Body)
		if string(b) != want {
			t.Errorf("request %d: names %q, want %q", i, b, want)
		}
	}
}

// TestShutdown: idle connections are closed at once, an active request
// finishes and is answered, then Shutdown and Serve return.
func TestShutdown(t *testing.T) {
	entered, release := make(chan struct{}), make(chan struct{})
	s := &Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/slow" {
			close(entered)
			<-release
		}
		io.WriteString(w, "done "+r.URL.Path)
	})}
	addr, served := serve(t, s)

	idle := dial(t, addr)
	io.WriteString(idle, "GET /fast HTTP/1.1\r\nHost: x\r\n\r\n")
	ibr := bufio.NewReader(idle)
	if res, err := http.ReadResponse(ibr, nil); err != nil || res.StatusCode != 200 {
		t.Fatalf("first answer: %v %v", res, err)
	} else {
		io.ReadAll(res.Body)
	}
	active := dial(t, addr)
	io.WriteString(active, "GET /slow HTTP/1.1\r\nHost: x\r\n\r\n")
	<-entered

	shut := make(chan error, 1)
	go func() { shut <- s.Shutdown(context.Background()) }()
	// The idle connection is closed (EOF, no answer).
	if _, err := ibr.ReadByte(); err != io.EOF {
		t.Fatalf("idle connection: %v, want EOF", err)
	}
	select {
	case err := <-shut:
		t.Fatalf("Shutdown returned %v with a request in flight", err)
	default:
	}
	close(release)
	res, err := http.ReadResponse(bufio.NewReader(active), nil)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(res.Body)
	if string(b) != "done /slow" {
		t.Errorf("in-flight answer %q", b)
	}
	if err := <-shut; err != nil {
		t.Errorf("Shutdown: %v", err)
	}
	if err := <-served; !errors.Is(err, http.ErrServerClosed) {
		t.Errorf("Serve: %v, want ErrServerClosed", err)
	}
	if _, err := net.Dial("tcp", addr); err == nil {
		t.Error("the listener still accepts")
	}
}

// TestShutdownDeadline: Shutdown gives up when its context ends.
func TestShutdownDeadline(t *testing.T) {
	entered, release := make(chan struct{}), make(chan struct{})
	defer close(release)
	s := &Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		close(entered)
		<-release
	})}
	addr, _ := serve(t, s)
	c := dial(t, addr)
	io.WriteString(c, "GET / HTTP/1.1\r\nHost: x\r\n\r\n")
	<-entered
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := s.Shutdown(ctx); !errors.Is(err, context.Canceled) {
		t.Errorf("Shutdown: %v, want context.Canceled", err)
	}
}

// TestSlowHeaderClosed: a client that does not finish its header block
// within ReadHeaderTimeout is disconnected without an answer.
func TestSlowHeaderClosed(t *testing.T) {
	addr, _ := serve(t, &Server{ReadHeaderTimeout: 50 * time.Millisecond, Handler: http.NotFoundHandler()})
	c := dial(t, addr)
	io.WriteString(c, "GET / HTTP/1.1\r\nHost: x\r\n")
	b, err := io.ReadAll(c)
	if err != nil || len(b) != 0 {
		t.Errorf("read %q, %v; want EOF with nothing", b, err)
	}
}

// TestIdleClosed: a kept-alive connection that sends nothing within
// IdleTimeout is closed after its answer.
func TestIdleClosed(t *testing.T) {
	addr, _ := serve(t, &Server{IdleTimeout: 50 * time.Millisecond, Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {})})
	c := dial(t, addr)
	io.WriteString(c, "GET / HTTP/1.1\r\nHost: x\r\n\r\n")
	br := bufio.NewReader(c)
	if res, err := http.ReadResponse(br, nil); err != nil {
		t.Fatal(err)
	} else {
		io.ReadAll(res.Body)
	}
	if _, err := br.ReadByte(); err != io.EOF {
		t.Errorf("after the idle timeout: %v, want EOF", err)
	}
}

// TestSlowBodyTimesOut: ReadTimeout bounds the whole request; the handler
// sees the body read fail.
func TestSlowBodyTimesOut(t *testing.T) {
	got := make(chan error, 1)
	addr, _ := serve(t, &Server{ReadTimeout: 100 * time.Millisecond, Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, err := io.ReadAll(r.Body)
		got <- err
	})})
	c := dial(t, addr)
	io.WriteString(c, "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nabc")
	var ne net.Error
	if err := <-got; !errors.As(err, &ne) || !ne.Timeout() {
		t.Errorf("body read: %v, want a timeout", err)
	}
}

// TestRequestContext: the context carries the local address and is the
// ConnContext's child; it is never cancelled (Done is nil), so nothing
// downstream pays for watching it.
func TestRequestContext(t *testing.T) {
	type key struct{}
	ctxs := make(chan context.Context, 1)
	addr, _ := serve(t, &Server{
		ConnContext: func(ctx context.Context, c net.Conn) context.Context { return context.WithValue(ctx, key{}, "conn") },
		Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Context().Err() != nil || r.Context().Value(key{}) != "conn" || r.Context().Value(http.LocalAddrContextKey) == nil || r.RemoteAddr == "" {
				w.WriteHeader(500)
			}
			ctxs <- r.Context()
		}),
	})
	c := dial(t, addr)
	io.WriteString(c, "GET / HTTP/1.1\r\nHost: x\r\n\r\n")
	res, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil || res.StatusCode != 200 {
		t.Fatalf("answer %v, %v", res, err)
	}
	ctx := <-ctxs
	if ctx.Done() != nil || ctx.Err() != nil {
		t.Fatalf("after the handler returned: Done %v, Err %v; want nil, nil", ctx.Done(), ctx.Err())
	}
}

// TestPanicLogged: a handler's panic is logged and closes the connection;
// http.ErrAbortHandler is not logged.
func TestPanicLogged(t *testing.T) {
	var mu sync.Mutex
	var logs bytes.Buffer
	s := &Server{ErrorLog: log.New(lockedWriter{&mu, &logs}, "", 0), Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/abort" {
			panic(http.ErrAbortHandler)
		}
		panic("boom")
	})}
	addr, _ := serve(t, s)
	for _, p := range []string{"/abort", "/boom"} {
		c := dial(t, addr)
		io.WriteString(c, "GET "+p+" HTTP/1.1\r\nHost: x\r\n\r\n")
		if b, _ := io.ReadAll(c); len(b) != 0 {
			t.Errorf("%s: answered %q", p, b)
		}
	}
	mu.Lock()
	defer mu.Unlock()
	if n := strings.Count(logs.String(), "http: panic serving"); n != 1 || !strings.Contains(logs.String(), "boom") {
		t.Errorf("log %q: want one panic line, for boom", logs.String())
	}
}

type lockedWriter struct {
	mu *sync.Mutex
	w  io.Writer
}

func (l lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

// FuzzSameAsNetHTTP sends arbitrary bytes to both servers and requires
// the same answer (Date aside).
func FuzzSameAsNetHTTP(f *testing.F) {
	for _, c := range diffCases() {
		if len(c.raw) < 4096 {
			f.Add(c.raw)
		}
	}
	var std, own string
	var once sync.Once
	f.Fuzz(func(t *testing.T, raw string) {
		once.Do(func() {
			// One pair of servers for the whole run, outliving this
			// iteration's cleanups.
			quiet := log.New(io.Discard, "", 0)
			ls, _ := net.Listen("tcp", "127.0.0.1:0")
			lo, _ := net.Listen("tcp", "127.0.0.1:0")
			go (&http.Server{Handler: handlers(), MaxHeaderBytes: 1024, ErrorLog: quiet}).Serve(ls)
			go (&Server{Handler: handlers(), MaxHeaderBytes: 1024, ErrorLog: quiet}).Serve(lo)
			std, own = ls.Addr().String(), lo.Addr().String()
		})
		if want, got := exchange(t, std, raw), exchange(t, own, raw); got != want {
			t.Errorf("request %q\nnet/http answered:\n%s\nh1 answered:\n%s", clip(raw), clip(want), clip(got))
		}
	})
}

// recordingConn notes the write deadlines set on a connection and its
// writes, in order.
type recordingConn struct {
	net.Conn
	mu     sync.Mutex
	events []string
}

func (c *recordingConn) note(e string) {
	c.mu.Lock()
	c.events = append(c.events, e)
	c.mu.Unlock()
}

func (c *recordingConn) SetWriteDeadline(t time.Time) error {
	if t.IsZero() {
		c.note("clear")
	} else {
		c.note("deadline")
	}
	return c.Conn.SetWriteDeadline(t)
}

func (c *recordingConn) SetReadDeadline(t time.Time) error {
	if t.IsZero() {
		c.note("read-clear")
	} else {
		c.note("read-deadline")
	}
	return c.Conn.SetReadDeadline(t)
}

func (c *recordingConn) Write(p []byte) (int, error) {
	c.note("write")
	return c.Conn.Write(p)
}

type recordingListener struct {
	net.Listener
	conns chan *recordingConn
}

func (l recordingListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	rc := &recordingConn{Conn: c}
	l.conns <- rc
	return rc, nil
}

// TestWriteDeadlines: a write timeout a handler sets on every answer moves
// the socket's deadline once, not per answer; a deadline binds only the
// answer of the handler that set it, so an answer whose handler sets none
// is written with it cleared.
func TestWriteDeadlines(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	rl := recordingListener{Listener: l, conns: make(chan *recordingConn, 1)}
	s := &Server{ErrorLog: log.New(io.Discard, "", 0), Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/timed" {
			if err := http.NewResponseController(w).SetWriteDeadline(time.Now().Add(time.Hour)); err != nil { // slack ~2 min: no pause between requests reaches it
				t.Errorf("SetWriteDeadline: %v", err)
			}
		}
		io.WriteString(w, "ok")
	})}
	go s.Serve(rl)
	t.Cleanup(func() { s.Close() })
	c := dial(t, l.Addr().String())
	br := bufio.NewReader(c)
	for _, path := range []string{"/timed", "/timed", "/timed", "/plain", "/plain", "/timed"} {
		io.WriteString(c, "GET "+path+" HTTP/1.1\r\nHost: x\r\n\r\n")
		res, err := http.ReadResponse(br, nil)
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, res.Body)
		res.Body.Close()
	}
	rc := <-rl.conns
	rc.mu.Lock()
	var events []string
	for _, e := range rc.events {
		if !strings.HasPrefix(e, "read-") {
			events = append(events, e)
		}
	}
	got := strings.Join(events, " ")
	rc.mu.Unlock()
	want := "deadline write write write clear write write deadline write"
	if got != want {
		t.Fatalf("events on the connection:\n got %s\nwant %s", got, want)
	}
}

// TestReadDeadlines: on a busy connection the socket's read deadline is
// set once, for the first request's headers: every later deadline (the
// whole request's, the idle one, the next headers') falls after it, and
// takes over when the one on the socket fires, so an idle wait longer than
// the header timeout keeps the connection. Every timeout still holds
// (TestHeaderTimeout, TestIdleTimeout, TestSlowBodyTimesOut).
func TestReadDeadlines(t *testing.T) {
	start := func(t *testing.T, headerTimeout time.Duration) (net.Conn, *bufio.Reader, *recordingConn) {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		rl := recordingListener{Listener: l, conns: make(chan *recordingConn, 1)}
		s := &Server{ErrorLog: log.New(io.Discard, "", 0), ReadHeaderTimeout: headerTimeout, ReadTimeout: time.Hour,
			IdleTimeout: time.Hour, Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "ok") })}
		go s.Serve(rl)
		t.Cleanup(func() { s.Close() })
		c := dial(t, l.Addr().String())
		get(t, c) // sent at once: the first header deadline runs from the accept
		return c, bufio.NewReader(c), <-rl.conns
	}
	t.Run("one timer update for many requests", func(t *testing.T) {
		// A header timeout no busy machine reaches between two requests.
		c, br, rc := start(t, time.Hour)
		answer(t, br)
		for range 4 {
			get(t, c)
			answer(t, br)
		}
		rc.mu.Lock()
		n := 0
		for _, e := range rc.events {
			if strings.HasPrefix(e, "read-") {
				n++
			}
		}
		rc.mu.Unlock()
		if n != 1 {
			t.Errorf("%d read deadlines set for 5 requests, want 1 (the first header deadline)", n)
		}
	})
	t.Run("idle longer than the header timeout", func(t *testing.T) {
		const headerTimeout = 20 * time.Millisecond
		c, br, _ := start(t, headerTimeout)
		answer(t, br)
		// The header deadline left on the socket fires while the
		// connection is idle; the idle deadline (an hour) keeps it.
		time.Sleep(5 * headerTimeout)
		get(t, c)
		answer(t, br)
	})
}

// get sends a GET on c.
func get(t *testing.T, c net.Conn) {
	t.Helper()
	if _, err := io.WriteString(c, "GET / HTTP/1.1\r\nHost: x\r\n\r\n"); err != nil {
		t.Fatal(err)
	}
}

// answer reads one answer whole.
func answer(t *testing.T, br *bufio.Reader) {
	t.Helper()
	res, err := http.ReadResponse(br, nil)
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, res.Body)
	res.Body.Close()
}
