package pipeline

import (
	"fmt"
	"strconv"
	"strings"
)

// ContextValue returns the $context variable name (without "$context."), as
// gateway-response templates, mapping expressions and access logs see it.
// ok is false for a variable that has no value for this call.
func (c *Call) ContextValue(name string) (string, bool) {
	switch name {
	case "accountId":
		return c.AccountID, true
	case "apiId":
		return c.APIID, true
	case "deploymentId":
		return c.DeploymentID, true
	case "domainName":
		return c.DomainName, true
	case "domainPrefix":
		return c.DomainPrefix, true
	case "extendedRequestId":
		return c.ExtendedRequestID, true
	case "httpMethod":
		return c.HTTPMethod, true
	case "path":
		return c.StagePath, true
	case "protocol":
		return c.Protocol, true
	case "requestId":
		return c.RequestID, true
	case "requestTime":
		return c.Start.UTC().Format("02/Jan/2006:15:04:05 -0700"), true
	case "requestTimeEpoch":
		return strconv.FormatInt(c.Start.UnixMilli(), 10), true
	case "resourceId":
		return c.ResourceID, c.ResourceID != ""
	case "resourcePath":
		return c.ResourcePath, c.ResourcePath != ""
	case "stage":
		return c.Stage, true
	case "isCanaryRequest":
		return "false", true
	}
	if rest, ok := strings.CutPrefix(name, "identity."); ok {
		return c.identityValue(rest)
	}
	if rest, ok := strings.CutPrefix(name, "authorizer."); ok {
		return c.authorizerValue(rest)
	}
	return "", false
}

func (c *Call) identityValue(name string) (string, bool) {
	id := c.Identity
	switch name {
	case "sourceIp":
		return c.SourceIP, true
	case "userAgent":
		ua := c.Header.Get("User-Agent")
		return ua, ua != ""
	case "apiKey":
		return id.APIKey, id.APIKey != ""
	case "apiKeyId":
		return id.APIKeyID, id.APIKeyID != ""
	case "caller":
		return id.Caller, id.Caller != ""
	case "user":
		return id.User, id.User != ""
	case "userArn":
		return id.UserArn, id.UserArn != ""
	case "accountId":
		return id.AccountID, id.AccountID != ""
	case "accessKey":
		return id.AccessKey, id.AccessKey != ""
	}
	return "", false
}

func (c *Call) authorizerValue(name string) (string, bool) {
	if rest, ok := strings.CutPrefix(name, "claims."); ok {
		claims, _ := c.Authorizer["claims"].(map[string]any)
		v, ok := claims[rest]
		return stringify(v), ok
	}
	v, ok := c.Authorizer[name]
	return stringify(v), ok
}

// stringify renders an authorizer value as API Gateway does: strings as is,
// numbers and booleans as their text.
func stringify(v any) string {
	switch t := v.(type) {
	case nil:
		return ""
	case string:
		return t
	case float64:
		return strconv.FormatFloat(t, 'f', -1, 64)
	}
	return fmt.Sprint(v)
}

// headerValues are the values of a request header; Host, which the edge
// keeps apart from the other headers, is the Host the client sent.
func (c *Call) headerValues(name string) []string {
	if strings.EqualFold(name, "Host") {
		if c.Host == "" {
			return nil
		}
		return []string{c.Host}
	}
	return c.Header.Values(name)
}

// MethodRequestValue resolves method.request.{path|querystring|header}.NAME
// (the part after "method.request.").
func (c *Call) MethodRequestValue(expr string) (string, bool) {
	loc, name, ok := strings.Cut(expr, ".")
	if !ok {
		return "", false
	}
	switch loc {
	case "path":
		v, ok := c.PathParams[name]
		return v, ok
	case "querystring":
		vs, ok := c.Query[name]
		if !ok || len(vs) == 0 {
			return "", false
		}
		return vs[len(vs)-1], true
	case "multivaluequerystring":
		vs, ok := c.Query[name]
		return strings.Join(vs, ","), ok
	case "header":
		vs := c.headerValues(name)
		if len(vs) == 0 {
			return "", false
		}
		return vs[len(vs)-1], true
	case "multivalueheader":
		vs := c.headerValues(name)
		return strings.Join(vs, ","), len(vs) > 0
	}
	return "", false
}

// Resolve evaluates a parameter-mapping source expression: 'static',
// method.request.*, context.* or stageVariables.*. The body sources
// (method.request.body.*) are resolved by the mapping code that has the body.
func (c *Call) Resolve(expr string) (string, bool) {
	switch {
	case len(expr) >= 2 && expr[0] == '\'' && expr[len(expr)-1] == '\'':
		return expr[1 : len(expr)-1], true
	case strings.HasPrefix(expr, "method.request."):
		return c.MethodRequestValue(expr[len("method.request."):])
	case strings.HasPrefix(expr, "context."):
		return c.ContextValue(expr[len("context."):])
	case strings.HasPrefix(expr, "stageVariables."):
		v, ok := c.StageVariables[expr[len("stageVariables."):]]
		return v, ok
	}
	return "", false
}
