package app

import (
	"bytes"
	"compress/flate"
	"compress/gzip"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

const compressDef = `openapi: "3.0.1"
info: {title: c, version: "1"}
MINSIZE
paths:
  /small:
    get:
      responses: {"200": {description: x}}
      x-amazon-apigateway-integration:
        type: mock
        requestTemplates: {application/json: '{"statusCode": 200}'}
        responses: {default: {statusCode: "200", responseTemplates: {application/json: '0123456789'}}}
  /big:
    get:
      responses: {"200": {description: x}}
      x-amazon-apigateway-integration:
        type: mock
        requestTemplates: {application/json: '{"statusCode": 200}'}
        responses: {default: {statusCode: "200", responseTemplates: {application/json: '01234567890123456789'}}}
  /stream:
    get:
      x-amazon-apigateway-integration: {type: http_proxy, httpMethod: GET, uri: "http://UPSTREAM/stream"}
  /encoded:
    get:
      x-amazon-apigateway-integration: {type: http_proxy, httpMethod: GET, uri: "http://UPSTREAM/encoded"}
  /echo:
    post:
      x-amazon-apigateway-integration:
        type: http
        httpMethod: POST
        uri: "http://UPSTREAM/echo"
        requestTemplates: {application/json: '{"got":$input.json(''$.name'')}'}
        responses: {default: {statusCode: "200"}}
  /proxy:
    post:
      x-amazon-apigateway-integration: {type: http_proxy, httpMethod: POST, uri: "http://UPSTREAM/echo"}
`

// compressGateway serves compressDef with the given root line (the
// minimum compression size, or nothing); release lets /stream finish.
func compressGateway(t *testing.T, minSize string, release chan struct{}) http.Handler {
	t.Helper()
	up := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/stream":
			_, _ = io.WriteString(w, strings.Repeat("a", 100))
			w.(http.Flusher).Flush()
			<-release
			_, _ = io.WriteString(w, strings.Repeat("b", 100))
		case "/encoded":
			w.Header().Set("Content-Encoding", "br")
			_, _ = io.WriteString(w, strings.Repeat("x", 50))
		case "/echo":
			b, _ := io.ReadAll(r.Body)
			_, _ = io.WriteString(w, r.Header.Get("Content-Encoding")+"|"+string(b))
		}
	}))
	t.Cleanup(up.Close)
	dir := t.TempDir()
	def := strings.ReplaceAll(strings.ReplaceAll(compressDef, "MINSIZE", minSize), "UPSTREAM", up.Listener.Addr().String())
	if err := os.WriteFile(filepath.Join(dir, "c.yaml"), []byte(def), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg := "listen: 127.0.0.1:0\nadmin: {listen: \"off\"}\nstore: {type: memory}\napis:\n  - {id: c, definition: c.yaml, stages: [{name: prod}]}\n"
	path := filepath.Join(dir, "portico.yaml")
	if err := os.WriteFile(path, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	g, err := New(Source{ConfigPath: path, Getenv: os.Getenv}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = g.Close() })
	return g.Handler()
}

