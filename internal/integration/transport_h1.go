package integration

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"sync"
	"syscall"
	"time"

	"golang.org/x/net/http/httpguts"
)

// Transport is the round tripper HTTP integrations share
// (docs/architecture.md#back-end-connections). Plain-HTTP requests go
// over its own HTTP/1.1 keep-alive connections: the request is written and
// the answer read on the caller's goroutine, where net/http's transport
// hands each exchange to two connection goroutines. The bytes sent are
// net/http's own (Request.Write, or h1WriteRequest's copy of its rules for
// the common requests, verified byte for byte against it), and the answer
// is parsed by http.ReadResponse (or h1ReadResponse's copy of its rules
// for plain answers, verified against it), so a back end sees and answers
// exactly what it would through net/http. Everything else (https,
// 100-continue, upgrades, unknown lengths, header fields net/http would
// refuse) goes to the wrapped *http.Transport, which also answers
// CloseIdleConnections.
type Transport struct {
	fallback *http.Transport
	dialer   *net.Dialer

	mu      sync.Mutex
	idle    map[string][]*h1conn // by host:port, most recently used last
	nIdle   int                  // connections in idle
	maxIdle int                  // cap on nIdle; 0 means h1MaxIdle
	pruned  time.Time            // when pruneLocked last ran
}

// Pool limits, as the wrapped transport's.
const (
	h1MaxIdle            = 4096
	h1MaxIdlePerHost     = 512
	h1IdleTimeout        = 90 * time.Second
	h1MaxHeaderBytes     = 64 << 10
	h1Max1xx             = 5 // informational answers skipped before the final one
	h1BufferSize         = 4 << 10
	h1DefaultPortForHTTP = "80"
	// h1CheckAfter is how long a connection may sit idle before it is
	// checked for a close by the back end (e.g. Node.js closes idle
	// connections after 5 s) before it is reused. A request that cannot be
	// sent again is checked whatever the age; the others are sent again
	// on a new connection when a closed one fails them.
	h1CheckAfter = time.Second
)

// h1conn is one keep-alive connection to a back end.
type h1conn struct {
	t      *Transport
	key    string
	conn   net.Conn
	lim    limitedConn
	br     *bufio.Reader
	bw     *bufio.Writer
	idleAt time.Time
	// deadline is the connection's deadline (zero: none), kept across
	// exchanges (setDeadline).
	deadline time.Time
	raw      syscall.RawConn    // for alive, made on its first use
	peekFn   func(uintptr) bool // c.peek, bound once
	poisonFn func()             // c.poison, bound once
	open     bool               // peek's finding
	peekBuf  [1]byte
}

// limitedConn bounds what the reader may take from the connection while
// an answer's header is read (MaxResponseHeaderBytes), and not after.
type limitedConn struct {
	net.Conn
	left int64 // < 0: unbounded
}

var errHeaderTooLarge = fmt.Errorf("net/http: server response headers exceeded %d bytes; aborted", h1MaxHeaderBytes)

func (l *limitedConn) Read(p []byte) (int, error) {
	if l.left == 0 {
		return 0, errHeaderTooLarge
	}
	if l.left > 0 && int64(len(p)) > l.left {
		p = p[:l.left]
	}
	n, err := l.Conn.Read(p)
	if l.left > 0 {
		l.left -= int64(n)
	}
	return n, err
}

// RoundTrip sends req and returns the back end's answer; its body must be
// read to the end or closed, as with any RoundTripper.
func (t *Transport) RoundTrip(req *http.Request) (*http.Response, error) {
	if !h1Eligible(req) {
		return t.roundTripFallback(req)
	}
	ctx := req.Context()
	key := h1HostPort(req.URL.Host)
	for attempt := 0; ; attempt++ {
		c, reused, err := t.get(ctx, key, !h1Replayable(req, false))
		if err != nil {
			return nil, err
		}
		resp, err := c.exchange(ctx, req)
		if err == nil {
			return resp, nil
		}
		c.conn.Close()
		// A connection that sat idle may have been closed by the back end
		// just before it was reused: like net/http, try once more on a new
		// connection when nothing came back and the request may be sent again.
		var retry *h1RetryableError
		if reused && attempt == 0 && errors.As(err, &retry) && ctx.Err() == nil && h1Replayable(req, retry.writing) {
			if req.GetBody != nil {
				body, berr := req.GetBody()
				if berr != nil {
					return nil, retry.err
				}
				req = h1WithBody(req, body)
			}
			continue
		}
		if retry != nil {
			err = retry.err
		}
		return nil, h1ContextError(ctx, err)
	}
}

