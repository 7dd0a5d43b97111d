package vtl

import "fmt"

// void is what a Java method returning void gives in Velocity 1.7: an
// empty string.
const void = ""

// listMethod implements the java.util.List methods templates use. Lists
// passed in as []any are read-only: methods that would grow or shrink them
// behave as unknown methods.
func (s *state) listMethod(v any, name string, args []any) (any, error) {
	items, _ := asList(v)
	l, mutable := v.(*List)
	if mutable && l.coll && name != "get" {
		mutable = false // a view of a map: no add or remove
	}
	switch len(args) {
	case 0:
		switch name {
		case "size":
			return int64(len(items)), nil
		case "isEmpty":
			return len(items) == 0, nil
		case "clear":
			if mutable {
				l.Items = l.Items[:0]
			}
			return void, nil
		case "toString":
			return display(v), nil
		}
	case 1:
		a := args[0]
		switch name {
		case "get":
			i, ok := toInt(a)
			if !ok || mutable && l.coll {
				return nil, nil
			}
			if i < 0 || i >= int64(len(items)) {
				return nil, fmt.Errorf("index %d out of bounds for length %d", i, len(items))
			}
			return items[i], nil
		case "contains":
			return indexOf(items, a) >= 0, nil
		case "indexOf":
			return int64(indexOf(items, a)), nil
		case "equals":
			return kind(a) == 3 && equals(v, a), nil
		case "add":
			if !mutable {
				return nil, nil
			}
			if err := s.grow(len(l.Items)); err != nil {
				return nil, err
			}
			l.Items = append(l.Items, a)
			return true, nil
		case "addAll":
			more, ok := asList(a)
			if !mutable || !ok {
				return nil, nil
			}
			if err := s.grow(len(l.Items) + len(more)); err != nil {
				return nil, err
			}
			l.Items = append(l.Items, more...)
			return len(more) > 0, nil
		case "remove":
			if !mutable {
				return nil, nil
			}
			if i, ok := toInt(a); ok {
				if i < 0 || i >= int64(len(items)) {
					return nil, fmt.Errorf("index %d out of bounds for length %d", i, len(items))
				}
				old := l.Items[i]
				l.Items = append(l.Items[:i], l.Items[i+1:]...)
				return old, nil
			}
			i := indexOf(items, a)
			if i < 0 {
				return false, nil
			}
			l.Items = append(l.Items[:i], l.Items[i+1:]...)
			return true, nil
		}
	case 2:
		i, ok := toInt(args[0])
		if !ok {
			return nil, nil
		}
		switch name {
		case "set":
			if l != nil && l.coll {
				return nil, nil
			}
			if i < 0 || i >= int64(len(items)) {
				return nil, fmt.Errorf("index %d out of bounds for length %d", i, len(items))
			}
			old := items[i]
			items[i] = args[1]
			return old, nil
		case "add":
			if !mutable {
				return nil, nil
			}
			if i < 0 || i > int64(len(items)) {
				return nil, fmt.Errorf("index %d out of bounds for length %d", i, len(items))
			}
			if err := s.grow(len(l.Items)); err != nil {
				return nil, err
			}
			l.Items = append(l.Items[:i], append([]any{args[1]}, l.Items[i:]...)...)
			return void, nil
		case "subList":
			j, ok := toInt(args[1])
			if !ok || i < 0 || j > int64(len(items)) || i > j {
				return nil, fmt.Errorf("subList(%d, %d) out of bounds for length %d", i, j, len(items))
			}
			return &List{Items: append([]any(nil), items[i:j]...)}, nil
		}
	}
	return nil, nil
}

// grow checks that a list of n elements may grow by one more.
func (s *state) grow(n int) error {
	if n >= MaxIterations {
		return ErrTooManySteps
	}
	return s.charge(16)
}

func indexOf(items []any, v any) int {
	for i, it := range items {
		if javaEquals(it, v) {
			return i
		}
	}
	return -1
}

// mapMethod implements the java.util.Map methods templates use.
func (s *state) mapMethod(v any, name string, args []any) (any, error) {
	m := mapView(v)
	switch len(args) {
	case 0:
		switch name {
		case "size":
			return int64(m.len()), nil
		case "isEmpty":
			return m.len() == 0, nil
		case "keySet":
			keys := m.keys()
			l := &List{Items: make([]any, len(keys)), coll: true, of: v}
			for i, k := range keys {
				l.Items[i] = k
			}
			return l, nil
		case "values", "entrySet":
			keys := m.keys()
			l := &List{Items: make([]any, len(keys)), coll: true, of: v}
			for i, k := range keys {
				val, _ := m.get(k)
				if name == "values" {
					l.Items[i] = val
				} else {
					l.Items[i] = entry{key: k, val: val}
				}
			}
			return l, nil
		case "clear":
			for _, k := range append([]string(nil), m.keys()...) {
				m.del(k)
			}
			return void, nil
		case "toString":
			return display(v), nil
		}
	case 1:
		a := args[0]
		switch name {
		case "get":
			r, _ := m.get(display(a))
			return r, nil
		case "containsKey":
			_, ok := m.get(display(a))
			return ok, nil
		case "containsValue":
			for _, k := range m.keys() {
				if val, _ := m.get(k); javaEquals(val, a) {
					return true, nil
				}
			}
			return false, nil
		case "remove":
			k := display(a)
			old, _ := m.get(k)
			m.del(k)
			return old, nil
		case "putAll":
			if kind(a) != 4 {
				return nil, nil
			}
			o := mapView(a)
			for _, k := range append([]string(nil), o.keys()...) {
				val, _ := o.get(k)
				m.set(k, val)
			}
			return void, nil
		case "equals":
			return kind(a) == 4 && mapEquals(v, a), nil
		}
	case 2:
		k := display(args[0])
		switch name {
		case "put":
			old, _ := m.get(k)
			if m.len() >= MaxIterations {
				return nil, ErrTooManySteps
			}
			m.set(k, args[1])
			return old, s.charge(16)
		case "getOrDefault":
			if r, ok := m.get(k); ok {
				return r, nil
			}
			return args[1], nil
		case "putIfAbsent":
			old, ok := m.get(k)
			if !ok || old == nil {
				m.set(k, args[1])
			}
			return old, nil
		}
	}
	return nil, nil
}
