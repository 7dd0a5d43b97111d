package httpserver

import (
	"bufio"
	"net/http"
	"strings"
	"testing"
)

// TestHeaderBytesCountsTheBlockAsSent: for header blocks without optional
// whitespace, HeaderBytes is exactly the bytes received, Transfer-Encoding
// (which net/http moves out of r.Header) and Host included.
func TestHeaderBytesCountsTheBlockAsSent(t *testing.T) {
	t.Parallel()
	for _, block := range []string{
		"GET /a HTTP/1.1\r\nHost: x\r\n\r\n",
		"GET /a?b=c HTTP/1.1\r\nHost: example.com\r\nAccept: */*\r\nX-Two: 1\r\nX-Two: 2\r\n\r\n",
		"POST /p HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nContent-Type: text/plain\r\n\r\n",
	} {
		r, err := http.ReadRequest(bufio.NewReader(strings.NewReader(block + "0\r\n\r\n")))
		if err != nil {
			t.Fatalf("%q: %v", block, err)
		}
		if got := HeaderBytes(r); got != len(block) {
			t.Errorf("%q: HeaderBytes %d, want %d", block, got, len(block))
		}
	}
}