// h1ContextError is the context's error when it ended the exchange, as
// net/http answers: the connection's deadline (the context's) can fire a
// moment before the context's own timer.
func h1ContextError(ctx context.Context, err error) error {
	if cerr := ctx.Err(); cerr != nil {
		return cerr
	}
	if d, ok := ctx.Deadline(); ok && !time.Now().Before(d) && errors.Is(err, os.ErrDeadlineExceeded) {
		return context.DeadlineExceeded
	}
	return err
}

// h1RetryableError is a failure on a reused connection before any byte of
// an answer arrived.
// writing is true when the request could not be written, which is
// retried whatever the method (the request never reached the back end
// whole), as long as its body can be sent again.
type h1RetryableError struct {
	err     error
	writing bool
}

func (e *h1RetryableError) Error() string { return e.err.Error() }
func (e *h1RetryableError) Unwrap() error { return e.err }

// h1Eligible tells whether the request takes the HTTP/1.1 path.
func h1Eligible(req *http.Request) bool {
	if req.URL == nil || req.URL.Scheme != "http" || req.URL.Host == "" || req.ContentLength < 0 ||
		req.Close || len(req.TransferEncoding) > 0 || req.Trailer != nil {
		return false
	}
	if req.ContentLength > 0 && req.Body == nil {
		return false
	}
	if req.ContentLength == 0 && req.Body != nil && req.Body != http.NoBody {
		return false
	}
	for k, vs := range req.Header {
		if !httpguts.ValidHeaderFieldName(k) {
			return false
		}
		switch k {
		case "Expect", "Upgrade", "Connection", "Te", "Transfer-Encoding":
			return false
		}
		for _, v := range vs {
			if !httpguts.ValidHeaderFieldValue(v) {
				return false
			}
		}
	}
	for i := 0; i < len(req.Host); i++ {
		if req.Host[i] >= 0x80 {
			return false
		}
	}
	for i := 0; i < len(req.URL.Host); i++ {
		if req.URL.Host[i] >= 0x80 {
			return false
		}
	}
	return true
}

// h1Replayable is net/http's rule for sending a request again.
func h1Replayable(req *http.Request, unsent bool) bool {
	if req.Body != nil && req.Body != http.NoBody && req.GetBody == nil {
		return false
	}
	if unsent {
		return true
	}
	switch req.Method {
	case "", http.MethodGet, http.MethodHead, http.MethodOptions, http.MethodTrace:
		return true
	}
	_, a := req.Header["Idempotency-Key"]
	_, b := req.Header["X-Idempotency-Key"]
	return a || b
}

func h1WithBody(req *http.Request, body io.ReadCloser) *http.Request {
	r := *req
	r.Body = body
	return &r
}

// h1HostPort is the pool key: the URL's host with port 80 when it has none.
func h1HostPort(host string) string {
	if _, _, err := net.SplitHostPort(host); err == nil {
		return host
	}
	if len(host) > 1 && host[0] == '[' && host[len(host)-1] == ']' {
		host = host[1 : len(host)-1]
	}
	return net.JoinHostPort(host, h1DefaultPortForHTTP)
}

// get returns an idle connection to key, or dials one. A request that
// could not be sent again (check) only takes a connection found open.
func (t *Transport) get(ctx context.Context, key string, check bool) (*h1conn, bool, error) {
	now := time.Now()
	t.mu.Lock()
	for conns := t.idle[key]; len(conns) > 0; conns = t.idle[key] {
		c := conns[len(conns)-1]
		conns[len(conns)-1] = nil
		t.idle[key] = conns[:len(conns)-1]
		t.nIdle--
		if age := now.Sub(c.idleAt); age < h1IdleTimeout && (age < h1CheckAfter && !check || c.alive(now)) {
			t.mu.Unlock()
			return c, true, nil
		}
		t.mu.Unlock()
		c.conn.Close()
		t.mu.Lock()
	}
	t.mu.Unlock()
	nc, err := t.dialer.DialContext(ctx, "tcp", key)
	if err != nil {
		return nil, false, err
	}
	c := &h1conn{t: t, key: key, conn: nc}
	c.lim.Conn = nc
	c.lim.left = -1
	c.br = bufio.NewReaderSize(&c.lim, h1BufferSize)
	c.bw = bufio.NewWriterSize(nc, h1BufferSize)
	return c, false, nil
}

