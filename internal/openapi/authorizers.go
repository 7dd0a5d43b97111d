package openapi

import (
	"encoding/json"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/portico-gw/portico/internal/apidef"
	"github.com/portico-gw/portico/internal/auth/policy"
	"github.com/portico-gw/portico/internal/awslimits"
	"github.com/portico-gw/portico/internal/source"
)

var identitySourceRe = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`^(method\.request\.(header|querystring)\.[^\s,]+|stageVariables\.[A-Za-z0-9_]+|context\.[A-Za-z0-9_.]+)$`)
})

// schemes returns the security schemes and the pointer of their container.
func (im *importer) schemes() (map[string]any, string) {
	if c, ok := im.root["components"].(map[string]any); ok {
		if ss, ok := c["securitySchemes"].(map[string]any); ok {
			return ss, "/components/securitySchemes"
		}
	}
	if sd, ok := im.root["securityDefinitions"].(map[string]any); ok {
		return sd, "/securityDefinitions"
	}
	return nil, ""
}

// authorizers reads x-amazon-apigateway-authorizer from every scheme.
func (im *importer) authorizers() map[string]apidef.Authorizer {
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
		a := apidef.Authorizer{Name: name, Type: parsed(apidef.ParseAuthorizerType(im.str(raw, ap, "type"))), AuthorizerURI: im.str(raw, ap, "authorizerUri"),
			IdentitySource: im.str(raw, ap, "identitySource"), IdentityValidationExpression: im.str(raw, ap, "identityValidationExpression"),
			ProviderARNs: im.strList(raw, ap, "providerARNs"), ResultTTLSeconds: -1, Loc: im.loc(ap)}
		if ttl, ok := im.integer(raw, ap, "authorizerResultTtlInSeconds"); ok {
			a.ResultTTLSeconds = ttl
			if ttl < 0 || ttl > int(awslimits.MaxAuthorizerTTL/time.Second) {
				im.errorf(ap+"/authorizerResultTtlInSeconds", "authorizerResultTtlInSeconds must be 0 to 3600, not %d", ttl)
			}
		}
		if jc := im.obj(raw, ap, "jwtConfiguration"); jc != nil {
			a.JWTIssuer = im.str(jc, ap+"/jwtConfiguration", "issuer")
			a.JWTAudiences = im.strList(jc, ap+"/jwtConfiguration", "audience")
		}
		defaultIdentitySource(&a, s)
		im.checkAuthorizer(&a, ap)
		out[name] = a
	}
	return out
}

// defaultIdentitySource fills in a TOKEN or Cognito authorizer's missing
// identitySource from its security scheme, as API Gateway's import does: a
// scheme "in: header" named N gives method.request.header.N (recorded AWS
// response, LocalStack snapshot test_import_with_cognito_auth_identity_source).
func defaultIdentitySource(a *apidef.Authorizer, scheme map[string]any) {
	if strings.TrimSpace(a.IdentitySource) != "" || (a.Type != apidef.AuthorizerToken && a.Type != apidef.AuthorizerCognito) {
		return
	}
	in, _ := scheme["in"].(string)
	name, _ := scheme["name"].(string)
	if !strings.EqualFold(in, "header") || strings.TrimSpace(name) == "" {
		return
	}
	a.IdentitySource = "method.request.header." + strings.TrimSpace(name)
}

func (im *importer) checkAuthorizer(a *apidef.Authorizer, ap string) {
	switch a.Type {
	case apidef.AuthorizerToken, apidef.AuthorizerRequest:
		if !lambdaURIRe().MatchString(a.AuthorizerURI) {
			im.errorf(ap+"/authorizerUri", "authorizerUri must be arn:aws:apigateway:{region}:lambda:path/2015-03-31/functions/{functionArn}/invocations, not %q%s", a.AuthorizerURI, placeholderHint(a.AuthorizerURI))
		}
	case apidef.AuthorizerCognito:
		if len(a.ProviderARNs) == 0 {
			im.errorf(ap+"/providerARNs", "a cognito_user_pools authorizer needs providerARNs")
		}
	case apidef.AuthorizerJWT:
		if a.JWTIssuer == "" {
			im.errorf(ap+"/jwtConfiguration/issuer", "a jwt authorizer needs jwtConfiguration.issuer")
		}
	default: // !a.Type.Valid()
		im.errorf(ap+"/type", "authorizer type must be token, request, cognito_user_pools or jwt, not %q", strings.ToLower(string(a.Type)))
		return
	}
	if a.Type == apidef.AuthorizerToken || a.Type == apidef.AuthorizerCognito {
		if !strings.HasPrefix(a.IdentitySource, "method.request.header.") || strings.Contains(a.IdentitySource, ",") {
			im.errorf(ap+"/identitySource", "a %s authorizer needs one header identity source such as method.request.header.Authorization", strings.ToLower(string(a.Type)))
		}
	}
	if a.Type == apidef.AuthorizerRequest && strings.TrimSpace(a.IdentitySource) == "" && a.ResultTTLSeconds != 0 {
		im.errorf(ap+"/identitySource", "a request authorizer with caching on (authorizerResultTtlInSeconds %s) needs an identitySource: the cache is keyed by it", ttlText(a.ResultTTLSeconds))
	}
	if a.Type == apidef.AuthorizerRequest && a.IdentitySource != "" {
		for _, src := range strings.Split(a.IdentitySource, ",") {
			if src = strings.TrimSpace(src); !identitySourceRe().MatchString(src) {
				im.errorf(ap+"/identitySource", "identity source %q must be method.request.header.X, method.request.querystring.X, stageVariables.X or context.X (path parameters are not allowed)", src)
			}
		}
	}
	if a.IdentityValidationExpression != "" {
		if _, err := regexp.Compile(a.IdentityValidationExpression); err != nil {
			im.errorf(ap+"/identityValidationExpression", "not a valid regular expression: %v", err)
		}
	}
}

var lambdaURIRe = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`^arn:aws(-[a-z]+)*:apigateway:[^:]+:lambda:path/2015-03-31/functions/.+/invocations$`)
})

// resourcePolicy reads x-amazon-apigateway-policy and checks it parses.
func (im *importer) resourcePolicy(api *apidef.RestAPI) {
	const key = "x-amazon-apigateway-policy"
	v, ok := im.root[key]
	if !ok || v == nil {
		return
	}
	b, err := json.Marshal(v)
	var doc *policy.Document
	if err == nil {
		doc, err = policy.Parse(b)
	}
	if err != nil {
		im.errorf("/"+key, "%v", err)
		return
	}
	if keys := doc.AbsentKeys(); len(keys) > 0 {
		im.warnf("/"+key, "condition keys %s are never present in requests to Portico (it is not reached through a VPC or VPC endpoint): their conditions are evaluated as for a request without them", strings.Join(keys, ", "))
	}
	api.Policy, api.PolicyLoc = b, im.loc("/"+key)
}

func ttlText(ttl int) string {
	if ttl < 0 {
		return "defaults to 300"
	}
	return "is " + strconv.Itoa(ttl)
}
