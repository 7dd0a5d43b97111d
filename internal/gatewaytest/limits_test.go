package gatewaytest

import (
	"bufio"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"
)

func limitsGateway(t *testing.T) *Gateway {
	return Start(t, Options{
		Definition: "../../testdata/parity/gateway-responses/defaults-api.yaml",
		Extra:      "server: {maxBodyBytes: 1024, readHeaderTimeout: 300ms, readTimeout: 2s}\n",
	})
}

func rawRequest(t *testing.T, g *Gateway, raw string) (*http.Response, string) {
	t.Helper()
	c, err := net.Dial("tcp", strings.TrimPrefix(g.URL, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(5 * time.Second))
	if _, err := io.WriteString(c, raw); err != nil {
		t.Fatal(err)
	}
	resp, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		t.Fatalf("read response: %v", err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

// TestOversizedHeaders: a header block over the limit is a clear 4xx.
func TestOversizedHeaders(t *testing.T) {
	t.Parallel()
	g := limitsGateway(t)
	big := strings.Repeat("a", 20<<10)
	resp, _ := rawRequest(t, g, "GET /dev/refused HTTP/1.1\r\nHost: x\r\nX-Big: "+big+"\r\n\r\n")
	if resp.StatusCode != http.StatusRequestHeaderFieldsTooLarge {
		t.Errorf("got %d, want 431", resp.StatusCode)
	}
}

// TestChunkedBodyOverLimitThroughProxy: a streamed body that passes the
// limit is cut and answered 413, never forwarded whole.
func TestChunkedBodyOverLimitThroughProxy(t *testing.T) {
	t.Parallel()
	g := limitsGateway(t)
	chunk := strings.Repeat("z", 600)
	raw := "POST /dev/upload HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n" +
		"258\r\n" + chunk + "\r\n258\r\n" + chunk + "\r\n0\r\n\r\n"
	resp, body := rawRequest(t, g, raw)
	if resp.StatusCode != http.StatusRequestEntityTooLarge || body != "HTTP content length exceeded 1024 bytes." {
		t.Errorf("got %d %q, want 413", resp.StatusCode, body)
	}
}

// TestMalformedRequest: garbage on the wire gets 400, not a crash.
func TestMalformedRequest(t *testing.T) {
	t.Parallel()
	g := limitsGateway(t)
	resp, _ := rawRequest(t, g, "NOT A REQUEST\r\n\r\n")
	if resp.StatusCode != http.StatusBadRequest {
		t.Errorf("got %d, want 400", resp.StatusCode)
	}
}

// TestSlowHeadersAreCut: a client that never finishes its headers is
// disconnected after readHeaderTimeout instead of holding a goroutine.
func TestSlowHeadersAreCut(t *testing.T) {
	t.Parallel()
	g := limitsGateway(t)
	c, err := net.Dial("tcp", strings.TrimPrefix(g.URL, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	_, _ = io.WriteString(c, "GET /dev/refused HTTP/1.1\r\nHost: x\r\n")
	_ = c.SetReadDeadline(time.Now().Add(5 * time.Second)) // a hang guard
	_, err = io.ReadAll(c)
	if err != nil {
		t.Fatalf("connection not closed by the server: %v", err)
	}
	// The header timeout is what must close it: check that the configured
	// value reaches the server, rather than time the close, which a busy
	// machine stretches.
	if got := g.App.HTTPServer().ReadHeaderTimeout; got != 300*time.Millisecond {
		t.Errorf("server ReadHeaderTimeout = %v, want the configured 300ms", got)
	}
}

// TestStreamTimeoutAborts: an HTTP_PROXY back end that times out after its
// headers were relayed cannot become a 504 any more; the connection is
// aborted (the client sees a short body, never a complete 200) and the
// timeout is logged.
func TestStreamTimeoutAborts(t *testing.T) {
	t.Parallel()
	g := limitsGateway(t)
	resp, err := http.Get(g.URL + "/dev/trickle")
	if err == nil {
		body, rerr := io.ReadAll(resp.Body)
		resp.Body.Close()
		if rerr == nil || len(body) >= 100 {
			t.Errorf("read %d bytes, err %v: want the stream cut off", len(body), rerr)
		}
	}
	waitUntil(t, func() bool { return strings.Contains(g.Logs(), "INTEGRATION_TIMEOUT") })
}
