package openapi

import (
	"sort"
	"strconv"
	"strings"

	"github.com/portico-gw/portico/internal/apidef"
	"github.com/portico-gw/portico/internal/source"
)

// HTTP API (API Gateway v2) import: what API Gateway's ImportApi reads from
// an OpenAPI 3.0 document
// (https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-open-api.html).
// The parts only REST APIs have (gateway responses, request validators, API
// keys, binary media types, mapping templates, resource policies) are
// ignored with a located warning each, as AWS's import ignores them with an
// "info"; what an HTTP API cannot express at all (a REST integration type,
// several security requirements on one operation) is an error.

// httpAPI reads the whole document as an HTTP API.
func (im *importer) httpAPI() *apidef.RestAPI {
	api := &apidef.RestAPI{
		Title:             im.title(),
		Protocol:          apidef.ProtocolHTTP,
		APIKeySource:      "HEADER",
		GatewayResponses:  map[string]apidef.GatewayResponse{},
		Models:            map[string][]byte{},
		ModelLocs:         map[string]apidef.Location{},
		RequestValidators: map[string]apidef.RequestValidator{},
		Source:            apidef.Location{File: im.ix.File()},
	}
	im.importExportVersion()
	im.checkRefs()
	api.CORS = im.cors()
	api.Tags = im.tags()
	api.Authorizers = im.httpAuthorizers()
	api.Methods = im.routes()
	api.DisableExecuteAPIEndpoint = im.endpointConfiguration()
	im.httpUnsupported(im.root, "")
	sort.SliceStable(im.warnings, func(i, j int) bool { return im.warnings[i].Loc.Line < im.warnings[j].Loc.Line })
	api.Unsupported = im.warnings
	return api
}

// importExportVersion checks x-amazon-apigateway-importexport-version: "1.0"
// is the only version
// (https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-extensions-importexport-version.html).
func (im *importer) importExportVersion() {
	v, ok := im.root[importExportVersionKey]
	if !ok || v == nil {
		return
	}
	if s, _ := versionText(v); s != "1.0" {
		im.errorf("/"+importExportVersionKey, "%s must be \"1.0\", not %v", importExportVersionKey, v)
	}
}

// versionText reads a "1.0"/"2.0" version given as a string or as the
// number a JSON or YAML document makes of an unquoted 1.0 (real exports
// write both).
func versionText(v any) (string, bool) {
	switch t := v.(type) {
	case string:
		return strings.TrimSpace(t), true
	case float64:
		return strconv.FormatFloat(t, 'f', 1, 64), true
	case int:
		return strconv.Itoa(t) + ".0", true
	case int64:
		return strconv.FormatInt(t, 10) + ".0", true
	case uint64:
		return strconv.FormatUint(t, 10) + ".0", true
	}
	return "", false
}

// defaultRoutePath reports whether a path key names the $default route.
// AWS's documentation writes "/$default" (with isDefaultRoute: true), SAM's
// generated definitions "$default".
func defaultRoutePath(p string) bool { return p == "$default" || p == "/$default" }

