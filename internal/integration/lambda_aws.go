package integration

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"time"

	"github.com/portico-gw/portico/internal/awslimits"
	"github.com/portico-gw/portico/internal/fault"
	"github.com/portico-gw/portico/internal/lambdaevent"

	"github.com/portico-gw/portico/internal/pipeline"
)

// AWSLambda is a non-proxy AWS integration with Lambda: the request body
// (or its mapping template's output) is the payload, and the integration
// response is chosen by matching selection patterns against the function
// error's errorMessage, which is empty on success (docs/aws-behaviour.md#integration-responses-and-selection-patterns).
// An unmapped function error comes back through the default response,
// usually as 200 with the error JSON, as on AWS.
type AWSLambda struct {
	cfg       LambdaConfig
	requests  requestTemplates
	responses responses
	// invocationType maps integration.request.header.X-Amz-Invocation-Type
	// (nil when the integration does not map it).
	invocationType []mapping
}

var _ pipeline.Integration = (*AWSLambda)(nil)

// NewAWSLambda compiles a non-proxy Lambda integration.
func NewAWSLambda(cfg LambdaConfig) (*AWSLambda, error) {
	in := cfg.Integration
	reqT, err := compileTemplates(in.RequestTemplates, cfg.Compile, "request template")
	if err != nil {
		return nil, err
	}
	rs, err := compileResponses(cfg.Method, in.Responses, cfg.Compile, binaryMedia{cfg.BinaryMediaTypes})
	if err != nil {
		return nil, err
	}
	a := &AWSLambda{cfg: cfg, requests: requestTemplates{reqT, in.PassthroughBehavior}, responses: rs}
	for _, m := range compileMappings(in.RequestParameters) {
		if m.loc == "header" && http.CanonicalHeaderKey(m.name) == invocationTypeHeader {
			a.invocationType = append(a.invocationType, m)
		}
	}
	return a, nil
}

// Name implements pipeline.Named.
func (a *AWSLambda) Name() string { return "integration:AWS" }

// Invoke renders the payload, invokes the function and maps its answer.
func (a *AWSLambda) Invoke(ctx context.Context, c *pipeline.Call) (*pipeline.Result, error) {
	o := &Overrides{}
	payload, err := requestPayload(ctx, a.requests, binaryMedia{a.cfg.BinaryMediaTypes}, a.cfg.Integration.ContentHandling, c, o, a.cfg.Function)
	if err != nil {
		return nil, err
	}
	if len(payload) == 0 {
		payload = []byte("{}")
	}
	switch a.invocation(c, o) {
	case "Event":
		return a.invokeAsync(ctx, c, payload, o)
	case "DryRun":
		// Lambda checks the call without running the function (204, no
		// payload): the answer is the default response with no body.
		r, err := a.responses.selLambda("")
		if err != nil {
			return nil, err
		}
		return r.render(ctx, c, upstream{traced: true}, o)
	}
	res, err := invoke(ctx, &a.cfg, c, payload)
	if err != nil {
		return nil, err
	}
	selector := ""
	if res.FunctionError != "" {
		var e struct {
			ErrorMessage string `json:"errorMessage"`
		}
		_ = json.Unmarshal(res.Payload, &e)
		selector = e.ErrorMessage
	}
	r, err := a.responses.selLambda(selector)
	if err != nil {
		return nil, err
	}
	return r.render(ctx, c, upstream{body: res.Payload, traced: true}, o)
}

// invocationTypeHeader selects Lambda's invocation type when an AWS
// integration maps it: RequestResponse (the default), Event or DryRun
// (https://docs.aws.amazon.com/lambda/latest/api/API_Invoke.html).
const invocationTypeHeader = "X-Amz-Invocation-Type"

// invocation resolves the mapped invocation type ("" when unmapped); a
// $context.requestOverride.header value set by the request template wins.
func (a *AWSLambda) invocation(c *pipeline.Call, o *Overrides) string {
	for k, v := range o.RequestHeader {
		if http.CanonicalHeaderKey(k) == invocationTypeHeader {
			return v
		}
	}
	if len(a.invocationType) == 0 {
		return ""
	}
	mp, err := apply(a.invocationType, c)
	if err != nil {
		return ""
	}
	return mp.header.Get(invocationTypeHeader)
}

// invokeAsync starts an Event invocation and answers at once through the
// default integration response with an empty body, as AWS does for an
// asynchronous Lambda call (Lambda answers 202 without a payload, and no
// function error can be selected). The invocation outlives the request.
func (a *AWSLambda) invokeAsync(ctx context.Context, c *pipeline.Call, payload []byte, o *Overrides) (*pipeline.Result, error) {
	if len(payload) > maxAsyncPayload {
		return nil, fault.PayloadTooLarge(fmt.Errorf("asynchronous invocation payload of %d bytes exceeds Lambda's %d-byte limit", len(payload), maxAsyncPayload))
	}
	start := time.Now()
	if ai, ok := a.cfg.Invoker.(lambdaevent.AsyncInvoker); ok {
		if err := ai.InvokeFunctionAsync(a.cfg.Function, payload, "", c.TraceID); err != nil {
			return nil, fault.InvokeFailed(fmt.Errorf("Lambda invoke failed: %w", err))
		}
	} else {
		// An invoker without background support runs the call detached
		// from the request, bounded by the integration timeout.
		inv, fn, tid := a.cfg.Invoker, a.cfg.Function, c.TraceID
		timeout := a.cfg.Timeout
		go func() {
			ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), timeout)
			defer cancel()
			_, _ = inv.InvokeFunction(ctx, fn, payload, "", tid)
		}()
	}
	c.IntegrationLatency, c.IntegrationStatus = time.Since(start), 202
	r, err := a.responses.selLambda("")
	if err != nil {
		return nil, err
	}
	return r.render(ctx, c, upstream{traced: true}, o)
}

// maxAsyncPayload is Lambda's asynchronous invocation payload limit (1 MB).
const maxAsyncPayload = awslimits.LambdaAsyncPayloadBytes
