package integration

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/portico-gw/portico/internal/awsheaders"
	"github.com/portico-gw/portico/internal/awslimits"
	"github.com/portico-gw/portico/internal/fault"
	"github.com/portico-gw/portico/internal/pipeline"
)

// HTTPAPIProxy is an HTTP API's HTTP_PROXY integration ("Create HTTP proxy
// integrations for HTTP APIs",
// https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-integrations-http.html):
// the client's request goes to the endpoint, {name} placeholders of the URI
// filled with the route's path parameters, with the HTTP API's header rules
// (awsheaders.HTTPAPIRules: hop-by-hop headers dropped, X-Forwarded-* folded
// into a standard Forwarded header) and the integration's parameter
// mappings applied; the back end's status, headers and body come back,
// the body streamed.
type HTTPAPIProxy struct {
	uri       string
	method    string // "ANY" forwards the client's method
	timeout   time.Duration
	mapping   *ParamMapping
	transport http.RoundTripper
	by        string
}

var _ pipeline.Integration = (*HTTPAPIProxy)(nil)

// HTTPAPIProxyConfig configures an HTTPAPIProxy.
type HTTPAPIProxyConfig struct {
	// URI is the endpoint with stage variables already substituted; it
	// may hold {name} placeholders for path parameters
	// ("https://example.com/{proxy}").
	URI string
	// HTTPMethod is the integration's method toward the back end, or ANY
	// (or "") for the client's.
	HTTPMethod string
	// TimeoutInMillis is the integration's timeoutInMillis: 50 to 30,000;
	// 0 means the default, 30,000.
	TimeoutInMillis int
	// ParameterMappings are the integration's requestParameters
	// ("overwrite:header.x": "$request.header.y", ...).
	ParameterMappings map[string]string
	// Transport is the shared keep-alive transport (NewTransport).
	Transport http.RoundTripper
	// ForwardedBy, when set, is the gateway's address written as "by=" in
	// the Forwarded header; AWS writes its egress address there.
	ForwardedBy string
}

// NewHTTPAPIProxy compiles an HTTP API HTTP_PROXY integration. A timeout
// out of range, an endpoint that is not an absolute http(s) URL, or a
// parameter mapping AWS refuses is an error; mapping problems are
// *MappingError values joined into it.
func NewHTTPAPIProxy(cfg HTTPAPIProxyConfig) (pipeline.Integration, error) {
	timeout, err := HTTPAPITimeout(cfg.TimeoutInMillis)
	if err != nil {
		return nil, err
	}
	u, err := url.Parse(strings.NewReplacer("{", "", "}", "", "+", "").Replace(cfg.URI))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("integration URI %q is not an absolute http or https URL", cfg.URI)
	}
	m, err := CompileParameterMappings(cfg.ParameterMappings)
	if err != nil {
		return nil, err
	}
	if cfg.Transport == nil {
		return nil, fmt.Errorf("integration %q has no transport", cfg.URI)
	}
	return &HTTPAPIProxy{uri: cfg.URI, method: strings.ToUpper(cfg.HTTPMethod), timeout: timeout, mapping: m,
		transport: cfg.Transport, by: cfg.ForwardedBy}, nil
}

// HTTPAPITimeout checks an HTTP API integration's timeoutInMillis: 0 is the
// default (30 s); otherwise 50 to 30,000 ms.
func HTTPAPITimeout(ms int) (time.Duration, error) {
	if ms == 0 {
		return awslimits.HTTPAPIIntegrationTimeout, nil
	}
	d := time.Duration(ms) * time.Millisecond
	if d < awslimits.MinIntegrationTimeout || d > awslimits.HTTPAPIIntegrationTimeout {
		return 0, fmt.Errorf("timeoutInMillis %d is out of range: an HTTP API integration's timeout is %d to %d ms",
			ms, awslimits.MinIntegrationTimeout.Milliseconds(), awslimits.HTTPAPIIntegrationTimeout.Milliseconds())
	}
	return d, nil
}

// Name implements pipeline.Named.
func (p *HTTPAPIProxy) Name() string { return "integration:HTTP_PROXY" }

// Invoke sends the request and returns the streamed response.
func (p *HTTPAPIProxy) Invoke(ctx context.Context, c *pipeline.Call) (*pipeline.Result, error) {
	header := awsheaders.HTTPAPIRequestHeader(c.Header)
	editQuery, path, err := p.mapping.apply(c, header)
	if err != nil {
		return nil, classify(ctx, err, p.uri)
	}
	expanded, err := expandURI(p.uri, nil, c)
	if err != nil {
		return nil, err
	}
	target, err := url.Parse(expanded)
	if err != nil || target.Host == "" {
		return nil, configError("Invalid endpoint address")
	}
	if path != nil {
		if err := overwritePath(target, *path); err != nil {
			return nil, err
		}
	}
	target.RawQuery = mergeQuery(target.RawQuery, c.RawQuery, nil)
	if editQuery != nil {
		target.RawQuery = editQuery(target.RawQuery)
	}
	pa := new(proxyAllocs)
	req, cancel, err := proxyRequest(ctx, p.transport, c, p.method, target, header, p.timeout, pa)
	if err != nil {
		return nil, err
	}
	if req.ContentLength == 0 {
		// "API Gateway adds the Content-Type header to your request when
		// there is no payload and the Content-Length is 0" (Important notes
		// for HTTP APIs); the value is UNCONFIRMED (docs/differences.md).
		if header.Get("Content-Type") == "" {
			header.Set("Content-Type", "application/json")
		}
	}
	header.Set("Forwarded", awsheaders.HTTPAPIForwarded(c.Header, p.by, c.SourceIP, c.Host, "http"))
	if c.TraceID != "" {
		header.Set("X-Amzn-Trace-Id", c.TraceID)
	}
	if h := header.Get("Host"); h != "" { // an "overwrite:header.Host" mapping
		req.Host = h
	}
	header.Del("Host")
	return proxyExchange(p.transport, req, cancel, c, awsheaders.HTTPAPIResponseHeader, pa)
}

// overwritePath replaces the endpoint's path with a mapped one
// ("overwrite:path"); the value is a path as sent (percent-encoded), and a
// query string in it is ignored. A value that could leave the path
// (a dot segment, a backslash, a NUL) is refused as expandURI refuses it.
func overwritePath(target *url.URL, v string) error {
	v, _, _ = strings.Cut(v, "?")
	if !strings.HasPrefix(v, "/") {
		v = "/" + v
	}
	if why := unsafePathValue(strings.TrimPrefix(v, "/")); why != "" {
		return badPath(why)
	}
	u, err := url.Parse(v)
	if err != nil {
		return badPath("it is not a valid path")
	}
	target.Path, target.RawPath = u.Path, u.RawPath
	return nil
}

// badPath refuses an overwritten path as a refused path parameter is
// refused: 400 BAD_REQUEST_PARAMETERS, nothing sent.
func badPath(why string) error {
	return fault.Reject(fault.BadRequestParameters, fmt.Errorf("mapped path is refused: %s", why)).WithMessage("Invalid request parameters")
}
