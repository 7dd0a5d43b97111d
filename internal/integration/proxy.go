package integration

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"time"

	"github.com/portico-gw/portico/internal/pipeline"
)

// Proxy is an HTTP_PROXY integration: the client's request goes to the
// endpoint with AWS's header rules and the back end's status, headers and
// body come back, streamed both ways.
type Proxy struct {
	uri       string
	method    string // "ANY" forwards the client's method
	timeout   time.Duration
	mappings  []mapping
	transport http.RoundTripper
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
	return &Proxy{uri: cfg.URI, method: cfg.HTTPMethod, timeout: cfg.Timeout,
		mappings: compileMappings(cfg.RequestParameters), transport: cfg.Transport}
}

// Name implements pipeline.Named.
func (p *Proxy) Name() string { return "integration:HTTP_PROXY" }

// Invoke sends the request and returns the streamed response.
func (p *Proxy) Invoke(ctx context.Context, c *pipeline.Call) (*pipeline.Result, error) {
	mp, err := apply(p.mappings, c)
	if err != nil {
		return nil, classify(ctx, err, p.uri)
	}
	target, err := url.Parse(expandURI(p.uri, mp.path, c))
	if err != nil || target.Host == "" {
		return nil, configError("Invalid endpoint address")
	}
	if len(c.Query) > 0 || len(mp.query) > 0 {
		q := target.Query()
		for k, vs := range c.Query {
			if _, set := q[k]; !set {
				q[k] = vs
			}
		}
		for k, vs := range mp.query {
			q[k] = vs
		}
		target.RawQuery = q.Encode()
	}
	method := p.method
	if method == "ANY" || method == "" {
		method = c.HTTPMethod
	}
	ctx, cancel := context.WithTimeout(ctx, p.timeout)
	req, err := http.NewRequestWithContext(ctx, method, target.String(), c.Body.Reader())
	if err != nil {
		cancel()
		return nil, configError("Invalid endpoint address")
	}
	req.ContentLength = contentLength(c)
	req.Header = proxyRequestHeader(c.Header)
	req.Header.Set("X-Forwarded-For", forwardedFor(c))
	req.Header.Set("X-Forwarded-Proto", "http")
	addGatewayHeaders(req.Header, c)
	setMappedHeaders(req, mp.header)
	start := time.Now()
	resp, err := p.transport.RoundTrip(req)
	c.IntegrationLatency = time.Since(start)
	if err != nil {
		cancel()
		return nil, classify(ctx, err, target.Host)
	}
	c.IntegrationStatus = resp.StatusCode
	if resp.StatusCode < 200 {
		resp.Body.Close()
		cancel()
		return nil, classify(ctx, fmt.Errorf("back end answered informational status %d", resp.StatusCode), target.Host)
	}
	return &pipeline.Result{
		Status:        resp.StatusCode,
		Header:        proxyResponseHeader(resp.Header),
		Stream:        &cancelOnClose{ReadCloser: resp.Body, cancel: cancel},
		ContentLength: resp.ContentLength,
	}, nil
}

// contentLength is the client's declared body length, -1 when unknown, 0
// for no body.
func contentLength(c *pipeline.Call) int64 {
	if cl := c.Header.Get("Content-Length"); cl != "" {
		var n int64
		for _, ch := range cl {
			if ch < '0' || ch > '9' {
				return -1
			}
			n = n*10 + int64(ch-'0')
		}
		return n
	}
	if c.Header.Get("Transfer-Encoding") != "" {
		return -1
	}
	return 0
}
