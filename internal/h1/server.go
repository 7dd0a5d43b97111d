// Package h1 serves HTTP/1.x on plain TCP for the data plane.
//
// It answers as net/http's server does — the same request parser
// (http.ReadRequest), the same checks of the Host header and of header
// names and values, the same error answers (400, 417, 431, 501, 505), the
// same framing of the answer (a Content-Length computed for a short answer
// the handler completes, chunked otherwise, close-delimited for HTTP/1.0),
// the same Date, Content-Type sniffing, Connection and keep-alive rules and
// the same draining of an unread request body — but a request costs less:
// no goroutine and no read are started per request to watch for the
// client going away, the header block is read once, and the answer's
// header and body leave in one write. internal/h1/diff_test.go replays the
// same requests against both servers and compares the bytes.
//
// What it does not do: TLS, HTTP/2 (prior knowledge or upgrade), trailers
// and hijacking; the data plane serves those cases with net/http
// (docs/architecture.md#the-http1-server). A request's context is never
// cancelled (its Done is nil): not when the client goes away while the
// handler runs (API Gateway does not stop an integration for that either),
// nor when the handler returns, so a request costs no cancellation context
// and nothing downstream arms a watch on it.
//
// Because it reads the header block itself, it also knows how the client
// spelled each header name (wirenames), exactly and for pipelined requests
// too.
package h1

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/net/http/httpguts"

	"github.com/portico-gw/portico/internal/wirenames"
)

// Server serves HTTP/1.x connections; its fields mean what http.Server's
// fields of the same names mean.
type Server struct {
	Handler           http.Handler
	ReadHeaderTimeout time.Duration
	ReadTimeout       time.Duration
	IdleTimeout       time.Duration
	// MaxHeaderBytes bounds the request line and header block (0:
	// http.DefaultMaxHeaderBytes); as net/http, 4096 bytes of slack are
	// allowed before the 431 answer.
	MaxHeaderBytes int
	ConnContext    func(context.Context, net.Conn) context.Context
	// ErrorLog receives handler panics; nil means the log package's logger.
	ErrorLog *log.Logger

	mu        sync.Mutex
	listeners map[net.Listener]struct{}
	conns     map[*conn]struct{}
	shutdown  atomic.Bool
}

// rstAvoidanceDelay is how long a connection closed with unread request
// data stays half-closed, so that the answer is not lost to a reset
// (RFC 9112, section 9.6; net/http waits the same).
const rstAvoidanceDelay = 500 * time.Millisecond

// maxPostHandlerReadBytes is how much of an unread request body is drained
// to keep the connection (net/http's figure).
const maxPostHandlerReadBytes = 256 << 10

// Serve accepts connections on l until Shutdown or Close, then returns
// http.ErrServerClosed.
func (s *Server) Serve(l net.Listener) error {
	if !s.track(l) {
		l.Close()
		return http.ErrServerClosed
	}
	defer s.untrack(l)
	var delay time.Duration
	for {
		c, err := l.Accept()
		if err != nil {
			if s.shutdown.Load() {
				return http.ErrServerClosed
			}
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() || isTemporary(err) {
				// Out of descriptors and the like: back off as net/http does.
				delay = min(max(2*delay, 5*time.Millisecond), time.Second)
				time.Sleep(delay)
				continue
			}
			return err
		}
		delay = 0
		cn := s.newConn(c)
		if cn == nil {
			continue
		}
		go cn.serve()
	}
}

// isTemporary reports an accept error worth retrying (EMFILE, ENFILE,
// ECONNABORTED...), which net reports as temporary.
func isTemporary(err error) bool {
	t, ok := err.(interface{ Temporary() bool })
	return ok && t.Temporary()
}

func (s *Server) track(l net.Listener) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.shutdown.Load() {
		return false
	}
	if s.listeners == nil {
		s.listeners = map[net.Listener]struct{}{}
	}
	s.listeners[l] = struct{}{}
	return true
}

func (s *Server) untrack(l net.Listener) {
	s.mu.Lock()
	delete(s.listeners, l)
	s.mu.Unlock()
}

// Shutdown stops accepting, closes idle connections and waits for active
// ones to finish their request, until ctx ends (then it returns ctx's
// error and the caller may Close).
func (s *Server) Shutdown(ctx context.Context) error {
	s.shutdown.Store(true)
	s.closeListeners()
	wait := time.Millisecond
	for {
		if s.closeIdle() {
			return nil
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return ctx.Err()
		case <-t.C:
		}
		wait = min(2*wait, 500*time.Millisecond)
	}
}

