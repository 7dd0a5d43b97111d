package vtl

import (
	"errors"
	"slices"
)

// ErrNoMethod is returned by [Object.Method] for a method the object does not
// have. The reference then renders as its literal source text, as Velocity
// does for an unknown method.
var ErrNoMethod = errors.New("vtl: no such method")

// Object is a host value that templates can use, such as $input or $util.
type Object interface {
	// Property returns the value of $obj.name. ok is false if the object
	// has no such property.
	Property(name string) (v any, ok bool)
	// Method calls $obj.name(args...). It returns ErrNoMethod if the
	// object has no such method; any other error aborts execution.
	Method(name string, args []any) (any, error)
}

// Map is a map with insertion order, used for JSON objects and map literals
// so that output order is deterministic. It prints Java-style as {k=v, k2=v2}.
// The zero value is not ready to use; call [NewMap].
type Map struct {
	keys []string
	vals map[string]any
}

// NewMap returns an empty Map with room for n entries.
func NewMap(n int) *Map {
	return &Map{keys: make([]string, 0, n), vals: make(map[string]any, n)}
}

// Len returns the number of entries.
func (m *Map) Len() int { return len(m.keys) }

// Keys returns the keys in insertion order. The caller must not modify it.
func (m *Map) Keys() []string { return m.keys }

// Get returns the value for k.
func (m *Map) Get(k string) (any, bool) {
	v, ok := m.vals[k]
	return v, ok
}

// Set sets k to v, keeping the position of an existing key.
func (m *Map) Set(k string, v any) {
	if _, ok := m.vals[k]; !ok {
		m.keys = append(m.keys, k)
	}
	m.vals[k] = v
}

// Delete removes k.
func (m *Map) Delete(k string) {
	if _, ok := m.vals[k]; !ok {
		return
	}
	delete(m.vals, k)
	m.keys = slices.DeleteFunc(m.keys, func(s string) bool { return s == k })
}

// List is a mutable list with reference semantics, as a Java List is:
// $list.add(x) changes the list every holder of it sees.
type List struct {
	// Items holds the elements.
	Items []any
	// json marks lists produced from JSON by $input.path or
	// $util.parseJson, which print as JSON (API Gateway's json-smart
	// arrays) instead of Java's [a, b].
	json bool
}

// NewList returns a List holding items.
func NewList(items ...any) *List { return &List{Items: items} }

// entry is a Map.Entry from $map.entrySet(); it prints as key=value.
type entry struct {
	key string
	val any
}

// foreachInfo is $foreach inside a #foreach loop.
type foreachInfo struct {
	index   int
	hasNext bool
}
