package integration

import (
	"context"
	"encoding/base64"

	"github.com/portico-gw/portico/internal/awsheaders"
	"github.com/portico-gw/portico/internal/fault"
	"github.com/portico-gw/portico/internal/lambdaevent"
	"github.com/portico-gw/portico/internal/pipeline"
)

// PayloadFormat1 and PayloadFormat2 are the payload formats of an HTTP API Lambda
// integration.
const (
	PayloadFormat1 = "1.0"
	PayloadFormat2 = "2.0"
)

// invokeHTTPAPI is an HTTP API's AWS_PROXY call: the payload 2.0 or 1.0
// event, the matching answer rules, and the function's headers as it wrote
// them (docs/aws-behaviour.md#http-api-lambda-response-payload-20). A
// function error or a malformed answer is fault.BadGateway and a timeout
// fault.TimedOut, as on REST APIs; the edge renders them in the HTTP API's
// shapes.
func (a *AWSProxy) invokeHTTPAPI(ctx context.Context, c *pipeline.Call, body []byte) (*pipeline.Result, error) {
	v2 := a.cfg.PayloadFormatVersion == PayloadFormat2
	var ev []byte
	var err error
	if v2 {
		ev, err = lambdaevent.BuildProxyEventV2(ctx, c, body)
	} else {
		ev, err = lambdaevent.BuildProxyEventHTTPAPIV1(ctx, c, body)
	}
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
	var pr *lambdaevent.ProxyResponse
	if v2 {
		pr, err = lambdaevent.ParseProxyResponseV2(res.Payload)
	} else {
		pr, err = lambdaevent.ParseProxyResponse(res.Payload)
	}
	if err != nil {
		return nil, fault.BadGateway(fault.Misconfigured("%w", err))
	}
	return httpAPIResult(pr)
}

// httpAPIResult is the client's answer: HTTP APIs have no binary media
// types, so isBase64Encoded always decodes the body; undecodable base64 is
// a malformed answer.
func httpAPIResult(r *lambdaevent.ProxyResponse) (*pipeline.Result, error) {
	h := awsheaders.HTTPAPILambdaResponseHeader(r.Header)
	keepContentTypeSpelling(h)
	body := []byte(r.Body)
	if r.Base64 {
		dec, err := base64.StdEncoding.DecodeString(r.Body)
		if err != nil {
			return nil, fault.BadGateway(fault.Misconfigured("%w: the body is not valid base64", lambdaevent.ErrMalformed))
		}
		body = dec
	}
	return &pipeline.Result{Status: r.Status, Header: h, Body: body, ContentLength: -1}, nil
}
