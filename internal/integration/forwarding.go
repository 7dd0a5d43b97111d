package integration

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"golang.org/x/net/http/httpguts"

	"github.com/portico-gw/portico/internal/pipeline"
)

// addGatewayHeaders adds what API Gateway sends every HTTP back end:
// X-Amzn-Trace-Id and the API id (docs/aws-behaviour.md#headers-sent-to-the-back-end).
func addGatewayHeaders(h http.Header, c *pipeline.Call, hv *headerValues) {
	if c.TraceID != "" {
		hv.set(h, "X-Amzn-Trace-Id", c.TraceID)
	}
	hv.set(h, "X-Amzn-Apigateway-Api-Id", c.APIID)
}

// headerValues hands out one-value header slices from one backing array,
// so the gateway's own request headers cost one allocation, not one each.
type headerValues []string

// set is h.Set(k, v) for a canonical k; the slice is capped, so an append
// to it never writes into the next header's value.
func (hv *headerValues) set(h http.Header, k, v string) {
	*hv = append(*hv, v)
	n := len(*hv)
	h[k] = (*hv)[n-1 : n : n]
}

// streamResult is a streamed result and its body in one allocation.
type streamResult struct {
	res  pipeline.Result
	body cancelOnClose
}

// newStreamResult returns the result for a back end's streamed answer,
// made in sr; the body's Close releases cancel.
func newStreamResult(sr *streamResult, resp *http.Response, header http.Header, cancel func()) *pipeline.Result {
	*sr = streamResult{
		res:  pipeline.Result{Status: resp.StatusCode, Header: header, ContentLength: resp.ContentLength},
		body: cancelOnClose{ReadCloser: resp.Body, cancel: cancel},
	}
	sr.res.Stream = &sr.body
	return &sr.res
}

// proxyAllocs is what proxyRequest and proxyExchange make for one call,
// in one allocation: the enforced deadline and the streamed result.
type proxyAllocs struct {
	deadline enforcedDeadline
	result   streamResult
}

// cancelOnClose releases the request's context once the body is consumed.
type cancelOnClose struct {
	io.ReadCloser
	cancel func()
}

func (c *cancelOnClose) Close() error {
	err := c.ReadCloser.Close()
	c.cancel()
	return err
}

// newBackendRequest is http.NewRequestWithContext for a target already
// parsed: the URL is not formatted and parsed a second time. A body of
// length 0 is sent as http.NoBody with Content-Length 0, as
// NewRequestWithContext sends an empty bytes.Reader; a non-empty one gets
// GetBody, so the transport can resend it on a fresh connection. The
// request carries header, which every caller builds itself. A request
// without a body is NewRequestWithContext's made in one allocation (its
// fields, then WithContext), where NewRequestWithContext also parses an
// empty URL and makes a header that would be dropped.
func newBackendRequest(ctx context.Context, method string, target *url.URL, body []byte, header http.Header) (*http.Request, error) {
	// NewRequestWithContext drops an empty port ("host:") from the URL's
	// host and takes Host from it.
	target.Host = strings.TrimSuffix(target.Host, ":")
	// A method that is a token (httpguts.ValidHeaderFieldName is
	// net/http's validMethod) and a context: NewRequestWithContext
	// would not fail.
	if len(body) == 0 && ctx != nil && httpguts.ValidHeaderFieldName(method) {
		r := http.Request{Method: method, URL: target, Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
			Header: header, Body: http.NoBody, Host: target.Host}
		return r.WithContext(ctx), nil
	}
	var rd io.Reader
	if len(body) > 0 {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, "", rd)
	if err != nil {
		return nil, err
	}
	req.URL, req.Host, req.Header = target, target.Host, header
	if rd == nil {
		req.Body = http.NoBody
	}
	return req, nil
}

// proxyRequest builds the back-end request under the integration's
// timeout, with the integration's method or, for ANY, the client's.
// cancel releases the timeout; the request carries its context.
//
// The call's body is received whole first (bounded by the payload limit,
// so a body over it, a malformed chunked body or a client too slow to send
// never reaches the back end), unless nothing has read it yet and its
// declared length is over streamAbove: such a body (already checked
// against the limit at the edge) is streamed as it arrives, and a client
// that fails to deliver it fails the exchange with the client's error
// (pipeline.ErrClientBody).
func proxyRequest(ctx context.Context, transport http.RoundTripper, c *pipeline.Call, method string, target *url.URL,
	header http.Header, timeout time.Duration, pa *proxyAllocs) (*http.Request, context.CancelFunc, error) {
	if method == "ANY" || method == "" {
		method = c.HTTPMethod
	}
	var body []byte
	streamed, ok := c.Body.Unread()
	if !ok || streamed <= streamAbove {
		var err error
		if body, err = c.Body.Bytes(); err != nil {
			return nil, nil, classify(ctx, err, target.Host)
		}
		streamed = -1
	}
	var cancel context.CancelFunc
	if _, ours := transport.(*Transport); ours {
		ctx, cancel = pa.deadline.init(ctx, time.Now().Add(timeout))
	} else {
		ctx, cancel = context.WithTimeout(ctx, timeout)
	}
	req, err := newBackendRequest(ctx, method, target, body, header)
	if err != nil {
		cancel()
		return nil, nil, configError("Invalid endpoint address")
	}
	if streamed >= 0 {
		req.Body, req.ContentLength = io.NopCloser(c.Body.Reader()), streamed
	} else {
		req.ContentLength = int64(len(body))
	}
	return req, cancel, nil
}

// streamAbove is the declared length above which a body nothing read yet
// is streamed to the back end rather than received whole first, so that
// memory stays flat however large the bodies are (docs/architecture.md#pipeline-order).
const streamAbove = 64 << 10

// proxyExchange sends req and streams the answer back with the headers
// answerHeader keeps; a failure or an informational status is classified
// under the request's timeout. cancel is released with the stream, or at
// once on failure.
func proxyExchange(transport http.RoundTripper, req *http.Request, cancel context.CancelFunc, c *pipeline.Call,
	answerHeader func(http.Header) http.Header, pa *proxyAllocs) (*pipeline.Result, error) {
	ctx := req.Context()
	start := time.Now()
	resp, err := transport.RoundTrip(req)
	c.IntegrationLatency = time.Since(start)
	if err != nil {
		cancel()
		return nil, classify(ctx, err, req.URL.Host)
	}
	c.IntegrationStatus = resp.StatusCode
	if resp.StatusCode < 200 {
		resp.Body.Close()
		cancel()
		return nil, classify(ctx, fmt.Errorf("back end answered informational status %d", resp.StatusCode), req.URL.Host)
	}
	return newStreamResult(&pa.result, resp, answerHeader(resp.Header), cancel), nil
}
