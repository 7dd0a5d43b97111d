package wirenames

import (
	"bufio"
	"context"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// serve starts a server whose handler answers with the recovered names.
func serve(t *testing.T) string {
	t.Helper()
	srv := httptest.NewUnstartedServer(Handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := FromContext(r.Context())
		fmt.Fprintf(w, "%s|%s|%s|%d", n.Name("Test-Header"), n.Name("Content-Type"), n.Name("Accept"), len(n))
	})))
	srv.Config.ConnContext = ConnContext
	srv.Listener = Listener(srv.Listener)
	srv.Start()
	t.Cleanup(srv.Close)
	return srv.Listener.Addr().String()
}

// roundTrips sends raw requests on one connection and returns the bodies.
func roundTrips(t *testing.T, addr string, reqs ...string) []string {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	br := bufio.NewReader(c)
	var out []string
	for _, raw := range reqs {
		if _, err := c.Write([]byte(raw)); err != nil {
			t.Fatal(err)
		}
		resp, err := http.ReadResponse(br, nil)
		if err != nil {
			t.Fatal(err)
		}
		var b strings.Builder
		_, _ = bufio.NewReader(resp.Body).WriteTo(&b)
		resp.Body.Close()
		out = append(out, b.String())
	}
	return out
}

func TestWireNamesKeepAlive(t *testing.T) {
	t.Parallel()
	addr := serve(t)
	got := roundTrips(t, addr,
		"GET /a HTTP/1.1\r\nHost: x\r\ntEsT-HEADeR: 1\r\ncontent-type: text/plain\r\nContent-Length: 5\r\n\r\nhello",
		// an unread body that looks like a request is not taken for the next request
		"POST /b HTTP/1.1\r\nHost: x\r\nContent-Length: 42\r\n\r\nGET /c HTTP/1.1\r\nTEST-HEADER: forged\r\n\r\n\r\n",
		"GET /c HTTP/1.1\r\nHost: x\r\nAccept: */*\r\ntest-header: 2\r\n\r\n",
		"GET /d HTTP/1.1\r\nHost: x\r\nTest-Header: 3\r\n\r\n",
	)
	want := []string{
		"tEsT-HEADeR|content-type|Accept|2",
		"Test-Header|Content-Type|Accept|0",
		"test-header|Content-Type|Accept|1",
		"Test-Header|Content-Type|Accept|0",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("names (-want +got):\n%s", diff)
	}
}

