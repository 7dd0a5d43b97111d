package function

import (
	"bufio"
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"net"
	"runtime"
	"strconv"
	"time"
)

// Runtime API 2018-06-01 header names
// (https://docs.aws.amazon.com/lambda/latest/dg/runtimes-api.html).
const (
	hdrRequestID         = "Lambda-Runtime-Aws-Request-Id"
	hdrDeadline          = "Lambda-Runtime-Deadline-Ms"
	hdrFunctionARN       = "Lambda-Runtime-Invoked-Function-Arn"
	hdrTraceID           = "Lambda-Runtime-Trace-Id"
	hdrClientContext     = "Lambda-Runtime-Client-Context"
	hdrCognitoIdentity   = "Lambda-Runtime-Cognito-Identity"
	hdrErrorType         = "Lambda-Runtime-Function-Error-Type"
	hdrErrorBody         = "Lambda-Runtime-Function-Error-Body"
	runtimeAPIPathPrefix = "/2018-06-01/runtime/"
)

// The Runtime API is served by a small HTTP/1.1 server of its own rather
// than net/http: a warm invocation is two loopback exchanges (GET
// .../invocation/next, POST .../response), and with net/http's server most
// of a warm invocation's time went to those exchanges and to the goroutine
// hand-offs between them. Here each connection has one goroutine that reads
// and parses its requests; the event for a waiting GET .../next is written
// by whoever supplies the second half of the pair: the caller's goroutine
// (the runtime was already waiting) or the connection's (the invocation was
// already pending). It understands exactly the requests runtime clients
// send: origin-form targets, keep-alive, Content-Length or chunked bodies
// (with trailers), Expect: 100-continue. Anything else gets a 4xx answer and,
// when the stream cannot be trusted any more, the connection is closed.

// Limits on what a runtime may send.
const (
	// maxHeaderBytes bounds a request's line and headers, and separately
	// a chunked body's trailers (aws-lambda-go sends an error document
	// there, base64).
	maxHeaderBytes = 1 << 20
	// maxChunkLine bounds a chunk-size line.
	maxChunkLine = 4096
	// inlineEvent is the largest payload copied into the header buffer
	// and written with it; larger ones go out with writev.
	inlineEvent = 64 << 10
)

// rapiRoute identifies a Runtime API request.
type rapiRoute uint8

const (
	routeUnknown   rapiRoute = iota // no such path
	routeNext                       // GET invocation/next
	routeResponse                   // POST invocation/{id}/response
	routeError                      // POST invocation/{id}/error
	routeInitError                  // POST init/error
)

// errBadRequest is a request that is not well-formed HTTP/1.1.
var errBadRequest = errors.New("malformed request")

// errTooLarge is a request line, header block or trailer block over
// maxHeaderBytes.
var errTooLarge = errors.New("request headers too large")

// rapiRequest is one parsed request; the connection reuses it.
type rapiRequest struct {
	route     rapiRoute
	methodOK  bool   // the method is the route's
	allow     string // the route's method, for 405
	id        []byte // the request id in the path
	errorType []byte // Lambda-Runtime-Function-Error-Type
	// trailers of a chunked body
	trailerType, trailerBody []byte
	contentLength            int64 // -1 when absent
	chunked                  bool
	expectContinue           bool
	close                    bool // answer, then close the connection
	http10                   bool
}

// rconn is one runtime connection.
type rconn struct {
	sb *sandbox
	c  net.Conn
	br *bufio.Reader
	// wbuf is the reading goroutine's write buffer, ebuf the event
	// writer's (the caller's goroutine, or the reading one).
	wbuf, ebuf []byte
	// sent gets a value once the event for this connection's pending GET
	// .../next is written (or failed), so a request pipelined behind it
	// is handled after it.
	sent chan struct{}
	// outstanding is true while a GET .../next on this connection waits
	// for its event (reading goroutine only).
	outstanding bool
	// linger is set by an answer that closes the connection: the rest of
	// what the runtime sent is read (briefly) before closing, so the
	// kernel does not reset the connection under the answer.
	linger  bool
	scratch []byte
	req     rapiRequest
}

