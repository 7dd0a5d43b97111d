package vtl

import (
	"errors"
	"fmt"
	"strings"
)

// evalRef evaluates a reference chain. A missing variable, property or
// method, or a null along the way, gives nil (rendered as the source text).
func (s *state) evalRef(n *refNode) (any, error) {
	v, ok := s.lookup(n.name)
	if !ok {
		return nil, nil
	}
	for _, a := range n.parts {
		if v == nil {
			return nil, nil
		}
		var err error
		switch a.kind {
		case accProp:
			v, err = s.property(v, a.name)
		case accIndex:
			var idx any
			idx, err = s.eval(a.args[0])
			if err == nil {
				v, err = index(v, idx)
			}
		case accMethod:
			var args []any
			if len(a.args) > 0 {
				args = make([]any, len(a.args))
			}
			for i, e := range a.args {
				if args[i], err = s.eval(e); err != nil {
					return nil, err
				}
			}
			v, err = s.call(v, a.name, args)
		}
		if err != nil {
			return nil, s.wrap(a.off, err)
		}
	}
	return v, nil
}

// wrap locates an execution error, keeping it matchable with errors.Is.
func (s *state) wrap(off int, err error) error {
	var le *locatedError
	if errors.As(err, &le) {
		return err
	}
	loc := s.errorf(off, "")
	return &locatedError{loc: strings.TrimSuffix(loc.Error(), " "), err: err}
}

type locatedError struct {
	loc string
	err error
}

func (e *locatedError) Error() string { return e.loc + " " + e.err.Error() }
func (e *locatedError) Unwrap() error { return e.err }

// property implements $v.name: a map key, a host object's property, or a
// Java bean getter (getName(), then isName()).
func (s *state) property(v any, name string) (any, error) {
	switch x := v.(type) {
	case *Map, map[string]any, map[string]string:
		r, _ := mapView(x).get(name)
		return r, nil
	case Object:
		r, _ := x.Property(name)
		return r, nil
	case *foreachInfo:
		return x.method(name, nil), nil
	case entry:
		switch name {
		case "key":
			return x.key, nil
		case "value":
			return x.val, nil
		}
	}
	cp := strings.ToUpper(name[:1]) + name[1:]
	r, err := s.call(v, "get"+cp, nil)
	if r != nil || err != nil {
		return r, err
	}
	return s.call(v, "is"+cp, nil)
}

// index implements $v[i]: list elements (negative counts from the end) and
// map keys.
func index(v, idx any) (any, error) {
	if l, ok := v.(*List); ok && l.coll {
		return nil, nil
	}
	if l, ok := asList(v); ok {
		i, ok := toInt(idx)
		if !ok {
			return nil, nil
		}
		if i < 0 {
			i += int64(len(l))
		}
		if i < 0 || i >= int64(len(l)) {
			return nil, fmt.Errorf("index %d out of bounds for length %d", i, len(l))
		}
		return l[i], nil
	}
	switch x := v.(type) {
	case *Map, map[string]any, map[string]string:
		r, _ := mapView(x).get(display(idx))
		return r, nil
	case Object:
		r, _ := x.Property(display(idx))
		return r, nil
	}
	return nil, nil
}

// call invokes a method. An unknown method, or arguments of the wrong
// types, give nil, as Velocity's introspection does; exceptions Java would
// throw are errors.
func (s *state) call(v any, name string, args []any) (any, error) {
	switch x := v.(type) {
	case string:
		return s.stringMethod(x, name, args)
	case *List, []any, []string:
		return s.listMethod(x, name, args)
	case *Map, map[string]any, map[string]string:
		return s.mapMethod(x, name, args)
	case Object:
		r, err := x.Method(name, args)
		if errors.Is(err, ErrNoMethod) {
			return nil, nil
		}
		return r, err
	case *foreachInfo:
		return x.method(name, args), nil
	case entry:
		switch {
		case name == "getKey" && len(args) == 0:
			return x.key, nil
		case name == "getValue" && len(args) == 0:
			return x.val, nil
		}
	case *block:
		if name == "toString" && len(args) == 0 {
			return x.String(), nil
		}
		return nil, nil
	}
	if isNumber(v) {
		return numberMethod(v, name, args), nil
	}
	return objectMethod(v, name, args), nil
}

