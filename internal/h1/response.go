package h1

import (
	"fmt"
	"io"
	"net/http"
	"net/textproto"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"golang.org/x/net/http/httpguts"
)

// bufferBeforeChunking is how much of an answer is held before its header
// is sent: an answer the handler completes within it gets a Content-Length
// (net/http's figure).
const bufferBeforeChunking = 2048

// response is the http.ResponseWriter of one request. The header block is
// laid out when WriteHeader is called (later changes to the map are not
// sent, as in net/http) and sent with the first part of the body.
type response struct {
	c      *conn
	req    *http.Request
	body   *body
	header http.Header

	wroteHeader, committed, handlerDone bool
	status                              int
	contentLength, written              int64
	chunking, closeAfterReply           bool
	wants10KeepAlive, wantsClose        bool
	canWriteContinue, bodyLimitHit      bool

	// What the commit decides from, read from the header at WriteHeader.
	te, connection, clValue                        string
	hasCL, hasType, hasEncoding, hasDate, trailers bool
	protocolSwitch                                 bool
	// The header block laid out at WriteHeader: status line and the
	// handler's lines, with the spans of the lines the commit may drop.
	head                               []byte
	spanCL, spanTE, spanConn, spanType span
	pend                               []byte // body bytes held before the commit (in conn.pendArr)
}

// span is a range of response.head (the lines of one header name).
type span struct{ from, to int }

func (w *response) Header() http.Header { return w.header }

func (w *response) WriteHeader(code int) {
	if w.wroteHeader {
		w.c.srv.logf("http: superfluous response.WriteHeader call")
		return
	}
	if code < 100 || code > 999 {
		panic(fmt.Sprintf("invalid WriteHeader code %v", code))
	}
	if code < 101 || code > 199 {
		w.canWriteContinue = false
	}
	if code >= 100 && code <= 199 && code != http.StatusSwitchingProtocols {
		// An informational answer leaves at once; the final one follows.
		c := w.c
		c.out = appendStatusLine(c.out, w.req.ProtoAtLeast(1, 1), code)
		c.out, _, _, _, _ = appendHeader(c.out, w.header, true)
		c.out = append(c.out, "\r\n"...)
		c.flush()
		return
	}
	w.wroteHeader = true
	w.status = code
	h := w.header
	// What the commit decides from, and the header block, are taken as
	// the map is now (net/http works on a copy taken here; an invalid
	// Content-Length is only removed from the handler's map).
	_, w.hasCL = h["Content-Length"]
	w.clValue = first(h, "Content-Length")
	w.te = first(h, "Transfer-Encoding")
	w.connection = first(h, "Connection")
	_, w.hasType = h["Content-Type"]
	w.hasEncoding = first(h, "Content-Encoding") != ""
	_, w.hasDate = h["Date"]
	w.trailers = len(h["Trailer"]) > 0
	for k := range h {
		if strings.HasPrefix(k, http.TrailerPrefix) {
			w.trailers = true
		}
	}
	w.protocolSwitch = code == http.StatusSwitchingProtocols && first(h, "Upgrade") != "" &&
		httpguts.HeaderValuesContainsToken(h["Connection"], "Upgrade")
	w.head = appendStatusLine(w.c.out[:0], w.req.ProtoAtLeast(1, 1), code)
	w.head, w.spanCL, w.spanTE, w.spanConn, w.spanType = appendHeader(w.head, h, false)
	if cl := w.clValue; cl != "" {
		v, err := strconv.ParseInt(cl, 10, 64)
		if err == nil && v >= 0 {
			w.contentLength = v
		} else {
			w.c.srv.logf("http: invalid Content-Length of %q", cl)
			delete(h, "Content-Length")
		}
	}
	w.c.out = w.head[:0]
}

// first is h's first value for the canonical key k.
func first(h http.Header, k string) string {
	if v := h[k]; len(v) > 0 {
		return v[0]
	}
	return ""
}

func appendStatusLine(b []byte, is11 bool, code int) []byte {
	if is11 {
		b = append(b, "HTTP/1.1 "...)
	} else {
		b = append(b, "HTTP/1.0 "...)
	}
	if text := http.StatusText(code); text != "" {
		b = strconv.AppendInt(b, int64(code), 10)
		b = append(b, ' ')
		b = append(b, text...)
		return append(b, "\r\n"...)
	}
	return fmt.Appendf(b, "%03d status code %d\r\n", code, code)
}

