package vtl

import (
	"errors"
)

// Execution of #set, #if, #foreach and macro calls.

func (s *state) execSet(n *setNode) error {
	v, err := s.eval(n.rhs)
	if err != nil {
		return err
	}
	if v == nil || n.lhs.quiet {
		return nil // Velocity 1.7 leaves the target unchanged
	}
	if len(n.lhs.parts) == 0 {
		s.local[n.lhs.name] = v
		return nil
	}
	head := *n.lhs
	head.parts = n.lhs.parts[:len(n.lhs.parts)-1]
	target, err := s.evalRef(&head)
	if err != nil || target == nil {
		return err
	}
	last := n.lhs.parts[len(n.lhs.parts)-1]
	key := last.name
	if last.kind == accIndex {
		k, err := s.eval(last.args[0])
		if err != nil {
			return err
		}
		if l, ok := asList(target); ok {
			i, ok := toInt(k)
			if !ok || i < 0 || int(i) >= len(l) {
				return s.errorf(last.off, "index %s out of range", display(k))
			}
			l[i] = v
			return nil
		}
		key = display(k)
	} else if last.kind == accMethod {
		return s.errorf(n.off, "cannot #set a method call")
	}
	if isMap(target) {
		mapView(target).set(key, v)
	}
	return nil
}

func (s *state) execIf(n *ifNode) error {
	for i, c := range n.conds {
		ok, err := s.cond(c)
		if err != nil {
			return err
		}
		if ok {
			return s.render(n.bodies[i])
		}
	}
	if n.els != nil {
		return s.render(n.els)
	}
	return nil
}

func (s *state) execMacro(n *macroCallNode) error {
	m := s.t.macros[n.name]
	if m == nil {
		return s.write(n.raw + n.lineEnd)
	}
	if err := s.step(); err != nil {
		return err
	}
	s.depth++
	defer func() { s.depth-- }()
	if s.depth > MaxDepth {
		return ErrTooDeep
	}
	args := make([]any, len(n.args))
	for i, a := range n.args {
		v, err := s.eval(a)
		if err != nil {
			return err
		}
		if r, ok := a.(*refNode); ok && v == nil {
			// Velocity passes arguments by name: an undefined argument
			// renders as its own source text inside the macro.
			v = nullRef{raw: r.raw}
		}
		args[i] = v
	}
	restore := s.bind(m.params, args)
	defer restore()
	err := s.render(m.body)
	if errors.Is(err, errBreak) {
		err = nil
	}
	return err
}

// bind sets local variables and returns a function restoring their previous
// values.
func (s *state) bind(names []string, vals []any) func() {
	type saved struct {
		v  any
		ok bool
	}
	old := make([]saved, len(names))
	for i, name := range names {
		v, ok := s.local[name]
		old[i] = saved{v, ok}
		if i < len(vals) && vals[i] != nil {
			s.local[name] = vals[i]
		} else {
			delete(s.local, name)
		}
	}
	return func() {
		for i, name := range names {
			if old[i].ok {
				s.local[name] = old[i].v
			} else {
				delete(s.local, name)
			}
		}
	}
}

func (s *state) execForeach(n *foreachNode) error {
	it, err := s.eval(n.iter)
	if err != nil {
		return err
	}
	items := iterItems(it)
	if len(items) == 0 {
		return nil
	}
	names := []string{n.varName, "velocityCount", "velocityHasNext", "foreach"}
	restore := s.bind(names, nil)
	defer restore()
	// One $foreach object per loop, updated each iteration, as in Velocity.
	info := &foreachInfo{}
	for i, v := range items {
		if i >= MaxForeach {
			break
		}
		if err := s.step(); err != nil {
			return err
		}
		if v == nil {
			delete(s.local, n.varName)
		} else {
			s.local[n.varName] = v
		}
		hasNext := i+1 < len(items)
		s.local["velocityCount"] = int64(i + 1)
		s.local["velocityHasNext"] = hasNext
		info.index, info.hasNext = i, hasNext
		s.local["foreach"] = info
		if err := s.render(n.body); err != nil {
			if errors.Is(err, errBreak) {
				return nil
			}
			return err
		}
		if size := iterSize(it); size != len(items) && size != i+1 {
			// Java's iterators fail when the collection changes size.
			return s.errorf(n.off, "#foreach: collection modified during iteration")
		}
	}
	return nil
}

// iterSize is the current size of a collection #foreach iterates.
func iterSize(v any) int {
	switch x := v.(type) {
	case *List:
		if x.of != nil {
			return mapView(x.of).len() // a keySet() or values() view
		}
		return len(x.Items)
	case *Map, map[string]any, map[string]string:
		return mapView(x).len()
	}
	return len(iterItems(v))
}

// iterItems returns the elements #foreach visits: list elements, map
// values, or nothing.
func iterItems(v any) []any {
	switch x := v.(type) {
	case *List:
		return append([]any(nil), x.Items...)
	case []any:
		return x
	case *Map:
		return append([]any(nil), x.vals...)
	case []string:
		l, _ := asList(x)
		return l
	case map[string]any, map[string]string:
		m := mapView(x)
		out := make([]any, 0, m.len())
		for _, k := range m.keys() {
			val, _ := m.get(k)
			out = append(out, val)
		}
		return out
	}
	return nil
}
