package openapi

import (
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/portico-gw/portico/internal/apidef"
	"github.com/portico-gw/portico/internal/awslimits"
	"github.com/portico-gw/portico/internal/source"
)

// HTTP API authorizer and route limits
// (https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-quotas.html).
const (
	maxRouteScopes       = 10
	maxJWTAudiences      = 50
	oidcDiscoverySuffix  = "/.well-known/openid-configuration"
	lambdaAuthorizerType = "request"
)

// httpIdentitySourceRe is an HTTP API identity source
// (https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-lambda-authorizer.html).
var httpIdentitySourceRe = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`^\$(request\.(header|querystring)\.[^\s,]+|context\.[A-Za-z0-9_.]+|stageVariables\.[A-Za-z0-9_]+)$`)
})

// httpAuthorizers reads x-amazon-apigateway-authorizer from every security
// scheme: request (Lambda) and jwt authorizers
// (https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-swagger-extensions-authorizer.html).
func (im *importer) httpAuthorizers() map[string]apidef.Authorizer {
	out := map[string]apidef.Authorizer{}
	schemes, base := im.schemes()
	for _, name := range sortedKeys(schemes) {
		s, _ := schemes[name].(map[string]any)
		ptr := base + "/" + source.Escape(name)
		raw := im.obj(s, ptr, "x-amazon-apigateway-authorizer")
		if raw == nil {
			continue
		}
		ap := ptr + "/x-amazon-apigateway-authorizer"
		a := apidef.Authorizer{Name: name, ResultTTLSeconds: -1, Loc: im.loc(ap)}
		typ := strings.ToLower(im.str(raw, ap, "type"))
		switch typ {
		case lambdaAuthorizerType:
			a.Type = apidef.AuthorizerRequest
		case "jwt":
			a.Type = apidef.AuthorizerJWT
		case "token", "cognito_user_pools":
			im.errorf(ap+"/type", "authorizer type %s is for REST APIs; HTTP APIs have request (Lambda) and jwt authorizers (a Cognito user pool is a jwt authorizer with the pool as issuer)", typ)
			continue
		case "":
			im.errorf(ap+"/type", "authorizer type is required (request or jwt)")
			continue
		default:
			im.errorf(ap+"/type", "authorizer type must be request or jwt, not %q", typ)
			continue
		}
		a.IdentitySources = im.identitySources(raw, ap)
		a.IdentitySource = strings.Join(a.IdentitySources, ",")
		im.authorizerFields(raw, ap, a.Type)
		if a.Type == apidef.AuthorizerJWT {
			im.jwtAuthorizer(&a, raw, s, ptr, ap)
		} else {
			im.lambdaAuthorizer(&a, raw, ap)
		}
		out[name] = a
	}
	return out
}

// identitySources reads identitySource: a comma-separated string (the
// extension's documented form) or a list (the v2 API's form).
func (im *importer) identitySources(raw map[string]any, ap string) []string {
	v, ok := raw["identitySource"]
	if !ok || v == nil {
		return nil
	}
	p := ap + "/identitySource"
	var list []string
	switch t := v.(type) {
	case string:
		for _, s := range strings.Split(t, ",") {
			if s = strings.TrimSpace(s); s != "" {
				list = append(list, s)
			}
		}
	case []any:
		for i, e := range t {
			s, ok := e.(string)
			if !ok {
				im.errorf(p+"/"+strconv.Itoa(i), "an identity source must be a string, not %s", notAString(e))
				continue
			}
			list = append(list, strings.TrimSpace(s))
		}
	default:
		im.errorf(p, "identitySource must be a comma-separated string or a list, not %s", notAString(v))
		return nil
	}
	for _, s := range list {
		if httpIdentitySourceRe().MatchString(s) {
			continue
		}
		hint := ""
		if strings.HasPrefix(s, "method.request.") {
			hint = " (method.request.* is the REST API form; write $request.header.NAME)"
		}
		im.errorf(p, "identity source %q must be $request.header.NAME, $request.querystring.NAME, $context.NAME or $stageVariables.NAME%s", s, hint)
	}
	return list
}

// authorizerFields rejects unknown authorizer fields and warns about the
// ones the authorizer's type does not use.
func (im *importer) authorizerFields(raw map[string]any, ap string, t apidef.AuthorizerType) {
	for _, f := range sortedKeys(raw) {
		p := ap + "/" + source.Escape(f)
		switch f {
		case "type", "identitySource":
		case "authorizerUri", "authorizerCredentials", "authorizerPayloadFormatVersion", "enableSimpleResponses", "authorizerResultTtlInSeconds":
			if t == apidef.AuthorizerJWT {
				im.warnf(p, "%s is ignored: it configures Lambda (request) authorizers, not jwt ones", f)
			}
		case "jwtConfiguration":
			if t != apidef.AuthorizerJWT {
				im.warnf(p, "jwtConfiguration is ignored: it configures jwt authorizers, not request ones")
			}
		case "identityValidationExpression", "providerARNs":
			im.warnf(p, "%s is ignored: it is read by REST API authorizers only", f)
		default:
			im.errorf(p, "unknown authorizer field %q", f)
		}
	}
}