// Close closes the listeners and every connection at once.
func (s *Server) Close() error {
	s.shutdown.Store(true)
	s.closeListeners()
	s.mu.Lock()
	defer s.mu.Unlock()
	for c := range s.conns {
		c.rwc.Close()
	}
	return nil
}

func (s *Server) closeListeners() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for l := range s.listeners {
		l.Close()
	}
}

// closeIdle closes the connections waiting for a request and reports
// whether none is left. A connection that was accepted but has sent
// nothing for 5 s counts as idle, as in net/http.
func (s *Server) closeIdle() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	for c := range s.conns {
		st := c.state.Load()
		if st == stateIdle || st == stateNew && time.Since(c.accepted) > 5*time.Second {
			c.rwc.Close()
			delete(s.conns, c)
		}
	}
	return len(s.conns) == 0
}

const (
	stateNew int32 = iota
	stateActive
	stateIdle
)

// conn is one client connection; its requests are served one after the
// other on its goroutine.
type conn struct {
	srv      *Server
	rwc      net.Conn
	remote   string
	accepted time.Time
	ctx      context.Context
	state    atomic.Int32

	src source
	br  *bufio.Reader
	out []byte // what is written next, sent at the end of each answer
	vec net.Buffers
	// pendArr holds the start of an answer until its header leaves.
	pendArr [bufferBeforeChunking]byte

	lastMethod string
	werr       error // the first write error: the connection is done

	wdl    time.Time // the write deadline set on rwc (zero: none)
	wdlSet bool      // the current request's handler set a write deadline
}

// source is what the buffered reader reads from: the connection, with the
// header block's byte limit and the record of the header block's bytes.
type source struct {
	c      net.Conn
	remain int64 // bytes still allowed; < 0 means no limit
	rec    bool
	head   []byte

	// The read deadline in force (zero: none), and the one set on the
	// connection, which is never later than it (setDeadline).
	deadline, onConn time.Time
}

// setDeadline puts the read deadline at t. The connection's own deadline
// moves only when it would fire late, that is when t is earlier than it
// (or it has none); one that fires early is moved by Read when it fires.
// A connection's successive deadlines (header, whole request, idle, the
// next header...) each fall later than the one the connection was given
// first, so on a busy connection the socket's deadline moves about once
// per header timeout, when it fires, instead of three times per request.
func (s *source) setDeadline(t time.Time) {
	s.deadline = t
	if !t.IsZero() && (s.onConn.IsZero() || t.Before(s.onConn)) {
		s.onConn = t
		s.c.SetReadDeadline(t)
	}
}

// early tells whether err is the connection's deadline firing before the
// deadline in force, and if so moves it there.
func (s *source) early(err error) bool {
	if s.onConn.IsZero() || !errors.Is(err, os.ErrDeadlineExceeded) {
		return false
	}
	if !s.deadline.IsZero() && !time.Now().Before(s.deadline) {
		return false
	}
	s.onConn = s.deadline
	return s.c.SetReadDeadline(s.deadline) == nil
}

func (s *source) Read(p []byte) (int, error) {
	if s.remain == 0 {
		return 0, io.EOF
	}
	if s.remain > 0 && int64(len(p)) > s.remain {
		p = p[:s.remain]
	}
	n, err := s.c.Read(p)
	for n == 0 && err != nil && s.early(err) {
		n, err = s.c.Read(p)
	}
	if s.remain > 0 {
		s.remain -= int64(n)
	}
	if s.rec && n > 0 {
		s.head = append(s.head, p[:n]...)
	}
	return n, err
}

var (
	readers sync.Pool
	bufs    = sync.Pool{New: func() any { b := make([]byte, 0, 4<<10); return &b }}
)

func (s *Server) newConn(c net.Conn) *conn {
	cn := &conn{srv: s, rwc: c, accepted: time.Now()}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.shutdown.Load() {
		c.Close()
		return nil
	}
	if s.conns == nil {
		s.conns = map[*conn]struct{}{}
	}
	s.conns[cn] = struct{}{}
	return cn
}