// serveRuntimeAPI accepts runtime connections on ln until it is closed.
func (sb *sandbox) serveRuntimeAPI(ln net.Listener) {
	for {
		c, err := ln.Accept()
		if err != nil {
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() {
				continue
			}
			return
		}
		rc := &rconn{sb: sb, c: c, br: bufio.NewReaderSize(c, 16<<10), sent: make(chan struct{}, 1)}
		sb.mu.Lock()
		if sb.apiClosed {
			sb.mu.Unlock()
			c.Close()
			return
		}
		sb.conns[rc] = struct{}{}
		sb.accepted++
		sb.mu.Unlock()
		go rc.serve()
	}
}

// closeRuntimeAPI closes the listener and every connection.
func (sb *sandbox) closeRuntimeAPI() {
	sb.mu.Lock()
	sb.apiClosed = true
	conns := make([]*rconn, 0, len(sb.conns))
	for rc := range sb.conns {
		conns = append(conns, rc)
	}
	sb.mu.Unlock()
	if sb.ln != nil {
		_ = sb.ln.Close()
	}
	for _, rc := range conns {
		_ = rc.c.Close()
	}
}

// drop forgets a connection that ended.
func (rc *rconn) drop() {
	sb := rc.sb
	sb.mu.Lock()
	delete(sb.conns, rc)
	for i, w := range sb.waiters {
		if w == rc {
			sb.waiters = append(sb.waiters[:i], sb.waiters[i+1:]...)
			break
		}
	}
	if len(sb.waiters) == 0 {
		sb.waiting.Store(false)
	}
	sb.mu.Unlock()
	if tc, ok := rc.c.(*net.TCPConn); ok && rc.linger {
		_ = tc.CloseWrite()
		_ = tc.SetReadDeadline(time.Now().Add(lingerTime))
		_, _ = io.Copy(io.Discard, io.LimitReader(tc, 2*maxPayload))
	}
	_ = rc.c.Close()
}

// lingerTime bounds the lingering close (net/http waits as long).
const lingerTime = 500 * time.Millisecond

// serve reads and answers requests until the connection ends.
func (rc *rconn) serve() {
	defer rc.drop()
	for {
		if rc.outstanding {
			// Wait for the runtime's next bytes (or its hang-up) without
			// consuming them; a request sent before its event arrived is
			// handled once the event is out.
			if _, err := rc.br.Peek(1); err != nil {
				return
			}
			select {
			case <-rc.sent:
				rc.outstanding = false
			case <-rc.sb.stop:
				return
			}
		}
		err := rc.readHeader()
		switch {
		case err == nil:
		case errors.Is(err, errTooLarge):
			rc.writeError(431, "Request Header Fields Too Large", "InvalidRequest", "request headers too large", true)
			return
		case errors.Is(err, errBadRequest):
			rc.writeError(400, "Bad Request", "InvalidRequest", "malformed request", true)
			return
		default: // the connection ended
			return
		}
		if !rc.handle() {
			return
		}
	}
}

// readHeader reads one request line and its headers into rc.req.
func (rc *rconn) readHeader() error {
	r := &rc.req
	*r = rapiRequest{id: r.id[:0], errorType: r.errorType[:0], trailerType: r.trailerType[:0], trailerBody: r.trailerBody[:0], contentLength: -1}
	budget := maxHeaderBytes
	var line []byte
	var err error
	for blank := 0; ; blank++ {
		if line, err = rc.readLine(&budget); err != nil {
			return err
		}
		if len(line) > 0 {
			break
		}
		if blank == 4 { // a few stray CRLFs before a request are allowed
			return errBadRequest
		}
	}
	if err := r.parseRequestLine(line); err != nil {
		return err
	}
	for {
		if line, err = rc.readLine(&budget); err != nil {
			if err == io.EOF {
				return io.ErrUnexpectedEOF
			}
			return err
		}
		if len(line) == 0 {
			break
		}
		name, value, err := splitHeader(line)
		if err != nil {
			return err
		}
		switch {
		case equalFold(name, "content-length"):
			n, ok := parseDecimal(value)
			if !ok || (r.contentLength >= 0 && r.contentLength != n) {
				return errBadRequest
			}
			r.contentLength = n
		case equalFold(name, "transfer-encoding"):
			if !equalFold(value, "chunked") || r.chunked {
				return errBadRequest
			}
			r.chunked = true
		case equalFold(name, "connection"):
			if containsTokenFold(value, "close") {
				r.close = true
			} else if containsTokenFold(value, "keep-alive") {
				r.http10 = false
			}
		case equalFold(name, "expect"):
			if !equalFold(value, "100-continue") {
				return errBadRequest
			}
			r.expectContinue = true
		case equalFold(name, hdrErrorType):
			r.errorType = append(r.errorType[:0], value...)
		}
	}
	if r.chunked && r.contentLength >= 0 {
		return errBadRequest // RFC 9112 section 6.1: not to be trusted
	}
	if r.http10 {
		r.close = true
	}
	return nil
}

