package contextvars

import (
	"encoding/json"

	"github.com/portico-gw/portico/internal/auth/jwt"
	"github.com/portico-gw/portico/internal/fault"
	"github.com/portico-gw/portico/internal/pipeline"
)

// The consumer sets rows use.
const (
	all     = Mapping | VTL | AccessLog
	logOnly = AccessLog
)

// table is every $context variable Portico knows. To add one: add its row
// (name, consumers, accessor) here; every consumer picks it up. Rows with no
// accessor are variables AWS defines that Portico has no value for: access
// logs accept them and render "-", VTL sees them as null.
var table = []Var{
	{Name: "accountId", In: all, Field: func(c *pipeline.Call) string { return c.AccountID }},
	{Name: "apiId", In: all, Field: func(c *pipeline.Call) string { return c.APIID }},
	{Name: "authenticate.error", In: logOnly},
	{Name: "authenticate.latency", In: logOnly},
	{Name: "authenticate.status", In: logOnly},
	{Name: "authorize.error", In: logOnly},
	{Name: "authorize.latency", In: logOnly},
	{Name: "authorize.status", In: logOnly},
	{Name: "authorizer.error", In: logOnly, Str: authorizerError},
	{Name: "authorizer.integrationLatency", In: logOnly},
	{Name: "authorizer.integrationStatus", In: logOnly},
	{Name: "authorizer.latency", In: logOnly},
	// Mapping and VTL read principalId as any other authorizer value.
	{Name: "authorizer.principalId", In: logOnly, Str: func(c *pipeline.Call, _ *Outcome, _ string) (string, bool) {
		p, ok := c.Authorizer["principalId"].(string)
		return p, ok
	}},
	{Name: "authorizer.requestId", In: logOnly},
	{Name: "authorizer.status", In: logOnly},
	{Name: "awsEndpointRequestId", In: logOnly},
	{Name: "customDomain.basePathMatched", In: all, Optional: true, Field: func(c *pipeline.Call) string { return c.BasePathMatched }},
	{Name: "dataProcessed", In: logOnly},
	{Name: "deploymentId", In: all, Field: func(c *pipeline.Call) string { return c.DeploymentID }},
	{Name: "domainName", In: all, Field: func(c *pipeline.Call) string { return c.DomainName }},
	{Name: "domainPrefix", In: all, Field: func(c *pipeline.Call) string { return c.DomainPrefix }},
	{Name: "endpointType", In: logOnly},
	{Name: "error.message", In: Mapping | AccessLog, Str: errorMessage},
	// In gateway responses the message as a JSON string (null for a null
	// message); access logs quote it and escape it for the format.
	{Name: "error.messageString", In: Mapping | AccessLog, Str: errorMessageString,
		Log: func(dst []byte, _ *pipeline.Call, o *Outcome, _ string) []byte {
			if o == nil || o.Fault == nil {
				return dst
			}
			return append(append(append(dst, '"'), o.Fault.MessageText()...), '"')
		}},
	{Name: "error.responseType", In: Mapping | AccessLog, Str: errorResponseType},
	{Name: "error.validationErrorString", In: Mapping | AccessLog, Str: errorValidationString},
	{Name: "extendedRequestId", In: all, Field: func(c *pipeline.Call) string { return c.ExtendedRequestID }},
	{Name: "httpMethod", In: all, Field: func(c *pipeline.Call) string { return c.HTTPMethod }},
	{Name: "identity.accessKey", In: all, Optional: true, Field: func(c *pipeline.Call) string { return c.Identity.AccessKey }},
	{Name: "identity.accountId", In: all, Optional: true, Field: func(c *pipeline.Call) string { return c.Identity.AccountID }},
	{Name: "identity.apiKey", In: all, Secret: true, Optional: true, Field: func(c *pipeline.Call) string { return c.Identity.APIKey }},
	{Name: "identity.apiKeyId", In: all, Optional: true, Field: func(c *pipeline.Call) string { return c.Identity.APIKeyID }},
	{Name: "identity.caller", In: all, Optional: true, Field: func(c *pipeline.Call) string { return c.Identity.Caller }},
	// The mutual-TLS client certificate (custom domains with a truststore).
	{Name: "identity.clientCert.clientCertPem", In: all, Optional: true, Field: certField(func(c *pipeline.ClientCert) string { return c.PEM })},
	{Name: "identity.clientCert.issuerDN", In: all, Optional: true, Field: certField(func(c *pipeline.ClientCert) string { return c.IssuerDN })},
	{Name: "identity.clientCert.serialNumber", In: all, Optional: true, Field: certField(func(c *pipeline.ClientCert) string { return c.SerialNumber })},
	{Name: "identity.clientCert.subjectDN", In: all, Optional: true, Field: certField(func(c *pipeline.ClientCert) string { return c.SubjectDN })},
	{Name: "identity.clientCert.validity.notAfter", In: all, Optional: true, Field: certField(func(c *pipeline.ClientCert) string { return c.NotAfter })},
	{Name: "identity.clientCert.validity.notBefore", In: all, Optional: true, Field: certField(func(c *pipeline.ClientCert) string { return c.NotBefore })},
	{Name: "identity.cognitoAuthenticationProvider", In: VTL | AccessLog},
	{Name: "identity.cognitoAuthenticationType", In: VTL | AccessLog},
	{Name: "identity.cognitoIdentityId", In: VTL | AccessLog},
	{Name: "identity.cognitoIdentityPoolId", In: VTL | AccessLog},
	{Name: "identity.principalOrgId", In: VTL | AccessLog},
	{Name: "identity.sourceIp", In: all, Field: func(c *pipeline.Call) string { return c.SourceIP }},
	{Name: "identity.user", In: all, Optional: true, Field: func(c *pipeline.Call) string { return c.Identity.User }},
	{Name: "identity.userAgent", In: all, Optional: true, Field: func(c *pipeline.Call) string { return c.Header.Get("User-Agent") }},
	{Name: "identity.userArn", In: all, Optional: true, Field: func(c *pipeline.Call) string { return c.Identity.UserArn }},
	{Name: "identity.vpcId", In: logOnly},
	{Name: "identity.vpceId", In: logOnly},
	{Name: "integration.error", In: logOnly},
	{Name: "integration.integrationStatus", In: logOnly, Int: integrationStatus},
	{Name: "integration.latency", In: logOnly, Int: integrationLatency},
	{Name: "integration.requestId", In: logOnly},
	{Name: "integration.status", In: logOnly, Int: integrationStatus},
	{Name: "integrationErrorMessage", In: logOnly, Str: integrationErrorMessage},
	{Name: "integrationLatency", In: logOnly, Int: integrationLatency},
	{Name: "integrationStatus", In: logOnly, Int: integrationStatus},
	{Name: "isCanaryRequest", In: all, Field: func(*pipeline.Call) string { return "false" }},
	{Name: "path", In: all, Field: func(c *pipeline.Call) string { return c.StagePath }},
	{Name: "protocol", In: all, Field: func(c *pipeline.Call) string { return c.Protocol }},
	{Name: "requestId", In: all, Field: func(c *pipeline.Call) string { return c.RequestID }},
	{Name: "requestTime", In: all, Append: func(dst []byte, c *pipeline.Call, _ *Outcome, _ string) []byte {
		return AppendRequestTime(dst, c.Start)
	}},
	{Name: "requestTimeEpoch", In: all, Int: func(c *pipeline.Call, _ *Outcome) (int64, bool) { return c.Start.UnixMilli(), true }},
	{Name: "resourceId", In: all, Optional: true, Field: func(c *pipeline.Call) string { return c.ResourceID }},
	{Name: "resourcePath", In: all, Optional: true, Field: func(c *pipeline.Call) string { return c.ResourcePath }},
	{Name: "responseLatency", In: logOnly, Int: func(_ *pipeline.Call, o *Outcome) (int64, bool) {
		if o == nil {
			return 0, false
		}
		return o.Latency.Milliseconds(), true
	}},
	{Name: "responseLength", In: logOnly, Int: func(_ *pipeline.Call, o *Outcome) (int64, bool) {
		if o == nil {
			return 0, false
		}
		return o.Length, true
	}},
	// VTL builds $context.responseOverride itself (it is writable).
	{Name: "responseOverride.status", In: logOnly},
	// An HTTP API's route key ("GET /pets/{id}", "$default"); none on REST
	// APIs (https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-logging-variables.html).
	{Name: "routeKey", In: all, Optional: true, Field: func(c *pipeline.Call) string { return c.RouteKey }},
	{Name: "stage", In: all, Field: func(c *pipeline.Call) string { return c.Stage }},
	{Name: "status", In: logOnly, Int: func(_ *pipeline.Call, o *Outcome) (int64, bool) {
		if o == nil {
			return 0, false
		}
		return int64(o.Status), true
	}},
	{Name: "waf.error", In: logOnly},
	{Name: "waf.latency", In: logOnly},
	{Name: "waf.status", In: logOnly},
	{Name: "wafResponseCode", In: logOnly},
	{Name: "webaclArn", In: logOnly},
	{Name: "xrayTraceId", In: logOnly},

	// Parameterised variables: the key is the rest of the name. VTL builds
	// these groups itself: $context.authorizer holds the authorizer's raw
	// values and the override groups are writable.

	// A value of the Lambda authorizer's context, or principalId. The
	// authorizers store text already; anything else renders as JWT claims do.
	{Name: "authorizer.", In: all, Str: func(c *pipeline.Call, _ *Outcome, key string) (string, bool) {
		v, ok := c.Authorizer[key]
		return jwt.Stringify(v), ok
	}},
	// A claim of a Cognito user pool token.
	{Name: "authorizer.claims.", In: all, Str: func(c *pipeline.Call, _ *Outcome, key string) (string, bool) {
		claims, _ := c.Authorizer["claims"].(map[string]any)
		v, ok := claims[key]
		return jwt.Stringify(v), ok
	}},
	// Any other $context.error.* variable the fault carries.
	{Name: "error.", In: Mapping, Str: func(_ *pipeline.Call, o *Outcome, key string) (string, bool) {
		if o == nil || o.Fault == nil {
			return "", false
		}
		v, ok := o.Fault.Vars[key]
		return v, ok
	}},
	{Name: "requestOverride.header.", In: VTL | AccessLog},
	{Name: "requestOverride.path.", In: VTL | AccessLog},
	{Name: "requestOverride.querystring.", In: VTL | AccessLog},
	{Name: "responseOverride.header.", In: VTL | AccessLog},
}

