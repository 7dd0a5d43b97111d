package validate

import (
	"bytes"
	"errors"
	"fmt"
	"maps"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"golang.org/x/text/language"
	"golang.org/x/text/message"

	"github.com/portico-gw/portico/internal/apidef"
)

// modelURLPrefix is the URL every model is registered under, whatever the
// API's id: API Gateway models reference each other as
// https://apigateway.amazonaws.com/restapis/{api}/models/{Model}.
const modelURLPrefix = "https://apigateway.amazonaws.com/restapis/"

func modelURL(name string) string {
	return modelURLPrefix + "portico/models/" + url.PathEscape(name)
}

// ModelError is a model that does not compile: its name, the JSON pointer of
// the problem inside the model, and what is wrong.
type ModelError struct {
	Model   string
	Pointer string
	Err     error
}

// Error reads "model "Pet" at /properties/owner/$ref: ...".
func (e *ModelError) Error() string {
	ptr := e.Pointer
	if ptr == "" {
		ptr = "/"
	}
	return fmt.Sprintf("model %q at %s: %v", e.Model, ptr, e.Err)
}

// Unwrap returns the underlying problem.
func (e *ModelError) Unwrap() error { return e.Err }

// CheckModels compiles every model of api and returns one error per model
// that does not compile or has a $ref that does not resolve, in model-name
// order; nil means all models are usable. `portico validate` calls it.
func CheckModels(api *apidef.RestAPI) []error {
	var errs []error
	for _, name := range slices.Sorted(maps.Keys(api.Models)) {
		if _, err := compileModels(api.Models, []string{name}); err != nil {
			errs = append(errs, err)
		}
	}
	return errs
}

// compileModels compiles the named models and returns their nodes by name.
// Only the named models and those they reach through $ref are read, so the
// cost follows what a method uses rather than the size of the API.
func compileModels(models map[string][]byte, names []string) (map[string]*node, error) {
	c := jsonschema.NewCompiler()
	c.DefaultDraft(jsonschema.Draft4)
	c.UseLoader(noLoader{})
	rw := rewriter{models: models, sites: refSites{}}
	queue := slices.Clone(names)
	added := map[string]bool{}
	for len(queue) > 0 {
		name := queue[0]
		queue = queue[1:]
		if added[name] {
			continue
		}
		added[name] = true
		raw, ok := models[name]
		if !ok {
			return nil, &ModelError{Model: name, Err: errors.New("no such model")}
		}
		doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(raw))
		if err != nil {
			return nil, &ModelError{Model: name, Err: fmt.Errorf("invalid JSON: %w", err)}
		}
		rw.root, rw.model, rw.refs = doc, name, nil
		if err := rw.rewrite(doc, ""); err != nil {
			return nil, err
		}
		queue = append(queue, rw.refs...)
		if err := c.AddResource(modelURL(name), doc); err != nil {
			return nil, &ModelError{Model: name, Err: err}
		}
	}
	cv := converter{done: map[*jsonschema.Schema]*node{}}
	out := make(map[string]*node, len(names))
	for _, name := range names {
		s, err := c.Compile(modelURL(name))
		if err != nil {
			return nil, compileError(name, err, rw.sites)
		}
		out[name] = cv.convert(s)
	}
	if err := checkRefChains(cv.done); err != nil {
		return nil, &ModelError{Model: strings.Join(names, ", "), Err: err}
	}
	return out, nil
}

// refSite is where a $ref was written: the model and the JSON pointer of the
// "$ref" member. It is keyed by the rewritten reference.
type refSite struct{ model, ptr string }

type refSites map[string]refSite

// rewriter points every $ref of a model at the API's models:
// "#/definitions/X" (OpenAPI 2), "#/components/schemas/X" (OpenAPI 3) and
// ".../restapis/{any api}/models/X" all become model X. A reference to a model
// that does not exist is an error naming the model and the JSON pointer.
type rewriter struct {
	models map[string][]byte
	sites  refSites
	root   any      // the model being rewritten
	model  string   // its name
	refs   []string // the models it references
}

func (rw *rewriter) rewrite(v any, ptr string) error {
	switch v := v.(type) {
	case map[string]any:
		for _, k := range slices.Sorted(maps.Keys(v)) {
			child := ptr + "/" + escapePointer(k)
			if ref, ok := v[k].(string); ok && k == "$ref" {
				u, target, err := resolveRef(ref, rw.root, rw.models)
				if err != nil {
					return &ModelError{Model: rw.model, Pointer: child, Err: err}
				}
				v[k] = u
				if target != "" {
					rw.refs = append(rw.refs, target)
				}
				if _, seen := rw.sites[u]; !seen {
					rw.sites[u] = refSite{model: rw.model, ptr: child}
				}
				continue
			}
			if err := rw.rewrite(v[k], child); err != nil {
				return err
			}
		}
	case []any:
		for i, e := range v {
			if err := rw.rewrite(e, ptr+"/"+strconv.Itoa(i)); err != nil {
				return err
			}
		}
	}
	return nil
}

