package function

import (
	"bufio"
	"bytes"
	"context"
	"encoding/base64"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"
)

// newAPISandbox returns a sandbox without a process, its Runtime API served
// on a loopback port, for driving the server with raw requests.
func newAPISandbox(t testing.TB) (*sandbox, string) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	sb := bareSandbox()
	sb.ln = ln
	go sb.serveRuntimeAPI(ln)
	t.Cleanup(sb.closeRuntimeAPI)
	return sb, ln.Addr().String()
}

// bareSandbox is a sandbox with its channels and nothing running.
func bareSandbox() *sandbox {
	return &sandbox{
		fn:      "F",
		log:     slog.New(slog.DiscardHandler),
		took:    make(chan error, 1),
		conns:   map[*rconn]struct{}{},
		ready:   make(chan struct{}),
		initErr: make(chan struct{}),
		stop:    make(chan struct{}),
		exited:  make(chan struct{}),
	}
}

// rawConn is a runtime's side of one connection.
type rawConn struct {
	t  testing.TB
	c  net.Conn
	br *bufio.Reader
}

func dialAPI(t testing.TB, addr string) *rawConn {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return &rawConn{t: t, c: c, br: bufio.NewReader(c)}
}

func (rc *rawConn) send(s string) {
	rc.t.Helper()
	if _, err := io.WriteString(rc.c, s); err != nil {
		rc.t.Fatal(err)
	}
}

// read reads one response.
func (rc *rawConn) read() (*http.Response, string) {
	rc.t.Helper()
	resp, err := http.ReadResponse(rc.br, nil)
	if err != nil {
		rc.t.Fatal(err)
	}
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		rc.t.Fatal(err)
	}
	return resp, string(body)
}

// testInvocation returns an invocation with fixed fields.
func testInvocation(id, payload string) *invocation {
	return &invocation{id: id, traceID: "Root=1-5f3e0b2e-0123456789abcdef01234567;Parent=0123456789abcdef;Sampled=0",
		arn: "arn:aws:lambda:us-east-1:123456789012:function:F", payload: []byte(payload),
		deadline: time.UnixMilli(1700000000123), done: make(chan result, 1)}
}

// deliverAsync delivers inv and returns the channel deliver's error comes on.
func deliverAsync(sb *sandbox, inv *invocation) <-chan error {
	ch := make(chan error, 1)
	go func() { ch <- sb.deliver(context.Background(), inv, nil) }()
	return ch
}

