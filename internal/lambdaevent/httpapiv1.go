package lambdaevent

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"strings"
	"unicode/utf8"

	"github.com/portico-gw/portico/internal/awsheaders"
	"github.com/portico-gw/portico/internal/contextvars"
	"github.com/portico-gw/portico/internal/pipeline"
)

// httpAPIV1Event is the payload format 1.0 event of an HTTP API route
// (docs/aws-behaviour.md#http-api-lambda-event-payload-10): the REST
// proxy event with "version": "1.0", lower-case header names, the path
// with the stage (as $context.path), and a request context without
// deploymentId whose resourceId is null.
type httpAPIV1Event struct {
	Version                         string              `json:"version"`
	Resource                        string              `json:"resource"`
	Path                            string              `json:"path"`
	HTTPMethod                      string              `json:"httpMethod"`
	Headers                         map[string]string   `json:"headers"`
	MultiValueHeaders               map[string][]string `json:"multiValueHeaders"`
	QueryStringParameters           map[string]string   `json:"queryStringParameters"`
	MultiValueQueryStringParameters map[string][]string `json:"multiValueQueryStringParameters"`
	RequestContext                  httpAPIV1Context    `json:"requestContext"`
	PathParameters                  map[string]string   `json:"pathParameters"`
	StageVariables                  map[string]string   `json:"stageVariables"`
	Body                            *string             `json:"body"`
	IsBase64Encoded                 bool                `json:"isBase64Encoded"`
}

type httpAPIV1Context struct {
	AccountID         string         `json:"accountId"`
	APIID             string         `json:"apiId"`
	Authorizer        map[string]any `json:"authorizer"`
	DomainName        string         `json:"domainName"`
	DomainPrefix      string         `json:"domainPrefix"`
	ExtendedRequestID string         `json:"extendedRequestId"`
	HTTPMethod        string         `json:"httpMethod"`
	Identity          identity       `json:"identity"`
	Path              string         `json:"path"`
	Protocol          string         `json:"protocol"`
	RequestID         string         `json:"requestId"`
	RequestTime       string         `json:"requestTime"`
	RequestTimeEpoch  int64          `json:"requestTimeEpoch"`
	ResourceID        *string        `json:"resourceId"`
	ResourcePath      string         `json:"resourcePath"`
	Stage             string         `json:"stage"`
}

// BuildProxyEventHTTPAPIV1 renders the payload format 1.0 event of an HTTP
// API's AWS_PROXY integration. HTTP APIs have no binary media types: the
// body is base64-encoded unless its Content-Type is a text type
// (TextContentType), as in payload 2.0.
func BuildProxyEventHTTPAPIV1(ctx context.Context, c *pipeline.Call, body []byte) ([]byte, error) {
	ev := newHTTPAPIV1Event(c)
	if len(body) > 0 {
		var s string
		if TextContentType(c.Header.Get("Content-Type")) && utf8.Valid(body) {
			s = string(body)
		} else {
			s, ev.IsBase64Encoded = base64.StdEncoding.EncodeToString(body), true
		}
		ev.Body = &s
	}
	return json.Marshal(ev)
}

// AuthorizerEventHTTPAPIV1 renders an HTTP API Lambda authorizer's payload
// 1.0 event: the 1.0 proxy event without body and isBase64Encoded, plus
// type "REQUEST", methodArn, and the identity source values joined with
// commas as identitySource and authorizationToken
// (https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-lambda-authorizer.html).
func AuthorizerEventHTTPAPIV1(ctx context.Context, c *pipeline.Call, methodArn string, identity []string) ([]byte, error) {
	ev := newHTTPAPIV1Event(c)
	raw, err := json.Marshal(ev)
	if err != nil {
		return nil, err
	}
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil {
		return nil, err
	}
	delete(m, "body")
	delete(m, "isBase64Encoded")
	joined := strings.Join(identity, ",")
	m["type"], m["methodArn"], m["identitySource"], m["authorizationToken"] = "REQUEST", methodArn, joined, joined
	return json.Marshal(m)
}

func newHTTPAPIV1Event(c *pipeline.Call) httpAPIV1Event {
	ev := httpAPIV1Event{Version: "1.0", Resource: c.ResourcePath, Path: c.StagePath, HTTPMethod: c.HTTPMethod}
	ev.Headers, ev.MultiValueHeaders = map[string]string{}, map[string][]string{}
	added := gatewayHeaders(c)
	for k, vs := range c.Header {
		if len(vs) == 0 || awsheaders.Dropped(k, awsheaders.HTTPAPIEvent) || added.has(k) {
			continue
		}
		n := strings.ToLower(k)
		ev.Headers[n], ev.MultiValueHeaders[n] = vs[len(vs)-1], vs
	}
	for _, h := range added {
		n := strings.ToLower(h.name)
		ev.Headers[n], ev.MultiValueHeaders[n] = h.value, []string{h.value}
	}
	if len(c.Query) > 0 {
		ev.QueryStringParameters, ev.MultiValueQueryStringParameters = map[string]string{}, map[string][]string{}
		for k, vs := range c.Query {
			ev.QueryStringParameters[k], ev.MultiValueQueryStringParameters[k] = vs[len(vs)-1], vs
		}
	}
	if len(c.PathParams) > 0 {
		ev.PathParameters = eventPathParams(c)
	}
	if len(c.StageVariables) > 0 {
		ev.StageVariables = c.StageVariables
	}
	rc := contextOf(c)
	ev.RequestContext = httpAPIV1Context{
		AccountID: c.AccountID, APIID: c.APIID, Authorizer: httpAPIV1Authorizer(c.Authorizer),
		DomainName: c.DomainName, DomainPrefix: c.DomainPrefix, ExtendedRequestID: c.ExtendedRequestID,
		HTTPMethod: c.HTTPMethod, Identity: rc.Identity, Path: c.StagePath, Protocol: c.Protocol,
		RequestID: c.RequestID, RequestTime: contextvars.RequestTime(c.Start), RequestTimeEpoch: c.Start.UnixMilli(),
		ResourcePath: c.ResourcePath, Stage: c.Stage,
	}
	return ev
}

// httpAPIV1Authorizer is the payload 1.0 requestContext.authorizer made
// from the payload 2.0 one a Call holds: a JWT authorizer's claims and
// scopes at the top, a Lambda authorizer's context values at the top,
// anything else as is; {"claims": null, "scopes": null} without an
// authorizer, as in AWS's documented example.
func httpAPIV1Authorizer(a map[string]any) map[string]any {
	if len(a) == 0 {
		return map[string]any{"claims": nil, "scopes": nil}
	}
	if jwt, ok := a["jwt"].(map[string]any); ok && len(a) == 1 {
		return map[string]any{"claims": jwt["claims"], "scopes": jwt["scopes"]}
	}
	if l, ok := a["lambda"].(map[string]any); ok && len(a) == 1 {
		return l
	}
	return a
}
