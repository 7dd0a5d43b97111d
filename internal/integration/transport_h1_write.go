package integration

import (
	"bufio"
	"bytes"
	"io"
	"net/http"
	"net/http/httptrace"
	"net/textproto"
	"reflect"
	"slices"
	"strconv"
	"strings"

	"golang.org/x/net/http/httpguts"
)

// h1WriteRequest writes req as (*http.Request).Write would, byte for
// byte, without its per-request allocations (fmt for the request line,
// the transfer writer, the body's io.LimitReader) for the common request
// of the HTTP/1.1 path: no body, or a body held in memory
// (bytes.Reader or strings.Reader, bare or in io.NopCloser, as
// http.NewRequest makes them) whose remaining length is its
// ContentLength and which fits in bw's free space with the head, so
// that no write can fail before the caller's Flush. It returns false,
// having written nothing, for anything else, which the caller sends with
// req.Write. req must be h1Eligible (valid header names and values, no
// Transfer-Encoding, Trailer or Close, a known length).
//
// The rules are net/http's (Go's src/net/http/request.go, write, and
// transfer.go, transferWriter): the request line with the method (GET
// when empty) and URL.RequestURI; Host (the Host field, else the URL's,
// emptied when not a valid Host header, an IPv6 zone removed); User-Agent
// (the header's first value, which may be empty to send none, else Go's
// default); Content-Length when the length is not zero or the method is
// POST, PUT or PATCH; then the other header fields sorted by name, each
// value trimmed of surrounding white space; then the body.
func h1WriteRequest(bw *bufio.Writer, req *http.Request) bool {
	u := req.URL
	if u.Opaque != "" || req.Method == "CONNECT" {
		return false
	}
	body, n, ok := h1InMemoryBody(req.Body)
	if !ok || body != nil && (n == 0 || n != req.ContentLength) {
		return false // a length req.Write would send differently or refuse
	}
	if httptrace.ContextClientTrace(req.Context()) != nil {
		return false // its callbacks are req.Write's
	}
	host := req.Host
	if host == "" {
		host = u.Host
	}
	// h1Eligible refused non-ASCII hosts, which net/http would convert to
	// punycode first.
	if !httpguts.ValidHostHeader(host) {
		host = ""
	}
	host, zoned := h1RemoveZone(host)
	path := u.EscapedPath()
	if path == "" {
		path = "/"
	}
	query := u.ForceQuery || u.RawQuery != ""
	if h1HasCTL(path) || query && h1HasCTL(u.RawQuery) {
		return false // req.Write's error
	}
	method := req.Method
	if method == "" {
		method = http.MethodGet
	}
	// net/http sends none when the value is empty, and trims it after
	// that test: a value of white space sends an empty field.
	userAgent := h1DefaultUserAgent
	if vs, ok := req.Header["User-Agent"]; ok {
		userAgent = ""
		if len(vs) > 0 {
			userAgent = vs[0]
		}
	}
	sendLength := n > 0 || method == http.MethodPost || method == http.MethodPut || method == http.MethodPatch

	// The header fields but the excluded ones, sorted by name (as
	// Header.writeSubset with reqWriteExcludeHeader).
	var keysArr [24]string
	keys := keysArr[:0]
	// An upper bound of the bytes written: the fixed parts take 75.
	size := len(method) + len(path) + len(u.RawQuery) + len(host) + len(userAgent) + 80
	for k, vs := range req.Header {
		switch k {
		case "Host", "User-Agent", "Content-Length", "Transfer-Encoding", "Trailer":
			continue
		}
		keys = append(keys, k)
		for _, v := range vs {
			size += len(k) + len(v) + 4
		}
	}
	if size+int(n) > bw.Available() || zoned {
		return false
	}
	slices.Sort(keys)

	bw.WriteString(method)
	bw.WriteByte(' ')
	bw.WriteString(path)
	if query {
		bw.WriteByte('?')
		bw.WriteString(u.RawQuery)
	}
	bw.WriteString(" HTTP/1.1\r\nHost: ")
	bw.WriteString(host)
	bw.WriteString("\r\n")
	if userAgent != "" {
		bw.WriteString("User-Agent: ")
		bw.WriteString(textproto.TrimString(userAgent))
		bw.WriteString("\r\n")
	}
	if sendLength {
		bw.WriteString("Content-Length: ")
		bw.Write(strconv.AppendInt(bw.AvailableBuffer(), n, 10))
		bw.WriteString("\r\n")
	}
	for _, k := range keys {
		for _, v := range req.Header[k] {
			bw.WriteString(k)
			bw.WriteString(": ")
			bw.WriteString(textproto.TrimString(v))
			bw.WriteString("\r\n")
		}
	}
	bw.WriteString("\r\n")
	if body != nil {
		_, _ = body.WriteTo(bw) // fits in bw's free space: cannot fail
	}
	if req.Body != nil {
		_ = req.Body.Close() // as req.Write; the in-memory bodies' Close does nothing
	}
	return true
}

// h1DefaultUserAgent is net/http's User-Agent when the header has none.
const h1DefaultUserAgent = "Go-http-client/1.1"

// h1InMemoryBody returns the reader of a body held in memory and how many
// bytes it has left: nil and 0 for no body (nil or http.NoBody), ok false
// for a body of another kind.
func h1InMemoryBody(rc io.ReadCloser) (io.WriterTo, int64, bool) {
	if rc == nil || rc == http.NoBody {
		return nil, 0, true
	}
	var r io.Reader = rc
	switch reflect.TypeOf(rc) {
	case h1NopCloserType, h1NopCloserWriterToType:
		// io.NopCloser's own types, as net/http unwraps them
		// (transfer.go, unwrapNopCloser).
		r = reflect.ValueOf(rc).Field(0).Interface().(io.Reader)
	}
	switch b := r.(type) {
	case *bytes.Reader:
		return b, int64(b.Len()), true
	case *strings.Reader:
		return b, int64(b.Len()), true
	}
	return nil, 0, false
}

var (
	h1NopCloserType         = reflect.TypeOf(io.NopCloser(nil))
	h1NopCloserWriterToType = reflect.TypeOf(io.NopCloser(struct {
		io.Reader
		io.WriterTo
	}{}))
)

// h1RemoveZone is net/http's removeZone (request.go): an IPv6 zone is
// not sent (RFC 6874). zoned reports that one was found; the caller then
// leaves the request to req.Write rather than allocate.
func h1RemoveZone(host string) (string, bool) {
	if !strings.HasPrefix(host, "[") {
		return host, false
	}
	i := strings.LastIndex(host, "]")
	if i < 0 {
		return host, false
	}
	if strings.LastIndex(host[:i], "%") < 0 {
		return host, false
	}
	return host, true
}

// h1HasCTL is net/http's stringContainsCTLByte.
func h1HasCTL(s string) bool {
	for i := 0; i < len(s); i++ {
		if b := s[i]; b < ' ' || b == 0x7f {
			return true
		}
	}
	return false
}
