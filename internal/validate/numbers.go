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
	// A copy, so that lit does not escape: the streaming check (stream.go)
	// passes literals that are views of the request body.
	return new(big.Rat).SetString(strings.Clone(s))
}

// compare orders a literal against a bound: -1, 0 or +1.
func compare(lit number, b *bound) int {
	f := floatOf(lit)
	switch {
	case f < b.f:
		return -1
	case f > b.f:
		return 1
	}
	if b.short && len(lit) <= 15 && !strings.ContainsAny(string(lit), "eE") {
		// Distinct decimals of at most 15 digits are distinct float64s.
		return 0
	}
	if r, ok := exact(lit); ok {
		return r.Cmp(b.rat)
	}
	return 0
}

// floatOf is strconv.ParseFloat of a literal (out of range gives ±Inf or
// 0). An integer of at most 15 digits is converted directly: below 2^53
// every integer is exactly a float64, which is what ParseFloat returns.
func floatOf(lit number) float64 {
	s := string(lit)
	digits := s
	if len(digits) > 0 && digits[0] == '-' {
		digits = digits[1:]
	}
	if len(digits) == 0 || len(digits) > 15 {
		f, _ := strconv.ParseFloat(s, 64)
		return f
	}
	var n int64
	for i := 0; i < len(digits); i++ {
		c := digits[i]
		if c < '0' || c > '9' {
			f, _ := strconv.ParseFloat(s, 64)
			return f
		}
		n = n*10 + int64(c-'0')
	}
	f := float64(n)
	if len(digits) < len(s) {
		f = -f
	}
	return f
}

// decimal is a number literal in canonical form: ±0.digits × 10^exp with no
// leading or trailing zeros in digits, and digits "" for zero. Equal numbers
// have equal decimals however they were written (1, 1.0, 0.1e1), and making
// one costs nothing even for "1e999999999".
type decimal struct {
	neg    bool
	digits string
	exp    int64
}

// maxExp clamps exponents; no real schema or body gets near it.
const maxExp = 1e15

func toDecimal(lit number) decimal {
	s := string(lit)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	mant, expPart := s, ""
	if i := strings.IndexAny(s, "eE"); i >= 0 {
		mant, expPart = s[:i], s[i+1:]
	}
	intPart, frac, _ := strings.Cut(mant, ".")
	digits := intPart + frac
	exp := int64(len(intPart)) + parseExp(expPart)
	trimmed := strings.TrimLeft(digits, "0")
	exp -= int64(len(digits) - len(trimmed))
	digits = strings.TrimRight(trimmed, "0")
	if digits == "" {
		return decimal{} // -0 equals 0
	}
	return decimal{neg: neg, digits: digits, exp: exp}
}

// parseExp reads an exponent, saturating at ±maxExp.
func parseExp(s string) int64 {
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimLeft(s, "+-")
	var e int64
	for i := 0; i < len(s); i++ {
		e = e*10 + int64(s[i]-'0')
		if e > maxExp {
			e = maxExp
			break
		}
	}
	if neg {
		return -e
	}
	return e
}

// maxMantissa bounds the digits multipleOf turns into a big.Int; longer
// literals are checked in float64.
const maxMantissa = 1000

// multipleOf reports whether lit is an integer multiple of b, exactly: with
// lit = M×10^e and b = P/Q, lit/b = M×Q×10^e/P, and 10^e mod P is a modular
// exponentiation, so a huge exponent costs a few multiplications.
func multipleOf(lit number, b *bound) bool {
	d := toDecimal(lit)
	if d.digits == "" {
		return true
	}
	p := new(big.Int).Abs(b.rat.Num())
	if len(d.digits) > maxMantissa || p.Sign() == 0 {
		f, _ := strconv.ParseFloat(string(lit), 64)
		q := f / b.f
		return !math.IsInf(q, 0) && q == math.Trunc(q)
	}
	n, _ := new(big.Int).SetString(d.digits, 10)
	n.Mul(n, b.rat.Denom())
	e := d.exp - int64(len(d.digits))
	if e >= 0 {
		t := new(big.Int).Exp(big.NewInt(10), big.NewInt(e), p)
		return n.Mul(n, t).Mod(n, p).Sign() == 0
	}
	k := -e
	if k > int64(len(n.String())) {
		return false // 10^k alone exceeds M×Q
	}
	den := new(big.Int).Exp(big.NewInt(10), big.NewInt(k), nil)
	return n.Mod(n, den.Mul(den, p)).Sign() == 0
}

// equalNumbers compares two literals numerically, as fge does (1 equals 1.0).
func equalNumbers(a, b number) bool { return a == b || toDecimal(a) == toDecimal(b) }

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
		d := toDecimal(v)
		b = append(b, 'n')
		if d.neg {
			b = append(b, '-')
		}
		b = append(b, d.digits...)
		b = append(b, 'e')
		return strconv.AppendInt(b, d.exp, 10)
	case []any:
		b = append(b, '[')
		for _, e := range v {
			b = canonical(b, e)
			b = append(b, ',')
		}
		return append(b, ']')
	case *object:
		b = append(b, '{')
		for _, i := range sortedIndex(nil, v.keys) {
			b = appendString(b, v.keys[i])
			b = canonical(b, v.vals[i])
			b = append(b, ',')
		}
		return append(b, '}')
	}
	return appendJSON(b, v)
}