// A warm cycle on one keep-alive connection: the event with Lambda's
// headers, the answer with Content-Length and then chunked, 202 each time.
func TestRuntimeAPICycle(t *testing.T) {
	sb, addr := newAPISandbox(t)
	rc := dialAPI(t, addr)

	inv := testInvocation("req-1", `{"a":1}`)
	inv.clientContext = "{\"custom\":\n1}"
	inv.cognitoIdentity = `{"cognitoIdentityId":"id"}`
	delivered := deliverAsync(sb, inv) // pending before the runtime asks
	rc.send("GET /2018-06-01/runtime/invocation/next HTTP/1.1\r\nHost: " + addr + "\r\nUser-Agent: test\r\n\r\n")
	resp, body := rc.read()
	if err := <-delivered; err != nil {
		t.Fatal(err)
	}
	want := http.Header{
		"Content-Type":                        {"application/json"},
		"Content-Length":                      {"7"},
		"Lambda-Runtime-Aws-Request-Id":       {"req-1"},
		"Lambda-Runtime-Deadline-Ms":          {"1700000000123"},
		"Lambda-Runtime-Invoked-Function-Arn": {"arn:aws:lambda:us-east-1:123456789012:function:F"},
		"Lambda-Runtime-Trace-Id":             {"Root=1-5f3e0b2e-0123456789abcdef01234567;Parent=0123456789abcdef;Sampled=0"},
		"Lambda-Runtime-Client-Context":       {"{\"custom\": 1}"}, // a line break cannot start a header
		"Lambda-Runtime-Cognito-Identity":     {`{"cognitoIdentityId":"id"}`},
	}
	if resp.StatusCode != 200 || body != `{"a":1}` || !sameHeader(resp.Header, want) {
		t.Fatalf("event: %d %q %v", resp.StatusCode, body, resp.Header)
	}
	rc.send("POST /2018-06-01/runtime/invocation/req-1/response HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 4\r\n\r\n\"ok\"")
	resp, body = rc.read()
	if resp.StatusCode != 202 || body != `{"status":"OK"}` || resp.Header.Get("Content-Type") != "application/json" {
		t.Fatalf("answer: %d %q %v", resp.StatusCode, body, resp.Header)
	}
	if r := <-inv.done; string(r.payload) != `"ok"` || r.functionError || r.err != nil {
		t.Fatalf("result %+v", r)
	}

	// The runtime waits first this time; then a chunked answer.
	rc.send("GET /2018-06-01/runtime/invocation/next HTTP/1.1\r\nHost: x\r\n\r\n")
	waitFor(t, "the runtime to wait", 10*time.Second, sb.waiting.Load)
	inv2 := testInvocation("req-2", `{}`)
	if err := sb.deliver(context.Background(), inv2, nil); err != nil {
		t.Fatal(err)
	}
	if resp, _ := rc.read(); resp.Header.Get(hdrRequestID) != "req-2" {
		t.Fatalf("second event: %v", resp.Header)
	}
	rc.send("POST /2018-06-01/runtime/invocation/req-2/response HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3;ext=1\r\n[1,\r\nA\r\n2,3,4,5,6]\r\n0\r\n\r\n")
	if resp, _ := rc.read(); resp.StatusCode != 202 {
		t.Fatalf("chunked answer: %d", resp.StatusCode)
	}
	if r := <-inv2.done; string(r.payload) != `[1,2,3,4,5,6]` || r.functionError {
		t.Fatalf("chunked result %+v", r)
	}
}

func sameHeader(got, want http.Header) bool {
	if len(got) != len(want) {
		return false
	}
	for k, v := range want {
		if strings.Join(got[k], "|") != strings.Join(v, "|") {
			return false
		}
	}
	return true
}

// Function errors: the error endpoint with Lambda-Runtime-Function-Error-Type
// and a non-JSON body, and a chunked answer that failed midway, reported in
// trailers as aws-lambda-go does.
func TestRuntimeAPIErrors(t *testing.T) {
	sb, addr := newAPISandbox(t)
	rc := dialAPI(t, addr)

	inv := testInvocation("e-1", `{}`)
	delivered := deliverAsync(sb, inv)
	rc.send("GET /2018-06-01/runtime/invocation/next HTTP/1.1\r\nHost: x\r\n\r\n")
	rc.read()
	<-delivered
	rc.send("POST /2018-06-01/runtime/invocation/e-1/error HTTP/1.1\r\nHost: x\r\nlambda-runtime-function-error-type: Custom.Error\r\nContent-Length: 4\r\n\r\nboom")
	if resp, _ := rc.read(); resp.StatusCode != 202 {
		t.Fatalf("error: %d", resp.StatusCode)
	}
	if r := <-inv.done; string(r.payload) != `{"errorMessage":"boom","errorType":"Custom.Error"}` || !r.functionError {
		t.Fatalf("error result %s %v", r.payload, r.functionError)
	}

	inv = testInvocation("e-2", `{}`)
	delivered = deliverAsync(sb, inv)
	rc.send("GET /2018-06-01/runtime/invocation/next HTTP/1.1\r\nHost: x\r\n\r\n")
	rc.read()
	<-delivered
	doc := `{"errorMessage":"read failed","errorType":"errorString"}`
	rc.send("POST /2018-06-01/runtime/invocation/e-2/response HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nTrailer: Lambda-Runtime-Function-Error-Type, Lambda-Runtime-Function-Error-Body\r\n\r\n" +
		"2\r\n{\"\r\n0\r\nLambda-Runtime-Function-Error-Type: errorString\r\nLambda-Runtime-Function-Error-Body: " + b64(doc) + "\r\n\r\n")
	if resp, _ := rc.read(); resp.StatusCode != 202 {
		t.Fatalf("trailer answer: %d", resp.StatusCode)
	}
	if r := <-inv.done; string(r.payload) != doc || !r.functionError {
		t.Fatalf("trailer result %s %v", r.payload, r.functionError)
	}
}