func (c *conn) serve() {
	defer c.finish()
	if ra := c.rwc.RemoteAddr(); ra != nil {
		c.remote = ra.String()
	}
	ctx := context.WithValue(context.Background(), http.LocalAddrContextKey, c.rwc.LocalAddr())
	if c.srv.ConnContext != nil {
		ctx = c.srv.ConnContext(ctx, c.rwc)
	}
	c.ctx = ctx
	c.src.c = c.rwc
	c.src.remain = -1
	if r, ok := readers.Get().(*bufio.Reader); ok {
		r.Reset(&c.src)
		c.br = r
	} else {
		c.br = bufio.NewReaderSize(&c.src, 4<<10)
	}
	c.out = (*bufs.Get().(*[]byte))[:0]
	if d := c.srv.ReadHeaderTimeout; d > 0 {
		c.src.setDeadline(time.Now().Add(d))
	}
	for {
		w, err := c.readRequest()
		if c.srv.shutdown.Load() {
			return
		}
		if err != nil {
			c.answerReadError(err)
			return
		}
		c.state.Store(stateActive)
		if !c.handle(w) {
			return
		}
		c.state.Store(stateIdle)
		if c.srv.shutdown.Load() {
			return
		}
		if d := c.srv.IdleTimeout; d > 0 {
			c.src.setDeadline(time.Now().Add(d))
		} else if d := c.srv.ReadTimeout; d > 0 {
			c.src.setDeadline(time.Now().Add(d)) // net/http: the idle timeout defaults to the read timeout
		} else {
			c.src.setDeadline(time.Time{})
		}
		if _, err := c.br.Peek(4); err != nil {
			return
		}
		if d := c.srv.ReadHeaderTimeout; d > 0 {
			c.src.setDeadline(time.Now().Add(d))
		} else if d := c.srv.ReadTimeout; d > 0 {
			c.src.setDeadline(time.Now().Add(d))
		} else {
			c.src.setDeadline(time.Time{})
		}
	}
}

// finish closes the connection and returns its buffers.
func (c *conn) finish() {
	if err := recover(); err != nil && err != http.ErrAbortHandler {
		buf := make([]byte, 64<<10)
		buf = buf[:runtime.Stack(buf, false)]
		c.srv.logf("http: panic serving %v: %v\n%s", c.remote, err, buf)
	}
	c.flush() // what was already laid out leaves, as net/http's final flush
	c.rwc.Close()
	if c.br != nil {
		c.br.Reset(nil)
		readers.Put(c.br)
	}
	if c.out != nil && cap(c.out) <= 64<<10 {
		out := c.out[:0]
		bufs.Put(&out)
	}
	c.src.head = nil
	c.srv.mu.Lock()
	delete(c.srv.conns, c)
	c.srv.mu.Unlock()
}

func (s *Server) logf(format string, args ...any) {
	if s.ErrorLog != nil {
		s.ErrorLog.Printf(format, args...)
	} else {
		log.Printf(format, args...)
	}
}

// errTooLarge: the header block passed MaxHeaderBytes.
var errTooLarge = errors.New("http: request too large")

// statusError is a request refused with an answer of its own.
type statusError struct {
	code int
	text string
}

func (e statusError) Error() string { return http.StatusText(e.code) + ": " + e.text }

func (s *Server) initialReadLimit() int64 {
	n := s.MaxHeaderBytes
	if n <= 0 {
		n = http.DefaultMaxHeaderBytes
	}
	return int64(n) + 4096
}