// routes reads every operation of every path as a route, sorted by path
// then method; the $default route sorts last.
func (im *importer) routes() []*apidef.Method {
	paths := im.obj(im.root, "", "paths")
	var out []*apidef.Method
	seen := map[string]string{} // route key → pointer of its first definition
	for _, p := range im.keysInOrder(paths, "/paths") {
		pptr := source.Pointer("paths", p)
		isDefaultPath := defaultRoutePath(p)
		if !isDefaultPath && !im.checkRoutePath(pptr, p) {
			continue
		}
		item, ok := paths[p].(map[string]any)
		if !ok {
			if paths[p] != nil {
				im.errorf(pptr, "a path item must be a mapping")
			}
			continue
		}
		for _, key := range operationKeys {
			op, ok := item[key].(map[string]any)
			if !ok {
				continue
			}
			optr := pptr + "/" + source.Escape(key)
			isDefault := im.isDefaultRoute(op, optr, key, p, isDefaultPath)
			if isDefault && key != anyMethodKey {
				im.errorf(optr, "the $default route is written as x-amazon-apigateway-any-method; %s is not allowed on path %q", key, p)
				continue
			}
			m := im.route(strings.TrimSuffix(p, "/"), httpMethods[key], op, optr)
			if p == "/" {
				m.Path = "/"
			}
			if isDefault {
				m.DefaultRoute, m.Path, m.HTTPMethod = true, "$default", "ANY"
			}
			if first, dup := seen[m.RouteKey()]; dup {
				im.errorf(optr, "route %s is defined twice (first at %s)", m.RouteKey(), first)
				continue
			}
			seen[m.RouteKey()] = optr
			out = append(out, m)
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].DefaultRoute != out[j].DefaultRoute {
			return out[j].DefaultRoute
		}
		if out[i].Path != out[j].Path {
			return out[i].Path < out[j].Path
		}
		return out[i].HTTPMethod < out[j].HTTPMethod
	})
	return out
}

// anyMethodKey is the ANY method's operation key.
const anyMethodKey = "x-amazon-apigateway-any-method"

// operationKeys are the operation keys in a fixed order, so problems are
// reported in the same order on every run.
var operationKeys = []string{"get", "put", "post", "delete", "patch", "options", "head", anyMethodKey}

// isDefaultRoute reads isDefaultRoute
// (https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-swagger-extensions-any-method.html).
func (im *importer) isDefaultRoute(op map[string]any, optr, key, path string, isDefaultPath bool) bool {
	if _, present := op["isDefaultRoute"]; !present {
		return isDefaultPath
	}
	flag := im.boolean(op, optr, "isDefaultRoute")
	switch {
	case key != anyMethodKey:
		im.warnf(optr+"/isDefaultRoute", "isDefaultRoute is read only on x-amazon-apigateway-any-method; ignored")
		return isDefaultPath
	case flag && !isDefaultPath:
		im.warnf(optr+"/isDefaultRoute", "the $default route has no path: the path %q is not used", path)
		return true
	case !flag && isDefaultPath:
		im.errorf(optr+"/isDefaultRoute", "path %q is the $default route; isDefaultRoute: false contradicts it", path)
	}
	return isDefaultPath || flag
}

// checkRoutePath applies the route path rules: a path starts with /, its
// parts are literals or whole {param} variables, and a greedy {param+} is
// the last part
// (https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-routes.html).
func (im *importer) checkRoutePath(ptr, p string) bool {
	if !strings.HasPrefix(p, "/") {
		im.errorf(ptr, "route path %q must start with / (or be $default)", p)
		return false
	}
	if p == "/" {
		return true
	}
	parts := strings.Split(strings.TrimSuffix(p[1:], "/"), "/")
	names := map[string]bool{}
	for i, seg := range parts {
		if seg == "" {
			im.errorf(ptr, "route path %q has an empty part", p)
			return false
		}
		if !segmentRe().MatchString(seg) {
			im.errorf(ptr, "route path %q: part %q must be letters, digits, _ - . , : @ or a whole {variable}", p, seg)
			return false
		}
		if strings.HasSuffix(seg, "+}") && i != len(parts)-1 {
			im.errorf(ptr, "route path %q: the greedy path variable %s must be the last part", p, seg)
			return false
		}
		if strings.HasPrefix(seg, "{") {
			name := strings.Trim(seg, "{}+")
			if names[name] {
				im.errorf(ptr, "route path %q names the path variable %q twice", p, name)
				return false
			}
			names[name] = true
		}
	}
	return true
}