// alive tells whether an idle connection is still open: a peek that
// does not wait finds nothing to read (EOF or stray bytes mean it cannot
// carry a request). The raw connection and the peek function are made
// once per connection, so a check allocates nothing.
func (c *h1conn) alive(now time.Time) bool {
	if !c.deadline.IsZero() && !now.Before(c.deadline) {
		// A deadline passed fails any read, the peek's too.
		c.deadline = time.Time{}
		if c.conn.SetDeadline(time.Time{}) != nil {
			return false
		}
	}
	if c.raw == nil {
		sc, ok := c.conn.(syscall.Conn)
		if !ok {
			return true
		}
		rc, err := sc.SyscallConn()
		if err != nil {
			return false
		}
		c.raw, c.peekFn = rc, c.peek
	}
	c.open = false
	return c.raw.Read(c.peekFn) == nil && c.open
}

// peek is alive's non-blocking look at the socket.
func (c *h1conn) peek(fd uintptr) bool {
	_, _, err := syscall.Recvfrom(int(fd), c.peekBuf[:], syscall.MSG_PEEK|syscall.MSG_DONTWAIT)
	c.open = err == syscall.EAGAIN || err == syscall.EWOULDBLOCK
	return true
}

// put returns c to the idle pool, or closes it when the pool is full.
//
// The connection keeps its deadline (see setDeadline): no read or write
// happens while it is idle, and get clears a deadline passed before it
// checks the connection.
func (t *Transport) put(c *h1conn) {
	c.idleAt = time.Now()
	t.mu.Lock()
	if t.idle == nil {
		t.idle = make(map[string][]*h1conn)
	}
	if len(t.idle[c.key]) >= h1MaxIdlePerHost {
		t.mu.Unlock()
		c.conn.Close()
		return
	}
	var stale []*h1conn
	limit := t.maxIdle
	if limit == 0 {
		limit = h1MaxIdle
	}
	if t.nIdle >= limit {
		// Full: the connection idle the longest, whatever its back end,
		// makes room (as net/http's MaxIdleConns).
		stale = append(stale, t.evictOldestLocked())
	}
	t.idle[c.key] = append(t.idle[c.key], c)
	t.nIdle++
	if c.idleAt.Sub(t.pruned) >= h1PruneEvery {
		t.pruned = c.idleAt
		stale = t.pruneLocked(c.idleAt)
	}
	t.mu.Unlock()
	for _, s := range stale {
		s.conn.Close()
	}
}

// h1PruneEvery is how often returning a connection also drops the idle
// connections older than h1IdleTimeout, of every back end: a back end no
// longer called does not keep its connections open for ever.
const h1PruneEvery = 10 * time.Second

// pruneLocked removes the connections idle for h1IdleTimeout or more and
// returns them to be closed; t.mu is held.
func (t *Transport) pruneLocked(now time.Time) []*h1conn {
	var stale []*h1conn
	for key, conns := range t.idle {
		// Connections are appended as they return: the oldest come first.
		n := 0
		for n < len(conns) && now.Sub(conns[n].idleAt) >= h1IdleTimeout {
			n++
		}
		if n == 0 {
			continue
		}
		stale = append(stale, conns[:n]...)
		t.nIdle -= n
		if n == len(conns) {
			delete(t.idle, key)
			continue
		}
		t.idle[key] = append(conns[:0], conns[n:]...)
	}
	return stale
}

// evictOldestLocked removes the connection idle the longest and returns
// it to be closed; t.mu is held and the pool is not empty.
func (t *Transport) evictOldestLocked() *h1conn {
	var oldest string
	for key, conns := range t.idle {
		if len(conns) > 0 && (oldest == "" || conns[0].idleAt.Before(t.idle[oldest][0].idleAt)) {
			oldest = key
		}
	}
	conns := t.idle[oldest]
	c := conns[0]
	if len(conns) == 1 {
		delete(t.idle, oldest)
	} else {
		t.idle[oldest] = append(conns[:0], conns[1:]...)
	}
	t.nIdle--
	return c
}

