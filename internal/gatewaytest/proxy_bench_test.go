package gatewaytest

import (
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strings"
	"sync"
	"testing"
)

// BenchmarkHTTPProxy measures a REST API HTTP_PROXY request through the
// whole path (edge, pipeline, integration, back end on loopback, response
// out), in one process, so allocs/op counts the client, the gateway and
// the fake back end together. Plain is a bodiless GET with no mappings;
// Mapped is a {proxy+} path with a mapped path parameter and header;
// Post sends a small body.
func BenchmarkHTTPProxy(b *testing.B) {
	def := benchDefinition(b, `openapi: "3.0.1"
info: {title: bench, version: "1"}
paths:
  /plain:
    get:
      responses: {"200": {description: x}}
      x-amazon-apigateway-integration: {type: http_proxy, httpMethod: GET, uri: "http://${stageVariables.backend}/status/200"}
  /post:
    post:
      responses: {"200": {description: x}}
      x-amazon-apigateway-integration: {type: http_proxy, httpMethod: POST, uri: "http://${stageVariables.backend}/status/200"}
  /m/{proxy+}:
    x-amazon-apigateway-any-method:
      parameters:
        - {name: proxy, in: path, required: true, schema: {type: string}}
      responses: {"200": {description: x}}
      x-amazon-apigateway-integration:
        type: http_proxy
        httpMethod: ANY
        uri: "http://${stageVariables.backend}/status/{proxy}"
        requestParameters:
          integration.request.path.proxy: method.request.path.proxy
          integration.request.header.x-mapped: "'yes'"
`)
	g := Start(b, Options{Definition: def, Extra: "store: {type: memory}\naccount: {throttle: {rateLimit: 1000000000, burstLimit: 1000000000}}\n"})
	client := &http.Client{}
	run := func(b *testing.B, method, path, body string) { benchRequests(b, client, method, g.URL+path, body) }
	b.Run("Plain", func(b *testing.B) { run(b, http.MethodGet, "/dev/plain", "") })
	b.Run("Mapped", func(b *testing.B) { run(b, http.MethodGet, "/dev/m/200", "") })
	b.Run("Post", func(b *testing.B) { run(b, http.MethodPost, "/dev/post", `{"a":1}`) })
	// PooledNetHTTP is the baseline Plain is read against: the same client
	// and back end (through the same recorder) with net/http's
	// httputil.ReverseProxy and a pooled copy buffer in between, so the
	// difference in allocs/op is what Portico allocates beyond net/http.
	target, err := url.Parse("http://" + g.Upstream)
	if err != nil {
		b.Fatal(err)
	}
	rp := &httputil.ReverseProxy{Rewrite: func(r *httputil.ProxyRequest) { r.SetURL(target) }, BufferPool: &benchBufferPool{}}
	base := httptest.NewServer(rp)
	b.Cleanup(base.Close)
	b.Run("PooledNetHTTP", func(b *testing.B) { benchRequests(b, client, http.MethodGet, base.URL+"/status/200", "") })
}

// benchBufferPool is httputil.BufferPool over a sync.Pool of 32 KiB buffers.
type benchBufferPool struct{ p sync.Pool }

func (bp *benchBufferPool) Get() []byte {
	if v, ok := bp.p.Get().(*[]byte); ok {
		return *v
	}
	return make([]byte, 32<<10)
}

func (bp *benchBufferPool) Put(b []byte) { bp.p.Put(&b) }

// BenchmarkHTTPAPIProxy is BenchmarkHTTPProxy for an HTTP API's
// HTTP_PROXY integration ($default stage, no prefix): Plain is a bodiless
// GET; Mapped overwrites the path and appends a header.
func BenchmarkHTTPAPIProxy(b *testing.B) {
	up := httptest.NewServer(Upstream())
	b.Cleanup(up.Close)
	src := `openapi: "3.0.1"
info: {title: bench, version: "1"}
x-amazon-apigateway-importexport-version: "1.0"
paths:
  /plain:
    get:
      x-amazon-apigateway-integration: {type: http_proxy, httpMethod: GET, payloadFormatVersion: "1.0", uri: "UPSTREAM/status/200"}
  /m/{code}:
    get:
      x-amazon-apigateway-integration:
        type: http_proxy
        httpMethod: GET
        payloadFormatVersion: "1.0"
        uri: "UPSTREAM/status/500"
        requestParameters:
          "overwrite:path": "/status/$request.path.code"
          "append:header.x-mapped": "yes"
`
	def := benchDefinition(b, strings.ReplaceAll(src, "UPSTREAM", up.URL))
	g := Start(b, Options{Definition: def, Stages: map[string]map[string]string{},
		Extra: "store: {type: memory}\naccount: {throttle: {rateLimit: 1000000000, burstLimit: 1000000000}}\n"})
	client := &http.Client{}
	run := func(b *testing.B, path string) { benchRequests(b, client, http.MethodGet, g.URL+path, "") }
	b.Run("Plain", func(b *testing.B) { run(b, "/plain") })
	b.Run("Mapped", func(b *testing.B) { run(b, "/m/200") })
}
