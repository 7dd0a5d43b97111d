package integration

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/portico-gw/portico/internal/apidef"
	"github.com/portico-gw/portico/internal/awsheaders"
	"github.com/portico-gw/portico/internal/awslimits"
	"github.com/portico-gw/portico/internal/pipeline"
)

// maxUpstreamBody bounds a buffered non-proxy back-end response (AWS's 10 MB
// payload limit).
const maxUpstreamBody = awslimits.PayloadBytes

// HTTP is a non-proxy HTTP integration: only mapped parameters reach the
// back end, and the method response comes from the integration response
// selected by the back end's status code.
type HTTP struct {
	uri       string
	method    string
	timeout   time.Duration
	apiID     string
	handling  apidef.ContentHandling
	media     binaryMedia
	mappings  []mapping
	requests  requestTemplates
	responses responses
	transport http.RoundTripper
	kind      apidef.IntegrationType
	defaults  http.Header
	prepare   func(*http.Request, []byte) error
}

var _ pipeline.Integration = (*HTTP)(nil)

// HTTPConfig configures an HTTP integration.
type HTTPConfig struct {
	URI        string
	HTTPMethod string
	Timeout    time.Duration
	APIID      string
	Method     *apidef.Method
	// Integration supplies parameters, templates, passthrough and responses.
	Integration *apidef.Integration
	Transport   http.RoundTripper
	Compile     Compiler
	// BinaryMediaTypes drive contentHandling conversions.
	BinaryMediaTypes []string
	// Kind names the integration type in logs; default HTTP.
	Kind apidef.IntegrationType
	// Header holds headers sent unless a mapping sets them (AWS service
	// integrations: Content-Type, X-Amz-Target).
	Header http.Header
	// Prepare, when set, is the last step before the request is sent: AWS
	// service integrations finish the body and sign the request. body is
	// the request body as it stands; Prepare replaces req.Body if it
	// changes it.
	Prepare func(req *http.Request, body []byte) error
}

// NewHTTP compiles an HTTP integration.
func NewHTTP(cfg HTTPConfig) (*HTTP, error) {
	in := cfg.Integration
	reqT, err := compileTemplates(in.RequestTemplates, cfg.Compile, "request template")
	if err != nil {
		return nil, err
	}
	rs, err := compileResponses(cfg.Method, in.Responses, cfg.Compile, binaryMedia{cfg.BinaryMediaTypes})
	if err != nil {
		return nil, err
	}
	return &HTTP{uri: cfg.URI, method: cfg.HTTPMethod, timeout: cfg.Timeout, apiID: cfg.APIID, handling: in.ContentHandling, media: binaryMedia{cfg.BinaryMediaTypes},
		mappings: compileMappings(in.RequestParameters), requests: requestTemplates{reqT, in.PassthroughBehavior},
		responses: rs, transport: cfg.Transport, kind: cfg.Kind, defaults: cfg.Header, prepare: cfg.Prepare}, nil
}

// Name implements pipeline.Named.
func (h *HTTP) Name() string {
	if h.kind != "" {
		return "integration:" + string(h.kind)
	}
	return "integration:HTTP"
}

// Invoke calls the back end and maps its answer.
func (h *HTTP) Invoke(ctx context.Context, c *pipeline.Call) (*pipeline.Result, error) {
	o := &Overrides{}
	body, err := requestPayload(ctx, h.requests, h.media, h.handling, c, o, h.uri)
	if err != nil {
		return nil, err
	}
	mp, err := apply(h.mappings, c)
	if err != nil {
		return nil, classify(ctx, err, h.uri)
	}
	mp.override(o)
	up, status, err := h.call(ctx, c, mp, body)
	if err != nil {
		return nil, err
	}
	r, err := h.responses.sel(strconv.Itoa(status))
	if err != nil {
		return nil, err
	}
	return r.render(ctx, c, up, o)
}

// call sends the mapped request and buffers the answer.
func (h *HTTP) call(ctx context.Context, c *pipeline.Call, mp mapped, body []byte) (upstream, int, error) {
	expanded, err := expandURI(h.uri, mp.path, c)
	if err != nil {
		return upstream{}, 0, err
	}
	target, err := url.Parse(expanded)
	if err != nil || target.Host == "" {
		return upstream{}, 0, configError("Invalid endpoint address")
	}
	target.RawQuery = mergeQuery(target.RawQuery, "", mp.query)
	ctx, cancel := context.WithTimeout(ctx, h.timeout)
	defer cancel()
	method := h.method
	if method == "ANY" || method == "" {
		method = c.HTTPMethod
	}
	req, err := newBackendRequest(ctx, method, target, body,
		http.Header{"Accept": {"application/json"}, "User-Agent": {"AmazonAPIGateway_" + h.apiID}})
	if err != nil {
		return upstream{}, 0, configError("Invalid endpoint address")
	}
	if len(body) > 0 {
		req.Header.Set("Content-Type", c.Header.Get("Content-Type"))
	}
	for k, vs := range h.defaults {
		req.Header[k] = vs
	}
	hv := make(headerValues, 0, 2)
	addGatewayHeaders(req.Header, c, &hv)
	awsheaders.SetMappedHeaders(req, mp.header)
	start := time.Now()
	if h.prepare != nil {
		if err := h.prepare(req, body); err != nil {
			return upstream{}, 0, configError("%v", err)
		}
	}
	resp, err := h.transport.RoundTrip(req)
	if err != nil {
		c.IntegrationLatency = time.Since(start)
		return upstream{}, 0, classify(ctx, err, target.Host)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxUpstreamBody+1))
	c.IntegrationLatency = time.Since(start)
	if err != nil {
		return upstream{}, 0, classify(ctx, err, target.Host)
	}
	if len(data) > maxUpstreamBody {
		return upstream{}, 0, configError("endpoint response body exceeds %d bytes", maxUpstreamBody)
	}
	c.IntegrationStatus = resp.StatusCode
	return upstream{header: resp.Header, body: data, traced: true}, resp.StatusCode, nil
}
