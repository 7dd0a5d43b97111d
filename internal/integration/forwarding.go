package integration

import (
	"io"
	"net/http"

	"github.com/portico-gw/portico/internal/pipeline"
)

// addForwarding adds the headers API Gateway sends to back ends: the
// X-Forwarded-* trio, X-Amzn-Trace-Id and the API id (aws-recordings.md §5.9, §6).
func addForwarding(h http.Header, c *pipeline.Call) {
	if prior := h.Get("X-Forwarded-For"); prior != "" {
		h.Set("X-Forwarded-For", prior+", "+c.SourceIP)
	} else {
		h.Set("X-Forwarded-For", c.SourceIP)
	}
	h.Set("X-Forwarded-Proto", "http")
	if tid := c.Vars["traceId"]; tid != "" {
		h.Set("X-Amzn-Trace-Id", tid)
	}
	h.Set("X-Amzn-Apigateway-Api-Id", c.APIID)
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
