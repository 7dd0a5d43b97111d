package vtl

import "math"

// Numbers: Velocity 1.7 arithmetic with Java integer and double semantics.

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
