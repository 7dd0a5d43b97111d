package lambdaevent

import (
	"context"
	"encoding/base64"
	"strings"
	"unicode/utf8"

	"github.com/portico-gw/portico/internal/awsheaders"
	"github.com/portico-gw/portico/internal/contextvars"
	"github.com/portico-gw/portico/internal/pipeline"
	"github.com/portico-gw/portico/internal/wirenames"
)

// proxyEvent is the AWS_PROXY request payload, format 1.0
// (docs/aws-behaviour.md#lambda-proxy-event). Absent collections and an
// absent body are JSON null, as AWS sends them.
type proxyEvent struct {
	Resource                        string              `json:"resource"`
	Path                            string              `json:"path"`
	HTTPMethod                      string              `json:"httpMethod"`
	Headers                         map[string]string   `json:"headers"`
	MultiValueHeaders               map[string][]string `json:"multiValueHeaders"`
	QueryStringParameters           map[string]string   `json:"queryStringParameters"`
	MultiValueQueryStringParameters map[string][]string `json:"multiValueQueryStringParameters"`
	PathParameters                  map[string]string   `json:"pathParameters"`
	StageVariables                  map[string]string   `json:"stageVariables"`
	RequestContext                  requestContext      `json:"requestContext"`
	Body                            *string             `json:"body"`
	IsBase64Encoded                 bool                `json:"isBase64Encoded"`
}

type requestContext struct {
	AccountID         string         `json:"accountId"`
	APIID             string         `json:"apiId"`
	Authorizer        map[string]any `json:"authorizer,omitempty"`
	DeploymentID      string         `json:"deploymentId"`
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
	ResourceID        string         `json:"resourceId"`
	ResourcePath      string         `json:"resourcePath"`
	Stage             string         `json:"stage"`
}

type identity struct {
	AccessKey                     *string     `json:"accessKey"`
	AccountID                     *string     `json:"accountId"`
	APIKey                        *string     `json:"apiKey,omitempty"`
	APIKeyID                      *string     `json:"apiKeyId,omitempty"`
	Caller                        *string     `json:"caller"`
	ClientCert                    *clientCert `json:"clientCert,omitempty"`
	CognitoAuthenticationProvider *string     `json:"cognitoAuthenticationProvider"`
	CognitoAuthenticationType     *string     `json:"cognitoAuthenticationType"`
	CognitoIdentityID             *string     `json:"cognitoIdentityId"`
	CognitoIdentityPoolID         *string     `json:"cognitoIdentityPoolId"`
	PrincipalOrgID                *string     `json:"principalOrgId"`
	SourceIP                      string      `json:"sourceIp"`
	User                          *string     `json:"user"`
	UserAgent                     *string     `json:"userAgent"`
	UserArn                       *string     `json:"userArn"`
}

// clientCert is the mutual-TLS client certificate as events carry it
// (requestContext.identity.clientCert of payload 1.0,
// requestContext.authentication.clientCert of payload 2.0).
type clientCert struct {
	ClientCertPem string   `json:"clientCertPem"`
	SubjectDN     string   `json:"subjectDN"`
	IssuerDN      string   `json:"issuerDN"`
	SerialNumber  string   `json:"serialNumber"`
	Validity      validity `json:"validity"`
}

type validity struct {
	NotBefore string `json:"notBefore"`
	NotAfter  string `json:"notAfter"`
}

func clientCertOf(c *pipeline.Call) *clientCert {
	cc := c.ClientCert
	if cc == nil {
		return nil
	}
	return &clientCert{ClientCertPem: cc.PEM, SubjectDN: cc.SubjectDN, IssuerDN: cc.IssuerDN, SerialNumber: cc.SerialNumber,
		Validity: validity{NotBefore: cc.NotBefore, NotAfter: cc.NotAfter}}
}

// appendClientCert writes cc as encoding/json would.
func appendClientCert(dst []byte, cc *clientCert) []byte {
	dst = appendStringFields(append(dst, '{'),
		stringField{`"clientCertPem":`, cc.ClientCertPem},
		stringField{`,"subjectDN":`, cc.SubjectDN},
		stringField{`,"issuerDN":`, cc.IssuerDN},
		stringField{`,"serialNumber":`, cc.SerialNumber},
		stringField{`,"validity":{"notBefore":`, cc.Validity.NotBefore},
		stringField{`,"notAfter":`, cc.Validity.NotAfter},
	)
	return append(dst, "}}"...)
}

// eventHeaderName is the event's name for the canonical key k: the
// client's spelling (recorded AWS events carry "tEsT-HEADeR" as sent),
// unless the header's rule names it (AWS title-cases Authorization and
// User-Agent).
func eventHeaderName(k string, wire wirenames.Names) string {
	if n := awsheaders.Rules[k].EventName; n != "" {
		return n
	}
	return wire.Name(k)
}