// lambdaAuthorizer reads a request (Lambda) authorizer. The rules are
// those of the v2 CreateAuthorizer, which import applies: the payload
// format version is required, simple responses need 2.0, the TTL runs from
// 0 to 3600 s and caching needs an identity source
// (https://docs.aws.amazon.com/apigatewayv2/latest/api-reference/apis-apiid-authorizers.html).
func (im *importer) lambdaAuthorizer(a *apidef.Authorizer, raw map[string]any, ap string) {
	a.AuthorizerURI = im.str(raw, ap, "authorizerUri")
	if !lambdaURIRe().MatchString(a.AuthorizerURI) {
		hint := placeholderHint(a.AuthorizerURI)
		if lambdaFunctionARNRe().MatchString(a.AuthorizerURI) {
			hint = " (a plain function ARN: wrap it as arn:aws:apigateway:REGION:lambda:path/2015-03-31/functions/FUNCTION_ARN/invocations)"
		}
		im.errorf(ap+"/authorizerUri", "authorizerUri must be arn:aws:apigateway:{region}:lambda:path/2015-03-31/functions/{functionArn}/invocations, not %q%s", a.AuthorizerURI, hint)
	}
	if v, ok := raw["authorizerPayloadFormatVersion"]; !ok || v == nil {
		// AWS's own message for this.
		im.errorf(ap, "AuthorizerPayloadFormatVersion is a required parameter for REQUEST authorizer (authorizerPayloadFormatVersion: \"1.0\" or \"2.0\")")
	} else if s, ok := versionText(v); !ok || (s != "1.0" && s != "2.0") {
		im.errorf(ap+"/authorizerPayloadFormatVersion", "authorizerPayloadFormatVersion must be 1.0 or 2.0, not %v", v)
	} else {
		a.PayloadFormatVersion = s
	}
	a.EnableSimpleResponses = im.boolean(raw, ap, "enableSimpleResponses")
	if a.EnableSimpleResponses && a.PayloadFormatVersion == "1.0" {
		im.errorf(ap+"/enableSimpleResponses", "enableSimpleResponses needs authorizerPayloadFormatVersion 2.0")
	}
	if ttl, ok := im.integer(raw, ap, "authorizerResultTtlInSeconds"); ok {
		if ttl < 0 || ttl > int(awslimits.MaxAuthorizerTTL/time.Second) {
			im.errorf(ap+"/authorizerResultTtlInSeconds", "authorizerResultTtlInSeconds must be 0 to 3600, not %d", ttl)
		} else {
			a.ResultTTLSeconds = ttl
		}
	}
	if a.ResultTTLSeconds > 0 && len(a.IdentitySources) == 0 {
		im.errorf(ap+"/identitySource", "a request authorizer with caching on (authorizerResultTtlInSeconds %d) needs an identitySource: the cache is keyed by it", a.ResultTTLSeconds)
	}
}

// jwtAuthorizer reads a jwt authorizer: jwtConfiguration.issuer (or the
// scheme's openIdConnectUrl without /.well-known/openid-configuration) and
// audience, with one identity source.
func (im *importer) jwtAuthorizer(a *apidef.Authorizer, raw, scheme map[string]any, sp, ap string) {
	jp := ap + "/jwtConfiguration"
	jc := im.obj(raw, ap, "jwtConfiguration")
	a.JWTIssuer = im.str(jc, jp, "issuer")
	a.JWTAudiences = im.strList(jc, jp, "audience")
	for _, f := range sortedKeys(jc) {
		if f != "issuer" && f != "audience" {
			im.errorf(jp+"/"+source.Escape(f), "unknown jwtConfiguration field %q", f)
		}
	}
	if a.JWTIssuer == "" {
		if u, _ := scheme["openIdConnectUrl"].(string); strings.HasSuffix(u, oidcDiscoverySuffix) {
			a.JWTIssuer = strings.TrimSuffix(u, oidcDiscoverySuffix)
		} else if u != "" {
			im.errorf(sp+"/openIdConnectUrl", "openIdConnectUrl must end with %s to name the issuer, not %q", oidcDiscoverySuffix, u)
		} else {
			im.errorf(jp+"/issuer", "a jwt authorizer needs jwtConfiguration.issuer (or an openIdConnect scheme's openIdConnectUrl)")
		}
	}
	if len(a.JWTAudiences) > maxJWTAudiences {
		im.errorf(jp+"/audience", "a jwt authorizer has at most %d audiences, not %d", maxJWTAudiences, len(a.JWTAudiences))
	}
	switch len(a.IdentitySources) {
	case 0:
		im.errorf(ap+"/identitySource", "a jwt authorizer needs one identitySource, such as $request.header.Authorization")
	case 1:
	default:
		im.errorf(ap+"/identitySource", "a jwt authorizer takes one identitySource, not %d", len(a.IdentitySources))
	}
}

