package lambdaevent

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"mime"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/portico-gw/portico/internal/awsheaders"
	"github.com/portico-gw/portico/internal/contextvars"
	"github.com/portico-gw/portico/internal/pipeline"
)

// v2Event is an HTTP API's Lambda event, payload format 2.0
// (docs/aws-behaviour.md#http-api-lambda-event-payload-20). The proxy event
// and the REQUEST authorizer event share it; authorizer marks the latter,
// which carries type, routeArn and identitySource and no body. Empty
// collections and an empty body are left out, as AWS sends them.
type v2Event struct {
	authorizer     bool
	RouteArn       string
	IdentitySource []string

	RouteKey              string
	RawPath               string
	RawQueryString        string
	Cookies               []string
	Headers               map[string]string
	QueryStringParameters map[string]string
	RequestContext        v2RequestContext
	Body                  string
	PathParameters        map[string]string
	IsBase64Encoded       bool
	StageVariables        map[string]string
}

type v2RequestContext struct {
	AccountID    string
	APIID        string
	Authorizer   map[string]any
	ClientCert   *clientCert
	DomainName   string
	DomainPrefix string
	HTTP         v2HTTP
	RequestID    string
	RouteKey     string
	Stage        string
	Time         string
	TimeEpoch    int64
}

type v2HTTP struct {
	Method, Path, Protocol, SourceIP, UserAgent string
}

// BuildProxyEventV2 renders the payload format 2.0 event of an HTTP API's
// AWS_PROXY integration for the call. The body is base64-encoded unless its
// Content-Type is a text type (TextContentType).
func BuildProxyEventV2(ctx context.Context, c *pipeline.Call, body []byte) ([]byte, error) {
	ev := newV2Event(c)
	if len(body) > 0 {
		if TextContentType(c.Header.Get("Content-Type")) && utf8.Valid(body) {
			ev.Body = string(body)
		} else {
			ev.Body, ev.IsBase64Encoded = base64.StdEncoding.EncodeToString(body), true
		}
	}
	return appendV2Event(make([]byte, 0, 1024+len(body)*4/3), &ev)
}

// AuthorizerEventV2 renders an HTTP API Lambda authorizer's payload 2.0
// event: the proxy event's fields without the body, plus type "REQUEST",
// routeArn and the identity source values in order
// (https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-lambda-authorizer.html).
func AuthorizerEventV2(ctx context.Context, c *pipeline.Call, routeArn string, identity []string) ([]byte, error) {
	ev := newV2Event(c)
	ev.authorizer, ev.RouteArn, ev.IdentitySource = true, routeArn, identity
	return appendV2Event(make([]byte, 0, 1024), &ev)
}

// TextContentType reports whether an HTTP API passes a request body of
// this Content-Type to a function as text: text/*, application/json,
// application/xml and application/javascript (parameters ignored). Every
// other type, and a missing one, is base64-encoded
// (docs/aws-behaviour.md#http-api-lambda-event-payload-20).
func TextContentType(contentType string) bool {
	if contentType == "" {
		return false
	}
	mt, _, err := mime.ParseMediaType(contentType)
	if err != nil {
		mt, _, _ = strings.Cut(contentType, ";")
		mt = strings.ToLower(strings.TrimSpace(mt))
	}
	switch mt {
	case "application/json", "application/xml", "application/javascript":
		return true
	}
	return strings.HasPrefix(mt, "text/")
}

func newV2Event(c *pipeline.Call) v2Event {
	ev := v2Event{RouteKey: c.RouteKey, RawPath: c.StagePath, RawQueryString: c.RawQuery}
	ev.Headers = make(map[string]string, len(c.Header)+5)
	added := gatewayHeaders(c)
	for k, vs := range c.Header {
		if len(vs) == 0 {
			continue
		}
		if k == "Cookie" {
			for _, v := range vs {
				for part := range strings.SplitSeq(v, "; ") {
					if part != "" {
						ev.Cookies = append(ev.Cookies, part)
					}
				}
			}
			continue
		}
		if awsheaders.Dropped(k, awsheaders.HTTPAPIEvent) || added.has(k) {
			continue
		}
		ev.Headers[strings.ToLower(k)] = strings.Join(vs, ",")
	}
	for _, h := range added {
		ev.Headers[strings.ToLower(h.name)] = h.value
	}
	if len(c.Query) > 0 {
		ev.QueryStringParameters = make(map[string]string, len(c.Query))
		for k, vs := range c.Query {
			ev.QueryStringParameters[k] = strings.Join(vs, ",")
		}
	}
	if len(c.PathParams) > 0 {
		ev.PathParameters = eventPathParams(c)
	}
	if len(c.StageVariables) > 0 {
		ev.StageVariables = c.StageVariables
	}
	ev.RequestContext = v2RequestContext{
		AccountID: c.AccountID, APIID: c.APIID, DomainName: c.DomainName, DomainPrefix: c.DomainPrefix,
		HTTP: v2HTTP{Method: c.HTTPMethod, Path: c.StagePath, Protocol: c.Protocol, SourceIP: c.SourceIP,
			UserAgent: c.Header.Get("User-Agent")},
		RequestID: c.RequestID, RouteKey: c.RouteKey, Stage: c.Stage,
		Time: contextvars.RequestTime(c.Start), TimeEpoch: c.Start.UnixMilli(),
		ClientCert: clientCertOf(c),
	}
	if len(c.Authorizer) > 0 {
		ev.RequestContext.Authorizer = c.Authorizer
	}
	return ev
}

