package validate

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/portico-gw/portico/internal/apidef"
	"github.com/portico-gw/portico/internal/fault"
	"github.com/portico-gw/portico/internal/pipeline"
)

// VarValidationError is the fault variable that carries the detailed
// validation error: $context.error.validationErrorString.
const VarValidationError = "validationErrorString"

// defaultModel is the RequestModels key that matches any content type.
const defaultModel = "$default"

// Step is the request-validation step of one method: required parameters,
// then the body against the model chosen by content type. It is immutable
// after New and safe for concurrent use.
type Step struct {
	// params are the required parameters, ordered by their full
	// method.request.<location>.<name> key.
	params []param
	// models maps a lower-case media type ("application/json") or
	// "$default" to its compiled model.
	models map[string]*node
}

var _ pipeline.Step = (*Step)(nil)
var _ pipeline.Named = (*Step)(nil)

// New returns the validation step of method m of api, or nil, nil when m has
// no effective validator (the method's RequestValidator, else the API's
// DefaultValidator; "" means none) or the validator has nothing to check. It
// compiles the method's request models once; a model that does not compile
// or a $ref that does not resolve is an error naming the model and the JSON
// pointer (a *ModelError).
func New(api *apidef.RestAPI, m *apidef.Method) (pipeline.Step, error) {
	name := m.RequestValidator
	if name == "" {
		name = api.DefaultValidator
	}
	if name == "" {
		return nil, nil
	}
	rv, ok := api.RequestValidators[name]
	if !ok {
		return nil, fmt.Errorf("%s %s: request validator %q is not defined", m.HTTPMethod, m.Path, name)
	}
	s := &Step{}
	if rv.ValidateRequestParameters {
		params, err := requiredParams(m.RequestParameters)
		if err != nil {
			return nil, fmt.Errorf("%s %s: %w", m.HTTPMethod, m.Path, err)
		}
		s.params = params
	}
	if rv.ValidateRequestBody && len(m.RequestModels) > 0 {
		models, err := methodModels(api, m.RequestModels)
		if err != nil {
			return nil, fmt.Errorf("%s %s: %w", m.HTTPMethod, m.Path, err)
		}
		s.models = models
	}
	if len(s.params) == 0 && len(s.models) == 0 {
		return nil, nil
	}
	return s, nil
}

// methodModels compiles the models a method names, by normalized media type.
func methodModels(api *apidef.RestAPI, requestModels map[string]string) (map[string]*node, error) {
	all := withBuiltins(api.Models, slices.Collect(maps.Values(requestModels)))
	names := slices.Compact(slices.Sorted(maps.Values(requestModels)))
	nodes, err := compileModels(all, names)
	if err != nil {
		return nil, err
	}
	out := make(map[string]*node, len(requestModels))
	for ct, name := range requestModels {
		key := ct
		if ct != defaultModel {
			key = mediaType(ct)
		}
		out[key] = nodes[name]
	}
	return out, nil
}

// withBuiltins adds API Gateway's predefined Empty and Error models when a
// method names them and the API does not define them itself.
func withBuiltins(models map[string][]byte, used []string) map[string][]byte {
	var out map[string][]byte
	for _, name := range used {
		if _, ok := models[name]; ok {
			continue
		}
		doc, ok := builtinModel(name)
		if !ok {
			continue
		}
		if out == nil {
			out = maps.Clone(models)
			if out == nil {
				out = map[string][]byte{}
			}
		}
		out[name] = doc
	}
	if out == nil {
		return models
	}
	return out
}

func builtinModel(name string) ([]byte, bool) {
	switch name {
	case "Empty":
		return []byte(`{"$schema":"http://json-schema.org/draft-04/schema#","title":"Empty Schema","type":"object"}`), true
	case "Error":
		return []byte(`{"$schema":"http://json-schema.org/draft-04/schema#","title":"Error Schema","type":"object",` +
			`"properties":{"message":{"type":"string"}}}`), true
	}
	return nil, false
}

// Name implements pipeline.Named.
func (s *Step) Name() string { return "validate" }

// Run checks the required parameters, then the body. It returns a
// BAD_REQUEST_PARAMETERS, BAD_REQUEST_BODY or REQUEST_TOO_LARGE fault.
func (s *Step) Run(_ context.Context, c *pipeline.Call) error {
	if err := s.validateRequestParameters(c); err != nil {
		return err
	}
	return s.validateRequestBody(c)
}

// validateRequestBody validates the body against the model chosen by the
// request's media type; without a matching model the body is not validated.
func (s *Step) validateRequestBody(c *pipeline.Call) error {
	n := s.modelFor(c.Header.Get("Content-Type"))
	if n == nil {
		return nil
	}
	data, err := c.Body.Bytes()
	if err != nil {
		if tooLarge, ok := errors.AsType[*pipeline.ErrTooLarge](err); ok {
			return fault.New(fault.RequestTooLarge, tooLarge)
		}
		return fault.New(fault.BadRequestBody, fmt.Errorf("read request body: %w", err))
	}
	return validateBody(n, data)
}

// modelFor picks the model for a Content-Type header value: the media type
// without parameters, case-insensitive; no header means application/json;
// "$default" is the fallback.
func (s *Step) modelFor(contentType string) *node {
	if len(s.models) == 0 {
		return nil
	}
	mt := mediaType(contentType)
	if mt == "" {
		mt = "application/json"
	}
	if n, ok := s.models[mt]; ok {
		return n
	}
	return s.models[defaultModel]
}

func mediaType(ct string) string {
	mt, _, _ := strings.Cut(ct, ";")
	return strings.ToLower(strings.TrimSpace(mt))
}

// validateBody validates data against n. A valid body is usually known as
// it is tokenized, and so is one that is not JSON (streamCheck); any other
// is parsed and checked. An empty body is validated as {}. It returns nil or
// a BAD_REQUEST_BODY fault whose validationErrorString is the fge-style
// bracketed message list.
func validateBody(n *node, data []byte) error {
	empty := len(bytes.TrimSpace(data)) == 0
	if !empty {
		ok, err := streamCheck(n, data)
		if ok {
			return nil
		}
		if err != nil {
			return syntaxFault(err)
		}
	}
	return checkBody(n, data)
}

// checkBody is validateBody without the streaming check: it parses data
// into values and validates them, and gives every message.
func checkBody(n *node, data []byte) error {
	var v any = &object{}
	if len(bytes.TrimSpace(data)) > 0 {
		var err error
		if v, err = parseJSON(data); err != nil {
			return syntaxFault(err)
		}
	}
	msgs := validateValue(n, v, stepBudget(len(data)))
	if len(msgs) == 0 {
		return nil
	}
	return fault.Reject(fault.BadRequestBody, nil).WithVar(VarValidationError, "["+strings.Join(msgs, ", ")+"]")
}

// syntaxFault answers a body that is not JSON (or nests too deep).
func syntaxFault(err error) error {
	return fault.Reject(fault.BadRequestBody, err).WithVar(VarValidationError, "["+err.Error()+"]")
}

// stepBudget allows a fixed base plus four steps per body byte: a body has
// at most one value per two bytes, a typical model applies one to three
// schemas per value, and uniqueItems charges one step per byte it hashes.
func stepBudget(bodyLen int) int { return 10_000 + 4*bodyLen }