// routeSecurity reads a route's authorization. An HTTP API route has one:
// IAM, a Lambda authorizer or a JWT authorizer; listing several is an error
// (https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-open-api.html).
// An operation without a security key inherits the root-level requirement,
// as in REST imports, unless its x-amazon-apigateway-auth asks for IAM;
// security: [] opts out.
func (im *importer) routeSecurity(m *apidef.Method, op map[string]any, ptr string) {
	iam := false
	if auth := im.obj(op, ptr, "x-amazon-apigateway-auth"); auth != nil {
		ap := ptr + "/x-amazon-apigateway-auth"
		switch t, _ := apidef.ParseAuthorizationType(im.str(auth, ap, "type")); t {
		case apidef.AuthIAM:
			iam = true
			m.AuthorizationType = apidef.AuthIAM
		case apidef.AuthNone:
		default:
			im.errorf(ap+"/type", "x-amazon-apigateway-auth type must be NONE or AWS_IAM, not %q", t)
		}
	}
	raw, ok := op["security"]
	rptr := ptr + "/security"
	if ok && raw == nil {
		im.errorf(rptr, "security has no value: list the route's requirement, or write security: [] to opt out of the root-level requirement")
		return
	}
	if !ok {
		if iam {
			// The operation's own x-amazon-apigateway-auth wins over the
			// root-level requirement, as an operation's security would.
			return
		}
		raw, rptr = im.root["security"], "/security"
	}
	if raw == nil {
		return
	}
	reqs, ok := raw.([]any)
	if !ok {
		im.errorf(rptr, "security must be a list of security requirements")
		return
	}
	type requirement struct {
		name, ptr string
		scopes    []string
	}
	var found []requirement
	for i, r := range reqs {
		req, ok := r.(map[string]any)
		if !ok {
			im.errorf(rptr+"/"+strconv.Itoa(i), "a security requirement must be a mapping")
			continue
		}
		for _, name := range sortedKeys(req) {
			scopes, _ := strings1(req[name])
			found = append(found, requirement{name, rptr + "/" + strconv.Itoa(i) + "/" + source.Escape(name), scopes})
		}
	}
	if len(found) == 0 {
		return
	}
	if len(found) > 1 || iam {
		names := make([]string, 0, len(found)+1)
		if iam {
			names = append(names, "x-amazon-apigateway-auth AWS_IAM")
		}
		for _, f := range found {
			names = append(names, f.name)
		}
		im.errorf(rptr, "an HTTP API route has one authorization (IAM, a Lambda authorizer or a JWT authorizer), not %d: %s", len(names), strings.Join(names, ", "))
		return
	}
	f := found[0]
	m.Security = map[string][]string{f.name: f.scopes}
	scheme := im.scheme(f.name)
	if scheme == nil {
		im.errorf(f.ptr, "security scheme %q is not defined", f.name)
		return
	}
	authtype, _ := scheme["x-amazon-apigateway-authtype"].(string)
	authorizer, hasAuthorizer := scheme["x-amazon-apigateway-authorizer"].(map[string]any)
	switch {
	case hasAuthorizer:
		t, _ := authorizer["type"].(string)
		if strings.EqualFold(t, "jwt") {
			m.AuthorizationType = apidef.AuthJWT
			if len(f.scopes) > maxRouteScopes {
				im.errorf(f.ptr, "a route has at most %d authorization scopes, not %d", maxRouteScopes, len(f.scopes))
			}
			m.AuthorizationScopes = f.scopes
		} else {
			m.AuthorizationType = apidef.AuthCustom
			if len(f.scopes) > 0 {
				im.warnf(f.ptr, "authorization scopes are ignored: only JWT authorizers check scopes")
			}
		}
		m.AuthorizerName = f.name
	case strings.HasPrefix(strings.ToLower(authtype), "aws"):
		m.AuthorizationType = apidef.AuthIAM
	default:
		typ, _ := scheme["type"].(string)
		in, _ := scheme["in"].(string)
		hdr, _ := scheme["name"].(string)
		if typ == "apiKey" && in == "header" && strings.EqualFold(hdr, "x-api-key") {
			im.warnf(f.ptr, "security scheme %q asks for an API key, which HTTP APIs do not have: the route has no authorization", f.name)
		} else {
			im.warnf(f.ptr, "security scheme %q has no x-amazon-apigateway-authorizer and is not x-amazon-apigateway-authtype awsSigv4: the route has no authorization", f.name)
		}
	}
}
