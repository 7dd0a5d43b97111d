package httpserver

import (
	"io"
	"net/http"
)

// goHeaderSlack is what net/http adds to http.Server.MaxHeaderBytes before
// it stops reading a request's header block (its bufio allowance).
const goHeaderSlack = 4096

// ServerMaxHeaderBytes is the http.Server.MaxHeaderBytes value that makes
// net/http stop reading a header block at exactly limit bytes: the request
// line, every header line and the blank line that ends the block, each with
// its CRLF, as received. net/http cannot go below 4,097 bytes; smaller
// limits are enforced by the edge alone (see HeaderBytes).
func ServerMaxHeaderBytes(limit int) int {
	return max(limit-goHeaderSlack, 1)
}

// HeaderBytes is the size of r's header block as the edge counts it: the
// request line ("METHOD target PROTO" CRLF), one "Name: value" CRLF line per
// header value (Host included) and the final CRLF. It equals the bytes
// received when the client sent no optional whitespace; it is never more.
// The edge checks it on every request, so the limit also holds for
// pipelined requests, whose bytes net/http may have buffered before it
// started counting.
func HeaderBytes(r *http.Request) int {
	n := len(r.Method) + 1 + len(r.RequestURI) + 1 + len(r.Proto) + 2 + 2
	if r.Host != "" {
		n += len("Host: ") + len(r.Host) + 2
	}
	for k, vs := range r.Header {
		for _, v := range vs {
			n += len(k) + 2 + len(v) + 2
		}
	}
	// net/http takes Transfer-Encoding out of r.Header into r.TransferEncoding.
	for _, te := range r.TransferEncoding {
		n += len("Transfer-Encoding: ") + len(te) + 2
	}
	return n
}

// tooLargeHeaders answers as net/http does for a header block over its limit.
func tooLargeHeaders(w http.ResponseWriter) {
	const msg = "431 Request Header Fields Too Large"
	h := w.Header()
	h.Set("Content-Type", "text/plain; charset=utf-8")
	h.Set("Connection", "close")
	w.WriteHeader(http.StatusRequestHeaderFieldsTooLarge)
	_, _ = io.WriteString(w, msg)
}
