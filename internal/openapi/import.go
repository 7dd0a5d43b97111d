package openapi

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/getkin/kin-openapi/openapi2"
	"github.com/getkin/kin-openapi/openapi2conv"
	"github.com/getkin/kin-openapi/openapi3"

	"github.com/portico-gw/portico/internal/apidef"
	"github.com/portico-gw/portico/internal/awslimits"
	"github.com/portico-gw/portico/internal/source"
)

// MaxDocumentBytes is AWS's limit on an imported definition (6 MB).
const MaxDocumentBytes = awslimits.ImportDocumentBytes

// MaxExpandedNodes bounds a document's size once YAML aliases are expanded.
const MaxExpandedNodes = 2_000_000

// Load reads and imports the definition file at path with default Options.
func Load(path string) (*apidef.RestAPI, error) { return LoadWith(path, Options{}) }

// LoadWith reads and imports the definition file at path.
func LoadWith(path string, o Options) (*apidef.RestAPI, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("read definition: %w", err)
	}
	if st.Size() > MaxDocumentBytes {
		return nil, &source.Error{File: path, Message: fmt.Sprintf("definition is %d bytes; the limit is %d (6 MB)", st.Size(), MaxDocumentBytes)}
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read definition: %w", err)
	}
	return ImportWith(path, data, o)
}

// Import turns an OpenAPI 3 or Swagger 2 document into a RestAPI with
// default Options. The returned API carries warnings in Unsupported; the
// error joins every located problem.
func Import(file string, data []byte) (*apidef.RestAPI, error) {
	return ImportWith(file, data, Options{})
}

// ImportWith is Import with the settings AWS variables resolve from.
func ImportWith(file string, data []byte, o Options) (*apidef.RestAPI, error) {
	if len(data) > MaxDocumentBytes {
		return nil, &source.Error{File: file, Message: "definition exceeds 6 MB"}
	}
	ix, err := source.NewIndex(file, data)
	if err != nil {
		return nil, &source.Error{File: file, Message: "not valid YAML or JSON: " + err.Error()}
	}
	if n := ix.ExpandedNodes(); n > MaxExpandedNodes {
		return nil, &source.Error{File: file, Message: fmt.Sprintf("document expands to %d nodes through YAML aliases; the limit is %d", n, MaxExpandedNodes)}
	}
	var raw any
	if err := source.UnmarshalYAML(data, &raw); err != nil {
		return nil, &source.Error{File: file, Message: "not valid YAML or JSON: " + err.Error()}
	}
	root, ok := normalize(raw).(map[string]any)
	if !ok {
		return nil, &source.Error{File: file, Line: 1, Message: "a definition must be a mapping with an openapi or swagger key"}
	}
	im := &importer{ix: ix, root: root, swagger: root["swagger"] != nil, http: resolveProtocol(o.As, root) == apidef.ProtocolHTTP}
	if _, marked := root[importExportVersionKey]; marked && o.As == AsAuto && !im.http {
		im.warnf("/"+importExportVersionKey, "%s marks an HTTP API export, but %s: imported as a REST API (set the API's type to http to import it as an HTTP API)",
			importExportVersionKey, restShape(root))
	}
	im.resolveAWSVariables(o.withDefaults())
	if err := im.checkStructure(); err != nil {
		return nil, err
	}
	api := im.api()
	return api, errors.Join(im.errs...)
}

