package gatewaytest

import (
	"bufio"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// TestWireNamesReachLambda: a Lambda proxy event names each header as the
// client spelled it (API Gateway passes names through as sent), also for
// pipelined requests on one connection, whichever HTTP/1 server runs
// (PORTICO_TEST_HTTP1).
func TestWireNamesReachLambda(t *testing.T) {
	fns, err := filepath.Abs("../../testdata/functions")
	if err != nil {
		t.Fatal(err)
	}
	def := filepath.Join(t.TempDir(), "api.yaml")
	if err := os.WriteFile(def, []byte(`openapi: "3.0.1"
info: {title: names, version: "1"}
paths:
  /dump:
    get:
      responses: {"200": {description: x}}
      x-amazon-apigateway-integration:
        type: aws_proxy
        httpMethod: POST
        uri: arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:123456789012:function:EventDump/invocations
`), 0o600); err != nil {
		t.Fatal(err)
	}
	g := Start(t, Options{Definition: def, Extra: "store: {type: memory}\nfunctions:\n  - {name: EventDump, build: \"" + fns + "/eventdump\"}\n"})
	reqs := []string{
		"GET /dev/dump HTTP/1.1\r\nHost: gw\r\nx-lower: 1\r\nX-UPPER-CASE: 2\r\n\r\n",
		"GET /dev/dump HTTP/1.1\r\nHost: gw\r\nX-Lower: 3\r\nx-Mixed-case: 4\r\n\r\n",
	}
	wants := []map[string]string{
		{"x-lower": "1", "X-UPPER-CASE": "2"},
		{"X-Lower": "3", "x-Mixed-case": "4"},
	}
	t.Run("one after the other", func(t *testing.T) {
		c, br := dialGateway(t, g)
		for i, raw := range reqs {
			if _, err := io.WriteString(c, raw); err != nil {
				t.Fatal(err)
			}
			checkEventNames(t, br, i, wants[i])
		}
	})
	t.Run("pipelined", func(t *testing.T) {
		if os.Getenv("PORTICO_TEST_HTTP1") == "net/http" {
			t.Skip("on net/http's server, pipelined requests read ahead keep canonical names (docs/architecture.md#the-http1-server)")
		}
		c, br := dialGateway(t, g)
		if _, err := io.WriteString(c, reqs[0]+reqs[1]); err != nil {
			t.Fatal(err)
		}
		for i := range reqs {
			checkEventNames(t, br, i, wants[i])
		}
	})
}

func dialGateway(t *testing.T, g *Gateway) (net.Conn, *bufio.Reader) {
	t.Helper()
	c, err := net.Dial("tcp", g.URL[len("http://"):])
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	c.SetDeadline(time.Now().Add(60 * time.Second)) // hang guard only
	return c, bufio.NewReader(c)
}

// checkEventNames reads an answer of the eventdump function and checks
// the event's header names and values.
func checkEventNames(t *testing.T, br *bufio.Reader, i int, want map[string]string) {
	t.Helper()
	res, err := http.ReadResponse(br, nil)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(res.Body)
	var ev struct {
		Headers map[string]string `json:"headers"`
	}
	if err := json.Unmarshal(b, &ev); err != nil || res.StatusCode != 200 {
		t.Fatalf("request %d: %d %s (%v)", i, res.StatusCode, b, err)
	}
	for k, v := range want {
		if ev.Headers[k] != v {
			t.Errorf("request %d: header %q = %q, want %q (all: %v)", i, k, ev.Headers[k], v, ev.Headers)
		}
	}
}
