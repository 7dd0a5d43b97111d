package openapi

import (
	"strconv"
	"strings"

	"github.com/portico-gw/portico/internal/apidef"
	"github.com/portico-gw/portico/internal/source"
)

// security reads the operation's security requirements and
// x-amazon-apigateway-auth: an apiKey scheme in header x-api-key marks the
// method apiKeyRequired; an authorizer or AWS_IAM scheme sets the method's
// authorization type (enforced by the authorization feature). An operation
// without its own security key inherits the document's root-level
// requirement, as API Gateway's import does; an empty list (security: [])
// on the operation opts out.
func (im *importer) security(m *apidef.Method, op map[string]any, ptr string) {
	if auth := im.obj(op, ptr, "x-amazon-apigateway-auth"); auth != nil {
		if t, _ := apidef.ParseAuthorizationType(im.str(auth, ptr+"/x-amazon-apigateway-auth", "type")); t == apidef.AuthIAM {
			m.AuthorizationType = apidef.AuthIAM
		}
	}
	raw, ok := op["security"]
	rptr := ptr + "/security"
	if ok && raw == nil {
		// "security:" with nothing after it: neither an opt-out nor a
		// requirement, and never a reason to leave the method open.
		im.errorf(rptr, "security has no value: list the method's requirements, or write security: [] to opt out of the root-level requirement")
		return
	}
	if !ok {
		raw, rptr = im.root["security"], "/security"
	}
	if raw == nil {
		return
	}
	reqs, ok := raw.([]any)
	if !ok {
		// Not ignored: a requirement that cannot be read must not leave the
		// method open.
		im.errorf(rptr, "security must be a list of security requirements")
		return
	}
	for i, r := range reqs {
		req, ok := r.(map[string]any)
		if !ok {
			im.errorf(rptr+"/"+strconv.Itoa(i), "a security requirement must be a mapping")
			continue
		}
		for _, name := range sortedKeys(req) {
			sp := rptr + "/" + strconv.Itoa(i) + "/" + source.Escape(name)
			scheme := im.scheme(name)
			if scheme == nil {
				if name == "api_key" {
					// AWS's own request-validation sample names an undefined
					// api_key scheme, and AWS imports it as an API key requirement.
					im.warnf(sp, "security scheme \"api_key\" is not defined; treated as an API key requirement (apiKeyRequired)")
					m.APIKeyRequired = true
					continue
				}
				im.errorf(sp, "security scheme %q is not defined", name)
				continue
			}
			im.applyScheme(m, name, scheme, sp)
			list, _ := strings1(req[name])
			if m.AuthorizerName == name {
				m.AuthorizationScopes = list
			}
			if m.Security == nil {
				m.Security = map[string][]string{}
			}
			m.Security[name] = list
		}
	}
}

// scheme finds a security scheme in components.securitySchemes (OpenAPI 3)
// or securityDefinitions (Swagger 2).
func (im *importer) scheme(name string) map[string]any {
	if c, ok := im.root["components"].(map[string]any); ok {
		if ss, ok := c["securitySchemes"].(map[string]any); ok {
			if s, ok := ss[name].(map[string]any); ok {
				return s
			}
		}
	}
	if sd, ok := im.root["securityDefinitions"].(map[string]any); ok {
		if s, ok := sd[name].(map[string]any); ok {
			return s
		}
	}
	return nil
}

func (im *importer) applyScheme(m *apidef.Method, name string, s map[string]any, sp string) {
	authtype, _ := s["x-amazon-apigateway-authtype"].(string)
	authorizer, hasAuthorizer := s["x-amazon-apigateway-authorizer"].(map[string]any)
	switch {
	case hasAuthorizer:
		t, _ := authorizer["type"].(string)
		switch {
		case strings.EqualFold(t, "cognito_user_pools"):
			m.AuthorizationType = apidef.AuthCognito
		case strings.EqualFold(t, "jwt"):
			m.AuthorizationType = apidef.AuthJWT
		default:
			m.AuthorizationType = apidef.AuthCustom
		}
		m.AuthorizerName = name
	case strings.HasPrefix(strings.ToLower(authtype), "aws"):
		m.AuthorizationType = apidef.AuthIAM
	default:
		typ, _ := s["type"].(string)
		in, _ := s["in"].(string)
		hdr, _ := s["name"].(string)
		if typ == "apiKey" && in == "header" && strings.EqualFold(hdr, "x-api-key") {
			m.APIKeyRequired = true
		} else if typ == "apiKey" {
			im.warnf(sp, "security scheme %q (apiKey in %s %q) protects nothing on API Gateway: API keys come only from the x-api-key header (or a Lambda authorizer's usageIdentifierKey); give the scheme an x-amazon-apigateway-authorizer or use header x-api-key", name, in, hdr)
		}
	}
}

// strings1 reads a list of strings (security requirement scopes).
func strings1(v any) ([]string, bool) {
	l, ok := v.([]any)
	if !ok {
		return nil, false
	}
	out := make([]string, 0, len(l))
	for _, e := range l {
		if s, ok := e.(string); ok {
			out = append(out, s)
		}
	}
	return out, true
}
