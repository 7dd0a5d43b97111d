package openapi

import (
	"encoding/json"
	"mime"
	"strconv"
	"strings"

	"github.com/portico-gw/portico/internal/apidef"
	"github.com/portico-gw/portico/internal/source"
)

// models reads components.schemas (OpenAPI 3) or definitions (Swagger 2) as
// raw JSON Schema documents keyed by model name.
func (im *importer) models() map[string][]byte {
	out := map[string][]byte{}
	var schemas map[string]any
	ptr := "/definitions"
	if c, ok := im.root["components"].(map[string]any); ok {
		schemas, _ = c["schemas"].(map[string]any)
		ptr = "/components/schemas"
	} else {
		schemas, _ = im.root["definitions"].(map[string]any)
	}
	for _, name := range sortedKeys(schemas) {
		b, err := json.Marshal(schemas[name])
		if err != nil {
			im.errorf(ptr+"/"+source.Escape(name), "model cannot be encoded as JSON: %v", err)
			continue
		}
		out[name] = b
	}
	return out
}

// modelLocs locates each named model.
func (im *importer) modelLocs() map[string]apidef.Location {
	out := map[string]apidef.Location{}
	ptr := "/definitions"
	schemas, _ := im.root["definitions"].(map[string]any)
	if c, ok := im.root["components"].(map[string]any); ok {
		schemas, _ = c["schemas"].(map[string]any)
		ptr = "/components/schemas"
	}
	for name := range schemas {
		out[name] = im.loc(ptr + "/" + source.Escape(name))
	}
	return out
}

// requestModels maps the operation's request content types to model names:
// OpenAPI 3 requestBody content, or a Swagger 2 body parameter with the
// operation's (or document's) consumes. An inline schema becomes a model
// named after the operation.
func (im *importer) requestModels(api *apidef.RestAPI, op map[string]any, ptr string) map[string]string {
	out := map[string]string{}
	add := func(ct string, schema any, sp string) {
		if ct == "*/*" {
			ct = "application/json"
		}
		if mt, _, err := mime.ParseMediaType(ct); err == nil {
			ct = mt
		}
		s, ok := schema.(map[string]any)
		if !ok {
			return
		}
		if ref, ok := s["$ref"].(string); ok && len(s) == 1 {
			name := ref[strings.LastIndexByte(ref, '/')+1:]
			if _, ok := api.Models[name]; !ok {
				if im.lookup(ref) == nil {
					im.errorf(sp+"/$ref", "reference %q does not resolve", ref)
				} else {
					im.errorf(sp+"/$ref", "reference %q is not a model (components.schemas or definitions)", ref)
				}
				return
			}
			out[ct] = name
			return
		}
		name := inlineModelName(op, ptr)
		if b, err := json.Marshal(s); err == nil {
			api.Models[name] = b
			out[ct] = name
		}
	}
	if rb, ok := op["requestBody"].(map[string]any); ok {
		if ref, ok := rb["$ref"].(string); ok {
			rb = im.resolveRef(ref, ptr+"/requestBody/$ref")
		}
		content, _ := rb["content"].(map[string]any)
		for _, ct := range sortedKeys(content) {
			mt, _ := content[ct].(map[string]any)
			add(ct, mt["schema"], ptr+"/requestBody/content/"+source.Escape(ct)+"/schema")
		}
	}
	if im.swagger {
		params, _ := op["parameters"].([]any)
		bodies := 0
		for i, p := range params {
			pm, _ := p.(map[string]any)
			if pm["in"] != "body" {
				continue
			}
			if bodies++; bodies > 1 {
				im.warnf(ptr+"/parameters/"+strconv.Itoa(i), "a Swagger 2.0 operation has one body parameter; this one is ignored (the first is the request model)")
				continue
			}
			consumes := im.strList(op, ptr, "consumes")
			if consumes == nil {
				consumes = im.strList(im.root, "", "consumes")
			}
			if consumes == nil {
				consumes = []string{"application/json"}
			}
			for _, ct := range consumes {
				add(ct, pm["schema"], ptr+"/parameters/"+strconv.Itoa(i)+"/schema")
			}
		}
	}
	return out
}

// inlineModelName names an inline request schema after its operation.
func inlineModelName(op map[string]any, ptr string) string {
	if id, ok := op["operationId"].(string); ok && id != "" {
		return alnum(id) + "Request"
	}
	return alnum(ptr) + "Request"
}

func alnum(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r < 128 && (r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9') {
			b.WriteRune(r)
		}
	}
	return b.String()
}