// The $context.error.* variables: none without a fault.

func errorMessage(_ *pipeline.Call, o *Outcome, _ string) (string, bool) {
	if o == nil || o.Fault == nil {
		return "", false
	}
	return o.Fault.MessageText(), true
}

// integrationErrorMessage is the reason an integration failed (a function
// error, a malformed answer, a timeout): the fault's cause, as HTTP API
// access logs carry it.
func integrationErrorMessage(_ *pipeline.Call, o *Outcome, _ string) (string, bool) {
	if o == nil || o.Fault == nil || o.Fault.Cause == nil {
		return "", false
	}
	switch o.Fault.Type {
	case fault.IntegrationFailure, fault.IntegrationTimeout, fault.Default5XX:
		return o.Fault.Cause.Error(), true
	}
	return "", false
}

// authorizerError is why authorization refused the request.
func authorizerError(_ *pipeline.Call, o *Outcome, _ string) (string, bool) {
	if o == nil || o.Fault == nil {
		return "", false
	}
	switch o.Fault.Type {
	case fault.Unauthorized, fault.AccessDenied, fault.AuthorizerFailure, fault.AuthorizerConfigurationError:
		if o.Fault.Cause != nil {
			return o.Fault.Cause.Error(), true
		}
		return o.Fault.MessageText(), true
	}
	return "", false
}