// parseRequestLine reads "METHOD /target HTTP/1.x".
func (r *rapiRequest) parseRequestLine(line []byte) error {
	sp1 := bytes.IndexByte(line, ' ')
	if sp1 <= 0 {
		return errBadRequest
	}
	method, rest := line[:sp1], line[sp1+1:]
	sp2 := bytes.IndexByte(rest, ' ')
	if sp2 <= 0 {
		return errBadRequest
	}
	target, proto := rest[:sp2], rest[sp2+1:]
	switch string(proto) {
	case "HTTP/1.1":
	case "HTTP/1.0":
		r.http10 = true
	default:
		return errBadRequest
	}
	for _, c := range method {
		if c <= ' ' || c >= 0x7f {
			return errBadRequest
		}
	}
	if target[0] != '/' {
		return errBadRequest
	}
	for _, c := range target {
		if c <= ' ' || c >= 0x7f {
			return errBadRequest
		}
	}
	if q := bytes.IndexByte(target, '?'); q >= 0 {
		target = target[:q]
	}
	r.route, r.allow = routeUnknown, ""
	if len(target) <= len(runtimeAPIPathPrefix) || string(target[:len(runtimeAPIPathPrefix)]) != runtimeAPIPathPrefix {
		return nil
	}
	p := target[len(runtimeAPIPathPrefix):]
	switch {
	case string(p) == "invocation/next":
		r.route, r.allow = routeNext, "GET"
	case string(p) == "init/error":
		r.route, r.allow = routeInitError, "POST"
	case len(p) > len("invocation/") && string(p[:len("invocation/")]) == "invocation/":
		p = p[len("invocation/"):]
		slash := bytes.IndexByte(p, '/')
		if slash <= 0 {
			return nil
		}
		switch string(p[slash+1:]) {
		case "response":
			r.route = routeResponse
		case "error":
			r.route = routeError
		default:
			return nil
		}
		r.allow = "POST"
		r.id = append(r.id[:0], p[:slash]...)
	}
	r.methodOK = string(method) == r.allow
	return nil
}

// readLine returns the next line without its CRLF (or bare LF), charging
// its length to budget. The line is valid until the next read.
func (rc *rconn) readLine(budget *int) ([]byte, error) {
	line, err := rc.br.ReadSlice('\n')
	if err == bufio.ErrBufferFull {
		rc.scratch = append(rc.scratch[:0], line...)
		for err == bufio.ErrBufferFull {
			if len(rc.scratch) > *budget {
				return nil, errTooLarge
			}
			line, err = rc.br.ReadSlice('\n')
			rc.scratch = append(rc.scratch, line...)
		}
		line = rc.scratch
	}
	if err != nil {
		if err == io.EOF && len(line) > 0 {
			return nil, io.ErrUnexpectedEOF
		}
		return nil, err
	}
	if *budget -= len(line); *budget < 0 {
		return nil, errTooLarge
	}
	line = line[:len(line)-1]
	if n := len(line); n > 0 && line[n-1] == '\r' {
		line = line[:n-1]
	}
	return line, nil
}

