package integration

import (
	"io"
	"net/http"

	"github.com/portico-gw/portico/internal/pipeline"
)

// addGatewayHeaders adds what API Gateway sends every HTTP back end:
// X-Amzn-Trace-Id and the API id (docs/aws-behaviour.md#headers-sent-to-the-back-end).
func addGatewayHeaders(h http.Header, c *pipeline.Call) {
	if c.TraceID != "" {
		h.Set("X-Amzn-Trace-Id", c.TraceID)
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