func decode(t *testing.T, coding string, body []byte) string {
	t.Helper()
	var r io.Reader
	switch coding {
	case "gzip":
		zr, err := gzip.NewReader(bytes.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		r = zr
	case "deflate":
		r = flate.NewReader(bytes.NewReader(body))
	default:
		return string(body)
	}
	b, err := io.ReadAll(r)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestCompressionThreshold: answers at or above minimumCompressionSize
// are compressed with the client's coding; smaller ones, clients that
// accept none of gzip/deflate first, and APIs without the setting are not.
func TestCompressionThreshold(t *testing.T) {
	release := make(chan struct{})
	close(release)
	for _, tc := range []struct {
		minSize, path, accept string
		coding, body          string
	}{
		{"x-amazon-apigateway-minimum-compression-size: 15", "/big", "gzip", "gzip", "01234567890123456789"},
		{"x-amazon-apigateway-minimum-compression-size: 15", "/small", "gzip", "", "0123456789"},
		{"x-amazon-apigateway-minimum-compression-size: 20", "/big", "deflate, gzip", "deflate", "01234567890123456789"},
		{"x-amazon-apigateway-minimum-compression-size: 21", "/big", "gzip", "", "01234567890123456789"},
		{"x-amazon-apigateway-minimum-compression-size: 0", "/small", "gzip;q=0.5, deflate;q=0.9", "deflate", "0123456789"},
		{"x-amazon-apigateway-minimum-compression-size: 0", "/small", "", "", "0123456789"},
		{"x-amazon-apigateway-minimum-compression-size: 0", "/small", "br, gzip", "", "0123456789"},
		{"", "/big", "gzip", "", "01234567890123456789"},
		{"x-amazon-apigateway-minimum-compression-size: 0", "/encoded", "gzip", "br", strings.Repeat("x", 50)},
		{"x-amazon-apigateway-minimum-compression-size: 150", "/stream", "gzip", "gzip", strings.Repeat("a", 100) + strings.Repeat("b", 100)},
		{"x-amazon-apigateway-minimum-compression-size: 250", "/stream", "gzip", "", strings.Repeat("a", 100) + strings.Repeat("b", 100)},
	} {
		h := compressGateway(t, tc.minSize, release)
		req := httptest.NewRequest(http.MethodGet, "http://c.execute-api.localhost/prod"+tc.path, nil)
		if tc.accept != "" {
			req.Header.Set("Accept-Encoding", tc.accept)
		}
		w := httptest.NewRecorder()
		h.ServeHTTP(w, req)
		got := w.Header().Get("Content-Encoding")
		if w.Code != 200 || got != tc.coding || decode(t, got, w.Body.Bytes()) != tc.body {
			t.Errorf("%q %s %q: %d Content-Encoding %q body %q; want %q %q", tc.minSize, tc.path, tc.accept, w.Code, got, w.Body.Bytes(), tc.coding, tc.body)
		}
		if cl := w.Header().Get("Content-Length"); got != "" && got != "br" && cl != "" && cl != strconv.Itoa(w.Body.Len()) {
			t.Errorf("%s: Content-Length %s for %d compressed bytes", tc.path, cl, w.Body.Len())
		}
		if vary := w.Header().Get("Vary"); (tc.minSize != "" && tc.path != "/encoded") != (vary == "Accept-Encoding") {
			t.Errorf("%q %s: Vary %q", tc.minSize, tc.path, vary)
		}
	}
}

// TestCompressedStreamFlows: a streamed answer is compressed on the fly:
// the client decodes the first part before the upstream sends the rest.
func TestCompressedStreamFlows(t *testing.T) {
	release := make(chan struct{})
	srv := httptest.NewServer(compressGateway(t, "x-amazon-apigateway-minimum-compression-size: 0", release))
	t.Cleanup(srv.Close)
	t.Cleanup(func() {
		select {
		case <-release:
		default:
			close(release)
		}
	})
	req, _ := http.NewRequest(http.MethodGet, srv.URL+"/prod/stream", nil)
	req.Host = "c.execute-api.localhost"
	req.Header.Set("Accept-Encoding", "gzip")
	resp, err := (&http.Transport{DisableCompression: true}).RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.Header.Get("Content-Encoding") != "gzip" || resp.ContentLength != -1 {
		t.Fatalf("Content-Encoding %q, length %d", resp.Header.Get("Content-Encoding"), resp.ContentLength)
	}
	zr, err := gzip.NewReader(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	first := make([]byte, 100)
	if _, err := io.ReadFull(zr, first); err != nil || string(first) != strings.Repeat("a", 100) {
		t.Fatalf("first part before the upstream finished: %q, %v", first, err)
	}
	close(release)
	rest, err := io.ReadAll(zr)
	if err != nil || string(rest) != strings.Repeat("b", 100) {
		t.Fatalf("rest: %q, %v", rest, err)
	}
}

// TestRequestDecompression: a gzip or deflate request body is decoded
// before the mapping template and before a proxy forwards it (without the
// Content-Encoding); another coding or a corrupt body is 415.
func TestRequestDecompression(t *testing.T) {
	h := compressGateway(t, "", nil)
	gz := func(s string) []byte {
		var b bytes.Buffer
		zw := gzip.NewWriter(&b)
		_, _ = io.WriteString(zw, s)
		_ = zw.Close()
		return b.Bytes()
	}
	fl := func(s string) []byte {
		var b bytes.Buffer
		zw, _ := flate.NewWriter(&b, 5)
		_, _ = io.WriteString(zw, s)
		_ = zw.Close()
		return b.Bytes()
	}
	for _, tc := range []struct {
		path, coding string
		body         []byte
		code         int
		want         string
	}{
		{"/echo", "gzip", gz(`{"name":"rex"}`), 200, `|{"got":"rex"}`},
		{"/echo", "deflate", fl(`{"name":"tom"}`), 200, `|{"got":"tom"}`},
		{"/echo", "identity", []byte(`{"name":"id"}`), 200, `|{"got":"id"}`},
		{"/proxy", "gzip", gz("plain text"), 200, "|plain text"},
		{"/proxy", "br", []byte("xx"), 415, `{"message":"Unsupported Media Type"}`},
		{"/proxy", "gzip", []byte("not gzip"), 415, `{"message":"Unsupported Media Type"}`},
		{"/echo", "deflate", []byte("\xff\xff"), 415, `{"message":"Unsupported Media Type"}`},
	} {
		req := httptest.NewRequest(http.MethodPost, "http://c.execute-api.localhost/prod"+tc.path, bytes.NewReader(tc.body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Content-Encoding", tc.coding)
		w := httptest.NewRecorder()
		h.ServeHTTP(w, req)
		if w.Code != tc.code || w.Body.String() != tc.want {
			t.Errorf("%s %s: %d %q, want %d %q", tc.path, tc.coding, w.Code, w.Body.String(), tc.code, tc.want)
		}
	}
}
