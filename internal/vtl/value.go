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
// Small maps are searched linearly; an index is built past indexAt entries.
// The zero value is an empty map ready to use.
type Map struct {
	keys  []string
	vals  []any
	index map[string]int
}

// indexAt is the size from which a Map keeps a hash index.
const indexAt = 12

// NewMap returns an empty Map with room for n entries.
func NewMap(n int) *Map {
	return &Map{keys: make([]string, 0, n), vals: make([]any, 0, n)}
}

// Len returns the number of entries.
func (m *Map) Len() int { return len(m.keys) }

// Keys returns the keys in insertion order. The caller must not modify it.
func (m *Map) Keys() []string { return m.keys }

func (m *Map) find(k string) int {
	if m.index != nil {
		if i, ok := m.index[k]; ok {
			return i
		}
		return -1
	}
	for i, key := range m.keys {
		if key == k {
			return i
		}
	}
	return -1
}

// Get returns the value for k.
func (m *Map) Get(k string) (any, bool) {
	if i := m.find(k); i >= 0 {
		return m.vals[i], true
	}
	return nil, false
}

// Set sets k to v, keeping the position of an existing key.
func (m *Map) Set(k string, v any) {
	if i := m.find(k); i >= 0 {
		m.vals[i] = v
		return
	}
	m.keys = append(m.keys, k)
	m.vals = append(m.vals, v)
	switch {
	case m.index != nil:
		m.index[k] = len(m.keys) - 1
	case len(m.keys) > indexAt:
		m.reindex()
	}
}

func (m *Map) reindex() {
	m.index = make(map[string]int, len(m.keys))
	for i, key := range m.keys {
		m.index[key] = i
	}
}

// Delete removes k.
func (m *Map) Delete(k string) {
	i := m.find(k)
	if i < 0 {
		return
	}
	m.keys = slices.Delete(m.keys, i, i+1)
	m.vals = slices.Delete(m.vals, i, i+1)
	if m.index != nil {
		m.reindex()
	}
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
	// coll marks the results of keySet(), values() and entrySet(): Java
	// collections that are not lists, so $c[0] and $c.get(0) are null.
	// of is the map they view.
	coll bool
	of   any
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