// splitHeader splits "Name: value" and trims the value's white space.
func splitHeader(line []byte) (name, value []byte, err error) {
	colon := bytes.IndexByte(line, ':')
	if colon <= 0 {
		return nil, nil, errBadRequest
	}
	name = line[:colon]
	for _, c := range name {
		if c <= ' ' || c >= 0x7f || c == '"' || c == '(' || c == ')' || c == ',' || c == '/' || c == ';' || c == '<' || c == '>' || c == '=' || c == '?' || c == '@' || c == '[' || c == '\\' || c == ']' || c == '{' || c == '}' {
			return nil, nil, errBadRequest // also rejects obsolete line folding
		}
	}
	value = line[colon+1:]
	for len(value) > 0 && (value[0] == ' ' || value[0] == '\t') {
		value = value[1:]
	}
	for len(value) > 0 && (value[len(value)-1] == ' ' || value[len(value)-1] == '\t') {
		value = value[:len(value)-1]
	}
	for _, c := range value {
		if c == 0 || c == '\r' || c == '\n' {
			return nil, nil, errBadRequest
		}
	}
	return name, value, nil
}

// readBody reads the request body, at most limit bytes. tooLarge is set
// (and nothing more read) when the body is longer; err is set when the
// stream broke or is malformed.
func (rc *rconn) readBody(limit int) (body []byte, tooLarge bool, err error) {
	r := &rc.req
	switch {
	case r.chunked:
		return rc.readChunked(limit)
	case r.contentLength > int64(limit):
		return nil, true, nil
	case r.contentLength > 0:
		rc.continue100()
		body = make([]byte, r.contentLength)
		if _, err := io.ReadFull(rc.br, body); err != nil {
			return nil, false, io.ErrUnexpectedEOF
		}
		return body, false, nil
	}
	return nil, false, nil
}

// continue100 answers Expect: 100-continue before the body is read.
func (rc *rconn) continue100() {
	if rc.req.expectContinue {
		rc.req.expectContinue = false
		_, _ = rc.c.Write([]byte("HTTP/1.1 100 Continue\r\n\r\n"))
	}
}

// readChunked reads a chunked body and its trailers.
func (rc *rconn) readChunked(limit int) (body []byte, tooLarge bool, err error) {
	rc.continue100()
	for {
		budget := maxChunkLine
		line, err := rc.readLine(&budget)
		if err != nil {
			return nil, false, chunkErr(err)
		}
		if semi := bytes.IndexByte(line, ';'); semi >= 0 {
			line = line[:semi]
		}
		for len(line) > 0 && (line[len(line)-1] == ' ' || line[len(line)-1] == '\t') {
			line = line[:len(line)-1]
		}
		size, ok := parseHex(line)
		if !ok {
			return nil, false, errBadRequest
		}
		if size == 0 {
			break
		}
		if size > int64(limit-len(body)) {
			return nil, true, nil
		}
		n := len(body)
		body = append(body, make([]byte, size)...)
		if _, err := io.ReadFull(rc.br, body[n:]); err != nil {
			return nil, false, io.ErrUnexpectedEOF
		}
		budget = 2
		if line, err := rc.readLine(&budget); err != nil || len(line) != 0 {
			return nil, false, chunkErr(err)
		}
	}
	budget := maxHeaderBytes
	for {
		line, err := rc.readLine(&budget)
		if err != nil {
			return nil, false, chunkErr(err)
		}
		if len(line) == 0 {
			return body, false, nil
		}
		name, value, err := splitHeader(line)
		if err != nil {
			return nil, false, err
		}
		switch {
		case equalFold(name, hdrErrorType):
			rc.req.trailerType = append(rc.req.trailerType[:0], value...)
		case equalFold(name, hdrErrorBody):
			rc.req.trailerBody = append(rc.req.trailerBody[:0], value...)
		}
	}
}

// chunkErr maps a read error inside a chunked body: a short stream is
// io.ErrUnexpectedEOF, anything else that is not an I/O error malformed.
func chunkErr(err error) error {
	switch {
	case err == nil, errors.Is(err, errTooLarge):
		return errBadRequest
	case err == io.EOF:
		return io.ErrUnexpectedEOF
	}
	return err
}

