package openapi

import (
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/portico-gw/portico/internal/apidef"
	"github.com/portico-gw/portico/internal/source"
)

// importer carries one import's state: the document, its line index and the
// problems found so far.
type importer struct {
	ix      *source.Index
	root    map[string]any
	swagger bool
	// http imports an HTTP API (API Gateway v2) instead of a REST API.
	http     bool
	errs     []error
	warnings []apidef.Warning
	// seen holds every reported pointer and message, so a problem reached
	// from several places (a root-level security requirement applied to
	// every method) is reported once.
	seen map[string]bool
}

// api reads the whole document; problems accumulate in im.errs.
func (im *importer) api() *apidef.RestAPI {
	if im.http {
		return im.httpAPI()
	}
	api := &apidef.RestAPI{
		Title:            im.title(),
		APIKeySource:     im.apiKeySource(),
		BinaryMediaTypes: im.strList(im.root, "", "x-amazon-apigateway-binary-media-types"),
		GatewayResponses: im.gatewayResponses(),
		Models:           im.models(),
		ModelLocs:        im.modelLocs(),
		Source:           apidef.Location{File: im.ix.File()},
	}
	im.checkRefs()
	api.RequestValidators, api.DefaultValidator = im.requestValidators()
	api.Authorizers = im.authorizers()
	im.resourcePolicy(api)
	api.DisableExecuteAPIEndpoint = im.endpointConfiguration()
	api.MinimumCompressionSize = im.minimumCompressionSize()
	api.Methods = im.methods(api)
	im.unsupported(im.root, "")
	sort.SliceStable(im.warnings, func(i, j int) bool { return im.warnings[i].Loc.Line < im.warnings[j].Loc.Line })
	api.Unsupported = im.warnings
	return api
}

// errorf records a located error.
func (im *importer) errorf(ptr, format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	if im.once("E" + ptr + "\x00" + msg) {
		im.errs = append(im.errs, im.ix.Errorf(ptr, "%s", msg))
	}
}

// warnf records a located warning.
func (im *importer) warnf(ptr, format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	if im.once("W" + ptr + "\x00" + msg) {
		im.warnings = append(im.warnings, apidef.Warning{Loc: im.loc(ptr), Message: msg})
	}
}

// once reports whether key is seen for the first time.
func (im *importer) once(key string) bool {
	if im.seen == nil {
		im.seen = map[string]bool{}
	}
	if im.seen[key] {
		return false
	}
	im.seen[key] = true
	return true
}

func (im *importer) loc(ptr string) apidef.Location {
	return apidef.Location{File: im.ix.File(), Line: im.ix.Line(ptr), Pointer: ptr}
}

// obj returns m[key] as a mapping; a present non-mapping is an error.
func (im *importer) obj(m map[string]any, ptr, key string) map[string]any {
	v, ok := m[key]
	if !ok || v == nil {
		return nil
	}
	o, ok := v.(map[string]any)
	if !ok {
		im.errorf(ptr+"/"+source.Escape(key), "must be a mapping")
	}
	return o
}

// str returns m[key] as a string; numbers and booleans are accepted as text.
func (im *importer) str(m map[string]any, ptr, key string) string {
	v, ok := m[key]
	if !ok || v == nil {
		return ""
	}
	switch t := v.(type) {
	case string:
		return t
	case int, int64, float64, bool, uint64:
		return fmt.Sprint(t)
	}
	im.errorf(ptr+"/"+source.Escape(key), "must be a string")
	return ""
}

// boolean returns m[key] as a bool.
func (im *importer) boolean(m map[string]any, ptr, key string) bool {
	v, ok := m[key]
	if !ok || v == nil {
		return false
	}
	switch t := v.(type) {
	case bool:
		return t
	case string:
		if b, err := strconv.ParseBool(t); err == nil {
			return b
		}
	}
	im.errorf(ptr+"/"+source.Escape(key), "must be true or false")
	return false
}

// integer returns m[key] as an int.
func (im *importer) integer(m map[string]any, ptr, key string) (int, bool) {
	v, ok := m[key]
	if !ok || v == nil {
		return 0, false
	}
	switch t := v.(type) {
	case int:
		return t, true
	case int64:
		return int(t), true
	case uint64:
		return int(t), true
	case float64:
		if t == float64(int(t)) {
			return int(t), true
		}
	case string:
		if n, err := strconv.Atoi(t); err == nil {
			return n, true
		}
	}
	im.errorf(ptr+"/"+source.Escape(key), "must be an integer")
	return 0, false
}

// strMap returns m[key] as a map of strings.
func (im *importer) strMap(m map[string]any, ptr, key string) map[string]string {
	o := im.obj(m, ptr, key)
	if o == nil {
		return nil
	}
	out := make(map[string]string, len(o))
	p := ptr + "/" + source.Escape(key)
	for k := range o {
		out[k] = im.str(o, p, k)
	}
	return out
}

// strList returns m[key] as a list of strings.
func (im *importer) strList(m map[string]any, ptr, key string) []string {
	v, ok := m[key]
	if !ok || v == nil {
		return nil
	}
	l, ok := v.([]any)
	if !ok {
		im.errorf(ptr+"/"+source.Escape(key), "must be a list of strings")
		return nil
	}
	out := make([]string, 0, len(l))
	for i, e := range l {
		s, ok := e.(string)
		if !ok {
			im.errorf(ptr+"/"+source.Escape(key)+"/"+strconv.Itoa(i), "must be a string, not %s", notAString(e))
			continue
		}
		out = append(out, s)
	}
	return out
}

// keysInOrder returns m's keys in document order (by line, then name).
func (im *importer) keysInOrder(m map[string]any, ptr string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		li, lj := im.ix.Line(ptr+"/"+source.Escape(keys[i])), im.ix.Line(ptr+"/"+source.Escape(keys[j]))
		if li != lj {
			return li < lj
		}
		return keys[i] < keys[j]
	})
	return keys
}

// title reads info.title; a value that is not text (a CloudFormation
// intrinsic) leaves the name empty, warned about by the structure check.
func (im *importer) title() string {
	info, _ := im.root["info"].(map[string]any)
	t, _ := scalarText(info["title"])
	return t
}

// apiKeySource reads x-amazon-apigateway-api-key-source (HEADER default).
func (im *importer) apiKeySource() string {
	s := strings.ToUpper(im.str(im.root, "", "x-amazon-apigateway-api-key-source"))
	switch s {
	case "":
		return "HEADER"
	case "HEADER", "AUTHORIZER":
		return s
	}
	im.errorf("/x-amazon-apigateway-api-key-source", "must be HEADER or AUTHORIZER, not %q", s)
	return "HEADER"
}

// parsed keeps the value of an apidef Parse function; the importer reports
// an invalid value where it checks the field, located by its pointer.
func parsed[T any](v T, _ bool) T { return v }