// objectMethod implements java.lang.Object's methods for any value.
func objectMethod(v any, name string, args []any) any {
	switch {
	case name == "toString" && len(args) == 0:
		return display(v)
	case name == "equals" && len(args) == 1:
		return javaEquals(v, args[0])
	case name == "booleanValue" && len(args) == 0:
		if b, ok := v.(bool); ok {
			return b
		}
	}
	return nil
}

func numberMethod(v any, name string, args []any) any {
	n, _ := toNumber(v)
	if len(args) == 0 {
		switch name {
		case "intValue", "longValue", "shortValue", "byteValue":
			if n.isFloat {
				return int64(n.f)
			}
			return n.i
		case "doubleValue", "floatValue":
			return n.float()
		}
	}
	if name == "compareTo" && len(args) == 1 {
		if c, ok := compareNum(v, args[0]); ok {
			return int64(c)
		}
		return nil
	}
	return objectMethod(v, name, args)
}

func (f *foreachInfo) method(name string, args []any) any {
	if len(args) != 0 {
		return nil
	}
	switch name {
	case "getIndex", "index":
		return int64(f.index)
	case "getCount", "count":
		return int64(f.index + 1)
	case "hasNext", "getHasNext":
		return f.hasNext
	case "isFirst", "getFirst", "first":
		return f.index == 0
	case "isLast", "getLast", "last":
		return !f.hasNext
	}
	return nil
}

// asList returns the elements of a list value. A []string is copied, so
// it is read-only to templates.
func asList(v any) ([]any, bool) {
	switch x := v.(type) {
	case *List:
		return x.Items, true
	case []any:
		return x, true
	case []string:
		out := make([]any, len(x))
		for i, s := range x {
			out[i] = s
		}
		return out, true
	}
	return nil, false
}

// isMap reports whether v is one of the map types templates accept.
func isMap(v any) bool {
	switch v.(type) {
	case *Map, map[string]any, map[string]string:
		return true
	}
	return false
}

// mview is a uniform view of *Map, map[string]any and map[string]string.
// Go maps are visited in sorted key order.
type mview struct {
	m  *Map
	g  map[string]any
	ss map[string]string
}

func mapView(v any) mview {
	switch x := v.(type) {
	case *Map:
		return mview{m: x}
	case map[string]string:
		return mview{ss: x}
	}
	g, _ := v.(map[string]any)
	return mview{g: g}
}

func (v mview) len() int {
	switch {
	case v.m != nil:
		return v.m.Len()
	case v.ss != nil:
		return len(v.ss)
	}
	return len(v.g)
}

func (v mview) keys() []string {
	switch {
	case v.m != nil:
		return v.m.keys
	case v.ss != nil:
		return sortedKeys(v.ss)
	}
	return sortedKeys(v.g)
}

func (v mview) get(k string) (any, bool) {
	switch {
	case v.m != nil:
		return v.m.Get(k)
	case v.ss != nil:
		r, ok := v.ss[k]
		if !ok {
			return nil, false
		}
		return r, true
	}
	r, ok := v.g[k]
	return r, ok
}

// set stores val; a map[string]string stores its toString.
func (v mview) set(k string, val any) {
	switch {
	case v.m != nil:
		v.m.Set(k, val)
	case v.ss != nil:
		v.ss[k] = display(val)
	case v.g != nil:
		v.g[k] = val
	}
}

func (v mview) del(k string) {
	switch {
	case v.m != nil:
		v.m.Delete(k)
	case v.ss != nil:
		delete(v.ss, k)
	default:
		delete(v.g, k)
	}
}