// route reads one operation as a route.
func (im *importer) route(path, verb string, op map[string]any, ptr string) *apidef.Method {
	m := &apidef.Method{
		Path:              path,
		HTTPMethod:        verb,
		OperationName:     im.str(op, ptr, "operationId"),
		AuthorizationType: apidef.AuthNone,
		RequestParameters: map[string]bool{},
		RequestModels:     map[string]string{},
		MethodResponses:   map[string]apidef.MethodResponse{},
		Loc:               im.loc(ptr),
	}
	// Parameters, request bodies and responses are documentation to an
	// HTTP API (it validates nothing); only the path variables are kept.
	for _, seg := range strings.Split(path, "/") {
		if strings.HasPrefix(seg, "{") {
			m.RequestParameters["method.request.path."+strings.Trim(seg, "{}+")] = true
		}
	}
	im.routeSecurity(m, op, ptr)
	integ := im.obj(op, ptr, "x-amazon-apigateway-integration")
	if integ == nil {
		im.errorf(ptr, "route %s has no x-amazon-apigateway-integration", m.RouteKey())
		return m
	}
	iptr := ptr + "/x-amazon-apigateway-integration"
	if ref, ok := integ["$ref"].(string); ok && len(integ) == 1 {
		// A shared integration (components.x-amazon-apigateway-integrations);
		// its problems are located where it is defined.
		if integ = im.resolveRef(ref, iptr+"/$ref"); integ == nil {
			return m
		}
		iptr = refPointer(ref)
	}
	m.Integration = im.httpIntegration(integ, iptr)
	return m
}

// cors reads x-amazon-apigateway-cors
// (https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-swagger-extensions-cors-configuration.html;
// the fields' limits are the Cors object's,
// https://docs.aws.amazon.com/apigatewayv2/latest/api-reference/apis-apiid.html#apis-apiid-model-cors).
func (im *importer) cors() *apidef.CORS {
	const key = "x-amazon-apigateway-cors"
	o := im.obj(im.root, "", key)
	if o == nil {
		return nil
	}
	p := "/" + key
	c := &apidef.CORS{
		AllowOrigins:     im.strList(o, p, "allowOrigins"),
		AllowCredentials: im.boolean(o, p, "allowCredentials"),
		ExposeHeaders:    im.strList(o, p, "exposeHeaders"),
		MaxAge:           -1,
		AllowMethods:     im.strList(o, p, "allowMethods"),
		AllowHeaders:     im.strList(o, p, "allowHeaders"),
		Loc:              im.loc(p),
	}
	if n, ok := im.integer(o, p, "maxAge"); ok {
		if n < -1 || n > maxCORSMaxAge {
			im.errorf(p+"/maxAge", "maxAge must be -1 to 86400 seconds, not %d", n)
		} else {
			c.MaxAge = n
		}
	}
	if c.AllowCredentials {
		for _, origin := range c.AllowOrigins {
			if origin == "*" {
				// AWS's BadRequestException for this configuration.
				im.errorf(p+"/allowCredentials", "allow-credentials is not supported if 'allow-origin' is *")
				break
			}
		}
	}
	for i, m := range c.AllowMethods {
		if m != "*" && !validMethodName(strings.ToUpper(m)) {
			im.errorf(p+"/allowMethods/"+strconv.Itoa(i), "allowMethods entry %q is not an HTTP method (GET, PUT, POST, DELETE, PATCH, OPTIONS, HEAD) or *", m)
		}
	}
	for _, f := range sortedKeys(o) {
		switch f {
		case "allowOrigins", "allowCredentials", "exposeHeaders", "maxAge", "allowMethods", "allowHeaders":
		default:
			im.errorf(p+"/"+source.Escape(f), "unknown x-amazon-apigateway-cors field %q", f)
		}
	}
	return c
}

// maxCORSMaxAge is the Cors object's largest maxAge (one day).
const maxCORSMaxAge = 86400

func validMethodName(m string) bool {
	switch m {
	case "GET", "PUT", "POST", "DELETE", "PATCH", "OPTIONS", "HEAD":
		return true
	}
	return false
}

