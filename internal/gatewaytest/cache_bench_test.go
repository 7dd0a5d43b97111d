package gatewaytest

import (
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"testing"
)

// BenchmarkCacheHit compares, on loopback with one client, a bare
// httputil.ReverseProxy, Portico's HTTP_PROXY method without a cache and
// the same method answered from the stage cache (the full pipeline: edge,
// throttle, cache lookup, write). All three reach the same back-end answer
// (/status/200). Read the ratios of ns/op.
func BenchmarkCacheHit(b *testing.B) {
	def := benchDefinition(b, `openapi: "3.0.1"
info: {title: bench, version: "1"}
paths:
  /plain:
    get:
      responses: {"200": {description: x}}
      x-amazon-apigateway-integration: {type: http_proxy, httpMethod: GET, uri: "http://${stageVariables.backend}/status/200"}
  /cached:
    get:
      responses: {"200": {description: x}}
      x-amazon-apigateway-integration: {type: http_proxy, httpMethod: GET, uri: "http://${stageVariables.backend}/status/200"}
`)
	g := Start(b, Options{Definition: def, Extra: "store: {type: memory}\naccount: {throttle: {rateLimit: 1000000, burstLimit: 1000000}}\n",
		StageExtra: "cache: {enabled: true}\nmethodSettings:\n  - {resourcePath: /cached, httpMethod: GET, cachingEnabled: true}\n"})
	target, _ := url.Parse("http://" + g.Upstream)
	bare := httptest.NewServer(httputil.NewSingleHostReverseProxy(target))
	b.Cleanup(bare.Close)
	client := &http.Client{}
	run := func(b *testing.B, u string) { benchRequests(b, client, http.MethodGet, u, "") }
	b.Run("BareProxy", func(b *testing.B) { run(b, bare.URL+"/status/200") })
	b.Run("PorticoProxy", func(b *testing.B) { run(b, g.URL+"/dev/plain") })
	b.Run("PorticoCacheHit", func(b *testing.B) { run(b, g.URL+"/dev/cached") })
}