// Requests the Runtime API does not serve get 4xx answers with Lambda's
// error document; the connection is closed when the stream cannot be
// trusted any more, and kept otherwise.
func TestRuntimeAPIBadRequests(t *testing.T) {
	sb, addr := newAPISandbox(t)
	for _, tc := range []struct {
		name, req string
		status    int
		body      string
		closed    bool
		allow     string
	}{
		{"unknown path", "GET /2018-06-01/runtime/nope HTTP/1.1\r\nHost: x\r\n\r\n", 404,
			`{"errorMessage":"no such Runtime API path","errorType":"InvalidURL"}`, false, ""},
		{"other prefix", "GET / HTTP/1.1\r\nHost: x\r\n\r\n", 404,
			`{"errorMessage":"no such Runtime API path","errorType":"InvalidURL"}`, false, ""},
		{"wrong method", "POST /2018-06-01/runtime/invocation/next HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\n{}", 405,
			`{"errorMessage":"use GET","errorType":"MethodNotAllowed"}`, false, "GET"},
		{"unknown id", "POST /2018-06-01/runtime/invocation/nope/response HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\n{}", 400,
			`{"errorMessage":"Invalid request ID","errorType":"InvalidRequestID"}`, false, ""},
		{"unknown id, error", "POST /2018-06-01/runtime/invocation/nope/error HTTP/1.1\r\nHost: x\r\n\r\n", 400,
			`{"errorMessage":"Invalid request ID","errorType":"InvalidRequestID"}`, false, ""},
		{"garbage", "HELLO\r\n\r\n", 400, `{"errorMessage":"malformed request","errorType":"InvalidRequest"}`, true, ""},
		{"http/2 preface", "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", 400, `{"errorMessage":"malformed request","errorType":"InvalidRequest"}`, true, ""},
		{"header without colon", "GET /2018-06-01/runtime/invocation/next HTTP/1.1\r\nHost x\r\n\r\n", 400,
			`{"errorMessage":"malformed request","errorType":"InvalidRequest"}`, true, ""},
		{"obsolete folding", "GET /2018-06-01/runtime/invocation/next HTTP/1.1\r\nHost: x\r\n y\r\n\r\n", 400,
			`{"errorMessage":"malformed request","errorType":"InvalidRequest"}`, true, ""},
		{"length and chunked", "POST /2018-06-01/runtime/init/error HTTP/1.1\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 400,
			`{"errorMessage":"malformed request","errorType":"InvalidRequest"}`, true, ""},
		{"two lengths", "POST /2018-06-01/runtime/init/error HTTP/1.1\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabcd", 400,
			`{"errorMessage":"malformed request","errorType":"InvalidRequest"}`, true, ""},
		{"negative length", "POST /2018-06-01/runtime/init/error HTTP/1.1\r\nContent-Length: -1\r\n\r\n", 400,
			`{"errorMessage":"malformed request","errorType":"InvalidRequest"}`, true, ""},
		{"gzip coding", "POST /2018-06-01/runtime/init/error HTTP/1.1\r\nTransfer-Encoding: gzip\r\n\r\n", 400,
			`{"errorMessage":"malformed request","errorType":"InvalidRequest"}`, true, ""},
		{"bad chunk size", "POST /2018-06-01/runtime/invocation/x/response HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", 400,
			`{"errorMessage":"malformed chunked body","errorType":"InvalidRequest"}`, true, ""},
		{"headers too large", "GET /2018-06-01/runtime/invocation/next HTTP/1.1\r\nX: " + strings.Repeat("a", maxHeaderBytes) + "\r\n\r\n", 431,
			`{"errorMessage":"request headers too large","errorType":"InvalidRequest"}`, true, ""},
		{"connection close", "GET /nope HTTP/1.1\r\nConnection: close\r\n\r\n", 404,
			`{"errorMessage":"no such Runtime API path","errorType":"InvalidURL"}`, true, ""},
		{"http/1.0", "GET /nope HTTP/1.0\r\n\r\n", 404,
			`{"errorMessage":"no such Runtime API path","errorType":"InvalidURL"}`, true, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rc := dialAPI(t, addr)
			rc.send(tc.req)
			resp, body := rc.read()
			if resp.StatusCode != tc.status || body != tc.body || resp.Header.Get("Content-Type") != "application/json" || resp.Header.Get("Allow") != tc.allow {
				t.Fatalf("got %d %q %v", resp.StatusCode, body, resp.Header)
			}
			if resp.Close != tc.closed {
				t.Errorf("Connection: close is %v, want %v", resp.Close, tc.closed)
			}
			// A kept connection serves the next request; a closed one ends.
			if !tc.closed {
				rc.send("GET /x HTTP/1.1\r\n\r\n")
				if resp, _ := rc.read(); resp.StatusCode != 404 {
					t.Errorf("next request: %d", resp.StatusCode)
				}
			} else if _, err := rc.br.ReadByte(); err != io.EOF {
				t.Errorf("after a closing answer: read %v, want EOF", err)
			}
		})
	}
	select {
	case <-sb.ready:
		t.Error("a bad request counted as the runtime's first GET .../next")
	default:
	}
}