// readRequest reads the next request and its header block.
func (c *conn) readRequest() (*response, error) {
	c.wdlSet = false
	var wholeReqDeadline time.Time
	if d := c.srv.ReadTimeout; d > 0 {
		wholeReqDeadline = time.Now().Add(d)
	}
	c.src.remain = c.srv.initialReadLimit()
	if c.lastMethod == "POST" {
		// A client may follow a POST's body with a stray CRLF (RFC 9112,
		// section 2.2).
		peek, _ := c.br.Peek(4)
		c.br.Discard(leadingCRLF(peek))
	}
	buffered, _ := c.br.Peek(c.br.Buffered())
	c.src.head = append(c.src.head[:0], buffered...)
	c.src.rec = true
	req, err := http.ReadRequest(c.br)
	c.src.rec = false
	if err != nil {
		if c.src.remain == 0 {
			return nil, errTooLarge
		}
		return nil, err
	}
	if req.ProtoMajor != 1 && !(req.ProtoMajor == 2 && req.ProtoMinor == 0 && req.Method == "PRI" && req.RequestURI == "*") {
		return nil, statusError{http.StatusHTTPVersionNotSupported, "unsupported protocol version"}
	}
	c.lastMethod = req.Method
	c.src.remain = -1

	head := headerBlock(c.src.head)
	hosts := hostHeaders(head)
	isH2Upgrade := req.Method == "PRI" && len(req.Header) == 0 && req.URL.Path == "*" && req.Proto == "HTTP/2.0"
	if req.ProtoAtLeast(1, 1) && hosts == 0 && !isH2Upgrade && req.Method != "CONNECT" {
		return nil, statusError{http.StatusBadRequest, "missing required Host header"}
	}
	if hosts > 1 {
		return nil, statusError{http.StatusBadRequest, "too many Host headers"}
	}
	if hosts == 1 && !httpguts.ValidHostHeader(hostValue(req, head)) {
		return nil, statusError{http.StatusBadRequest, "malformed Host header"}
	}
	for k, vv := range req.Header {
		if !httpguts.ValidHeaderFieldName(k) {
			return nil, statusError{http.StatusBadRequest, "invalid header name"}
		}
		for _, v := range vv {
			if !httpguts.ValidHeaderFieldValue(v) {
				return nil, statusError{http.StatusBadRequest, "invalid header value"}
			}
		}
	}

	ctx := c.ctx
	if names := wirenames.Block(head, req); names != nil {
		ctx = wirenames.NewContext(ctx, names)
	}
	req = req.WithContext(ctx)
	req.RemoteAddr = c.remote
	c.src.setDeadline(wholeReqDeadline)

	w := &response{c: c, req: req, contentLength: -1, header: make(http.Header, 8)}
	w.wants10KeepAlive = req.ProtoMajor == 1 && req.ProtoMinor == 0 && hasToken(req.Header.Get("Connection"), "keep-alive")
	w.wantsClose = req.Close || hasToken(req.Header.Get("Connection"), "close")
	if isH2Upgrade {
		w.closeAfterReply = true
	}
	if req.Body != http.NoBody && req.Body != nil {
		w.body = &body{r: req.Body, w: w, declared: req.ContentLength}
		req.Body = w.body
	}
	return w, nil
}

// leadingCRLF counts the CR and LF bytes that start b.
func leadingCRLF(b []byte) int {
	n := 0
	for _, c := range b {
		if c != '\r' && c != '\n' {
			break
		}
		n++
	}
	return n
}

// headerBlock returns the request line and header lines at the start of
// rec, up to the blank line that ends them (rec as read holds the block
// and maybe the start of the body or of the next request).
func headerBlock(rec []byte) []byte {
	for i := 0; i < len(rec); i++ {
		if rec[i] != '\n' {
			continue
		}
		if i+1 < len(rec) && rec[i+1] == '\n' {
			return rec[:i+2]
		}
		if i+2 < len(rec) && rec[i+1] == '\r' && rec[i+2] == '\n' {
			return rec[:i+3]
		}
	}
	return rec
}

// hostValue is the value of a request's one Host header: Request.Host,
// unless the request target named a host (absolute form).
func hostValue(req *http.Request, head []byte) string {
	if req.URL.Host == "" {
		return req.Host
	}
	_, v := hostLines(head, true)
	return v
}

// hostHeaders counts the Host header lines of a header block
// (http.ReadRequest folds them into Request.Host and drops the header).
func hostHeaders(head []byte) int {
	n, _ := hostLines(head, false)
	return n
}

// hostLines counts the Host header lines of a header block and returns
// the first one's value when asked.
func hostLines(head []byte, value bool) (n int, first string) {
	line := 0
	for len(head) > 0 {
		i := 0
		for i < len(head) && head[i] != '\n' {
			i++
		}
		l := head[:i]
		if i < len(head) {
			head = head[i+1:]
		} else {
			head = nil
		}
		if line++; line == 1 {
			continue // the request line
		}
		if len(l) > 0 && l[len(l)-1] == '\r' {
			l = l[:len(l)-1]
		}
		if len(l) < 5 || l[4] != ':' || (l[0]|0x20) != 'h' || (l[1]|0x20) != 'o' || (l[2]|0x20) != 's' || (l[3]|0x20) != 't' {
			continue
		}
		if n++; n == 1 && value {
			first = trimOWS(string(l[5:]))
		}
	}
	return n, first
}

func trimOWS(s string) string {
	for len(s) > 0 && (s[0] == ' ' || s[0] == '\t') {
		s = s[1:]
	}
	for len(s) > 0 && (s[len(s)-1] == ' ' || s[len(s)-1] == '\t') {
		s = s[:len(s)-1]
	}
	return s
}

