package integration

import (
	"context"
	"encoding/json"

	"github.com/portico-gw/portico/internal/pipeline"
)

// AWSLambda is a non-proxy AWS integration with Lambda: the request body
// (or its mapping template's output) is the payload, and the integration
// response is chosen by matching selection patterns against the function
// error's errorMessage, which is empty on success (aws-recordings.md §5.6).
// An unmapped function error comes back through the default response,
// usually as 200 with the error JSON, as on AWS.
type AWSLambda struct {
	cfg       LambdaConfig
	requests  requestTemplates
	responses responses
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
	return &AWSLambda{cfg: cfg, requests: requestTemplates{reqT, in.PassthroughBehavior}, responses: rs}, nil
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
	return r.render(ctx, c, upstream{body: res.Payload}, o)
}