// CloseIdleConnections closes every idle connection of both paths.
func (t *Transport) CloseIdleConnections() {
	t.mu.Lock()
	idle := t.idle
	t.idle, t.nIdle = nil, 0
	t.mu.Unlock()
	for _, conns := range idle {
		for _, c := range conns {
			c.conn.Close()
		}
	}
	t.fallback.CloseIdleConnections()
}

// exchange writes req and reads the final answer. The context's deadline
// bounds the whole exchange, body included; its cancellation closes the
// exchange at once.
func (c *h1conn) exchange(ctx context.Context, req *http.Request) (*http.Response, error) {
	// The deadline is set before the cancellation is watched, so that a
	// cancellation is never overwritten by it.
	if d, ok := ctx.Deadline(); ok {
		c.setDeadline(d)
	} else if !c.deadline.IsZero() {
		c.deadline = time.Time{}
		_ = c.conn.SetDeadline(time.Time{})
	}
	var stop func() bool
	if ctx.Done() != nil {
		if c.poisonFn == nil {
			c.poisonFn = c.poison
		}
		stop = context.AfterFunc(ctx, c.poisonFn)
	}
	fail := func(err error) (*http.Response, error) {
		if stop != nil {
			stop()
		}
		return nil, err
	}
	if !h1WriteRequest(c.bw, req) {
		var rb *h1RequestBody
		if req.GetBody == nil && req.Body != nil && req.Body != http.NoBody {
			rb = &h1RequestBody{ReadCloser: req.Body}
			req = h1WithBody(req, rb)
		}
		if err := req.Write(c.bw); err != nil {
			if rb != nil && rb.err != nil {
				return fail(rb.err) // the body's own failure (a client that stopped sending), never retried
			}
			return fail(&h1RetryableError{err, true})
		}
	}
	if err := c.bw.Flush(); err != nil {
		return fail(&h1RetryableError{err, true})
	}
	var resp *http.Response
	for n := 0; ; n++ {
		c.lim.left = h1MaxHeaderBytes
		c.lim.left -= int64(c.br.Buffered())
		if c.lim.left <= 0 {
			c.lim.left = 1
		}
		if n == 0 {
			if _, err := c.br.Peek(1); err != nil {
				return fail(&h1RetryableError{err, false})
			}
		}
		r, ok := h1ReadResponse(c.br, req)
		if !ok {
			var err error
			if r, err = http.ReadResponse(c.br, req); err != nil {
				c.lim.left = -1
				return fail(err)
			}
		}
		c.lim.left = -1
		if r.StatusCode >= 200 || r.StatusCode == http.StatusSwitchingProtocols || r.StatusCode < 100 {
			resp = r
			break
		}
		if n+1 >= h1Max1xx {
			return fail(errors.New("net/http: too many 1xx informational responses"))
		}
	}
	reuse := !resp.Close && resp.StatusCode != http.StatusSwitchingProtocols
	if resp.Body == http.NoBody || resp.Body == nil {
		c.release(stop, reuse)
		return resp, nil
	}
	if lb, ok := resp.Body.(*h1LengthBody); ok {
		// h1ReadResponse's body holds its wrapper: one allocation.
		lb.wrap = h1body{rc: lb, c: c, ctx: ctx, stop: stop, reuse: reuse}
		resp.Body = &lb.wrap
		return resp, nil
	}
	resp.Body = &h1body{rc: resp.Body, c: c, ctx: ctx, stop: stop, reuse: reuse}
	return resp, nil
}

// setDeadline bounds the exchange by d. Setting a connection's deadline
// costs timer updates in the runtime, twice per exchange (it was also
// cleared when the connection went idle), so a deadline already set is
// kept when it is not before d and at most 1/h1DeadlineLateness of the
// time left, and never more than h1DeadlineMaxLate, after it: the exchange
// never ends early, and ends at most 25 ms late (1.5 ms for a 50 ms
// timeout), well inside the precision of API Gateway's own timeout, which
// h1ContextError still reports as the context's deadline. A new deadline
// is set that much after d, so that the next exchanges, whose deadlines
// come a little later, keep it.
func (c *h1conn) setDeadline(d time.Time) {
	late := min(max(time.Until(d)/h1DeadlineLateness, 0), h1DeadlineMaxLate)
	if !c.deadline.Before(d) && c.deadline.Sub(d) <= late {
		return
	}
	c.deadline = d.Add(late)
	_ = c.conn.SetDeadline(c.deadline)
}