func TestParseIgnoresNamesNotInTheRequest(t *testing.T) {
	t.Parallel()
	r := httptest.NewRequest("GET", "/x?a=1", nil)
	r.Header = http.Header{"X-Real": {"1"}}
	rec := []byte("leftover\r\nGET /x?a=1 HTTP/1.1\r\nx-real: 1\r\nx-ghost: 2\r\n folded\r\n\r\nbody x-other: 3\r\n")
	got := Parse(rec, r)
	if diff := cmp.Diff(Names{"X-Real": "x-real"}, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	if Parse([]byte("garbage"), r) != nil {
		t.Error("no request line: want nil")
	}
}

// TestWireNamesAfterLargeUnreadBody: a body far larger than the recording
// window, left unread by the handler, does not hide the next request's
// names.
func TestWireNamesAfterLargeUnreadBody(t *testing.T) {
	t.Parallel()
	addr := serve(t)
	big := strings.Repeat("x", 200<<10)
	got := roundTrips(t, addr,
		fmt.Sprintf("POST /big HTTP/1.1\r\nHost: x\r\nContent-Length: %d\r\n\r\n%s", len(big), big),
		"GET /after HTTP/1.1\r\nHost: x\r\nTEST-header: 1\r\n\r\n",
	)
	want := []string{"Test-Header|Content-Type|Accept|0", "TEST-header|Content-Type|Accept|1"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("names (-want +got):\n%s", diff)
	}
}

// TestWireNamesPipelined: two requests written at once are both answered;
// the second one's names may fall back to the canonical form, never to
// the first one's.
func TestWireNamesPipelined(t *testing.T) {
	t.Parallel()
	addr := serve(t)
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if _, err := c.Write([]byte("GET /1 HTTP/1.1\r\nHost: x\r\naccept: a\r\n\r\nGET /2 HTTP/1.1\r\nHost: x\r\ntest-HEADER: b\r\n\r\n")); err != nil {
		t.Fatal(err)
	}
	br := bufio.NewReader(c)
	var bodies []string
	for range 2 {
		resp, err := http.ReadResponse(br, nil)
		if err != nil {
			t.Fatal(err)
		}
		var b strings.Builder
		_, _ = bufio.NewReader(resp.Body).WriteTo(&b)
		resp.Body.Close()
		bodies = append(bodies, b.String())
	}
	if bodies[0] != "Test-Header|Content-Type|accept|1" {
		t.Errorf("first: got %q", bodies[0])
	}
	if bodies[1] != "test-HEADER|Content-Type|Accept|1" && bodies[1] != "Test-Header|Content-Type|Accept|0" {
		t.Errorf("second: got %q, want its own names or the canonical form", bodies[1])
	}
}

// TestLateBodyCannotForgeNextNames: the unread body of one request arrives
// after its handler ended, while the connection records again (net/http
// discards it before answering); text in it that looks like a request must
// not set the next request's spellings (behind a proxy sharing connections,
// that would be another client's).
func TestLateBodyCannotForgeNextNames(t *testing.T) {
	conns := make(chan *conn, 1)
	srv := httptest.NewUnstartedServer(Handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, FromContext(r.Context()).Name("Test-Header"))
	})))
	srv.Config.ConnContext = func(ctx context.Context, c net.Conn) context.Context {
		if rc, ok := c.(*conn); ok {
			conns <- rc
		}
		return ConnContext(ctx, c)
	}
	srv.Listener = Listener(srv.Listener)
	srv.Start()
	defer srv.Close()
	c, err := net.Dial("tcp", srv.Listener.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	br := bufio.NewReader(c)
	forged := "GET /c HTTP/1.1\r\nTEST-hEADER: forged\r\n\r\n"
	fmt.Fprintf(c, "POST /b HTTP/1.1\r\nHost: x\r\nContent-Length: %d\r\n\r\n", len(forged))
	rc := <-conns
	// Wait until the handler has returned and the connection records again.
	for deadline := time.Now().Add(10 * time.Second); ; {
		rc.mu.Lock()
		recording := !rc.paused && len(rc.buf) == 0
		rc.mu.Unlock()
		if recording {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the handler did not return")
		}
		runtime.Gosched()
	}
	if _, err := c.Write([]byte(forged)); err != nil {
		t.Fatal(err)
	}
	resp, err := http.ReadResponse(br, nil)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if _, err := c.Write([]byte("GET /c HTTP/1.1\r\nHost: x\r\nTest-Header: real\r\n\r\n")); err != nil {
		t.Fatal(err)
	}
	resp, err = http.ReadResponse(br, nil)
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	_, _ = bufio.NewReader(resp.Body).WriteTo(&b)
	resp.Body.Close()
	if got := b.String(); got != "Test-Header" {
		t.Errorf("the next request's names came from the previous body: %q", got)
	}
}

// TestCloseWriteReachesTheConnection: the recording connection still
// half-closes, as net/http does before closing after an error answer.
func TestCloseWriteReachesTheConnection(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	wl := Listener(l)
	done := make(chan error, 1)
	go func() {
		c, err := wl.Accept()
		if err != nil {
			done <- err
			return
		}
		defer c.Close()
		cw, ok := c.(interface{ CloseWrite() error })
		if !ok {
			done <- fmt.Errorf("%T has no CloseWrite", c)
			return
		}
		done <- cw.CloseWrite()
	}()
	c, err := net.Dial("tcp", l.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	// A half-closed peer reads end of file at once.
	if n, err := c.Read(make([]byte, 1)); n != 0 || err == nil {
		t.Errorf("read %d, %v after the peer's CloseWrite; want EOF", n, err)
	}
}