// tags reads the root tags: each becomes an API tag whose value is its
// x-amazon-apigateway-tag-value, "" without one
// (https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-openapi-extensions-x-amazon-apigateway-tag-value.html).
func (im *importer) tags() map[string]string {
	raw, ok := im.root["tags"]
	if !ok || raw == nil {
		return nil
	}
	list, ok := raw.([]any)
	if !ok {
		im.errorf("/tags", "tags must be a list of tag objects")
		return nil
	}
	out := map[string]string{}
	for i, e := range list {
		p := "/tags/" + strconv.Itoa(i)
		t, ok := e.(map[string]any)
		if !ok {
			im.errorf(p, "a tag must be a mapping with a name")
			continue
		}
		name := strings.TrimSpace(im.str(t, p, "name"))
		if name == "" {
			im.errorf(p+"/name", "a tag needs a name")
			continue
		}
		if _, dup := out[name]; dup {
			im.errorf(p+"/name", "tag %q is defined twice", name)
			continue
		}
		out[name] = im.str(t, p, "x-amazon-apigateway-tag-value")
	}
	return out
}

// httpImplemented lists the x-amazon-apigateway-* keys an HTTP API import
// reads, by where they appear.
func httpImplemented(key, where string) bool {
	switch where {
	case "root":
		return key == "x-amazon-apigateway-cors" || key == importExportVersionKey || key == endpointConfigKey
	case "server":
		return key == endpointConfigKey
	case "scheme":
		return key == "x-amazon-apigateway-authorizer" || key == "x-amazon-apigateway-authtype"
	case "path":
		return key == anyMethodKey
	case "operation":
		return key == "x-amazon-apigateway-integration" || key == "x-amazon-apigateway-auth"
	case "components":
		return key == "x-amazon-apigateway-integrations"
	case "tag":
		return key == "x-amazon-apigateway-tag-value"
	}
	return false
}

// restOnly explains the REST API extensions an HTTP API ignores.
var restOnly = map[string]string{
	"x-amazon-apigateway-gateway-responses":        "HTTP APIs have no gateway responses",
	"x-amazon-apigateway-request-validators":       "HTTP APIs do not validate requests",
	"x-amazon-apigateway-request-validator":        "HTTP APIs do not validate requests",
	"x-amazon-apigateway-api-key-source":           "HTTP APIs have no API keys",
	"x-amazon-apigateway-binary-media-types":       "HTTP APIs pass binary payloads without binary media types",
	"x-amazon-apigateway-policy":                   "HTTP APIs have no resource policies",
	"x-amazon-apigateway-minimum-compression-size": "HTTP APIs do not compress responses",
	"x-amazon-apigateway-documentation":            "HTTP APIs have no documentation parts",
}

// httpUnsupported warns about every x-amazon-apigateway-* key an HTTP API
// import does not read, wherever it appears.
func (im *importer) httpUnsupported(v any, ptr string) {
	m, ok := v.(map[string]any)
	if !ok {
		if l, ok := v.([]any); ok {
			for i, e := range l {
				im.httpUnsupported(e, ptr+"/"+strconv.Itoa(i))
			}
		}
		return
	}
	where := im.placeOf(ptr)
	if strings.HasPrefix(ptr, "/tags/") && strings.Count(ptr, "/") == 2 {
		where = "tag"
	}
	for _, k := range sortedKeys(m) {
		p := ptr + "/" + source.Escape(k)
		if strings.HasPrefix(k, "x-amazon-apigateway-") {
			if !httpImplemented(k, where) {
				if why, ok := restOnly[k]; ok {
					im.warnf(p, "%s is ignored: %s", k, why)
				} else {
					im.warnf(p, "%s is not read in an HTTP API definition and is ignored", k)
				}
				continue
			}
			switch k {
			case "x-amazon-apigateway-integration", "x-amazon-apigateway-integrations", "x-amazon-apigateway-authorizer", "x-amazon-apigateway-cors", endpointConfigKey:
				continue // read field by field; unknown fields are reported there
			}
		}
		im.httpUnsupported(m[k], p)
	}
}