// checkStructure checks the version key and validates the document's
// structure with kin-openapi (Swagger 2.0 is converted to OpenAPI 3 first,
// so both go through the same checks). API Gateway's import is lenient about
// OpenAPI structure (it warns and imports), so everything past the version
// key is a warning: shapes kin-openapi cannot decode (a numeric
// info.version, servers as a mapping, several Swagger 2 body parameters) are
// reported and mended in the copy it checks, and a document it still cannot
// read is reported once while Portico's own readers go on.
func (im *importer) checkStructure() error {
	switch {
	case im.swagger && im.http:
		// https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-open-api.html
		return im.ix.Errorf("/swagger", "HTTP APIs are imported from OpenAPI 3.0 definitions only, not Swagger %v", im.root["swagger"])
	case im.swagger:
		if !im.versionIs("swagger", "2.0", "2") {
			return im.ix.Errorf("/swagger", "unsupported swagger version %v (want \"2.0\")", im.root["swagger"])
		}
	case im.root["openapi"] != nil:
		v, _ := scalarText(im.root["openapi"])
		if !strings.HasPrefix(v, "3") {
			return im.ix.Errorf("/openapi", "unsupported openapi version %v (want 3.x)", im.root["openapi"])
		}
		if _, isString := im.root["openapi"].(string); !isString {
			im.warnf("/openapi", "openapi: %v is a number, not a string; read as %q", im.root["openapi"], v)
		}
	default:
		return im.ix.Errorf("", "missing the openapi (3.x) or swagger (2.0) version key")
	}
	kd := im.forKin()
	j, err := json.Marshal(kd)
	if err != nil {
		im.warnf("", "OpenAPI structure: cannot encode document: %v", err)
		return nil
	}
	var doc *openapi3.T
	if im.swagger {
		var d2 openapi2.T
		if err := json.Unmarshal(j, &d2); err != nil {
			im.warnf("", "OpenAPI structure: not checked, the document does not decode as Swagger 2.0: %v", err)
			return nil
		}
		if doc, err = openapi2conv.ToV3(&d2); err != nil {
			im.warnf("", "OpenAPI structure: not checked, Swagger 2.0 conversion failed: %v", err)
			return nil
		}
	} else {
		// The same document in block style (kinYAML) costs a fraction of
		// the memory; should it not load, the JSON is loaded as it always
		// was, so that what is reported stays kin-openapi's answer to it.
		if y, yerr := kinYAML(kd); yerr == nil {
			doc, err = openapi3.NewLoader().LoadFromData(y)
		}
		if doc == nil {
			if doc, err = openapi3.NewLoader().LoadFromData(j); err != nil {
				im.warnf("", "OpenAPI structure: not checked, the document does not decode as OpenAPI 3: %v", err)
				return nil
			}
		}
	}
	err = doc.Validate(context.Background(), openapi3.EnableMultiError(), openapi3.DisableExamplesValidation(),
		openapi3.DisableSchemaDefaultsValidation(), openapi3.DisableSchemaPatternValidation())
	for _, msg := range splitMulti(err) {
		im.warnf(kinPointer(msg), "OpenAPI structure: %s", msg)
	}
	return nil
}

// versionIs reports whether the version key is one of want; a number
// (swagger: 2.0 unquoted in YAML) is accepted with a warning.
func (im *importer) versionIs(key string, want ...string) bool {
	v, ok := scalarText(im.root[key])
	if !ok {
		return false
	}
	for _, w := range want {
		if v == w {
			if _, isString := im.root[key].(string); !isString {
				im.warnf("/"+key, "%s: %v is a number, not a string; read as \"2.0\"", key, im.root[key])
			}
			return true
		}
	}
	return false
}

// splitMulti flattens kin-openapi's multi-error into messages.
func splitMulti(err error) []string {
	if err == nil {
		return nil
	}
	var out []string
	for _, line := range strings.Split(err.Error(), " | ") {
		if line = strings.TrimSpace(line); line != "" {
			out = append(out, line)
		}
	}
	return out
}

// kinPath finds the path and operation kin-openapi names in its messages.
var kinPath = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`invalid path (\S+): invalid operation (\w+)`) })

// kinPointer locates a kin-openapi validation message in the document.
func kinPointer(msg string) string {
	m := kinPath().FindStringSubmatch(msg)
	if m == nil {
		return ""
	}
	return source.Pointer("paths", m[1], strings.ToLower(m[2]))
}

// normalize turns YAML-decoded values into JSON-shaped ones (string keys).
func normalize(v any) any {
	switch t := v.(type) {
	case map[string]any:
		for k, e := range t {
			t[k] = normalize(e)
		}
		return t
	case map[any]any:
		m := make(map[string]any, len(t))
		for k, e := range t {
			m[fmt.Sprint(k)] = normalize(e)
		}
		return m
	case []any:
		for i, e := range t {
			t[i] = normalize(e)
		}
		return t
	case time.Time:
		// An unquoted YAML timestamp (info.version: 2016-09-02T22:37:24Z)
		// is text to API Gateway.
		if t.Equal(t.Truncate(24*time.Hour)) && t.Location() == time.UTC {
			return t.Format(time.DateOnly)
		}
		return t.Format(time.RFC3339Nano)
	}
	return v
}

