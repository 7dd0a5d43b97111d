package vtl

// eval computes an expression's value. nil is Velocity's null.
func (s *state) eval(e expr) (any, error) {
	switch e := e.(type) {
	case *litExpr:
		return e.v, nil
	case *strExpr:
		if e.parts == nil {
			return e.s, nil
		}
		return s.renderString(e.parts)
	case *refNode:
		return s.evalRef(e)
	case *listExpr:
		l := &List{Items: make([]any, len(e.items))}
		for i, it := range e.items {
			v, err := s.eval(it)
			if err != nil {
				return nil, err
			}
			l.Items[i] = v
		}
		return l, nil
	case *mapExpr:
		m := NewMap(len(e.keys))
		for i := range e.keys {
			k, err := s.eval(e.keys[i])
			if err != nil {
				return nil, err
			}
			v, err := s.eval(e.vals[i])
			if err != nil {
				return nil, err
			}
			m.Set(display(k), v)
		}
		return m, nil
	case *rangeExpr:
		return s.evalRange(e)
	case *notExpr:
		b, err := s.cond(e.x)
		return !b, err
	case *binExpr:
		return s.evalBinary(e)
	}
	return nil, nil
}

// cond computes an expression's truth as Velocity 1.7's Node.evaluate does:
// references are true unless null or false; literals other than true are
// false; operators give their boolean result.
func (s *state) cond(e expr) (bool, error) {
	switch e := e.(type) {
	case *litExpr:
		b, ok := e.v.(bool)
		return ok && b, nil
	case *refNode:
		v, err := s.evalRef(e)
		if err != nil {
			return false, err
		}
		b, isBool := v.(bool)
		_, isAbsent := v.(absent)
		return v != nil && !isAbsent && (!isBool || b), nil
	case *notExpr:
		b, err := s.cond(e.x)
		return !b, err
	case *binExpr:
		switch e.op {
		case opOr, opAnd:
			l, err := s.cond(e.l)
			if err != nil || l == (e.op == opOr) {
				return l, err
			}
			return s.cond(e.r)
		case opAdd, opSub, opMul, opDiv, opMod:
			_, err := s.evalBinary(e)
			return false, err
		}
		v, err := s.evalBinary(e)
		b, _ := v.(bool)
		return b, err
	}
	return false, nil
}

func (s *state) evalBinary(e *binExpr) (any, error) {
	if e.op == opOr || e.op == opAnd {
		return s.cond(e)
	}
	l, err := s.eval(e.l)
	if err != nil {
		return nil, err
	}
	r, err := s.eval(e.r)
	if err != nil {
		return nil, err
	}
	switch e.op {
	case opEq:
		return equals(l, r), nil
	case opNe:
		return !equals(l, r), nil
	case opLt, opLe, opGt, opGe:
		c, ok := compareNum(l, r)
		if !ok {
			return false, nil
		}
		switch e.op {
		case opLt:
			return c < 0, nil
		case opLe:
			return c <= 0, nil
		case opGt:
			return c > 0, nil
		}
		return c >= 0, nil
	case opAdd:
		if _, ok := toNumber(l); !ok || !isNumber(r) {
			return s.concat(e, l, r)
		}
	}
	return arith(e.op, l, r), nil
}

// concat implements + on strings: if either side is a string, Velocity 1.7
// concatenates the toString of both, a null reference giving its source
// text; otherwise the result is null.
func (s *state) concat(e *binExpr, l, r any) (any, error) {
	_, ls := l.(string)
	_, rs := r.(string)
	if !ls && !rs {
		return nil, nil
	}
	if l == nil {
		l = literalOf(e.l)
	}
	if r == nil {
		r = literalOf(e.r)
	}
	if l == nil || r == nil {
		return nil, nil
	}
	out := display(l) + display(r)
	return out, s.charge(len(out))
}

func (s *state) evalRange(e *rangeExpr) (any, error) {
	fv, err := s.eval(e.from)
	if err != nil {
		return nil, err
	}
	tv, err := s.eval(e.to)
	if err != nil {
		return nil, err
	}
	from, ok1 := toInt(fv)
	to, ok2 := toInt(tv)
	if !ok1 || !ok2 {
		return nil, nil
	}
	n := to - from
	step := int64(1)
	if n < 0 {
		n, step = -n, -1
	}
	if n >= maxRange {
		return nil, ErrTooManySteps
	}
	l := &List{Items: make([]any, 0, n+1)}
	for i := from; ; i += step {
		l.Items = append(l.Items, i)
		if i == to {
			break
		}
	}
	return l, nil
}

// literalOf is the text a null operand contributes to a concatenation: a
// reference's source text, an arithmetic expression's odd literal (see
// parser.mathLiteral), or nil.
func literalOf(e expr) any {
	switch x := e.(type) {
	case *refNode:
		return x.raw
	case *binExpr:
		if x.op >= opAdd {
			return x.lit
		}
	}
	return nil
}
