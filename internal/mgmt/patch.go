package mgmt

import (
	"math"
	"net/http"
	"strconv"
	"strings"
)

// PatchOperation is one entry of patchOperations.
type PatchOperation struct {
	Op    string  `json:"op"`
	Path  string  `json:"path"`
	Value *string `json:"value,omitempty"`
	From  string  `json:"from,omitempty"`
}

// patchBody is an update request.
type patchBody struct {
	PatchOperations []PatchOperation `json:"patchOperations"`
}

// readPatch decodes and checks the op names of an update request.
func readPatch(r *http.Request) ([]PatchOperation, error) {
	var b patchBody
	if err := decode(r, &b); err != nil {
		return nil, err
	}
	for _, op := range b.PatchOperations {
		switch op.Op {
		case "add", "remove", "replace", "move", "copy", "test":
		default:
			return nil, badRequest("Invalid patch operation specified. Must be 'add'|'remove'|'replace'|'move'|'copy'|'test'")
		}
	}
	return b.PatchOperations, nil
}

// value is the operation's value ("" when absent).
func (p PatchOperation) value() string {
	if p.Value == nil {
		return ""
	}
	return *p.Value
}

// invalidPath is AWS's answer for a path an operation does not accept.
func invalidPath(p PatchOperation, allowed string) error {
	return badRequest("Invalid patch path  '%s' specified for op '%s'. Must be one of: [%s]", p.Path, p.Op, allowed)
}

// unescape decodes a JSON Pointer segment (~1 is "/", ~0 is "~").
func unescape(s string) string {
	return strings.ReplaceAll(strings.ReplaceAll(s, "~1", "/"), "~0", "~")
}

// under reports whether p.Path is prefix/{key} and returns the unescaped key.
func (p PatchOperation) under(prefix string) (string, bool) {
	k, ok := strings.CutPrefix(p.Path, prefix+"/")
	if !ok || k == "" {
		return "", false
	}
	return unescape(k), true
}

// parseBool reads a boolean value as AWS does.
func parseBool(p PatchOperation) (bool, error) {
	switch strings.ToLower(p.value()) {
	case "true":
		return true, nil
	case "false":
		return false, nil
	}
	return false, badRequest("Invalid value '%s' for %s: must be true or false", p.value(), p.Path)
}

// parseInt reads an integer value in [lo, hi].
func parseInt(p PatchOperation, lo, hi int) (int, error) {
	n, err := strconv.Atoi(p.value())
	if err != nil || n < lo || n > hi {
		return 0, badRequest("Invalid value '%s' for %s: must be an integer from %d to %d", p.value(), p.Path, lo, hi)
	}
	return n, nil
}

// parseRate reads a finite, non-negative number.
func parseRate(p PatchOperation) (float64, error) {
	f, err := strconv.ParseFloat(p.value(), 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) || f < 0 {
		return 0, badRequest("Invalid value '%s' for %s: must be a non-negative number", p.value(), p.Path)
	}
	return f, nil
}

// patchStringMap applies add/replace/remove of prefix/{key} to m.
func patchStringMap(m *map[string]string, p PatchOperation, prefix string) (bool, error) {
	k, ok := p.under(prefix)
	if !ok {
		return false, nil
	}
	switch p.Op {
	case "add", "replace":
		if *m == nil {
			*m = map[string]string{}
		}
		(*m)[k] = p.value()
	case "remove":
		delete(*m, k)
	default:
		return true, invalidPath(p, prefix+"/{key}")
	}
	return true, nil
}

// patchBoolMap applies add/replace/remove of prefix/{key} to m.
func patchBoolMap(m *map[string]bool, p PatchOperation, prefix string) (bool, error) {
	k, ok := p.under(prefix)
	if !ok {
		return false, nil
	}
	switch p.Op {
	case "add", "replace":
		v := false
		if p.Value != nil {
			b, err := parseBool(p)
			if err != nil {
				return true, err
			}
			v = b
		}
		if *m == nil {
			*m = map[string]bool{}
		}
		(*m)[k] = v
	case "remove":
		delete(*m, k)
	default:
		return true, invalidPath(p, prefix+"/{key}")
	}
	return true, nil
}