// init/error before the first GET .../next records the error; after it,
// Lambda's 403 InvalidStateTransition.
func TestRuntimeAPIInitError(t *testing.T) {
	sb, addr := newAPISandbox(t)
	rc := dialAPI(t, addr)
	doc := `{"errorMessage":"no handler","errorType":"Runtime.HandlerNotFound"}`
	rc.send("POST /2018-06-01/runtime/init/error HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: " + itoa(len(doc)) + "\r\n\r\n")
	line, err := rc.br.ReadString('\n')
	if err != nil || line != "HTTP/1.1 100 Continue\r\n" {
		t.Fatalf("got %q %v, want 100 Continue", line, err)
	}
	if blank, _ := rc.br.ReadString('\n'); blank != "\r\n" {
		t.Fatalf("after 100 Continue: %q", blank)
	}
	rc.send(doc)
	if resp, _ := rc.read(); resp.StatusCode != 202 {
		t.Fatalf("init/error: %d", resp.StatusCode)
	}
	<-sb.initErr
	if sb.initMsg != "Runtime.HandlerNotFound: no handler" || string(sb.initDoc) != doc {
		t.Errorf("got %q %s", sb.initMsg, sb.initDoc)
	}
	rc.send("GET /2018-06-01/runtime/invocation/next HTTP/1.1\r\nHost: x\r\n\r\n")
	waitFor(t, "the runtime to wait", 10*time.Second, sb.waiting.Load)
	rc2 := dialAPI(t, addr)
	rc2.send("POST /2018-06-01/runtime/init/error HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\n{}")
	if resp, body := rc2.read(); resp.StatusCode != 403 || body != `{"errorMessage":"init error after init","errorType":"InvalidStateTransition"}` {
		t.Fatalf("late init/error: %d %q", resp.StatusCode, body)
	}
}

