package template

import (
	"sort"
	"strconv"
	"strings"

	"github.com/portico-gw/portico/internal/cfn"
)

// Small readers over resolved CloudFormation values. Values are what
// cfn.Stack holds: maps, lists, strings, numbers, booleans and
// cfn.ResourceRef.

// text returns a scalar as text; a ResourceRef renders as the stack does.
func (t *translator) text(v any) (string, bool) {
	switch x := v.(type) {
	case string:
		return x, true
	case bool:
		return strconv.FormatBool(x), true
	case int:
		return strconv.Itoa(x), true
	case int64:
		return strconv.FormatInt(x, 10), true
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64), true
	case cfn.ResourceRef:
		return t.stack.Render(x), true
	}
	return "", false
}

// str reads m[key] as text ("" when absent), recording a located error when
// it is not a scalar.
func (t *translator) str(m map[string]any, ptr, key string) string {
	v, ok := m[key]
	if !ok || v == nil {
		return ""
	}
	s, ok := t.text(v)
	if !ok {
		t.errorf(ptr+"/"+key, "%s must be a string", key)
	}
	return s
}

// num reads m[key] as a number (0 when absent).
func (t *translator) num(m map[string]any, ptr, key string) (float64, bool) {
	v, ok := m[key]
	if !ok || v == nil {
		return 0, false
	}
	switch x := v.(type) {
	case int:
		return float64(x), true
	case int64:
		return float64(x), true
	case float64:
		return x, true
	case string:
		f, err := strconv.ParseFloat(strings.TrimSpace(x), 64)
		if err == nil {
			return f, true
		}
	}
	t.errorf(ptr+"/"+key, "%s must be a number", key)
	return 0, false
}

// boolean reads m[key] as a boolean (def when absent).
func (t *translator) boolean(m map[string]any, ptr, key string, def bool) bool {
	v, ok := m[key]
	if !ok || v == nil {
		return def
	}
	switch x := v.(type) {
	case bool:
		return x
	case string:
		if b, err := strconv.ParseBool(x); err == nil {
			return b
		}
	}
	t.errorf(ptr+"/"+key, "%s must be true or false", key)
	return def
}

// obj reads m[key] as a mapping (nil when absent).
func (t *translator) obj(m map[string]any, ptr, key string) map[string]any {
	v, ok := m[key]
	if !ok || v == nil {
		return nil
	}
	o, ok := v.(map[string]any)
	if !ok {
		t.errorf(ptr+"/"+key, "%s must be a mapping", key)
	}
	return o
}

// list reads m[key] as a list; a single scalar is a list of one.
func (t *translator) list(m map[string]any, ptr, key string) []any {
	v, ok := m[key]
	if !ok || v == nil {
		return nil
	}
	switch x := v.(type) {
	case []any:
		return x
	case string:
		return []any{x}
	}
	t.errorf(ptr+"/"+key, "%s must be a list", key)
	return nil
}

// strList reads m[key] as a list of strings.
func (t *translator) strList(m map[string]any, ptr, key string) []string {
	var out []string
	for i, v := range t.list(m, ptr, key) {
		s, ok := t.text(v)
		if !ok {
			t.errorf(ptr+"/"+key+"/"+strconv.Itoa(i), "must be a string")
			continue
		}
		out = append(out, s)
	}
	return out
}

// refName returns the logical id a value refers to: a ResourceRef, or a
// rendered string that the stack maps back (an ARN, an id).
func (t *translator) refName(v any) (string, bool) {
	switch x := v.(type) {
	case cfn.ResourceRef:
		return x.Name, true
	case string:
		if r, ok := t.stack.RefOf(x); ok {
			return r.Name, true
		}
		if _, ok := t.stack.Resources[x]; ok {
			return x, true
		}
	}
	return "", false
}

func keys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// clone deep-copies a resolved value, rendering ResourceRefs as text so the
// result marshals as plain JSON.
func (t *translator) clone(v any) any {
	switch x := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[k] = t.clone(e)
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = t.clone(e)
		}
		return out
	case cfn.ResourceRef:
		return t.stack.Render(x)
	}
	return v
}

// mergeGlobals merges a SAM Globals section under a resource's
// properties: mappings merge key by key (the resource wins), lists are
// concatenated (globals first), scalars are replaced.
func mergeGlobals(global, local any) any {
	switch g := global.(type) {
	case map[string]any:
		l, ok := local.(map[string]any)
		if !ok {
			if local == nil {
				return g
			}
			return local
		}
		out := make(map[string]any, len(g)+len(l))
		for k, v := range g {
			out[k] = v
		}
		for k, v := range l {
			if gv, ok := g[k]; ok {
				out[k] = mergeGlobals(gv, v)
			} else {
				out[k] = v
			}
		}
		return out
	case []any:
		l, ok := local.([]any)
		if !ok {
			if local == nil {
				return g
			}
			return local
		}
		return append(append([]any{}, g...), l...)
	}
	if local == nil {
		return global
	}
	return local
}