func errorMessageString(_ *pipeline.Call, o *Outcome, _ string) (string, bool) {
	if o == nil || o.Fault == nil {
		return "", false
	}
	if o.Fault.IsNull() {
		return "null", true
	}
	b, _ := json.Marshal(o.Fault.MessageText())
	return string(b), true
}

func errorResponseType(_ *pipeline.Call, o *Outcome, _ string) (string, bool) {
	if o == nil || o.Fault == nil {
		return "", false
	}
	return string(o.Fault.Type), true
}

// errorValidationString is empty, not missing, when the fault has none.
func errorValidationString(_ *pipeline.Call, o *Outcome, _ string) (string, bool) {
	if o == nil || o.Fault == nil {
		return "", false
	}
	return o.Fault.Vars["validationErrorString"], true
}

// integrationStatus is the back end's status, none without an answer.
func integrationStatus(c *pipeline.Call, _ *Outcome) (int64, bool) {
	return int64(c.IntegrationStatus), c.IntegrationStatus != 0
}

// integrationLatency is the time spent upstream in milliseconds, none when
// no integration ran.
func integrationLatency(c *pipeline.Call, _ *Outcome) (int64, bool) {
	if c.IntegrationStatus == 0 && c.IntegrationLatency == 0 {
		return 0, false
	}
	return c.IntegrationLatency.Milliseconds(), true
}

// certField reads a field of the call's client certificate ("" without one).
func certField(f func(*pipeline.ClientCert) string) func(*pipeline.Call) string {
	return func(c *pipeline.Call) string {
		if c.ClientCert == nil {
			return ""
		}
		return f(c.ClientCert)
	}
}