// appendV2Event appends ev's JSON: the field order of AWS's documented
// example, map keys sorted, strings escaped as encoding/json does.
func appendV2Event(dst []byte, ev *v2Event) ([]byte, error) {
	dst = append(dst, `{"version":"2.0"`...)
	if ev.authorizer {
		dst = append(dst, `,"type":"REQUEST","routeArn":`...)
		dst = appendJSONString(dst, ev.RouteArn)
		dst = append(dst, `,"identitySource":`...)
		dst = appendStringList(dst, ev.IdentitySource)
	}
	dst = appendStringFields(dst,
		stringField{`,"routeKey":`, ev.RouteKey},
		stringField{`,"rawPath":`, ev.RawPath},
		stringField{`,"rawQueryString":`, ev.RawQueryString},
	)
	if len(ev.Cookies) > 0 {
		dst = append(dst, `,"cookies":`...)
		dst = appendStringList(dst, ev.Cookies)
	}
	dst = append(dst, `,"headers":`...)
	dst = appendStringMap(dst, ev.Headers)
	if len(ev.QueryStringParameters) > 0 {
		dst = append(dst, `,"queryStringParameters":`...)
		dst = appendStringMap(dst, ev.QueryStringParameters)
	}
	dst = append(dst, `,"requestContext":`...)
	dst, err := appendV2RequestContext(dst, &ev.RequestContext)
	if err != nil {
		return nil, err
	}
	if !ev.authorizer && ev.Body != "" {
		dst = append(dst, `,"body":`...)
		dst = appendJSONString(dst, ev.Body)
	}
	if len(ev.PathParameters) > 0 {
		dst = append(dst, `,"pathParameters":`...)
		dst = appendStringMap(dst, ev.PathParameters)
	}
	if !ev.authorizer {
		dst = append(dst, `,"isBase64Encoded":`...)
		dst = strconv.AppendBool(dst, ev.IsBase64Encoded)
	}
	if len(ev.StageVariables) > 0 {
		dst = append(dst, `,"stageVariables":`...)
		dst = appendStringMap(dst, ev.StageVariables)
	}
	return append(dst, '}'), nil
}

func appendV2RequestContext(dst []byte, rc *v2RequestContext) ([]byte, error) {
	dst = append(dst, `{"accountId":`...)
	dst = appendJSONString(dst, rc.AccountID)
	dst = append(dst, `,"apiId":`...)
	dst = appendJSONString(dst, rc.APIID)
	// authentication carries the client certificate of mutual TLS; null
	// without one.
	if rc.ClientCert != nil {
		dst = appendClientCert(append(dst, `,"authentication":{"clientCert":`...), rc.ClientCert)
		dst = append(dst, '}')
	} else {
		dst = append(dst, `,"authentication":null`...)
	}
	if len(rc.Authorizer) > 0 {
		a, err := json.Marshal(rc.Authorizer)
		if err != nil {
			return nil, err
		}
		dst = append(dst, `,"authorizer":`...)
		dst = append(dst, a...)
	}
	dst = appendStringFields(dst,
		stringField{`,"domainName":`, rc.DomainName},
		stringField{`,"domainPrefix":`, rc.DomainPrefix},
		stringField{`,"http":{"method":`, rc.HTTP.Method},
		stringField{`,"path":`, rc.HTTP.Path},
		stringField{`,"protocol":`, rc.HTTP.Protocol},
		stringField{`,"sourceIp":`, rc.HTTP.SourceIP},
		stringField{`,"userAgent":`, rc.HTTP.UserAgent},
	)
	dst = append(dst, '}')
	dst = appendStringFields(dst,
		stringField{`,"requestId":`, rc.RequestID},
		stringField{`,"routeKey":`, rc.RouteKey},
		stringField{`,"stage":`, rc.Stage},
		stringField{`,"time":`, rc.Time},
	)
	dst = append(dst, `,"timeEpoch":`...)
	dst = strconv.AppendInt(dst, rc.TimeEpoch, 10)
	return append(dst, '}'), nil
}

func appendStringList(dst []byte, l []string) []byte {
	if l == nil {
		return append(dst, "null"...)
	}
	dst = append(dst, '[')
	for i, s := range l {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = appendJSONString(dst, s)
	}
	return append(dst, ']')
}