// appendHeader lays out h sorted by name, as net/http writes it: names
// that are not valid tokens and trailer keys are left out, line breaks in
// values become spaces and values are trimmed. With noBody, Content-Length
// and Transfer-Encoding are left out (an informational answer).
func appendHeader(b []byte, h http.Header, noBody bool) (out []byte, cl, te, conn, ctype span) {
	var arr [24]string
	keys := arr[:0]
	for k := range h {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		if !httpguts.ValidHeaderFieldName(k) || strings.HasPrefix(k, http.TrailerPrefix) {
			continue
		}
		if noBody && (k == "Content-Length" || k == "Transfer-Encoding") {
			continue
		}
		from := len(b)
		for _, v := range h[k] {
			if strings.ContainsAny(v, "\r\n") {
				v = strings.NewReplacer("\n", " ", "\r", " ").Replace(v)
			}
			v = textproto.TrimString(v)
			b = append(b, k...)
			b = append(b, ": "...)
			b = append(b, v...)
			b = append(b, "\r\n"...)
		}
		switch k {
		case "Content-Length":
			cl = span{from, len(b)}
		case "Transfer-Encoding":
			te = span{from, len(b)}
		case "Connection":
			conn = span{from, len(b)}
		case "Content-Type":
			ctype = span{from, len(b)}
		}
	}
	return b, cl, te, conn, ctype
}

func bodyAllowedForStatus(status int) bool {
	switch {
	case status >= 100 && status <= 199, status == 204, status == 304:
		return false
	}
	return true
}

func (w *response) Write(p []byte) (int, error) { return w.write(p, "") }

func (w *response) WriteString(s string) (int, error) { return w.write(nil, s) }

func (w *response) write(p []byte, s string) (int, error) {
	w.canWriteContinue = false
	if !w.wroteHeader {
		w.WriteHeader(http.StatusOK)
	}
	n := len(p) + len(s)
	if n == 0 {
		return 0, nil
	}
	if !bodyAllowedForStatus(w.status) {
		return 0, http.ErrBodyNotAllowed
	}
	w.written += int64(n)
	if w.contentLength != -1 && w.written > w.contentLength {
		return 0, http.ErrContentLength
	}
	// The body passes through w.pend as through net/http's 2 KiB
	// bufio.Writer, so the answer's first part (what the header is decided
	// from) and its chunks are the ones net/http would send.
	if w.pend == nil {
		w.pend = w.c.pendArr[:0]
	}
	for len(s) > cap(w.pend)-len(w.pend) {
		// bufio.Writer.WriteString fills the buffer piece by piece (the
		// writer under it takes no strings).
		k := copy(w.pend[len(w.pend):cap(w.pend)], s)
		w.pend, s = w.pend[:len(w.pend)+k], s[k:]
		if err := w.emit(w.pend); err != nil {
			return 0, err
		}
		w.pend = w.pend[:0]
	}
	if s != "" {
		w.pend = append(w.pend, s...)
		return n, nil
	}
	for len(p) > cap(w.pend)-len(w.pend) {
		if len(w.pend) == 0 {
			if err := w.emit(p); err != nil {
				return 0, err
			}
			return n, nil
		}
		k := copy(w.pend[len(w.pend):cap(w.pend)], p)
		w.pend, p = w.pend[:len(w.pend)+k], p[k:]
		if err := w.emit(w.pend); err != nil {
			return 0, err
		}
		w.pend = w.pend[:0]
	}
	w.pend = append(w.pend, p...)
	return n, nil
}

// emit sends a part of the body, the header first if it has not left.
func (w *response) emit(p []byte) error {
	if !w.committed {
		w.commit(p)
	}
	return w.sendBody(p)
}

// drain emits what w.pend holds (the header at least).
func (w *response) drain() error {
	if len(w.pend) == 0 {
		if !w.committed {
			w.commit(nil)
		}
		return w.c.werr
	}
	err := w.emit(w.pend)
	w.pend = w.pend[:0]
	return err
}