// answerReadError answers a request that could not be read, as net/http.
func (c *conn) answerReadError(err error) {
	const errorHeaders = "\r\nContent-Type: text/plain; charset=utf-8\r\nConnection: close\r\n\r\n"
	var se statusError
	switch {
	case err == errTooLarge:
		const publicErr = "431 Request Header Fields Too Large"
		io.WriteString(c.rwc, "HTTP/1.1 "+publicErr+errorHeaders+publicErr)
		c.closeWriteAndWait()
	case isUnsupportedTE(err):
		code := http.StatusNotImplemented
		fmt.Fprintf(c.rwc, "HTTP/1.1 %d %s%sUnsupported transfer encoding", code, http.StatusText(code), errorHeaders)
	case isCommonNetReadError(err):
		// the client went away or said nothing: no answer
	case errors.As(err, &se):
		fmt.Fprintf(c.rwc, "HTTP/1.1 %d %s: %s%s%d %s: %s", se.code, http.StatusText(se.code), se.text, errorHeaders, se.code, http.StatusText(se.code), se.text)
	default:
		const publicErr = "400 Bad Request"
		io.WriteString(c.rwc, "HTTP/1.1 "+publicErr+errorHeaders+publicErr)
	}
}

// isUnsupportedTE matches http.ReadRequest's error for a Transfer-Encoding
// other than chunked, or more than one (its type is not exported).
func isUnsupportedTE(err error) bool {
	return fmt.Sprintf("%T", err) == "*http.unsupportedTEError"
}

// isCommonNetReadError: the client closed, timed out or failed; net/http
// does not answer these.
func isCommonNetReadError(err error) bool {
	if err == io.EOF {
		return true
	}
	if ne, ok := err.(net.Error); ok && ne.Timeout() {
		return true
	}
	oe, ok := err.(*net.OpError)
	return ok && oe.Op == "read"
}

// closeWriteAndWait sends what is pending, half-closes and lets the client
// read the answer before the connection is closed.
func (c *conn) closeWriteAndWait() {
	c.flush()
	if cw, ok := c.rwc.(interface{ CloseWrite() error }); ok {
		cw.CloseWrite()
	}
	time.Sleep(rstAvoidanceDelay)
}

// handle runs the handler for w's request and finishes the answer; it
// reports whether the connection serves another request.
func (c *conn) handle(w *response) (keep bool) {
	req := w.req
	if expect := req.Header.Get("Expect"); expect != "" {
		if hasToken(expect, "100-continue") {
			if req.ProtoAtLeast(1, 1) && req.ContentLength != 0 && w.body != nil {
				w.body.continueFirst = true
				w.canWriteContinue = true
			}
		} else {
			w.header.Set("Connection", "close")
			w.WriteHeader(http.StatusExpectationFailed)
			w.finishRequest()
			return false
		}
	}
	if req.RequestURI == "*" && req.Method == "OPTIONS" {
		globalOptions(w, req)
	} else {
		c.srv.Handler.ServeHTTP(w, w.req)
	}
	w.finishRequest()
	if !w.shouldReuseConnection() {
		if w.bodyLimitHit || w.body != nil && w.body.earlyClose {
			// unread request bytes remain: let the answer reach the client first
			c.closeWriteAndWait()
		}
		return false
	}
	return true
}

// globalOptions answers "OPTIONS *" (a question about the server, not a
// resource) as net/http does: 200 with no body.
func globalOptions(w *response, r *http.Request) {
	w.Header().Set("Content-Length", "0")
	if r.ContentLength != 0 {
		// Read up to 4 KiB of OPTIONS body (as mandated by RFC 9110,
		// section 9.3.7) to leave the connection clean.
		io.Copy(io.Discard, io.LimitReader(r.Body, 4<<10))
	}
	w.WriteHeader(http.StatusOK)
}

// hasToken reports whether token occurs in the header value v between
// token boundaries (start or end, space, comma or tab), ignoring ASCII
// case: the test net/http applies to Connection and Expect.
func hasToken(v, token string) bool {
	for sp := 0; sp+len(token) <= len(v) && token != ""; sp++ {
		if sp > 0 && !isTokenBoundary(v[sp-1]) {
			continue
		}
		if end := sp + len(token); end != len(v) && !isTokenBoundary(v[end]) {
			continue
		}
		if equalFoldASCII(v[sp:sp+len(token)], token) {
			return true
		}
	}
	return false
}

func isTokenBoundary(b byte) bool { return b == ' ' || b == ',' || b == '\t' }

func equalFoldASCII(a, b string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := 0; i < len(a); i++ {
		x, y := a[i], b[i]
		if 'A' <= x && x <= 'Z' {
			x += 'a' - 'A'
		}
		if 'A' <= y && y <= 'Z' {
			y += 'a' - 'A'
		}
		if x != y {
			return false
		}
	}
	return true
}
