// Package wirenames recovers the spelling of request header names as the
// client sent them. Go's HTTP server canonicalizes header keys
// ("tEsT-HEADeR" becomes "Test-Header"), while API Gateway hands a Lambda
// function the names as sent. Listener records the bytes each connection
// reads until a request's handler starts; Handler then finds that
// request's header block and keeps the names whose spelling differs from
// the canonical form.
//
// The recovery is best effort and never affects which headers a request
// has: only the spelling of names that really are in the request is
// taken from the record. Pipelined requests whose header block was read
// ahead during the previous request fall back to the canonical form.
package wirenames

import (
	"bytes"
	"context"
	"net"
	"net/http"
	"net/textproto"
	"sync"
)

// window bounds what a connection keeps: the last window bytes read since
// the previous request's handler ended. A header block is at most
// server.maxHeaderBytes (10 KiB by default); a larger one falls back to the
// canonical names. The record is compacted when it doubles, so an idle
// connection that drained an unread body holds at most 2*window bytes.
const window = 24 << 10

// Names maps canonical header keys to their spelling on the wire; only
// names spelled differently from the canonical form are present.
type Names map[string]string

// Name returns the wire spelling of the canonical key k (k itself when
// the client used the canonical form or nothing was recorded).
func (n Names) Name(k string) string {
	if w, ok := n[k]; ok {
		return w
	}
	return k
}

type ctxKey struct{}
type connKey struct{}

// FromContext returns the names recorded for the request whose context
// (or a context derived from it) is ctx; nil when none differ.
func FromContext(ctx context.Context) Names {
	n, _ := ctx.Value(ctxKey{}).(Names)
	return n
}

// Listener wraps l so that its connections record what they read.
func Listener(l net.Listener) net.Listener { return listener{l} }

type listener struct{ net.Listener }

func (l listener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	return &conn{Conn: c}, nil
}

// conn records the bytes read while no handler runs on it.
type conn struct {
	net.Conn
	mu     sync.Mutex
	buf    []byte
	paused bool
}

// NetConn returns the wrapped connection (a *tls.Conn on a TLS listener).
func (c *conn) NetConn() net.Conn { return c.Conn }

// CloseWrite half-closes the underlying connection when it can, so that
// net/http still sends its FIN before closing (an answer such as a 413 then
// reaches a client that is still sending).
func (c *conn) CloseWrite() error {
	if cw, ok := c.Conn.(interface{ CloseWrite() error }); ok {
		return cw.CloseWrite()
	}
	return nil
}

func (c *conn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	if n > 0 {
		c.mu.Lock()
		if !c.paused {
			c.buf = append(c.buf, p[:n]...)
			if len(c.buf) > 2*window {
				c.buf = c.buf[:copy(c.buf, c.buf[len(c.buf)-window:])]
			}
		}
		c.mu.Unlock()
	}
	return n, err
}

// capture parses the record for r and pauses recording until resume. The
// buffer is kept for the next request unless it grew large.
func (c *conn) capture(r *http.Request) Names {
	c.mu.Lock()
	defer c.mu.Unlock()
	names := Parse(c.buf, r)
	if cap(c.buf) > keepCap {
		c.buf = nil
	} else {
		c.buf = c.buf[:0]
	}
	c.paused = true
	return names
}

// keepCap is the largest buffer a connection keeps between requests.
const keepCap = 16 << 10

// stop ends recording on the connection (an HTTP/2 connection).
func (c *conn) stop() {
	c.mu.Lock()
	c.paused, c.buf = true, nil
	c.mu.Unlock()
}

func (c *conn) resume() {
	c.mu.Lock()
	c.paused = false
	c.mu.Unlock()
}

// ConnContext is an http.Server ConnContext that makes a recording
// connection reachable from its requests.
func ConnContext(ctx context.Context, c net.Conn) context.Context {
	if rc, ok := c.(*conn); ok {
		return context.WithValue(ctx, connKey{}, rc)
	}
	return ctx
}

// Handler wraps h: before h runs, the request's wire names are recovered
// and put in its context (only when some differ from the canonical form).
func Handler(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rc, ok := r.Context().Value(connKey{}).(*conn)
		if ok && r.ProtoMajor != 1 {
			// HTTP/2 names are lower case by the protocol: nothing to
			// recover, so the connection stops recording for good.
			rc.stop()
		}
		if !ok || r.ProtoMajor != 1 {
			h.ServeHTTP(w, r)
			return
		}
		names := rc.capture(r)
		defer rc.resume()
		if names != nil {
			r = r.WithContext(context.WithValue(r.Context(), ctxKey{}, names))
		}
		h.ServeHTTP(w, r)
	})
}

// Parse finds r's header block in the recorded bytes and returns the names
// of r's headers spelled differently from their canonical form. The block
// is the last complete one (ended by a blank line) whose request line names
// r's target and protocol: the record may also hold the end of the previous
// request's body, whose text must never pass for this request's headers.
func Parse(rec []byte, r *http.Request) Names {
	line := []byte(" " + r.RequestURI + " " + r.Proto)
	found := false
	for end := len(rec); ; {
		i := bytes.LastIndex(rec[:end], line)
		if i < 0 {
			break
		}
		rest := rec[i+len(line):]
		if len(rest) > 0 && (rest[0] == '\r' || rest[0] == '\n') && completeBlock(rest) {
			rec, found = rest, true
			break
		}
		end = i
	}
	if !found {
		return nil
	}
	return names(rec, r)
}

// Block returns the names of r's headers spelled differently from their
// canonical form, from block: r's own request line and header lines, as
// a server that reads them itself has them (internal/h1).
func Block(block []byte, r *http.Request) Names { return names(block, r) }

// names reads the header lines that follow the request line in rec.
func names(rec []byte, r *http.Request) Names {
	var names Names
	_, rec, _ = bytes.Cut(rec, []byte("\n"))
	for len(rec) > 0 {
		var l []byte
		l, rec, _ = bytes.Cut(rec, []byte("\n"))
		l = bytes.TrimSuffix(l, []byte("\r"))
		if len(l) == 0 {
			break
		}
		if l[0] == ' ' || l[0] == '\t' {
			continue
		}
		name, _, ok := bytes.Cut(l, []byte(":"))
		if !ok || len(name) == 0 || canonical(name) {
			continue
		}
		wire := string(name)
		k := textproto.CanonicalMIMEHeaderKey(wire)
		if k == wire {
			continue
		}
		if _, present := r.Header[k]; !present {
			continue
		}
		if _, seen := names[k]; seen {
			continue
		}
		if names == nil {
			names = Names{}
		}
		names[k] = wire
	}
	return names
}

// completeBlock reports whether the header lines after a request line end
// with a blank line.
func completeBlock(rest []byte) bool {
	return bytes.Contains(rest, []byte("\r\n\r\n")) || bytes.Contains(rest, []byte("\n\n"))
}

// canonical reports whether a header name is already in canonical form
// (upper case after the start and each hyphen, lower case elsewhere), so
// the common case costs no allocation.
func canonical(name []byte) bool {
	upper := true
	for _, b := range name {
		switch {
		case upper && 'a' <= b && b <= 'z':
			return false
		case !upper && 'A' <= b && b <= 'Z':
			return false
		}
		upper = b == '-'
	}
	return true
}

// NewContext returns ctx carrying names, for a server that reads the
// header block itself (internal/h1).
func NewContext(ctx context.Context, names Names) context.Context {
	return context.WithValue(ctx, ctxKey{}, names)
}