// h1DeadlineLateness is the fraction (1/n) of an exchange's time left by
// which its connection's deadline may come after the context's.
const h1DeadlineLateness = 32

// h1DeadlineMaxLate caps how long after the context's deadline the
// connection's may come.
const h1DeadlineMaxLate = 25 * time.Millisecond

// poison ends the exchange under way at once: a cancellation.
func (c *h1conn) poison() { _ = c.conn.SetDeadline(time.Unix(1, 0)) }

// release ends an exchange: the connection goes back to the pool when the
// answer was read whole and nothing cancelled it, else it is closed.
func (c *h1conn) release(stop func() bool, reuse bool) {
	if stop != nil && !stop() {
		reuse = false // the cancellation ran and poisoned the deadline
	}
	if reuse && c.br.Buffered() == 0 {
		c.t.put(c)
		return
	}
	c.conn.Close()
}

// h1body is an answer's body; reading it to the end releases the
// connection for the next request.
type h1body struct {
	rc    io.ReadCloser
	c     *h1conn
	ctx   context.Context
	stop  func() bool
	reuse bool
	done  bool
	mu    sync.Mutex
}

func (b *h1body) Read(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.done {
		return 0, io.EOF
	}
	n, err := b.rc.Read(p)
	if err == io.EOF {
		b.done = true
		b.c.release(b.stop, b.reuse)
	} else if err != nil {
		b.done = true
		b.c.release(b.stop, false)
		err = h1ContextError(b.ctx, err) // as net/http: a cancelled exchange reads as its context's error
	}
	return n, err
}

func (b *h1body) Close() error {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.done {
		return nil
	}
	b.done = true
	b.c.release(b.stop, false)
	return nil
}

// enforcedDeadline is a context whose deadline no timer of its own
// enforces: Transport enforces it, on the connection on the HTTP/1.1 path
// and with a real timer (roundTripFallback) on net/http's. It saves the
// timer and the cancellation context of context.WithTimeout on every
// call. Its Err reports the deadline once passed; its Done is the
// parent's, so code waiting on Done alone must not be given one.
type enforcedDeadline struct {
	context.Context
	deadline time.Time
}

// withEnforcedDeadline returns ctx bounded by d for a request sent by
// Transport; the cancel function has nothing to release.
func withEnforcedDeadline(ctx context.Context, d time.Time) (context.Context, context.CancelFunc) {
	return new(enforcedDeadline).init(ctx, d)
}

// init is withEnforcedDeadline made in c.
func (c *enforcedDeadline) init(ctx context.Context, d time.Time) (context.Context, context.CancelFunc) {
	if pd, ok := ctx.Deadline(); ok && pd.Before(d) {
		d = pd
	}
	*c = enforcedDeadline{Context: ctx, deadline: d}
	return c, func() {}
}

func (c *enforcedDeadline) Deadline() (time.Time, bool) { return c.deadline, true }

func (c *enforcedDeadline) Err() error {
	if err := c.Context.Err(); err != nil {
		return err
	}
	if !time.Now().Before(c.deadline) {
		return context.DeadlineExceeded
	}
	return nil
}

// roundTripFallback sends req through net/http, arming a real timer for
// an enforcedDeadline, released when the answer's body is closed.
func (t *Transport) roundTripFallback(req *http.Request) (*http.Response, error) {
	ed, ok := req.Context().(*enforcedDeadline)
	if !ok {
		return t.fallback.RoundTrip(req)
	}
	ctx, cancel := context.WithDeadline(ed.Context, ed.deadline)
	resp, err := t.fallback.RoundTrip(req.WithContext(ctx))
	if err != nil {
		cancel()
		if errors.Is(err, context.DeadlineExceeded) {
			return nil, context.DeadlineExceeded
		}
		return nil, err
	}
	resp.Body = &cancelOnClose{ReadCloser: resp.Body, cancel: cancel}
	return resp, nil
}

// h1RequestBody keeps a streamed body's read error, which Request.Write
// returns in a form that hides it from errors.As.
type h1RequestBody struct {
	io.ReadCloser
	err error
}

func (b *h1RequestBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	if err != nil && err != io.EOF {
		b.err = err
	}
	return n, err
}