// handle answers the request in rc.req; it reports whether the connection
// stays open.
func (rc *rconn) handle() bool {
	r := &rc.req
	limit := maxPayload
	if r.route == routeUnknown || !r.methodOK || r.route == routeNext {
		limit = 64 << 10 // nothing to read there; a bigger body closes the connection
	}
	body, tooLarge, err := rc.readBody(limit)
	if errors.Is(err, errBadRequest) {
		rc.writeError(400, "Bad Request", "InvalidRequest", "malformed chunked body", true)
		return false
	}
	if err != nil && (r.route != routeResponse || !r.methodOK) {
		return false
	}
	switch {
	case r.route == routeUnknown:
		return rc.writeError(404, "Not Found", "InvalidURL", "no such Runtime API path", tooLarge || r.close)
	case !r.methodOK:
		return rc.writeError(405, "Method Not Allowed", "MethodNotAllowed", "use "+r.allow, tooLarge || r.close)
	case tooLarge && r.route == routeNext:
		return rc.writeError(413, "Request Entity Too Large", "RequestTooLarge", "unexpected body", true)
	case r.route == routeNext:
		return rc.next()
	case r.route == routeResponse:
		return rc.response(body, tooLarge, err)
	case r.route == routeError:
		return rc.invocationError(body, tooLarge)
	default:
		return rc.initError(body, tooLarge)
	}
}

// next ends the previous invocation (one the runtime never answered becomes
// a function error) and hands the runtime the pending invocation, or
// registers it as waiting for one.
func (rc *rconn) next() bool {
	sb := rc.sb
	sb.readyOnce.Do(func() { close(sb.ready) })
	sb.mu.Lock()
	prev := sb.current
	sb.current = nil
	inv := sb.pending
	if inv != nil {
		sb.pending = nil
		sb.current, sb.lastID = inv, inv.id
	} else {
		sb.waiters = append(sb.waiters, rc)
		sb.waiting.Store(true)
		rc.outstanding = true
	}
	sb.mu.Unlock()
	if prev != nil {
		prev.finish(result{functionError: true,
			payload: errorDocument("Runtime.NoResponse", "RequestId: "+prev.id+" Error: runtime asked for the next event without answering this one")})
	}
	if inv != nil {
		err := sb.sendEvent(rc, inv)
		sb.took <- err
		return err == nil && !rc.req.close
	}
	return true
}

// response records the function's result.
func (rc *rconn) response(body []byte, tooLarge bool, readErr error) bool {
	r := &rc.req
	inv := rc.sb.take(r.id)
	if inv == nil {
		return rc.writeError(400, "Bad Request", "InvalidRequestID", "Invalid request ID", tooLarge || readErr != nil || r.close)
	}
	switch {
	case readErr != nil:
		inv.finish(result{functionError: true,
			payload: errorDocument("Runtime.TruncatedResponse", "RequestId: "+inv.id+" Error: reading the response: "+readErr.Error())})
		return false
	case tooLarge:
		inv.finish(result{functionError: true, payload: errorDocument("Function.ResponseSizeTooLarge",
			"Response payload size exceeded maximum allowed payload size ("+strconv.Itoa(maxPayload)+" bytes).")})
		return rc.writeError(413, "Request Entity Too Large", "Function.ResponseSizeTooLarge", "response too large", true)
	case len(r.trailerType) > 0:
		// A streamed response that failed midway reports the error in
		// trailers (aws-lambda-go does this when its io.Reader fails).
		doc, _ := base64.StdEncoding.DecodeString(string(r.trailerBody))
		inv.finish(result{functionError: true, payload: errorPayload(doc, string(r.trailerType))})
	default:
		if body == nil {
			body = []byte{}
		}
		inv.finish(result{payload: body})
	}
	// The caller, just made runnable on this P, would otherwise wait
	// until this goroutine has written the 202 and blocked reading ahead;
	// yielding lets it return the answer first.
	runtime.Gosched()
	return rc.writeAccepted()
}