// resolveRef maps one $ref to a URL and the model it names ("" for a
// pointer inside the same model). A "#/definitions/X" that the model defines
// itself stays a local pointer.
func resolveRef(ref string, root any, models map[string][]byte) (u, model string, err error) {
	var name, tail string
	switch {
	case strings.HasPrefix(ref, "#/definitions/"):
		name, tail, _ = strings.Cut(strings.TrimPrefix(ref, "#/definitions/"), "/")
		if defs, ok := root.(map[string]any)["definitions"].(map[string]any); ok {
			if _, local := defs[unescapePointer(name)]; local {
				return ref, "", nil
			}
		}
		tail = pointerTail(tail)
	case strings.HasPrefix(ref, "#/components/schemas/"):
		name, tail, _ = strings.Cut(strings.TrimPrefix(ref, "#/components/schemas/"), "/")
		tail = pointerTail(tail)
	case strings.HasPrefix(ref, modelURLPrefix):
		_, after, ok := strings.Cut(strings.TrimPrefix(ref, modelURLPrefix), "/models/")
		if !ok {
			return "", "", fmt.Errorf("$ref %q does not name a model", ref)
		}
		name, tail, _ = strings.Cut(after, "#")
		if tail != "" {
			tail = "#" + tail
		}
	case strings.HasPrefix(ref, "#"):
		return ref, "", nil // a pointer inside the same model
	default:
		return "", "", fmt.Errorf("$ref %q does not resolve: only the API's models can be referenced", ref)
	}
	name = unescapePointer(name)
	if u, err := url.PathUnescape(name); err == nil {
		name = u
	}
	if _, ok := models[name]; !ok {
		return "", "", fmt.Errorf("$ref %q does not resolve: no model named %q", ref, name)
	}
	return modelURL(name) + tail, name, nil
}

func pointerTail(tail string) string {
	if tail == "" {
		return ""
	}
	return "#/" + tail
}

// compileError turns a jsonschema compile error into a ModelError with the
// JSON pointer inside the model where the problem is.
func compileError(model string, err error, sites refSites) error {
	if sve, ok := errors.AsType[*jsonschema.SchemaValidationError](err); ok {
		if ve, ok := errors.AsType[*jsonschema.ValidationError](sve.Err); ok {
			for len(ve.Causes) > 0 {
				ve = ve.Causes[0]
			}
			p := message.NewPrinter(language.English)
			return &ModelError{
				Model:   modelName(sve.URL, model),
				Pointer: "/" + strings.Join(ve.InstanceLocation, "/"),
				Err:     fmt.Errorf("not a valid draft-4 schema: %s", ve.ErrorKind.LocalizedString(p)),
			}
		}
	}
	if e, ok := errors.AsType[*jsonschema.JSONPointerNotFoundError](err); ok {
		m, ptr := splitModelURL(e.URL)
		target := fmt.Errorf("$ref target %s#%s not found", m, ptr)
		if site, ok := sites[e.URL]; ok {
			return &ModelError{Model: site.model, Pointer: site.ptr, Err: target}
		}
		return &ModelError{Model: model, Err: target}
	}
	if e, ok := errors.AsType[*jsonschema.InvalidRegexError](err); ok {
		m, ptr := splitModelURL(e.URL)
		return &ModelError{Model: cmpOrString(m, model), Pointer: ptr, Err: fmt.Errorf("invalid pattern %q", e.Regex)}
	}
	return &ModelError{Model: model, Err: err}
}

// splitModelURL splits ".../models/Pet#/properties/x" into "Pet" and
// "/properties/x".
func splitModelURL(u string) (model, ptr string) {
	base, frag, _ := strings.Cut(u, "#")
	i := strings.LastIndex(base, "/models/")
	if i < 0 {
		return "", frag
	}
	m, err := url.PathUnescape(base[i+len("/models/"):])
	if err != nil {
		m = base[i+len("/models/"):]
	}
	return m, frag
}

func modelName(u, fallback string) string {
	m, _ := splitModelURL(u)
	return cmpOrString(m, fallback)
}

func cmpOrString(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

func escapePointer(s string) string {
	return strings.ReplaceAll(strings.ReplaceAll(s, "~", "~0"), "/", "~1")
}

func unescapePointer(s string) string {
	return strings.ReplaceAll(strings.ReplaceAll(s, "~1", "/"), "~0", "~")
}

// noLoader refuses every URL: models never reach the network or disk.
type noLoader struct{}

func (noLoader) Load(u string) (any, error) {
	return nil, fmt.Errorf("$ref %q does not resolve: only the API's models can be referenced", u)
}