// An answer over 6 MB fails the invocation with
// Function.ResponseSizeTooLarge and gets 413; the connection is closed
// without reading the rest.
func TestRuntimeAPIResponseTooLarge(t *testing.T) {
	sb, addr := newAPISandbox(t)
	rc := dialAPI(t, addr)
	inv := testInvocation("big", `{}`)
	delivered := deliverAsync(sb, inv)
	rc.send("GET /2018-06-01/runtime/invocation/next HTTP/1.1\r\nHost: x\r\n\r\n")
	rc.read()
	<-delivered
	rc.send("POST /2018-06-01/runtime/invocation/big/response HTTP/1.1\r\nHost: x\r\nContent-Length: " + itoa(maxPayload+1) + "\r\n\r\n")
	resp, body := rc.read()
	if resp.StatusCode != 413 || body != `{"errorMessage":"response too large","errorType":"Function.ResponseSizeTooLarge"}` || !resp.Close {
		t.Fatalf("got %d %q close=%v", resp.StatusCode, body, resp.Close)
	}
	r := <-inv.done
	if string(r.payload) != `{"errorMessage":"Response payload size exceeded maximum allowed payload size (6291456 bytes).","errorType":"Function.ResponseSizeTooLarge"}` {
		t.Errorf("result %s", r.payload)
	}
}

// A runtime that hangs up while its GET .../next waits is no longer
// offered invocations; one that hangs up mid-answer fails the invocation
// as a truncated response.
func TestRuntimeAPIHangUp(t *testing.T) {
	sb, addr := newAPISandbox(t)
	rc := dialAPI(t, addr)
	rc.send("GET /2018-06-01/runtime/invocation/next HTTP/1.1\r\nHost: x\r\n\r\n")
	waitFor(t, "the runtime to wait", 10*time.Second, sb.waiting.Load)
	rc.c.Close()
	waitFor(t, "the waiter to go", 10*time.Second, func() bool { return !sb.waiting.Load() })

	rc = dialAPI(t, addr)
	inv := testInvocation("cut", `{}`)
	delivered := deliverAsync(sb, inv)
	rc.send("GET /2018-06-01/runtime/invocation/next HTTP/1.1\r\nHost: x\r\n\r\n")
	rc.read()
	if err := <-delivered; err != nil {
		t.Fatal(err)
	}
	rc.send("POST /2018-06-01/runtime/invocation/cut/response HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\n{\"a\"")
	rc.c.Close()
	if r := <-inv.done; !r.functionError || !bytes.Contains(r.payload, []byte(`"errorType":"Runtime.TruncatedResponse"`)) {
		t.Errorf("result %s", r.payload)
	}
}

// A request pipelined behind a waiting GET .../next is answered after the
// event, in order.
func TestRuntimeAPIPipelined(t *testing.T) {
	sb, addr := newAPISandbox(t)
	rc := dialAPI(t, addr)
	rc.send("GET /2018-06-01/runtime/invocation/next HTTP/1.1\r\nHost: x\r\n\r\nGET /nope HTTP/1.1\r\nHost: x\r\n\r\n")
	waitFor(t, "the runtime to wait", 10*time.Second, sb.waiting.Load)
	inv := testInvocation("p-1", `{}`)
	if err := sb.deliver(context.Background(), inv, nil); err != nil {
		t.Fatal(err)
	}
	if resp, _ := rc.read(); resp.StatusCode != 200 || resp.Header.Get(hdrRequestID) != "p-1" {
		t.Fatalf("first answer: %d %v", resp.StatusCode, resp.Header)
	}
	if resp, _ := rc.read(); resp.StatusCode != 404 {
		t.Fatalf("second answer: %d", resp.StatusCode)
	}
}

func itoa(n int) string { return strconv.Itoa(n) }

func b64(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }

// bufConn is a net.Conn that reads a fixed input and records what is
// written.
type bufConn struct {
	r *bytes.Reader
	w bytes.Buffer
}