// sendBody writes a part of the body (framed as a chunk when chunking).
func (w *response) sendBody(p []byte) error {
	c := w.c
	if w.req.Method == "HEAD" || len(p) == 0 {
		return c.werr
	}
	if w.chunking {
		c.out = strconv.AppendInt(c.out, int64(len(p)), 16)
		c.out = append(c.out, "\r\n"...)
	}
	c.writeBytes(p)
	if w.chunking {
		c.out = append(c.out, "\r\n"...)
	}
	return c.werr
}

// commit decides the framing and lays the header block into the
// connection's buffer, as net/http's chunkWriter.writeHeader does; p is
// the start of the body (all of it when the handler is done).
func (w *response) commit(p []byte) {
	w.committed = true
	req := w.req
	isHEAD := req.Method == "HEAD"
	var dropCL, dropTE, dropConn, dropType bool
	var setCL int64 = -1
	var setType, setConn, setTE string

	hasTE := w.te != ""
	if w.handlerDone && !w.trailers && !hasTE && bodyAllowedForStatus(w.status) && !w.hasCL && (!isHEAD || len(p) > 0) {
		w.contentLength = int64(len(p))
		setCL = w.contentLength
	}
	if w.wants10KeepAlive && w.clValue != "" && w.connection == "keep-alive" {
		w.closeAfterReply = false
	}
	hasCL := w.contentLength != -1
	if w.wants10KeepAlive && (isHEAD || hasCL || !bodyAllowedForStatus(w.status)) {
		if w.spanConn == (span{}) {
			setConn = "keep-alive"
		}
	} else if !req.ProtoAtLeast(1, 1) || w.wantsClose {
		w.closeAfterReply = true
	}
	if w.connection == "close" {
		w.closeAfterReply = true
	}
	if b := w.body; b != nil && b.continueFirst && !b.sawEOF {
		w.closeAfterReply = true
	}
	if req.ContentLength != 0 && !w.closeAfterReply {
		w.settleBody(&dropConn, &setConn)
	}
	code := w.status
	if bodyAllowedForStatus(code) {
		if !w.hasEncoding && !w.hasType && !hasTE && len(p) > 0 {
			setType = http.DetectContentType(p)
		}
	} else {
		dropCL, dropTE = true, true
		if code == http.StatusNotModified {
			dropType = true
		}
	}
	if hasCL && hasTE && w.te != "identity" {
		w.c.srv.logf("http: WriteHeader called with both Transfer-Encoding of %q and a Content-Length of %d", w.te, w.contentLength)
		dropCL, hasCL = true, false
	}
	switch {
	case isHEAD || !bodyAllowedForStatus(code) || code == http.StatusNoContent:
		dropTE = true
	case hasCL:
		dropTE = true
	case req.ProtoAtLeast(1, 1):
		if hasTE && w.te == "identity" {
			w.chunking = false
			w.closeAfterReply = true
			dropTE = true
		} else {
			w.chunking = true
			setTE = "chunked"
			if hasTE && w.te == "chunked" {
				dropTE = true
			}
		}
	default:
		w.closeAfterReply = true
		dropTE = true
	}
	if w.chunking {
		dropCL = true
	}
	if w.closeAfterReply && !hasToken(w.connection, "close") && !w.protocolSwitch {
		dropConn = true
		if req.ProtoAtLeast(1, 1) {
			setConn = "close"
		}
	}

	// Lay out: status line and kept header lines, then net/http's extra
	// lines in its order (Date, Content-Length, Content-Type, Connection,
	// Transfer-Encoding) and the blank line.
	c := w.c
	out := w.head
	spans := [4]struct {
		s    span
		drop bool
	}{{w.spanCL, dropCL}, {w.spanTE, dropTE}, {w.spanConn, dropConn}, {w.spanType, dropType}}
	// Cut dropped spans from the end so earlier offsets stay valid.
	slices.SortFunc(spans[:], func(a, b struct {
		s    span
		drop bool
	}) int {
		return b.s.from - a.s.from
	})
	for _, sp := range spans {
		if sp.drop && sp.s.to > sp.s.from {
			out = append(out[:sp.s.from], out[sp.s.to:]...)
		}
	}
	if !w.hasDate {
		out = append(out, "Date: "...)
		out = appendDate(out)
		out = append(out, "\r\n"...)
	}
	if setCL >= 0 {
		out = append(out, "Content-Length: "...)
		out = strconv.AppendInt(out, setCL, 10)
		out = append(out, "\r\n"...)
	}
	for _, kv := range [3][2]string{{"Content-Type", setType}, {"Connection", setConn}, {"Transfer-Encoding", setTE}} {
		if kv[1] != "" {
			out = append(out, kv[0]...)
			out = append(out, ": "...)
			out = append(out, kv[1]...)
			out = append(out, "\r\n"...)
		}
	}
	c.out = append(out, "\r\n"...)
	w.head = nil
}

