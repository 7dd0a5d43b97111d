package openapi

import (
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/portico-gw/portico/internal/apidef"
	"github.com/portico-gw/portico/internal/fault"
	"github.com/portico-gw/portico/internal/source"
)

var (
	statusRe     = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[1-5]\d\d$`) })
	gwParamKeyRe = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile(`^gatewayresponse\.(header|path|querystring)\.[^\s]+$`)
	})
	gwParamSourceRe = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile(`^(method\.request\.(path|querystring|header|multivaluequerystring|multivalueheader)\.[^\s]+|context\.[A-Za-z0-9_.]+|stageVariables\.[A-Za-z0-9_]+|'[^']*')$`)
	})
)

// implemented lists the x-amazon-apigateway-* keys Portico reads, by where
// they may appear ("root", "path", "operation", "integration", "scheme").
func implemented(key, where string) bool {
	switch where {
	case "root":
		switch key {
		case "x-amazon-apigateway-gateway-responses", "x-amazon-apigateway-api-key-source",
			"x-amazon-apigateway-binary-media-types", "x-amazon-apigateway-request-validators",
			"x-amazon-apigateway-request-validator", "x-amazon-apigateway-policy", endpointConfigKey, minCompressionKey:
			return true
		}
	case "server":
		return key == endpointConfigKey
	case "scheme":
		return key == "x-amazon-apigateway-authorizer" || key == "x-amazon-apigateway-authtype"
	case "path":
		return key == "x-amazon-apigateway-any-method"
	case "operation":
		return key == "x-amazon-apigateway-integration" || key == "x-amazon-apigateway-request-validator" || key == "x-amazon-apigateway-auth"
	case "components":
		// Shared integrations, read where an operation's
		// x-amazon-apigateway-integration references one with $ref.
		return key == "x-amazon-apigateway-integrations"
	}
	return false
}

// unsupported warns about every x-amazon-apigateway-* key Portico does not
// implement, wherever it appears, so nothing is silently ignored.
func (im *importer) unsupported(v any, ptr string) {
	m, ok := v.(map[string]any)
	if !ok {
		if l, ok := v.([]any); ok {
			for i, e := range l {
				im.unsupported(e, ptr+"/"+strconv.Itoa(i))
			}
		}
		return
	}
	where := im.placeOf(ptr)
	for _, k := range sortedKeys(m) {
		p := ptr + "/" + source.Escape(k)
		if strings.HasPrefix(k, "x-amazon-apigateway-") {
			if !implemented(k, where) {
				if httpImplemented(k, where) && k != "x-amazon-apigateway-authorizer" {
					im.warnf(p, "%s is read by HTTP APIs only and is ignored in a REST API (import the definition as an HTTP API to use it)", k)
				} else {
					im.warnf(p, "%s is not implemented by Portico and is ignored", k)
				}
				continue
			}
			if k == "x-amazon-apigateway-integration" || k == "x-amazon-apigateway-integrations" || k == "x-amazon-apigateway-gateway-responses" || k == "x-amazon-apigateway-request-validators" ||
				k == "x-amazon-apigateway-authorizer" || k == "x-amazon-apigateway-policy" || k == endpointConfigKey {
				continue // read field by field; unknown fields are errors there
			}
		}
		im.unsupported(m[k], p)
	}
}

// placeOf classifies a pointer as root, path item or operation.
func (im *importer) placeOf(ptr string) string {
	parts := strings.Split(ptr, "/")
	switch {
	case ptr == "":
		return "root"
	case ptr == "/components":
		return "components"
	case len(parts) == 3 && parts[1] == "servers":
		return "server"
	case len(parts) == 3 && parts[1] == "paths":
		return "path"
	case len(parts) == 4 && parts[1] == "paths":
		return "operation"
	case len(parts) == 4 && parts[1] == "components" && parts[2] == "securitySchemes",
		len(parts) == 3 && parts[1] == "securityDefinitions":
		return "scheme"
	}
	return "other"
}

// gatewayResponses reads x-amazon-apigateway-gateway-responses.
func (im *importer) gatewayResponses() map[string]apidef.GatewayResponse {
	const key = "x-amazon-apigateway-gateway-responses"
	gr := im.obj(im.root, "", key)
	out := map[string]apidef.GatewayResponse{}
	for _, t := range sortedKeys(gr) {
		p := source.Pointer(key, t)
		if !validResponseType(t) {
			im.errorf(p, "unknown gateway response type %q", t)
			continue
		}
		r, ok := gr[t].(map[string]any)
		if !ok {
			im.errorf(p, "a gateway response must be a mapping")
			continue
		}
		g := apidef.GatewayResponse{
			StatusCode:         im.str(r, p, "statusCode"),
			ResponseParameters: im.strMap(r, p, "responseParameters"),
			ResponseTemplates:  im.strMap(r, p, "responseTemplates"),
			Loc:                im.loc(p),
		}
		if g.StatusCode != "" && !statusRe().MatchString(g.StatusCode) {
			im.errorf(p+"/statusCode", "statusCode %q must match [1-5]\\d\\d", g.StatusCode)
		}
		for _, k := range sortedKeys(g.ResponseParameters) {
			kp := p + "/responseParameters/" + source.Escape(k)
			v := g.ResponseParameters[k]
			switch {
			case !gwParamKeyRe().MatchString(k):
				im.errorf(kp, "invalid parameter %q: keys are gatewayresponse.header.NAME", k)
			case v == "":
				im.errorf(kp, "Invalid null or empty value in responseParameters")
			case !gwParamSourceRe().MatchString(v):
				im.errorf(kp, "invalid mapping expression specified: %q", v)
			}
		}
		for ct, tpl := range g.ResponseTemplates {
			if tpl == "" {
				im.errorf(p+"/responseTemplates/"+source.Escape(ct), "Invalid null or empty value in responseTemplates")
			}
		}
		for _, f := range sortedKeys(r) {
			if f != "statusCode" && f != "responseParameters" && f != "responseTemplates" {
				im.errorf(p+"/"+source.Escape(f), "unknown gateway response field %q", f)
			}
		}
		out[t] = g
	}
	return out
}

// requestValidators reads the named validators and the API-wide default.
func (im *importer) requestValidators() (map[string]apidef.RequestValidator, string) {
	const key = "x-amazon-apigateway-request-validators"
	vs := im.obj(im.root, "", key)
	out := map[string]apidef.RequestValidator{}
	for _, name := range sortedKeys(vs) {
		p := source.Pointer(key, name)
		v, ok := vs[name].(map[string]any)
		if !ok {
			im.errorf(p, "a request validator must be a mapping")
			continue
		}
		out[name] = apidef.RequestValidator{
			ValidateRequestBody:       im.boolean(v, p, "validateRequestBody"),
			ValidateRequestParameters: im.boolean(v, p, "validateRequestParameters"),
		}
	}
	def := im.str(im.root, "", "x-amazon-apigateway-request-validator")
	if _, ok := out[def]; def != "" && !ok {
		im.errorf("/x-amazon-apigateway-request-validator", "request validator %q is not defined in %s", def, key)
	}
	return out, def
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// validResponseType reports whether t is one of the 21 AWS types.
func validResponseType(t string) bool { return fault.ResponseType(t).IsValid() }
