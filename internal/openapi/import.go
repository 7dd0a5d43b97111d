package openapi

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"regexp"
	"strings"

	"github.com/getkin/kin-openapi/openapi2"
	"github.com/getkin/kin-openapi/openapi2conv"
	"github.com/getkin/kin-openapi/openapi3"
	"go.yaml.in/yaml/v4"

	"github.com/portico-gw/portico/internal/apidef"
	"github.com/portico-gw/portico/internal/source"
)

// MaxDocumentBytes is AWS's limit on an imported definition (6 MB).
const MaxDocumentBytes = 6 << 20

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
	if err := yaml.Unmarshal(data, &raw); err != nil {
		return nil, &source.Error{File: file, Message: "not valid YAML or JSON: " + err.Error()}
	}
	root, ok := normalize(raw).(map[string]any)
	if !ok {
		return nil, &source.Error{File: file, Line: 1, Message: "a definition must be a mapping with an openapi or swagger key"}
	}
	im := &importer{ix: ix, root: root, swagger: root["swagger"] != nil}
	im.resolveAWSVariables(o.withDefaults())
	if err := im.checkStructure(); err != nil {
		return nil, err
	}
	api := im.api()
	return api, errors.Join(im.errs...)
}

// checkStructure validates the document with kin-openapi; Swagger 2.0 is
// converted to OpenAPI 3 first, so both go through the same checks.
func (im *importer) checkStructure() error {
	j, err := json.Marshal(forKin(im.root))
	if err != nil {
		return im.ix.Errorf("", "cannot encode document: %v", err)
	}
	var doc *openapi3.T
	switch {
	case im.swagger:
		if v, _ := im.root["swagger"].(string); v != "2.0" {
			return im.ix.Errorf("/swagger", "unsupported swagger version %v (want \"2.0\")", im.root["swagger"])
		}
		var d2 openapi2.T
		if err := json.Unmarshal(j, &d2); err != nil {
			return im.ix.Errorf("", "not a Swagger 2.0 document: %v", err)
		}
		if doc, err = openapi2conv.ToV3(&d2); err != nil {
			return im.ix.Errorf("", "cannot convert Swagger 2.0: %v", err)
		}
	case im.root["openapi"] != nil:
		loader := openapi3.NewLoader()
		if doc, err = loader.LoadFromData(j); err != nil {
			return im.ix.Errorf("", "not an OpenAPI 3 document: %v", err)
		}
	default:
		return im.ix.Errorf("", "missing the openapi (3.x) or swagger (2.0) version key")
	}
	// API Gateway's import is lenient about OpenAPI structure (it warns and
	// imports), so structural findings are warnings; AWS-relevant problems
	// are errors found by the extension readers.
	err = doc.Validate(context.Background(), openapi3.EnableMultiError(), openapi3.DisableExamplesValidation(),
		openapi3.DisableSchemaDefaultsValidation(), openapi3.DisableSchemaPatternValidation())
	for _, msg := range splitMulti(err) {
		im.warnf(kinPointer(msg), "OpenAPI structure: %s", msg)
	}
	return nil
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
var kinPath = regexp.MustCompile(`invalid path (\S+): invalid operation (\w+)`)

// kinPointer locates a kin-openapi validation message in the document.
func kinPointer(msg string) string {
	m := kinPath.FindStringSubmatch(msg)
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
	}
	return v
}

// forKin returns a shallow copy of the document whose greedy path templates
// ({proxy+}) are spelled {proxy}, the parameter name OpenAPI tools expect;
// AWS's own exports use the + form.
func forKin(root map[string]any) map[string]any {
	paths, ok := root["paths"].(map[string]any)
	if !ok {
		return root
	}
	out := make(map[string]any, len(root))
	for k, v := range root {
		out[k] = v
	}
	np := make(map[string]any, len(paths))
	for p, v := range paths {
		np[strings.ReplaceAll(p, "+}", "}")] = v
	}
	out["paths"] = np
	return out
}