// settleBody deals with a request body the handler did not finish before
// the answer's header leaves: a small rest is read and dropped so the
// connection can carry the next request, a large one closes it.
func (w *response) settleBody(dropConn *bool, setConn *string) {
	b := w.body
	var discard, tooBig bool
	switch {
	case b == nil:
		discard = false
	case b.continueFirst:
		// here only when the body was read to its end
	case b.closed:
		if !b.sawEOF {
			w.closeAfterReply = true
		}
	case b.declared >= 0 && b.declared-b.n >= maxPostHandlerReadBytes:
		tooBig = true
	default:
		discard = true
	}
	if discard {
		_, err := io.CopyN(io.Discard, readerFunc(b.readRaw), maxPostHandlerReadBytes+1)
		switch err {
		case nil:
			tooBig = true
		case http.ErrBodyReadAfterClose:
			// The body closed itself (a broken chunked trailer) before
			// its end.
			w.closeAfterReply = true
		case io.EOF:
			b.closed = true
		default:
			w.closeAfterReply = true
		}
	}
	if tooBig {
		w.closeAfterReply = true
		w.bodyLimitHit = true
		*dropConn = true
		*setConn = "close"
	}
}

type readerFunc func([]byte) (int, error)

func (f readerFunc) Read(p []byte) (int, error) { return f(p) }

// Flush sends what is held; the header goes out first if it has not.
func (w *response) Flush() { _ = w.FlushError() }

// FlushError is Flush for http.ResponseController.
func (w *response) FlushError() error {
	if !w.wroteHeader {
		w.WriteHeader(http.StatusOK)
	}
	if err := w.drain(); err != nil {
		return err
	}
	w.c.flush()
	return w.c.werr
}

// SetReadDeadline and SetWriteDeadline serve http.ResponseController.
func (w *response) SetReadDeadline(t time.Time) error {
	w.c.src.setDeadline(t)
	return nil
}
func (w *response) SetWriteDeadline(t time.Time) error { return w.c.setWriteDeadline(t) }

// setWriteDeadline applies a handler's write deadline t with a little
// slack: a deadline already set that falls no earlier than t and at most
// 1/32 of t's distance after it is kept, and a new one is set that much
// later than t. A handler that sets the same write timeout on every answer
// (Portico's sets 30 s) then moves the socket's timer about once a second
// on a busy connection rather than twice per answer. The deadline binds
// only the answer of the request whose handler set it: the next answer
// clears it before its first write unless its handler sets one too
// (clearStaleWriteDeadline).
func (c *conn) setWriteDeadline(t time.Time) error {
	c.wdlSet = true
	if t.IsZero() {
		if c.wdl.IsZero() {
			return nil
		}
		c.wdl = time.Time{}
		return c.rwc.SetWriteDeadline(t)
	}
	slack := max(time.Until(t)/32, 0)
	if !c.wdl.IsZero() && !c.wdl.Before(t) && c.wdl.Sub(t) <= slack {
		return nil
	}
	if err := c.rwc.SetWriteDeadline(t.Add(slack)); err != nil {
		return err
	}
	c.wdl = t.Add(slack)
	return nil
}

// clearStaleWriteDeadline lifts a write deadline an earlier request's
// handler set, before the first write of an answer whose handler set none.
func (c *conn) clearStaleWriteDeadline() {
	if !c.wdlSet && !c.wdl.IsZero() {
		c.wdl = time.Time{}
		c.rwc.SetWriteDeadline(time.Time{})
	}
}

