package integration

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/portico-gw/portico/internal/pipeline"
)

// trackingReader counts what was read from it and can fail after a number
// of bytes, like a client that stops sending.
type trackingReader struct {
	r      io.Reader
	read   int64
	failAt int64 // 0: never
	// holdAt, when set, makes the reader wait past that many bytes until
	// hold is closed (or a guard passes), like a client still sending.
	holdAt int64
	hold   chan struct{}
	held   bool // the guard passed: nobody took the first bytes meanwhile
}

func (t *trackingReader) Read(p []byte) (int, error) {
	if t.failAt > 0 && t.read >= t.failAt {
		return 0, io.ErrUnexpectedEOF
	}
	if t.hold != nil && t.read >= t.holdAt {
		select {
		case <-t.hold:
		case <-time.After(5 * time.Second): // a guard against a gateway that waits for the whole body
			t.held = true
		}
		t.hold = nil
	}
	if t.hold != nil && int64(len(p)) > t.holdAt-t.read {
		p = p[:t.holdAt-t.read]
	}
	n, err := t.r.Read(p)
	t.read += int64(n)
	return n, err
}

// TestProxyStreamsLargeBodies: a body over streamAbove whose length was
// declared reaches the back end whole, through both HTTP_PROXY kinds, and
// the back end starts receiving it before the gateway read it all; a
// smaller one is received whole first.
func TestProxyStreamsLargeBodies(t *testing.T) {
	for _, size := range []int{streamAbove + 1, 1 << 20, 1000} {
		var first chan struct{}
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			buf := make([]byte, 1)
			if _, err := io.ReadFull(r.Body, buf); err == nil {
				close(first) // the first byte is here: let the client send the rest
			}
			rest, _ := io.ReadAll(r.Body)
			if got := int64(1 + len(rest)); got != r.ContentLength || r.ContentLength != int64(size) {
				w.WriteHeader(500)
				return
			}
			w.Write([]byte("ok"))
		}))
		for _, kind := range []string{"rest", "httpapi"} {
			first = make(chan struct{})
			tr := &trackingReader{r: strings.NewReader(strings.Repeat("x", size))}
			if size > streamAbove {
				tr.holdAt, tr.hold = int64(size/2), first
			}
			c := newV2Call("POST", "/pets/1", "")
			c.Body = pipeline.NewBody(tr, 10<<20)
			c.Body.SetLengthHint(int64(size))
			var in pipeline.Integration
			if kind == "rest" {
				in = NewProxy(ProxyConfig{URI: srv.URL + "/up", HTTPMethod: "ANY", Timeout: 10 * time.Second, Transport: NewTransport(false)})
			} else {
				in = newTestV2Proxy(t, HTTPAPIProxyConfig{URI: srv.URL + "/up"})
			}
			res, err := in.Invoke(context.Background(), c)
			if err != nil {
				t.Fatalf("%s %d: %v", kind, size, err)
			}
			b, _ := io.ReadAll(res.Stream)
			res.Stream.Close()
			if res.Status != 200 || string(b) != "ok" {
				t.Fatalf("%s %d: back end answered %d %q", kind, size, res.Status, b)
			}
			if tr.held {
				t.Errorf("%s %d bytes: the back end got nothing while the client was still sending (not streamed)", kind, size)
			}
		}
		srv.Close()
	}
}

// TestProxyStreamedBodyClientFails: a client that stops sending a
// streamed body fails the exchange as the client's error, not the back
// end's.
func TestProxyStreamedBodyClientFails(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		w.Write([]byte("ok"))
	}))
	defer srv.Close()
	p := NewProxy(ProxyConfig{URI: srv.URL + "/up", HTTPMethod: "ANY", Timeout: 5 * time.Second, Transport: NewTransport(false)})
	const size = 1 << 20
	c := newV2Call("POST", "/pets/1", "")
	c.Body = pipeline.NewBody(&trackingReader{r: strings.NewReader(strings.Repeat("x", size)), failAt: 200 << 10}, 10<<20)
	c.Body.SetLengthHint(size)
	_, err := p.Invoke(context.Background(), c)
	if _, ok := errors.AsType[*pipeline.ErrClientBody](err); !ok {
		t.Fatalf("got %v, want the client's body error", err)
	}
}
