package integration

import (
	"encoding/base64"
	"net/http"
	"strings"

	"github.com/portico-gw/portico/internal/awsheaders"
	"github.com/portico-gw/portico/internal/lambdaevent"
	"github.com/portico-gw/portico/internal/pipeline"
)

// proxyResult turns the validated response into the method response. The body
// is base64-decoded only when isBase64Encoded is set and the request's
// first Accept type is a binary media type; undecodable base64 then is a
// configuration error (500).
func proxyResult(r *lambdaevent.ProxyResponse, c *pipeline.Call, binaryTypes []string) (*pipeline.Result, error) {
	h := awsheaders.LambdaResponseHeader(r.Header)
	keepContentTypeSpelling(h)
	body := []byte(r.Body)
	first, _, _ := strings.Cut(c.Header.Get("Accept"), ",")
	if r.Base64 && isBinary(first, binaryTypes) {
		dec, err := base64.StdEncoding.DecodeString(r.Body)
		if err != nil {
			return nil, configError("Unable to base64 decode the body.")
		}
		body = dec
	}
	if tid := c.TraceID; tid != "" {
		h["X-Amzn-Trace-Id"] = []string{tid}
	}
	return &pipeline.Result{Status: r.Status, Header: h, Body: body, ContentLength: -1}, nil
}

// keepContentTypeSpelling lets a function's own spelling of Content-Type
// ("content-type") be sent as is: net/http looks for the canonical key
// only and would add a second, sniffed Content-Type. A nil value under the
// canonical key suppresses that without writing a line.
func keepContentTypeSpelling(h http.Header) {
	if _, ok := h["Content-Type"]; ok {
		return
	}
	for k := range h {
		if strings.EqualFold(k, "Content-Type") {
			h["Content-Type"] = nil
			return
		}
	}
}