// BuildProxyEvent renders the proxy event for the call. binary reports whether
// the request's Content-Type is one of the API's binary media types, in
// which case the body is base64-encoded.
func BuildProxyEvent(ctx context.Context, c *pipeline.Call, body []byte, binary bool) ([]byte, error) {
	// Slashes right after the stage collapse (//fn is /fn), as recorded;
	// a trailing slash and inner double slashes are kept.
	ev := proxyEvent{Resource: c.ResourcePath, Path: "/" + strings.TrimLeft(c.Path, "/"), HTTPMethod: c.HTTPMethod}
	{
		wire := wirenames.FromContext(ctx)
		ev.Headers, ev.MultiValueHeaders = map[string]string{}, map[string][]string{}
		added := gatewayHeaders(c)
		for k, vs := range c.Header {
			if len(vs) == 0 || awsheaders.Dropped(k, awsheaders.ProxyEvent) || added.has(k) {
				continue
			}
			n := eventHeaderName(k, wire)
			ev.Headers[n] = vs[len(vs)-1]
			ev.MultiValueHeaders[n] = vs
		}
		for _, h := range added {
			ev.Headers[h.name], ev.MultiValueHeaders[h.name] = h.value, []string{h.value}
		}
	}
	if len(c.Query) > 0 {
		ev.QueryStringParameters, ev.MultiValueQueryStringParameters = map[string]string{}, map[string][]string{}
		for k, vs := range c.Query {
			ev.QueryStringParameters[k] = vs[len(vs)-1]
			ev.MultiValueQueryStringParameters[k] = vs
		}
	}
	if len(c.PathParams) > 0 {
		ev.PathParameters = eventPathParams(c)
	}
	if len(c.StageVariables) > 0 {
		ev.StageVariables = c.StageVariables
	}
	if len(body) > 0 {
		var s string
		if binary || !utf8.Valid(body) {
			s, ev.IsBase64Encoded = base64.StdEncoding.EncodeToString(body), true
		} else {
			s = string(body)
		}
		ev.Body = &s
	}
	ev.RequestContext = contextOf(c)
	return appendProxyEvent(make([]byte, 0, 1024+len(body)*4/3), &ev)
}

// eventPathParams are the event's path parameters: a greedy {name+}
// parameter keeps the percent-encoding of the request path, as AWS sends it
// (recorded AWS event, LocalStack snapshot
// test_lambda_aws_proxy_integration: "test%2Balias@gmail.com" stays
// encoded); other parameters are decoded.
func eventPathParams(c *pipeline.Call) map[string]string {
	i := strings.Index(c.ResourcePath, "+}")
	if i < 0 {
		return c.PathParams
	}
	open := strings.LastIndexByte(c.ResourcePath[:i], '{')
	if open < 0 {
		return c.PathParams
	}
	name := c.ResourcePath[open+1 : i]
	if _, ok := c.PathParams[name]; !ok {
		return c.PathParams
	}
	// Skip the segments before the greedy one the way the router matches
	// them: empty segments do not count and a trailing slash is dropped.
	raw := strings.TrimSuffix(c.Path, "/")
	for range len(strings.FieldsFunc(c.ResourcePath[:open], func(r rune) bool { return r == '/' })) {
		raw = strings.TrimLeft(raw, "/")
		if j := strings.IndexByte(raw, '/'); j >= 0 {
			raw = raw[j:]
		} else {
			raw = ""
		}
	}
	raw = strings.TrimLeft(raw, "/")
	out := make(map[string]string, len(c.PathParams))
	for k, v := range c.PathParams {
		out[k] = v
	}
	out[name] = raw
	return out
}

func contextOf(c *pipeline.Call) requestContext {
	rc := requestContext{
		AccountID: c.AccountID, APIID: c.APIID, DeploymentID: c.DeploymentID, DomainName: c.DomainName,
		DomainPrefix: c.DomainPrefix, ExtendedRequestID: c.ExtendedRequestID, HTTPMethod: c.HTTPMethod,
		Path: c.StagePath, Protocol: c.Protocol, RequestID: c.RequestID,
		RequestTime: contextvars.RequestTime(c.Start), RequestTimeEpoch: c.Start.UnixMilli(),
		ResourceID: c.ResourceID, ResourcePath: c.ResourcePath, Stage: c.Stage,
		Identity: identity{SourceIP: c.SourceIP, ClientCert: clientCertOf(c)},
	}
	if len(c.Authorizer) > 0 {
		rc.Authorizer = c.Authorizer
	}
	opt := func(s string) *string {
		if s == "" {
			return nil
		}
		return &s
	}
	id := c.Identity
	rc.Identity.UserAgent = opt(c.Header.Get("User-Agent"))
	rc.Identity.AccessKey, rc.Identity.AccountID, rc.Identity.Caller = opt(id.AccessKey), opt(id.AccountID), opt(id.Caller)
	rc.Identity.User, rc.Identity.UserArn = opt(id.User), opt(id.UserArn)
	if id.APIKey != "" {
		rc.Identity.APIKey, rc.Identity.APIKeyID = opt(id.APIKey), opt(id.APIKeyID)
	}
	return rc
}

// header is one header the gateway writes into the event.
type header struct{ name, value string }

type headerList []header

func (l headerList) has(name string) bool {
	for _, h := range l {
		if h.name == name {
			return true
		}
	}
	return false
}

// gatewayHeaders are the headers API Gateway's front end puts on every
// proxied request, replacing the client's
// (docs/aws-behaviour.md#headers-sent-to-the-back-end): the Host the client
// sent, X-Forwarded-For (the caller appended), X-Forwarded-Port,
// X-Forwarded-Proto and X-Amzn-Trace-Id. awsheaders.Rules lists them as
// Added at ProxyEvent.
func gatewayHeaders(c *pipeline.Call) headerList {
	l := make(headerList, 0, 5)
	if c.Host != "" {
		l = append(l, header{"Host", c.Host})
	}
	l = append(l, header{"X-Forwarded-For", awsheaders.ForwardedFor(c.Header.Get("X-Forwarded-For"), c.SourceIP)})
	port := "80"
	if i := strings.LastIndexByte(c.Host, ':'); i >= 0 && !strings.Contains(c.Host[i:], "]") {
		port = c.Host[i+1:]
	}
	l = append(l, header{"X-Forwarded-Port", port}, header{"X-Forwarded-Proto", "http"})
	if tid := c.TraceID; tid != "" {
		l = append(l, header{"X-Amzn-Trace-Id", tid})
	}
	return l
}
