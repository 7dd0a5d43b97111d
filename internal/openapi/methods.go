package openapi

import (
	"net/url"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/portico-gw/portico/internal/apidef"
	"github.com/portico-gw/portico/internal/source"
)

// httpMethods are the OpenAPI operation keys API Gateway accepts, plus ANY.
var httpMethods = map[string]string{
	"get": "GET", "put": "PUT", "post": "POST", "delete": "DELETE", "patch": "PATCH",
	"options": "OPTIONS", "head": "HEAD", "x-amazon-apigateway-any-method": "ANY",
}

// segmentRe is one resource path part: literal characters AWS allows, or a
// whole-segment {param} / {param+}.
var segmentRe = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^([A-Za-z0-9_\-.,:@]+|\{[A-Za-z0-9_.\-]+\+?\})$`) })

// methods reads every operation of every path, sorted by path then method.
func (im *importer) methods(api *apidef.RestAPI) []*apidef.Method {
	paths := im.obj(im.root, "", "paths")
	var out []*apidef.Method
	for _, p := range im.keysInOrder(paths, "/paths") {
		pptr := source.Pointer("paths", p)
		if !im.checkPath(pptr, p) {
			continue
		}
		item, ok := paths[p].(map[string]any)
		if !ok {
			if paths[p] != nil {
				im.errorf(pptr, "a path item must be a mapping")
			}
			continue
		}
		shared := im.params(item["parameters"], pptr+"/parameters")
		for key, verb := range httpMethods {
			op, ok := item[key].(map[string]any)
			if !ok {
				continue
			}
			m := im.method(api, p, verb, op, pptr+"/"+source.Escape(key), shared)
			out = append(out, m)
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Path != out[j].Path {
			return out[i].Path < out[j].Path
		}
		return out[i].HTTPMethod < out[j].HTTPMethod
	})
	return out
}

// checkPath applies AWS's resource path rules (docs/aws-behaviour.md#routing).
func (im *importer) checkPath(ptr, p string) bool {
	if !strings.HasPrefix(p, "/") {
		im.errorf(ptr, "resource path %q must start with /", p)
		return false
	}
	if p == "/" {
		return true
	}
	parts := strings.Split(strings.TrimSuffix(p[1:], "/"), "/")
	for i, seg := range parts {
		if !segmentRe().MatchString(seg) {
			im.errorf(ptr, "resource path %q: part %q must be letters, digits, _ - . , : or a whole {param}", p, seg)
			return false
		}
		if strings.HasSuffix(seg, "+}") && i != len(parts)-1 {
			im.errorf(ptr, "resource path %q: cannot create a child of a resource with a greedy path variable: %s", p, seg)
			return false
		}
	}
	return true
}

// method reads one operation.
func (im *importer) method(api *apidef.RestAPI, path, verb string, op map[string]any, ptr string, shared map[string]bool) *apidef.Method {
	m := &apidef.Method{
		Path:              path,
		HTTPMethod:        verb,
		OperationName:     im.str(op, ptr, "operationId"),
		AuthorizationType: apidef.AuthNone,
		RequestParameters: map[string]bool{},
		RequestValidator:  im.str(op, ptr, "x-amazon-apigateway-request-validator"),
		MethodResponses:   im.methodResponses(op, ptr),
		Loc:               im.loc(ptr),
	}
	for k, v := range shared {
		m.RequestParameters[k] = v
	}
	for k, v := range im.params(op["parameters"], ptr+"/parameters") {
		m.RequestParameters[k] = v
	}
	for _, seg := range strings.Split(path, "/") {
		if strings.HasPrefix(seg, "{") {
			m.RequestParameters["method.request.path."+strings.Trim(seg, "{}+")] = true
		}
	}
	if m.RequestValidator != "" {
		if _, ok := api.RequestValidators[m.RequestValidator]; !ok {
			im.errorf(ptr+"/x-amazon-apigateway-request-validator", "request validator %q is not defined in x-amazon-apigateway-request-validators", m.RequestValidator)
		}
	}
	m.RequestModels = im.requestModels(api, op, ptr)
	im.security(m, op, ptr)
	if integ := im.obj(op, ptr, "x-amazon-apigateway-integration"); integ != nil {
		iptr := ptr + "/x-amazon-apigateway-integration"
		if ref, ok := integ["$ref"].(string); ok && len(integ) == 1 {
			// A reference to a shared integration (components'
			// x-amazon-apigateway-integrations); problems are located there.
			if integ = im.resolveRef(ref, iptr+"/$ref"); integ == nil {
				return m
			}
			iptr = refPointer(ref)
		}
		m.Integration = im.integration(integ, iptr, m)
	} else {
		im.errorf(ptr, "%s %s has no x-amazon-apigateway-integration", verb, path)
	}
	return m
}

// params reads OpenAPI parameters into method.request.* keys → required.
func (im *importer) params(v any, ptr string) map[string]bool {
	list, _ := v.([]any)
	out := map[string]bool{}
	for i, e := range list {
		p, _ := e.(map[string]any)
		pp := ptr + "/" + strconv.Itoa(i)
		if ref, ok := p["$ref"].(string); ok {
			p = im.resolveRef(ref, pp+"/$ref")
		}
		if p == nil {
			continue
		}
		loc := map[string]string{"path": "path", "query": "querystring", "header": "header"}[im.str(p, pp, "in")]
		if loc == "" {
			continue // body and formData parameters are request models, cookies unsupported
		}
		name := im.str(p, pp, "name")
		out["method.request."+loc+"."+name] = im.boolean(p, pp, "required") || loc == "path"
	}
	return out
}

// resolveRef follows a local JSON reference ("#/components/parameters/x");
// ptr is the pointer of the $ref itself, where a problem is reported.
func (im *importer) resolveRef(ref, ptr string) map[string]any {
	if !strings.HasPrefix(ref, "#/") {
		im.errorf(ptr, "only local references are supported, not %q", ref)
		return nil
	}
	out, ok := im.lookup(ref).(map[string]any)
	if !ok {
		im.errorf(ptr, "reference %q does not resolve", ref)
	}
	return out
}

// lookup returns what a local reference ("#/a/b") points at, or nil.
func (im *importer) lookup(ref string) any {
	var cur any = im.root
	if ref == "#" || ref == "#/" {
		return cur
	}
	for _, tok := range strings.Split(strings.TrimPrefix(ref, "#/"), "/") {
		tok = strings.ReplaceAll(strings.ReplaceAll(tok, "~1", "/"), "~0", "~")
		if u, err := url.PathUnescape(tok); err == nil {
			tok = u
		}
		switch c := cur.(type) {
		case map[string]any:
			cur = c[tok]
		case []any:
			i, err := strconv.Atoi(tok)
			if err != nil || i < 0 || i >= len(c) {
				return nil
			}
			cur = c[i]
		default:
			return nil
		}
	}
	return cur
}

// checkRefs reports every local $ref of the document that does not
// resolve, at the $ref's own line and JSON Pointer. References to other
// documents are reported where they are read.
func (im *importer) checkRefs() {
	var walk func(v any, ptr string)
	walk = func(v any, ptr string) {
		switch t := v.(type) {
		case map[string]any:
			if ref, ok := t["$ref"].(string); ok && strings.HasPrefix(ref, "#") && im.lookup(ref) == nil {
				im.errorf(ptr+"/$ref", "reference %q does not resolve", ref)
			}
			for _, k := range sortedKeys(t) {
				walk(t[k], ptr+"/"+source.Escape(k))
			}
		case []any:
			for i, e := range t {
				walk(e, ptr+"/"+strconv.Itoa(i))
			}
		}
	}
	walk(im.root, "")
}

// refPointer turns a local reference ("#/a/b") into its JSON Pointer.
func refPointer(ref string) string { return strings.TrimPrefix(ref, "#") }

// methodResponses reads the operation's responses (status → header names).
func (im *importer) methodResponses(op map[string]any, ptr string) map[string]apidef.MethodResponse {
	resp := im.obj(op, ptr, "responses")
	out := map[string]apidef.MethodResponse{}
	for code, v := range resp {
		r, _ := v.(map[string]any)
		mr := apidef.MethodResponse{ResponseParameters: map[string]bool{}}
		for h := range im.obj(r, ptr+"/responses/"+source.Escape(code), "headers") {
			mr.ResponseParameters["method.response.header."+h] = false
		}
		out[code] = mr
	}
	return out
}