// forKin returns a copy of the document for kin-openapi's checks, sharing
// what it does not change: greedy path templates ({proxy+}) are spelled
// {proxy}, the parameter name OpenAPI tools expect (AWS's own exports use
// the + form), and the shapes API Gateway tolerates but kin-openapi cannot
// decode are mended, each with a warning.
func (im *importer) forKin() map[string]any {
	out := make(map[string]any, len(im.root))
	for k, v := range im.root {
		out[k] = v
	}
	if im.swagger {
		out["swagger"] = "2.0" // a number (swagger: 2.0 unquoted) is warned about above
	} else if v, ok := scalarText(im.root["openapi"]); ok {
		out["openapi"] = v
	}
	if info, ok := im.root["info"].(map[string]any); ok {
		ni := make(map[string]any, len(info))
		for k, v := range info {
			ni[k] = v
		}
		for _, k := range []string{"title", "version", "description"} {
			v, present := info[k]
			if !present || v == nil {
				continue
			}
			if _, isString := v.(string); isString {
				continue
			}
			if t, ok := scalarText(v); ok {
				ni[k] = t
				continue
			}
			im.warnf("/info/"+k, "info.%s is %s, not a string; ignored", k, notAString(v))
			ni[k] = "-" // reported above; keeps kin-openapi from reporting it again
		}
		out["info"] = ni
	} else if _, present := im.root["info"]; present {
		im.warnf("/info", "info must be a mapping; ignored")
		delete(out, "info")
	}
	if v, present := im.root["servers"]; present && !im.swagger {
		out["servers"] = im.kinServers(v)
	}
	if paths, ok := im.root["paths"].(map[string]any); ok {
		np := make(map[string]any, len(paths))
		for p, v := range paths {
			if im.swagger {
				v = im.oneBodyParam(v, source.Pointer("paths", p))
			}
			key := strings.ReplaceAll(p, "+}", "}")
			if im.http && p == "$default" {
				if _, both := paths["/$default"]; !both {
					// An HTTP API's $default route as SAM writes it; not
					// an OpenAPI path, so kin-openapi is shown /$default.
					key = "/$default"
				}
			}
			np[key] = v
		}
		out["paths"] = np
	}
	return out
}

// kinServers keeps the servers entries kin-openapi can decode and warns
// about the others (API Gateway ignores servers' shape on import).
func (im *importer) kinServers(v any) []any {
	list, ok := v.([]any)
	if !ok {
		im.warnf("/servers", "servers is %s, not a list of servers; ignored", notAString(v))
		return nil
	}
	var out []any
	for i, e := range list {
		p := "/servers/" + strconv.Itoa(i)
		srv, ok := e.(map[string]any)
		if !ok {
			im.warnf(p, "a server must be a mapping; ignored")
			continue
		}
		if _, ok := srv["url"].(string); !ok {
			im.warnf(p+"/url", "a server needs a url string; ignored")
			continue
		}
		if vars, present := srv["variables"]; present {
			if _, ok := vars.(map[string]any); !ok {
				im.warnf(p+"/variables", "server variables must be a mapping; ignored")
				continue
			}
		}
		out = append(out, srv)
	}
	return out
}

// oneBodyParam returns a path item whose Swagger 2 operations keep only
// their first body parameter (kin-openapi refuses several; AWS's exports
// contain them and its import takes the first).
func (im *importer) oneBodyParam(v any, ptr string) any {
	item, ok := v.(map[string]any)
	if !ok {
		return v
	}
	var ni map[string]any
	for key := range httpMethods {
		op, ok := item[key].(map[string]any)
		if !ok {
			continue
		}
		params, _ := op["parameters"].([]any)
		var kept []any
		bodies := 0
		for _, p := range params {
			if pm, ok := p.(map[string]any); ok && pm["in"] == "body" {
				if bodies++; bodies > 1 {
					continue
				}
			}
			kept = append(kept, p)
		}
		if bodies < 2 {
			continue
		}
		if ni == nil {
			ni = make(map[string]any, len(item))
			for k, e := range item {
				ni[k] = e
			}
		}
		nop := make(map[string]any, len(op))
		for k, e := range op {
			nop[k] = e
		}
		nop["parameters"] = kept
		ni[key] = nop
	}
	if ni == nil {
		return v
	}
	return ni
}
