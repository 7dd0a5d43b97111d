package vtl

import (
	"math"
)

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

// number is a Velocity number: an integer (int64) or a double (float64).
type number struct {
	i       int64
	f       float64
	isFloat bool
}

func (n number) float() float64 {
	if n.isFloat {
		return n.f
	}
	return float64(n.i)
}

func toNumber(v any) (number, bool) {
	switch x := v.(type) {
	case int64:
		return number{i: x}, true
	case int:
		return number{i: int64(x)}, true
	case int32:
		return number{i: int64(x)}, true
	case float64:
		return number{f: x, isFloat: true}, true
	case float32:
		return number{f: float64(x), isFloat: true}, true
	}
	return number{}, false
}

func isNumber(v any) bool {
	_, ok := toNumber(v)
	return ok
}

// toInt converts an integral number to int64.
func toInt(v any) (int64, bool) {
	n, ok := toNumber(v)
	if !ok || n.isFloat {
		return 0, false
	}
	return n.i, true
}

// arith applies an arithmetic operator with Java semantics: integer
// arithmetic when both sides are integers, double otherwise; null when a
// side is not a number or on division by zero.
func arith(op binOp, l, r any) any {
	a, ok1 := toNumber(l)
	b, ok2 := toNumber(r)
	if !ok1 || !ok2 {
		return nil
	}
	if (op == opDiv || op == opMod) && b.float() == 0 {
		return nil
	}
	if !a.isFloat && !b.isFloat {
		switch op {
		case opAdd:
			return a.i + b.i
		case opSub:
			return a.i - b.i
		case opMul:
			return a.i * b.i
		case opDiv:
			return a.i / b.i
		case opMod:
			return a.i % b.i
		}
	}
	x, y := a.float(), b.float()
	switch op {
	case opAdd:
		return x + y
	case opSub:
		return x - y
	case opMul:
		return x * y
	case opDiv:
		return x / y
	case opMod:
		return math.Mod(x, y)
	}
	return nil
}

// compareNum compares two numbers; ok is false unless both are numbers.
func compareNum(l, r any) (int, bool) {
	a, ok1 := toNumber(l)
	b, ok2 := toNumber(r)
	if !ok1 || !ok2 {
		return 0, false
	}
	if !a.isFloat && !b.isFloat {
		switch {
		case a.i < b.i:
			return -1, true
		case a.i > b.i:
			return 1, true
		}
		return 0, true
	}
	x, y := a.float(), b.float()
	switch {
	case x < y:
		return -1, true
	case x > y:
		return 1, true
	}
	return 0, true
}

// kind groups values by Java class for equality: values of one kind are
// compared with equals(), others by their toString.
func kind(v any) int {
	switch v.(type) {
	case string:
		return 1
	case bool:
		return 2
	case *List, []any:
		return 3
	case *Map, map[string]any:
		return 4
	}
	if isNumber(v) {
		return 5
	}
	return 0
}

// equals implements Velocity 1.7's ==: null equals only null, numbers
// compare by value, values of one class by equals(), others by toString().
func equals(l, r any) bool {
	budget := maxCompare
	return equalsN(l, r, &budget)
}

// maxCompare bounds the elements one comparison visits; values built by a
// template can share structure exponentially or be cyclic. Past it, values
// compare unequal.
const maxCompare = 1_000_000

func equalsN(l, r any, budget *int) bool {
	if *budget--; *budget < 0 {
		return false
	}
	if _, ok := l.(absent); ok {
		return r == nil || r == "" || r == absent{}
	}
	if _, ok := r.(absent); ok {
		return l == nil || l == ""
	}
	if l == nil || r == nil {
		return l == nil && r == nil
	}
	if c, ok := compareNum(l, r); ok {
		return c == 0
	}
	kl, kr := kind(l), kind(r)
	if kl != kr || kl == 0 {
		return toStringEqual(l, r)
	}
	switch kl {
	case 3:
		a, _ := asList(l)
		b, _ := asList(r)
		if len(a) != len(b) {
			return false
		}
		for i := range a {
			if !javaEqualsN(a[i], b[i], budget) {
				return false
			}
		}
		return true
	case 4:
		return mapEqualsN(l, r, budget)
	}
	return l == r
}

// javaEquals is Java's Object.equals for elements of collections.
func javaEquals(a, b any) bool {
	budget := maxCompare
	return javaEqualsN(a, b, &budget)
}

func javaEqualsN(a, b any, budget *int) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	na, ok1 := toNumber(a)
	nb, ok2 := toNumber(b)
	if ok1 && ok2 {
		return na == nb
	}
	if kind(a) != kind(b) {
		return false
	}
	return equalsN(a, b, budget)
}

func mapEquals(l, r any) bool {
	budget := maxCompare
	return mapEqualsN(l, r, &budget)
}

func mapEqualsN(l, r any, budget *int) bool {
	a, b := mapView(l), mapView(r)
	if a.len() != b.len() {
		return false
	}
	for _, k := range a.keys() {
		va, _ := a.get(k)
		vb, ok := b.get(k)
		if !ok || !javaEqualsN(va, vb, budget) {
			return false
		}
	}
	return true
}

// literalOf is the text a null operand contributes to a concatenation: a
// reference's source text, or nil.
func literalOf(e expr) any {
	if r, ok := e.(*refNode); ok {
		return r.raw
	}
	return nil
}

// toStringEqual compares the toString of two values without printing more
// of either than the other's length needs.
func toStringEqual(l, r any) bool {
	ls, lok := l.(string)
	rs, rok := r.(string)
	switch {
	case lok && rok:
		return ls == rs
	case lok:
		return displayLimit(r, len(ls)+1) == ls
	case rok:
		return displayLimit(l, len(rs)+1) == rs
	}
	return display(l) == display(r)
}