// invocationError records a function error, reported by the runtime as
// {"errorMessage","errorType","stackTrace"}.
func (rc *rconn) invocationError(body []byte, tooLarge bool) bool {
	r := &rc.req
	inv := rc.sb.take(r.id)
	if inv == nil {
		return rc.writeError(400, "Bad Request", "InvalidRequestID", "Invalid request ID", tooLarge || r.close)
	}
	if tooLarge {
		inv.finish(result{functionError: true, payload: errorPayload(nil, string(r.errorType))})
		return rc.writeError(413, "Request Entity Too Large", "RequestTooLarge", "error document too large", true)
	}
	inv.finish(result{functionError: true, payload: errorPayload(body, string(r.errorType))})
	runtime.Gosched() // as in response
	return rc.writeAccepted()
}

// initError records that the runtime failed to initialise. It is only
// valid before the first GET .../next.
func (rc *rconn) initError(body []byte, tooLarge bool) bool {
	sb := rc.sb
	select {
	case <-sb.ready:
		return rc.writeError(403, "Forbidden", "InvalidStateTransition", "init error after init", tooLarge || rc.req.close)
	default:
	}
	var doc struct {
		Message string `json:"errorMessage"`
		Type    string `json:"errorType"`
	}
	_ = json.Unmarshal(body, &doc)
	if doc.Type == "" {
		doc.Type = string(rc.req.errorType)
	}
	msg := doc.Type
	if doc.Message != "" {
		msg += ": " + doc.Message
	}
	if msg == "" {
		msg = "init error reported without details"
	}
	var reported []byte
	if doc.Type != "" && len(body) > 0 && body[0] == '{' && json.Valid(body) {
		reported = body
	}
	sb.initOnce.Do(func() {
		sb.initMsg = msg
		sb.initDoc = reported
		close(sb.initErr)
	})
	if tooLarge {
		return rc.writeError(413, "Request Entity Too Large", "RequestTooLarge", "error document too large", true)
	}
	return rc.writeAccepted()
}

// Lambda's answer to a runtime's report, kept open or closing.
const (
	accepted      = "HTTP/1.1 202 Accepted\r\nContent-Type: application/json\r\nContent-Length: 15\r\n\r\n{\"status\":\"OK\"}"
	acceptedClose = "HTTP/1.1 202 Accepted\r\nContent-Type: application/json\r\nContent-Length: 15\r\nConnection: close\r\n\r\n{\"status\":\"OK\"}"
)

// writeAccepted answers 202; it reports whether the connection stays open.
func (rc *rconn) writeAccepted() bool {
	if rc.req.close {
		rc.linger = true
		_, _ = io.WriteString(rc.c, acceptedClose)
		return false
	}
	_, err := io.WriteString(rc.c, accepted)
	return err == nil
}

// writeError answers a bad request with Lambda's error document; it reports
// whether the connection stays open (not when closing).
func (rc *rconn) writeError(status int, reason, typ, msg string, closing bool) bool {
	doc := errorDocument(typ, msg)
	b := append(rc.wbuf[:0], "HTTP/1.1 "...)
	b = strconv.AppendInt(b, int64(status), 10)
	b = append(b, ' ')
	b = append(b, reason...)
	b = append(b, "\r\nContent-Type: application/json\r\nContent-Length: "...)
	b = strconv.AppendInt(b, int64(len(doc)), 10)
	if status == 405 && rc.req.allow != "" {
		b = append(b, "\r\nAllow: "...)
		b = append(b, rc.req.allow...)
	}
	if closing {
		rc.linger = true
		b = append(b, "\r\nConnection: close"...)
	}
	b = append(b, "\r\n\r\n"...)
	b = append(b, doc...)
	rc.wbuf = b
	_, err := rc.c.Write(b)
	return err == nil && !closing
}

