package validate

import (
	"math"
	"math/big"
	"strconv"
	"strings"
)

// Numbers arrive as literals. Comparisons use float64 first and fall back to
// exact big.Rat arithmetic only for literals that are cheap to make exact:
// "1e999999999" would otherwise make math/big build a gigantic integer.

const (
	maxExactLen = 64  // longest literal converted to big.Rat
	maxExactExp = 400 // largest exponent magnitude converted to big.Rat
)

// exact converts a literal to a big.Rat when that is cheap.
func exact(lit number) (*big.Rat, bool) {
	s := string(lit)
	if len(s) > maxExactLen {
		return nil, false
	}
	if i := strings.IndexAny(s, "eE"); i >= 0 {
		e, err := strconv.Atoi(strings.TrimPrefix(s[i+1:], "+"))
		if err != nil || e > maxExactExp || e < -maxExactExp {
			return nil, false
		}
	}
	return new(big.Rat).SetString(s)
}

// compare orders a literal against a bound: -1, 0 or +1.
func compare(lit number, b *bound) int {
	f, _ := strconv.ParseFloat(string(lit), 64) // out of range gives ±Inf or 0
	switch {
	case f < b.f:
		return -1
	case f > b.f:
		return 1
	}
	if r, ok := exact(lit); ok {
		return r.Cmp(b.rat)
	}
	return 0
}

// multipleOf reports whether lit is an integer multiple of b.
func multipleOf(lit number, b *bound) bool {
	if isIntegerLiteral(string(lit)) && b.rat.IsInt() && b.rat.Num().IsInt64() {
		if i, err := strconv.ParseInt(string(lit), 10, 64); err == nil {
			d := b.rat.Num().Int64()
			return d != 0 && i%d == 0
		}
	}
	if r, ok := exact(lit); ok {
		return new(big.Rat).Quo(r, b.rat).IsInt()
	}
	f, _ := strconv.ParseFloat(string(lit), 64)
	if math.IsInf(f, 0) {
		return false
	}
	q := f / b.f
	return q == math.Trunc(q)
}

// equalNumbers compares two literals numerically, as fge does (1 equals 1.0).
func equalNumbers(a, b number) bool {
	if a == b {
		return true
	}
	ra, oka := exact(a)
	rb, okb := exact(b)
	if oka && okb {
		return ra.Cmp(rb) == 0
	}
	fa, _ := strconv.ParseFloat(string(a), 64)
	fb, _ := strconv.ParseFloat(string(b), 64)
	return fa == fb
}

// equal is JSON equality with numeric comparison of numbers.
func equal(a, b any) bool {
	switch a := a.(type) {
	case nil:
		return b == nil
	case bool:
		bb, ok := b.(bool)
		return ok && a == bb
	case string:
		bs, ok := b.(string)
		return ok && a == bs
	case number:
		bn, ok := b.(number)
		return ok && equalNumbers(a, bn)
	case []any:
		ba, ok := b.([]any)
		if !ok || len(a) != len(ba) {
			return false
		}
		for i := range a {
			if !equal(a[i], ba[i]) {
				return false
			}
		}
		return true
	case *object:
		bo, ok := b.(*object)
		if !ok || len(a.keys) != len(bo.keys) {
			return false
		}
		for i, k := range a.keys {
			w, ok := bo.get(k)
			if !ok || !equal(a.vals[i], w) {
				return false
			}
		}
		return true
	}
	return false
}

// canonical appends a key that is equal for equal values: numbers in exact
// (or float) form and object members in name order. uniqueItems hashes it.
func canonical(b []byte, v any) []byte {
	switch v := v.(type) {
	case number:
		b = append(b, 'n')
		if r, ok := exact(v); ok {
			return append(b, r.RatString()...)
		}
		f, _ := strconv.ParseFloat(string(v), 64)
		return strconv.AppendFloat(b, f, 'g', -1, 64)
	case []any:
		b = append(b, '[')
		for _, e := range v {
			b = canonical(b, e)
			b = append(b, ',')
		}
		return append(b, ']')
	case *object:
		b = append(b, '{')
		for _, i := range sortedIndex(v.keys) {
			b = appendString(b, v.keys[i])
			b = canonical(b, v.vals[i])
			b = append(b, ',')
		}
		return append(b, '}')
	}
	return appendJSON(b, v)
}
