package gatewaytest

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"
)

func edgeGateway(t *testing.T, server string) *Gateway {
	t.Helper()
	extra := "store: {type: memory}\n"
	if server != "" {
		extra += "server: {" + server + "}\n"
	}
	return Start(t, Options{Definition: "testdata/edge-api.yaml", Extra: extra})
}

// rawExchange writes raw on a new connection and reads n responses.
func rawExchange(t *testing.T, g *Gateway, raw string, n int) []*http.Response {
	t.Helper()
	c, err := net.Dial("tcp", strings.TrimPrefix(g.URL, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	_ = c.SetDeadline(time.Now().Add(10 * time.Second))
	if _, err := io.WriteString(c, raw); err != nil {
		t.Fatal(err)
	}
	br := bufio.NewReader(c)
	var out []*http.Response
	for range n {
		resp, err := http.ReadResponse(br, nil)
		if err != nil {
			t.Fatalf("read response %d: %v", len(out)+1, err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		resp.Body = io.NopCloser(strings.NewReader(string(b)))
		out = append(out, resp)
	}
	return out
}

func bodyOf(resp *http.Response) string {
	b, _ := io.ReadAll(resp.Body)
	return string(b)
}

// assertUpstreamGot sends a control request that does reach the upstream
// (so that anything sent earlier has certainly arrived) and checks the
// upstream received exactly want plus the control request.
func assertUpstreamGot(t *testing.T, g *Gateway, want ...string) {
	t.Helper()
	resp, _ := rawRequest(t, g, "GET /dev/n/control.txt HTTP/1.1\r\nHost: x\r\n\r\n")
	if resp.StatusCode != 200 {
		t.Fatalf("control request: got %d", resp.StatusCode)
	}
	want = append(want, "GET /base/control.txt")
	if got := g.UpstreamRequests(); !slices.Equal(got, want) {
		t.Errorf("upstream received %q, want %q", got, want)
	}
}

// TestPathParametersCannotClimbOut: a path parameter value whose decoded
// segments are "." or "..", however it is encoded, or that holds a
// backslash or a NUL, is refused with 400 before anything is sent to the
// back end (HTTP_PROXY greedy and mapped, HTTP non-proxy).
func TestPathParametersCannotClimbOut(t *testing.T) {
	t.Parallel()
	g := edgeGateway(t, "")
	for _, path := range []string{
		"/dev/n/..%2fsecret.txt", // the reported case: /n/{proxy+} → /base/{proxy}
		"/dev/n/..%2Fsecret.txt",
		"/dev/n/%2E%2E/secret.txt",
		"/dev/n/%2e%2e/secret.txt",
		"/dev/n/%2e%2E%2fsecret.txt",
		"/dev/n/a/%2E%2E/%2E%2E/secret.txt",
		"/dev/n/%2E/secret.txt",
		"/dev/n/%252E%252E%252Fsecret.txt", // encoded twice
		"/dev/n/..%3Bx/secret.txt",         // "..;x", which some servers read as ".."
		"/dev/n/..%5Csecret.txt",           // backslash
		"/dev/n/%5C..%5Csecret.txt",
		"/dev/n/a%00b",
		"/dev/n/../secret.txt", // sent literally
		"/dev/n/a/./../../secret.txt",
		"/dev/item/..%2Fsecret.txt", // HTTP non-proxy {id}
		"/dev/item/%2E%2E",
		"/dev/item/.",
		"/dev/mapped?p=..%2Fsecret.txt", // a mapped value from the query string
		"/dev/mapped?p=..%252Fsecret.txt",
		"/dev/mapped?p=..",
		// A malformed escape must not end the decoding (lenient back ends keep
		// it and decode the rest).
		"/dev/n/%252e%252e%252fsecret.txt%25",
		"/dev/n/%252e%252e/%25zz/secret.txt",
		"/dev/n/%25%2532%2565%25%2532%2565/secret.txt", // %%32%65: "%" kept, "%2e" decoded next
		"/dev/n/..%c0%afsecret.txt",                    // overlong "/": invalid UTF-8
		"/dev/n/%EF%BC%8E%EF%BC%8E/secret.txt",         // fullwidth dots, NFKC "."
		"/dev/n/%E2%80%A4%E2%80%A4/secret.txt",         // one-dot leaders
		"/dev/n/.../secret.txt",
		"/dev/n/.%20./secret.txt",
	} {
		resp, body := rawRequest(t, g, "GET "+path+" HTTP/1.1\r\nHost: x\r\n\r\n")
		if resp.StatusCode != http.StatusBadRequest || body != `{"message":"Invalid request parameters"}` ||
			resp.Header.Get("x-amzn-ErrorType") != "BadRequestException" {
			t.Errorf("GET %s: got %d %q, want 400 Invalid request parameters", path, resp.StatusCode, body)
		}
	}
	assertUpstreamGot(t, g)
	if !strings.Contains(g.Logs(), `responseType=BAD_REQUEST_PARAMETERS status=400`) ||
		!strings.Contains(g.Logs(), `path parameter \"proxy\" is refused: it contains a dot segment`) {
		t.Errorf("the refusal is not logged with its reason:\n%s", g.Logs())
	}
}

// TestSafePathParametersPass: dots inside names, encoded slashes in a
// non-greedy value and nested greedy paths still reach the back end.
func TestSafePathParametersPass(t *testing.T) {
	t.Parallel()
	g := edgeGateway(t, "")
	for path, want := range map[string]string{
		"/dev/n/a/b.txt":      "/base/a/b.txt",
		"/dev/n/..x/.y":       "/base/..x/.y",
		"/dev/item/a%2Fb":     "/base/a%2Fb",
		"/dev/item/a...b":     "/base/a...b",
		"/dev/mapped?p=x%20y": "/base/x%20y",
	} {
		resp, body := rawRequest(t, g, "GET "+path+" HTTP/1.1\r\nHost: x\r\n\r\n")
		var echo struct{ Path string }
		_ = json.Unmarshal([]byte(body), &echo)
		if resp.StatusCode != 200 || echo.Path != want {
			t.Errorf("GET %s: got %d %s, want 200 with path %s", path, resp.StatusCode, body, want)
		}
	}
}

// headerBlock is a GET request whose request line and header lines
// (the blank line included) take exactly size bytes; ows spaces of
// optional whitespace go before the padding header's value.
func headerBlock(t *testing.T, path string, size, ows int) string {
	t.Helper()
	prefix := "GET " + path + " HTTP/1.1\r\nHost: x\r\nX-Pad:" + strings.Repeat(" ", ows+1)
	const suffix = "\r\n\r\n"
	pad := size - len(prefix) - len(suffix)
	if pad < 1 {
		t.Fatalf("size %d too small", size)
	}
	return prefix + strings.Repeat("p", pad) + suffix
}

// TestMaxHeaderBytesIsExact: server.maxHeaderBytes counts the request line
// and every header line with their CRLFs and the final blank line; a block
// of exactly the limit is served, one byte more is 431 (net/http alone
// would admit 4,096 bytes more).
func TestMaxHeaderBytesIsExact(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		server string
		limit  int
	}{
		{"", 10240}, // the default, AWS's 10,240 bytes
		{"maxHeaderBytes: 5000", 5000},
		{"maxHeaderBytes: 2048", 2048}, // below what net/http can count: checked by the edge
	} {
		g := edgeGateway(t, tc.server)
		for _, ows := range []int{0, 40} {
			resp := rawExchange(t, g, headerBlock(t, "/dev/mock", tc.limit, ows), 1)[0]
			if resp.StatusCode != 200 {
				t.Errorf("limit %d, %d bytes (ows %d): got %d, want 200", tc.limit, tc.limit, ows, resp.StatusCode)
			}
		}
		resp := rawExchange(t, g, headerBlock(t, "/dev/mock", tc.limit+1, 0), 1)[0]
		if resp.StatusCode != http.StatusRequestHeaderFieldsTooLarge {
			t.Errorf("limit %d, %d bytes: got %d, want 431", tc.limit, tc.limit+1, resp.StatusCode)
		}
		// A pipelined second request, partly read ahead with the first.
		rs := rawExchange(t, g, headerBlock(t, "/dev/mock", 100, 0)+headerBlock(t, "/dev/mock", tc.limit+1, 0), 2)
		if rs[0].StatusCode != 200 || rs[1].StatusCode != http.StatusRequestHeaderFieldsTooLarge {
			t.Errorf("limit %d, pipelined: got %d then %d, want 200 then 431", tc.limit, rs[0].StatusCode, rs[1].StatusCode)
		}
	}
	// Optional whitespace counts as received when net/http counts it.
	g := edgeGateway(t, "maxHeaderBytes: 5000")
	resp := rawExchange(t, g, headerBlock(t, "/dev/mock", 5001, 40), 1)[0]
	if resp.StatusCode != http.StatusRequestHeaderFieldsTooLarge {
		t.Errorf("5001 bytes with whitespace: got %d, want 431", resp.StatusCode)
	}
}

func chunked(size int) string {
	var b strings.Builder
	for size > 0 {
		n := min(size, 600)
		fmt.Fprintf(&b, "%x\r\n%s\r\n", n, strings.Repeat("z", n))
		size -= n
	}
	b.WriteString("0\r\n\r\n")
	return b.String()
}

// TestBodyOverLimitNeverReachesUpstream: a chunked body over
// server.maxBodyBytes is answered 413 and the back end receives nothing,
// not even the headers; a declared Content-Length over the limit is
// refused before the body is read.
func TestBodyOverLimitNeverReachesUpstream(t *testing.T) {
	t.Parallel()
	g := edgeGateway(t, "maxBodyBytes: 1024")
	for _, path := range []string{"/dev/upload", "/dev/upload-http"} {
		resp, body := rawRequest(t, g, "POST "+path+" HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"+chunked(1025))
		if resp.StatusCode != http.StatusRequestEntityTooLarge || body != "HTTP content length exceeded 1024 bytes." {
			t.Errorf("POST %s chunked 1025 bytes: got %d %q, want 413", path, resp.StatusCode, body)
		}
		resp, _ = rawRequest(t, g, "POST "+path+" HTTP/1.1\r\nHost: x\r\nContent-Length: 1025\r\n\r\n"+strings.Repeat("z", 1025))
		if resp.StatusCode != http.StatusRequestEntityTooLarge {
			t.Errorf("POST %s Content-Length 1025: got %d, want 413", path, resp.StatusCode)
		}
	}
	assertUpstreamGot(t, g)
}

// TestChunkedBodySentWithContentLength: a chunked body within the limit
// reaches an HTTP_PROXY back end whole, with Content-Length and no
// Transfer-Encoding.
func TestChunkedBodySentWithContentLength(t *testing.T) {
	t.Parallel()
	g := edgeGateway(t, "maxBodyBytes: 1024")
	resp, body := rawRequest(t, g, "POST /dev/upload HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"+chunked(1024))
	var echo struct {
		Body             string
		ContentLength    int64
		TransferEncoding []string
	}
	if err := json.Unmarshal([]byte(body), &echo); err != nil || resp.StatusCode != 200 {
		t.Fatalf("got %d %q", resp.StatusCode, body)
	}
	if echo.Body != strings.Repeat("z", 1024) || echo.ContentLength != 1024 || len(echo.TransferEncoding) != 0 {
		t.Errorf("upstream got %d bytes, Content-Length %d, Transfer-Encoding %v; want 1024 bytes with Content-Length 1024",
			len(echo.Body), echo.ContentLength, echo.TransferEncoding)
	}
}

// TestMalformedChunkedBodyIsClientError: a malformed chunked body is 400,
// logged as the client's fault, and never reaches the back end.
func TestMalformedChunkedBodyIsClientError(t *testing.T) {
	t.Parallel()
	g := edgeGateway(t, "")
	for _, path := range []string{"/dev/upload", "/dev/upload-http"} {
		resp, body := rawRequest(t, g, "POST "+path+" HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nabc\r\n0\r\n\r\n")
		if resp.StatusCode != http.StatusBadRequest || body != `{"message":"Bad Request"}` {
			t.Errorf("POST %s: got %d %q, want 400 Bad Request", path, resp.StatusCode, body)
		}
	}
	assertUpstreamGot(t, g)
	if logs := g.Logs(); strings.Contains(logs, "INTEGRATION_FAILURE") || !strings.Contains(logs, "malformed or incomplete request body") {
		t.Errorf("not logged as a client error:\n%s", logs)
	}
}

// TestSlowRequestBodyIsClientTimeout: a client that does not finish its
// body within server.readTimeout gets 408 and is logged as a client
// timeout, not as an integration timeout; the back end sees nothing.
func TestSlowRequestBodyIsClientTimeout(t *testing.T) {
	t.Parallel()
	g := edgeGateway(t, "readTimeout: 300ms")
	for _, head := range []string{
		"POST /dev/upload HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n0123456789",
		"POST /dev/upload HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\na\r\n0123456789\r\n",
		"POST /dev/upload-http HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n0123456789",
	} {
		resp := rawExchange(t, g, head, 1)[0] // the body is never finished
		if body := bodyOf(resp); resp.StatusCode != http.StatusRequestTimeout || body != `{"message":"Request Timeout"}` {
			t.Errorf("got %d %q, want 408", resp.StatusCode, body)
		}
	}
	assertUpstreamGot(t, g)
	if logs := g.Logs(); strings.Contains(logs, "INTEGRATION_TIMEOUT") || strings.Count(logs, "client timeout") != 3 {
		t.Errorf("not logged as client timeouts:\n%s", logs)
	}
}

// TestMappedTransferEncodingIsNotSent: a method.response.header mapping of
// Transfer-Encoding (any letter case) never adds a Transfer-Encoding line;
// the answer goes out with Content-Length.
func TestMappedTransferEncodingIsNotSent(t *testing.T) {
	t.Parallel()
	g := edgeGateway(t, "")
	c, err := net.Dial("tcp", strings.TrimPrefix(g.URL, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(5 * time.Second))
	_, _ = io.WriteString(c, "GET /dev/te HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
	raw, _ := io.ReadAll(c)
	head, body, _ := strings.Cut(string(raw), "\r\n\r\n")
	if !strings.HasPrefix(head, "HTTP/1.1 200 ") || body != `{"ok":true}` {
		t.Fatalf("got %q", raw)
	}
	if n := strings.Count(strings.ToLower(head), "\r\ntransfer-encoding:"); n != 0 {
		t.Errorf("%d Transfer-Encoding lines:\n%s", n, head)
	}
	if !strings.Contains(head, "\r\nContent-Length: 11") {
		t.Errorf("no Content-Length:\n%s", head)
	}
}

// TestProxyQueryMerge: HTTP_PROXY sends the URI template's query, the
// client's query and the mapped values, every value and in that order
// (recorded AWS answer, LocalStack snapshot
// test_http_proxy_integration_request_data_mappings: testQs=bar,foo and
// testVar=foobar,bar).
func TestProxyQueryMerge(t *testing.T) {
	t.Parallel()
	g := edgeGateway(t, "")
	resp, body := rawRequest(t, g, "POST /dev/query/foobar?testQueryString=foo&testVar=bar HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\n{}")
	var echo struct{ Query string }
	if err := json.Unmarshal([]byte(body), &echo); err != nil || resp.StatusCode != 200 {
		t.Fatalf("got %d %q", resp.StatusCode, body)
	}
	const want = "testVar=foobar&testQs=bar&testQueryString=foo&testVar=bar&queryString=foo&testQs=foo"
	if echo.Query != want {
		t.Errorf("upstream query %q, want %q", echo.Query, want)
	}
	q, _ := url.ParseQuery(echo.Query)
	if !slices.Equal(q["testQs"], []string{"bar", "foo"}) || !slices.Equal(q["testVar"], []string{"foobar", "bar"}) {
		t.Errorf("merged values %v", q)
	}
}

// TestProxyQueryKeptAsSent: ";" and a bad "%" escape reach an HTTP_PROXY
// back end exactly as the client sent them.
func TestProxyQueryKeptAsSent(t *testing.T) {
	t.Parallel()
	g := edgeGateway(t, "")
	const query = "filter=a;b&keep=1&bad=%zz&b=1&a=2&b=3"
	resp, body := rawRequest(t, g, "GET /dev/passthrough?"+query+" HTTP/1.1\r\nHost: x\r\n\r\n")
	var echo struct{ Query string }
	if err := json.Unmarshal([]byte(body), &echo); err != nil || resp.StatusCode != 200 {
		t.Fatalf("got %d %q", resp.StatusCode, body)
	}
	if echo.Query != query {
		t.Errorf("upstream query %q, want %q", echo.Query, query)
	}
}

// TestQueryValuesKeptForMappings: ";" stays inside a value and a bad "%"
// escape is kept as sent in what templates and mappings see (and the
// Lambda proxy event, which reads the same values).
func TestQueryValuesKeptForMappings(t *testing.T) {
	t.Parallel()
	g := edgeGateway(t, "")
	resp, body := rawRequest(t, g, "GET /dev/params?filter=a;b&keep=1&bad=%zz HTTP/1.1\r\nHost: x\r\n\r\n")
	if want := `{"filter":"a;b","bad":"%zz","keep":"1"}`; resp.StatusCode != 200 || body != want {
		t.Errorf("got %d %s, want %s", resp.StatusCode, body, want)
	}
}

// TestRejectionLogIsRateLimited: a flood of the same rejection writes a
// bounded number of log lines while the metrics count every request.
func TestRejectionLogIsRateLimited(t *testing.T) {
	t.Parallel()
	g := edgeGateway(t, "rejectionLog: {burst: 4}")
	hit(t, g, "GET", "/dev/nowhere", 25)
	if n := strings.Count(g.Logs(), `msg="request rejected"`); n != 4 {
		t.Errorf("%d rejection lines for 25 rejections, want the first 4", n)
	}
	want := `portico_rejections_total{api="testapi",response_type="MISSING_AUTHENTICATION_TOKEN",stage="dev"} 25`
	if body := scrape(t, g); !strings.Contains(body, want) {
		t.Errorf("scrape lacks %s:\n%s", want, grepLines(body, "rejections"))
	}
}
