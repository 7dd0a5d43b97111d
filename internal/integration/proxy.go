package integration

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/portico-gw/portico/internal/awsheaders"
	"github.com/portico-gw/portico/internal/pipeline"
)

// Proxy is an HTTP_PROXY integration: the client's request goes to the
// endpoint with AWS's header rules and the back end's status, headers and
// body come back. The request body is received whole first (it is bounded by
// the payload limit); the response body is streamed.
type Proxy struct {
	uri       string
	method    string // "ANY" forwards the client's method
	timeout   time.Duration
	mappings  []mapping
	transport http.RoundTripper
	// parsed is uri parsed once, when it has no placeholder (expandURI
	// returns it unchanged) and is a valid endpoint; nil otherwise.
	parsed *url.URL
}

var _ pipeline.Integration = (*Proxy)(nil)

// ProxyConfig configures a Proxy.
type ProxyConfig struct {
	// URI is the endpoint with stage variables already substituted.
	URI string
	// HTTPMethod is the method toward the back end, or ANY.
	HTTPMethod string
	// Timeout is the integration timeout.
	Timeout time.Duration
	// RequestParameters are the integration.request.* mappings.
	RequestParameters map[string]string
	// Transport is the shared keep-alive transport.
	Transport http.RoundTripper
}

// NewProxy returns an HTTP_PROXY integration.
func NewProxy(cfg ProxyConfig) *Proxy {
	p := &Proxy{uri: cfg.URI, method: cfg.HTTPMethod, timeout: cfg.Timeout,
		mappings: compileMappings(cfg.RequestParameters), transport: cfg.Transport}
	if !strings.Contains(p.uri, "{") {
		if u, err := url.Parse(p.uri); err == nil && u.Host != "" {
			p.parsed = u
		}
	}
	return p
}

// proxyCall is what Invoke allocates per call, in one allocation: the
// target URL (a copy of the parsed endpoint), the gateway's header values
// and proxyAllocs.
type proxyCall struct {
	target url.URL
	hv     [4]string
	allocs proxyAllocs
}

// Name implements pipeline.Named.
func (p *Proxy) Name() string { return "integration:HTTP_PROXY" }

// Invoke sends the request and returns the streamed response.
func (p *Proxy) Invoke(ctx context.Context, c *pipeline.Call) (*pipeline.Result, error) {
	mp, err := apply(p.mappings, c)
	if err != nil {
		return nil, classify(ctx, err, p.uri)
	}
	pc := new(proxyCall)
	var target *url.URL
	if p.parsed != nil {
		pc.target = *p.parsed
		target = &pc.target
	} else {
		expanded, err := expandURI(p.uri, mp.path, c)
		if err != nil {
			return nil, err
		}
		target, err = url.Parse(expanded)
		if err != nil || target.Host == "" {
			return nil, configError("Invalid endpoint address")
		}
	}
	target.RawQuery = mergeQuery(target.RawQuery, c.RawQuery, mp.query)
	req, cancel, err := proxyRequest(ctx, p.transport, c, p.method, target, awsheaders.ProxyRequestHeader(c.Header), p.timeout, &pc.allocs)
	if err != nil {
		return nil, err
	}
	hv := headerValues(pc.hv[:0])
	hv.set(req.Header, "X-Forwarded-For", awsheaders.ForwardedFor(c.Header.Get("X-Forwarded-For"), c.SourceIP))
	hv.set(req.Header, "X-Forwarded-Proto", "http")
	addGatewayHeaders(req.Header, c, &hv)
	awsheaders.SetMappedHeaders(req, mp.header)
	return proxyExchange(p.transport, req, cancel, c, awsheaders.ProxyResponseHeader, &pc.allocs)
}
