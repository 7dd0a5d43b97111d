package integration

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/portico-gw/portico/internal/apidef"
	"github.com/portico-gw/portico/internal/awslimits"
	"github.com/portico-gw/portico/internal/fault"
	"github.com/portico-gw/portico/internal/lambdaevent"
	"github.com/portico-gw/portico/internal/pipeline"
)

// maxInvokePayload is Lambda's synchronous invocation payload limit (6 MB).
const maxInvokePayload = awslimits.LambdaPayloadBytes

// LambdaConfig configures a Lambda integration (AWS_PROXY or AWS).
type LambdaConfig struct {
	Function         string
	Timeout          time.Duration
	BinaryMediaTypes []string
	Invoker          lambdaevent.FunctionInvoker
	// PayloadFormatVersion is "" on REST APIs; on an HTTP API it is the
	// integration's payloadFormatVersion, "1.0" or "2.0", which selects the
	// event and answer rules (docs/aws-behaviour.md#http-api-lambda-event-payload-20).
	// BinaryMediaTypes are then unused: HTTP APIs have none.
	PayloadFormatVersion string
	// Method and Integration supply templates and responses (AWS only).
	Method      *apidef.Method
	Integration *apidef.Integration
	Compile     Compiler
}

// invoke runs the function within the integration timeout.
func invoke(ctx context.Context, cfg *LambdaConfig, c *pipeline.Call, payload []byte) (lambdaevent.FunctionResult, error) {
	if len(payload) > maxInvokePayload {
		return lambdaevent.FunctionResult{}, fault.PayloadTooLarge(fmt.Errorf("invocation payload of %d bytes exceeds Lambda's 6 MB limit", len(payload)))
	}
	ctx, cancel := context.WithTimeout(ctx, cfg.Timeout)
	defer cancel()
	start := time.Now()
	res, err := cfg.Invoker.InvokeFunction(ctx, cfg.Function, payload, c.RequestID, c.TraceID)
	c.IntegrationLatency = time.Since(start)
	if err != nil {
		if ctx.Err() == context.DeadlineExceeded {
			return res, fault.TimedOut(fmt.Errorf("Execution failed due to a timeout error: function %s", cfg.Function))
		}
		return res, fault.InvokeFailed(err)
	}
	c.IntegrationStatus = 200
	return res, nil
}

// AWSProxy is an AWS_PROXY Lambda integration.
type AWSProxy struct{ cfg LambdaConfig }

var _ pipeline.Integration = (*AWSProxy)(nil)

// NewAWSProxy returns an AWS_PROXY integration.
func NewAWSProxy(cfg LambdaConfig) *AWSProxy { return &AWSProxy{cfg: cfg} }

// Name implements pipeline.Named.
func (a *AWSProxy) Name() string { return "integration:AWS_PROXY" }

// Invoke sends the proxy event and validates the function's answer: a
// function error or a malformed answer is 502.
func (a *AWSProxy) Invoke(ctx context.Context, c *pipeline.Call) (*pipeline.Result, error) {
	body, err := c.Body.Bytes()
	if err != nil {
		return nil, classify(ctx, err, a.cfg.Function)
	}
	if a.cfg.PayloadFormatVersion != "" {
		return a.invokeHTTPAPI(ctx, c, body)
	}
	ev, err := lambdaevent.BuildProxyEvent(ctx, c, body, isBinary(c.Header.Get("Content-Type"), a.cfg.BinaryMediaTypes))
	if err != nil {
		return nil, configError("cannot encode the proxy event: %v", err)
	}
	res, err := invoke(ctx, &a.cfg, c, ev)
	if err != nil {
		return nil, err
	}
	if res.FunctionError != "" {
		return nil, functionError(res)
	}
	pr, err := lambdaevent.ParseProxyResponse(res.Payload)
	if err != nil {
		return nil, fault.BadGateway(fault.Misconfigured("%w", err))
	}
	return proxyResult(pr, c, a.cfg.BinaryMediaTypes)
}

// functionError is the 502 for an unhandled function error.
func functionError(res lambdaevent.FunctionResult) error {
	var e struct {
		ErrorMessage string `json:"errorMessage"`
	}
	_ = json.Unmarshal(res.Payload, &e)
	return fault.BadGateway(&fault.FunctionFailure{Status: 200, Reason: e.ErrorMessage + ". Lambda request id: " + res.RequestID})
}