func (c *bufConn) Read(p []byte) (int, error)       { return c.r.Read(p) }
func (c *bufConn) Write(p []byte) (int, error)      { return c.w.Write(p) }
func (c *bufConn) Close() error                     { return nil }
func (c *bufConn) LocalAddr() net.Addr              { return &net.TCPAddr{} }
func (c *bufConn) RemoteAddr() net.Addr             { return &net.TCPAddr{} }
func (c *bufConn) SetDeadline(time.Time) error      { return nil }
func (c *bufConn) SetReadDeadline(time.Time) error  { return nil }
func (c *bufConn) SetWriteDeadline(time.Time) error { return nil }

// FuzzRuntimeAPI feeds arbitrary bytes to one Runtime API connection while
// invocations (id "id-1") are offered to it: the server must neither panic
// nor hang, and what it writes must be a sequence of well-formed HTTP/1.1
// responses with the statuses the Runtime API uses.
//
//	go test ./internal/function -run '^$' -fuzz FuzzRuntimeAPI -fuzztime 60s
func FuzzRuntimeAPI(f *testing.F) {
	for _, s := range []string{
		"GET /2018-06-01/runtime/invocation/next HTTP/1.1\r\nHost: x\r\n\r\n",
		"GET /2018-06-01/runtime/invocation/next HTTP/1.1\r\nHost: x\r\n\r\nPOST /2018-06-01/runtime/invocation/id-1/response HTTP/1.1\r\nContent-Length: 2\r\n\r\n{}",
		"GET /2018-06-01/runtime/invocation/next HTTP/1.1\r\n\r\nPOST /2018-06-01/runtime/invocation/id-1/response HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\nLambda-Runtime-Function-Error-Type: x\r\nLambda-Runtime-Function-Error-Body: e30=\r\n\r\n",
		"GET /2018-06-01/runtime/invocation/next HTTP/1.1\r\n\r\nPOST /2018-06-01/runtime/invocation/id-1/error HTTP/1.1\r\nLambda-Runtime-Function-Error-Type: E\r\nContent-Length: 1\r\n\r\nx",
		"POST /2018-06-01/runtime/init/error HTTP/1.1\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\n{}",
		"GET /nope?x=1 HTTP/1.0\r\nConnection: keep-alive\r\n\r\nGET / HTTP/1.1\r\n\r\n",
		"POST /2018-06-01/runtime/invocation/id-1/response HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nfffffffffffffff\r\n",
		"\r\n\r\nGET /2018-06-01/runtime/invocation/next HTTP/1.1\nHost: x\n\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		sb := bareSandbox()
		conn := &bufConn{r: bytes.NewReader(in)}
		rc := &rconn{sb: sb, c: conn, br: bufio.NewReaderSize(conn, 16<<10), sent: make(chan struct{}, 1)}
		sb.conns[rc] = struct{}{}
		ctx, cancel := context.WithCancel(context.Background())
		offered := make(chan struct{})
		go func() {
			defer close(offered)
			for ctx.Err() == nil {
				_ = sb.deliver(ctx, testInvocation("id-1", `{"a":1}`), nil)
			}
		}()
		rc.serve()
		cancel()
		<-offered
		out := bufio.NewReader(bytes.NewReader(conn.w.Bytes()))
		for {
			if _, err := out.Peek(1); err == io.EOF {
				break
			}
			resp, err := http.ReadResponse(out, nil)
			if err != nil {
				t.Fatalf("unparsable answer: %v\n%q", err, conn.w.Bytes())
			}
			if _, err := io.Copy(io.Discard, resp.Body); err != nil {
				t.Fatalf("answer body: %v\n%q", err, conn.w.Bytes())
			}
			switch resp.StatusCode {
			case 100, 200, 202, 400, 403, 404, 405, 413, 431:
			default:
				t.Fatalf("status %d", resp.StatusCode)
			}
		}
	})
}
