package integration

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/portico-gw/portico/internal/fault"
	"github.com/portico-gw/portico/internal/pipeline"
)

// seen is what the test back end received.
type seen struct {
	Method string              `json:"method"`
	URI    string              `json:"uri"`
	Host   string              `json:"host"`
	Header map[string][]string `json:"header"`
	Body   string              `json:"body"`
}

// echoBackend answers every request with a JSON description of it, status
// 201 and two headers of its own, one of them hop-by-hop.
func echoBackend(t *testing.T) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		out, _ := json.Marshal(seen{Method: r.Method, URI: r.RequestURI, Host: r.Host, Header: r.Header, Body: string(b)})
		w.Header().Set("X-Backend", "yes")
		w.Header().Set("Keep-Alive", "timeout=5")
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(201)
		w.Write(out)
	}))
	t.Cleanup(srv.Close)
	return srv
}

// newV2Call is a call on an HTTP API route "ANY /pets/{proxy+}" of the
// $default stage.
func newV2Call(method, path, rawQuery string) *pipeline.Call {
	q, _ := url.ParseQuery(rawQuery)
	return &pipeline.Call{
		Start: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC), RequestID: "req-1", APIID: "api1", Stage: "$default",
		StageVariables: map[string]string{"env": "test"},
		HTTPMethod:     method, RouteKey: "ANY /pets/{proxy+}", ResourcePath: "/pets/{proxy+}",
		Path: path, StagePath: path, PathParams: map[string]string{"proxy": strings.TrimPrefix(path, "/pets/")},
		Query: q, RawQuery: rawQuery, Header: http.Header{}, SourceIP: "198.51.100.7", Protocol: "HTTP/1.1",
		Host: "api.example.com", Body: pipeline.NewBodyBytes(nil),
	}
}

func newTestV2Proxy(t *testing.T, cfg HTTPAPIProxyConfig) pipeline.Integration {
	t.Helper()
	if cfg.Transport == nil {
		cfg.Transport = NewTransport(false)
	}
	p, err := NewHTTPAPIProxy(cfg)
	if err != nil {
		t.Fatalf("NewHTTPAPIProxy: %v", err)
	}
	return p
}

// invokeSeen runs the integration and decodes what the echo back end saw.
func invokeSeen(t *testing.T, in pipeline.Integration, c *pipeline.Call) (*pipeline.Result, seen) {
	t.Helper()
	res, err := in.Invoke(context.Background(), c)
	if err != nil {
		t.Fatalf("Invoke: %v", err)
	}
	b, err := io.ReadAll(res.Stream)
	if err != nil {
		t.Fatal(err)
	}
	res.Stream.Close()
	var s seen
	if err := json.Unmarshal(b, &s); err != nil {
		t.Fatalf("back end answer %q: %v", b, err)
	}
	return res, s
}

// TestHTTPAPIProxyForwardsTheRequest: the URI's {proxy} placeholder is
// filled, the client's method, query string, headers and body reach the
// back end, hop-by-hop headers do not, and X-Forwarded-* becomes one
// Forwarded header ending with the gateway's element
// (https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-integrations-http.html;
// https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-known-issues.html).
func TestHTTPAPIProxyForwardsTheRequest(t *testing.T) {
	srv := echoBackend(t)
	p := newTestV2Proxy(t, HTTPAPIProxyConfig{URI: srv.URL + "/base/{proxy}", HTTPMethod: "ANY"})
	c := newV2Call("PATCH", "/pets/a/b%20c", "x=1&x=2&y=%2F")
	c.PathParams["proxy"] = "a/b c"
	c.ResourcePath = "/pets/{proxy+}"
	c.Header = http.Header{
		"Content-Type":      {"text/plain"},
		"X-Custom":          {"a", "b"},
		"Connection":        {"keep-alive, X-Hop"},
		"X-Hop":             {"dropped because Connection names it"},
		"Keep-Alive":        {"timeout=5"},
		"Upgrade":           {"h2c"},
		"X-Forwarded-For":   {"203.0.113.1, 203.0.113.2"},
		"X-Forwarded-Proto": {"https"},
		"X-Forwarded-Port":  {"443"},
		"X-Forwarded-Host":  {"front.example"},
	}
	c.TraceID = "Root=1-5e1b4151-5ac6c58f3e1a2b3c4d5e6f70"
	c.Body = pipeline.NewBodyBytes([]byte("hello"))

	res, s := invokeSeen(t, p, c)
	if res.Status != 201 {
		t.Errorf("status %d, want the back end's 201", res.Status)
	}
	if res.Header.Get("X-Backend") != "yes" || res.Header.Get("Keep-Alive") != "" {
		t.Errorf("response headers %v: want X-Backend kept and Keep-Alive dropped", res.Header)
	}
	if s.Method != "PATCH" || s.URI != "/base/a/b%20c?x=1&x=2&y=%2F" || s.Body != "hello" {
		t.Errorf("back end got %s %s %q", s.Method, s.URI, s.Body)
	}
	if want := strings.TrimPrefix(srv.URL, "http://"); s.Host != want {
		t.Errorf("Host %q, want the back end's %q", s.Host, want)
	}
	h := http.Header(s.Header)
	wantFwd := `for=203.0.113.1, for=203.0.113.2;host=front.example;proto=https, for=198.51.100.7;host=api.example.com;proto=http`
	if got := h.Get("Forwarded"); got != wantFwd {
		t.Errorf("Forwarded %q\n want %q", got, wantFwd)
	}
	for _, gone := range []string{"X-Forwarded-For", "X-Forwarded-Proto", "X-Forwarded-Port", "X-Forwarded-Host", "X-Hop", "Upgrade", "Keep-Alive"} {
		if v, ok := h[gone]; ok {
			t.Errorf("%s reached the back end: %q", gone, v)
		}
	}
	if got := h.Values("X-Custom"); len(got) != 2 || got[0] != "a" || got[1] != "b" {
		t.Errorf("X-Custom %q, want both values", got)
	}
	if h.Get("Content-Type") != "text/plain" || h.Get("X-Amzn-Trace-Id") != c.TraceID {
		t.Errorf("Content-Type %q, X-Amzn-Trace-Id %q", h.Get("Content-Type"), h.Get("X-Amzn-Trace-Id"))
	}
	if c.IntegrationStatus != 201 {
		t.Errorf("IntegrationStatus %d", c.IntegrationStatus)
	}
}