// sendEvent writes inv as the answer to rc's pending GET .../next, and
// signals rc's reading goroutine that it is out. On failure inv is no
// longer the sandbox's current invocation and the error is
// errNotDelivered.
func (sb *sandbox) sendEvent(rc *rconn, inv *invocation) error {
	b := append(rc.ebuf[:0], "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"...)
	b = appendHeader(b, hdrRequestID, inv.id)
	b = append(b, hdrDeadline+": "...)
	b = strconv.AppendInt(b, inv.deadline.UnixMilli(), 10)
	b = append(b, "\r\n"...)
	b = appendHeader(b, hdrFunctionARN, inv.arn)
	b = appendHeader(b, hdrTraceID, inv.traceID)
	if inv.clientContext != "" {
		b = appendHeader(b, hdrClientContext, inv.clientContext)
	}
	if inv.cognitoIdentity != "" {
		b = appendHeader(b, hdrCognitoIdentity, inv.cognitoIdentity)
	}
	b = append(b, "Content-Length: "...)
	b = strconv.AppendInt(b, int64(len(inv.payload)), 10)
	b = append(b, "\r\n\r\n"...)
	var err error
	if len(inv.payload) <= inlineEvent {
		b = append(b, inv.payload...)
		_, err = rc.c.Write(b)
	} else {
		bufs := net.Buffers{b, inv.payload}
		_, err = bufs.WriteTo(rc.c)
	}
	if cap(b) <= 2*inlineEvent {
		rc.ebuf = b[:0]
	}
	select {
	case rc.sent <- struct{}{}:
	default:
	}
	if err != nil {
		sb.mu.Lock()
		if sb.current == inv {
			sb.current = nil
		}
		sb.mu.Unlock()
		return errNotDelivered
	}
	return nil
}

// appendHeader appends "name: value\r\n"; line breaks in value become
// spaces, so a value cannot start another header.
func appendHeader(b []byte, name, value string) []byte {
	b = append(b, name...)
	b = append(b, ':', ' ')
	for i := 0; i < len(value); i++ {
		c := value[i]
		if c == '\r' || c == '\n' {
			c = ' '
		}
		b = append(b, c)
	}
	return append(b, '\r', '\n')
}

// take returns the invocation in progress if its id is id, and clears it.
func (sb *sandbox) take(id []byte) *invocation {
	sb.mu.Lock()
	defer sb.mu.Unlock()
	inv := sb.current
	if inv == nil || inv.id != string(id) {
		return nil
	}
	sb.current = nil
	return inv
}

// errorPayload returns body if it is a JSON document, else Lambda's error
// document built from the error type header and the raw text.
func errorPayload(body []byte, typ string) []byte {
	if len(body) > 0 && json.Valid(body) {
		return body
	}
	if typ == "" {
		typ = "Unhandled"
	}
	return errorDocument(typ, string(body))
}

// equalFold reports whether b equals the ASCII string s, ignoring case.
func equalFold(b []byte, s string) bool {
	if len(b) != len(s) {
		return false
	}
	for i := range len(b) {
		x, y := b[i], s[i]
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

// containsTokenFold reports whether the comma-separated list v holds tok.
func containsTokenFold(v []byte, tok string) bool {
	for len(v) > 0 {
		i := bytes.IndexByte(v, ',')
		item := v
		if i >= 0 {
			item, v = v[:i], v[i+1:]
		} else {
			v = nil
		}
		for len(item) > 0 && (item[0] == ' ' || item[0] == '\t') {
			item = item[1:]
		}
		for len(item) > 0 && (item[len(item)-1] == ' ' || item[len(item)-1] == '\t') {
			item = item[:len(item)-1]
		}
		if equalFold(item, tok) {
			return true
		}
	}
	return false
}

// parseDecimal parses a Content-Length value (digits only, no sign).
func parseDecimal(b []byte) (int64, bool) {
	if len(b) == 0 || len(b) > 18 {
		return 0, false
	}
	var n int64
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int64(c-'0')
	}
	return n, true
}

// parseHex parses a chunk size.
func parseHex(b []byte) (int64, bool) {
	if len(b) == 0 || len(b) > 15 {
		return 0, false
	}
	var n int64
	for _, c := range b {
		switch {
		case '0' <= c && c <= '9':
			c -= '0'
		case 'a' <= c && c <= 'f':
			c -= 'a' - 10
		case 'A' <= c && c <= 'F':
			c -= 'A' - 10
		default:
			return 0, false
		}
		n = n<<4 | int64(c)
	}
	return n, true
}
