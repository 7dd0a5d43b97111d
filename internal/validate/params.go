package validate

import (
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/portico-gw/portico/internal/fault"
	"github.com/portico-gw/portico/internal/pipeline"
)

// param is one required method request parameter.
type param struct {
	key      string // method.request.<location>.<name>
	location string // header, path or querystring
	name     string
}

// requiredParams lists the keys set to true in Method.RequestParameters
// (multivalueheader and multivaluequerystring count as header and
// querystring),
// ordered by the full key (header < path < querystring, then by name), the
// order AWS reports them in (docs/aws-behaviour.md#required-parameters).
func requiredParams(rp map[string]bool) ([]param, error) {
	var out []param
	for key, required := range rp {
		if !required {
			continue
		}
		rest, ok := strings.CutPrefix(key, "method.request.")
		loc, name, ok2 := strings.Cut(rest, ".")
		if !ok || !ok2 || name == "" {
			return nil, fmt.Errorf("request parameter %q is not method.request.{header|path|querystring}.{name}", key)
		}
		switch loc {
		case "header", "path", "querystring":
		case "multivalueheader", "multivaluequerystring":
			// The same values, seen as lists; presence is what counts.
			loc = strings.TrimPrefix(loc, "multivalue")
		default:
			return nil, fmt.Errorf("request parameter %q: unknown location %q", key, loc)
		}
		out = append(out, param{key: key, location: loc, name: name})
	}
	slices.SortFunc(out, func(a, b param) int { return strings.Compare(a.key, b.key) })
	return out, nil
}

// validateRequestParameters checks that every required parameter is present
// and not blank (`?q1=` fails as a missing q1 does). All missing names are
// reported in one BAD_REQUEST_PARAMETERS fault.
func (s *Step) validateRequestParameters(c *pipeline.Call) error {
	var missing []string
	for _, p := range s.params {
		if !present(c, p) {
			missing = append(missing, p.name)
		}
	}
	if len(missing) == 0 {
		return nil
	}
	msg := "Missing required request parameters: [" + strings.Join(missing, ", ") + "]"
	return fault.Reject(fault.BadRequestParameters, nil).WithMessage(msg).WithVar(VarValidationError, msg)
}

func present(c *pipeline.Call, p param) bool {
	switch p.location {
	case "header":
		return anyNonBlank(headerValues(c.Header, p.name))
	case "path":
		return !blank(c.PathParams[p.name])
	case "querystring":
		return anyNonBlank(c.Query[p.name])
	}
	return false
}

// headerValues looks a header up case-insensitively, including in a header
// map whose keys were not canonicalized.
func headerValues(h http.Header, name string) []string {
	if vs := h.Values(name); len(vs) > 0 {
		return vs
	}
	for k, vs := range h {
		if strings.EqualFold(k, name) {
			return vs
		}
	}
	return nil
}

func anyNonBlank(vs []string) bool {
	return slices.ContainsFunc(vs, func(v string) bool { return !blank(v) })
}

func blank(s string) bool { return strings.TrimSpace(s) == "" }