// TestHTTPAPIProxyMethodAndEmptyBody: a fixed integration method replaces
// the client's; a request without a body gets a Content-Type; ForwardedBy
// is written as by=, an IPv6 caller quoted in brackets.
func TestHTTPAPIProxyMethodAndEmptyBody(t *testing.T) {
	srv := echoBackend(t)
	p := newTestV2Proxy(t, HTTPAPIProxyConfig{URI: srv.URL + "/fixed", HTTPMethod: "post", ForwardedBy: "192.0.2.10"})
	c := newV2Call("GET", "/pets/1", "")
	c.SourceIP = "2001:db8::7"
	c.Host = "api.example.com:8443"
	_, s := invokeSeen(t, p, c)
	if s.Method != "POST" || s.URI != "/fixed" || s.Body != "" {
		t.Errorf("back end got %s %s %q", s.Method, s.URI, s.Body)
	}
	h := http.Header(s.Header)
	if got, want := h.Get("Forwarded"), `by=192.0.2.10;for="[2001:db8::7]";host="api.example.com:8443";proto=http`; got != want {
		t.Errorf("Forwarded %q, want %q", got, want)
	}
	if got := h.Get("Content-Type"); got != "application/json" {
		t.Errorf("Content-Type %q, want application/json for an empty body", got)
	}
}

// TestHTTPAPIProxyTimeout: a back end slower than timeoutInMillis is an
// INTEGRATION_TIMEOUT fault (the edge renders HTTP APIs' 503).
func TestHTTPAPIProxyTimeout(t *testing.T) {
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		<-release
	}))
	defer srv.Close()
	defer close(release)
	p := newTestV2Proxy(t, HTTPAPIProxyConfig{URI: srv.URL, TimeoutInMillis: 50})
	_, err := p.Invoke(context.Background(), newV2Call("GET", "/pets/1", ""))
	f, ok := errors.AsType[*fault.Error](err)
	if !ok || f.Type != fault.IntegrationTimeout {
		t.Fatalf("error %v, want INTEGRATION_TIMEOUT", err)
	}
}

// TestHTTPAPIProxyUnreachable: a refused connection is the existing
// INTEGRATION_FAILURE 502 classification.
func TestHTTPAPIProxyUnreachable(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	p := newTestV2Proxy(t, HTTPAPIProxyConfig{URI: "http://" + addr + "/x"})
	_, err = p.Invoke(context.Background(), newV2Call("GET", "/pets/1", ""))
	got := testShapeOf(t, err)
	if got.Type != fault.IntegrationFailure || got.Status != 502 {
		t.Errorf("got %s %d, want INTEGRATION_FAILURE 502", got.Type, got.Status)
	}
}

// TestHTTPAPIProxyConfig: what NewHTTPAPIProxy refuses.
func TestHTTPAPIProxyConfig(t *testing.T) {
	tr := NewTransport(false)
	tests := []struct {
		name string
		cfg  HTTPAPIProxyConfig
		want string
	}{
		{"timeout below 50", HTTPAPIProxyConfig{URI: "https://example.com", TimeoutInMillis: 49, Transport: tr},
			"timeoutInMillis 49 is out of range: an HTTP API integration's timeout is 50 to 30000 ms"},
		{"timeout above 30000", HTTPAPIProxyConfig{URI: "https://example.com", TimeoutInMillis: 30001, Transport: tr},
			"timeoutInMillis 30001 is out of range: an HTTP API integration's timeout is 50 to 30000 ms"},
		{"relative URI", HTTPAPIProxyConfig{URI: "/pets", Transport: tr},
			`integration URI "/pets" is not an absolute http or https URL`},
		{"reserved header", HTTPAPIProxyConfig{URI: "https://example.com", Transport: tr,
			ParameterMappings: map[string]string{"overwrite:header.Authorization": "x"}},
			`requestParameters "overwrite:header.Authorization": header "Authorization" is reserved and cannot be mapped`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := NewHTTPAPIProxy(tt.cfg)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %v, want %q", err, tt.want)
			}
		})
	}
	for _, ms := range []int{0, 50, 30000} {
		if _, err := NewHTTPAPIProxy(HTTPAPIProxyConfig{URI: "https://example.com/{proxy}", TimeoutInMillis: ms, Transport: tr}); err != nil {
			t.Errorf("timeout %d: %v", ms, err)
		}
	}
	if d, _ := HTTPAPITimeout(0); d != 30*time.Second {
		t.Errorf("default timeout %v, want 30s", d)
	}
}