// finishRequest completes the answer after the handler returned.
func (w *response) finishRequest() {
	w.handlerDone = true
	if !w.wroteHeader {
		w.WriteHeader(http.StatusOK)
	}
	_ = w.drain()
	if w.chunking {
		w.c.out = append(w.c.out, "0\r\n\r\n"...)
	}
	w.c.flush()
	if w.body != nil {
		w.body.Close()
	}
}

func (w *response) shouldReuseConnection() bool {
	if w.closeAfterReply {
		return false
	}
	if w.req.Method != "HEAD" && w.contentLength != -1 && bodyAllowedForStatus(w.status) && w.contentLength != w.written {
		return false // the handler wrote less than it declared
	}
	if w.c.werr != nil {
		return false
	}
	return w.body == nil || !w.body.earlyClose
}

// writeBytes queues p, writing the queue and p together (one writev) when
// they do not fit in the buffer.
func (c *conn) writeBytes(p []byte) {
	if c.werr != nil {
		return
	}
	if len(c.out)+len(p) <= cap(c.out) {
		c.out = append(c.out, p...)
		return
	}
	c.clearStaleWriteDeadline()
	var err error
	if len(c.out) == 0 {
		_, err = c.rwc.Write(p)
	} else {
		c.vec = append(c.vec[:0], c.out, p)
		_, err = c.vec.WriteTo(c.rwc)
		c.out = c.out[:0]
	}
	if err != nil {
		c.werr = err
		c.rwc.Close()
	}
}

// flush writes what is queued.
func (c *conn) flush() {
	if len(c.out) == 0 || c.werr != nil {
		c.out = c.out[:0]
		return
	}
	c.clearStaleWriteDeadline()
	_, err := c.rwc.Write(c.out)
	c.out = c.out[:0]
	if err != nil {
		c.werr = err
		c.rwc.Close()
	}
}

// dateCache holds the Date header value of the current second.
type dateValue struct {
	sec int64
	b   []byte
}

var dateCache atomic.Pointer[dateValue]

func appendDate(b []byte) []byte {
	now := time.Now()
	sec := now.Unix()
	if d := dateCache.Load(); d != nil && d.sec == sec {
		return append(b, d.b...)
	}
	d := &dateValue{sec: sec, b: now.UTC().AppendFormat(nil, http.TimeFormat)}
	dateCache.Store(d)
	return append(b, d.b...)
}

// body is a request body as the handler reads it: it sends 100 Continue
// before the first read when the client asked for it, and counts what was
// read so the server knows whether the rest can be drained.
type body struct {
	r        io.ReadCloser
	w        *response
	declared int64 // Content-Length, -1 for chunked
	n        int64

	sawEOF, closed, earlyClose bool
	continueFirst              bool
}

func (b *body) Read(p []byte) (int, error) {
	if b.closed {
		return 0, http.ErrBodyReadAfterClose
	}
	if b.continueFirst && b.w.canWriteContinue {
		b.w.canWriteContinue = false
		c := b.w.c
		c.out = append(c.out, "HTTP/1.1 100 Continue\r\n\r\n"...)
		c.flush()
	}
	return b.readRaw(p)
}

func (b *body) readRaw(p []byte) (int, error) {
	if b.closed {
		return 0, http.ErrBodyReadAfterClose
	}
	n, err := b.r.Read(p)
	b.n += int64(n)
	if err == io.EOF || err == io.ErrUnexpectedEOF && b.declared >= 0 {
		// (a body of declared length cut short has reached its end too:
		// net/http's body says so and the connection may be kept)
		b.sawEOF = true
	}
	return n, err
}

// Close ends the handler's reading. As net/http's server does, up to
// 256 KiB of an unread rest are drained so the connection can be kept;
// beyond that the connection is closed after the answer.
func (b *body) Close() error {
	if b.closed {
		return nil
	}
	var err error
	switch {
	case b.sawEOF:
	case b.declared >= 0 && b.declared-b.n > maxPostHandlerReadBytes:
		b.earlyClose = true
	default:
		var n int64
		n, err = io.CopyN(io.Discard, readerFunc(b.readRaw), maxPostHandlerReadBytes)
		if err == io.EOF {
			err = nil
		}
		if n == maxPostHandlerReadBytes {
			b.earlyClose = true
		}
	}
	b.closed = true
	return err
}
