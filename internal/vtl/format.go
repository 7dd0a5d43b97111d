package vtl

import (
	"bytes"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// display renders v as Velocity prints it: Java's toString of the value.
func display(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case nil:
		return "null"
	}
	return displayLimit(v, MaxOutput)
}

// displayLimit is display, stopping after about limit bytes.
func displayLimit(v any, limit int) string {
	if s, ok := v.(string); ok {
		return s
	}
	var b strings.Builder
	writeDisplay(&b, v, limit)
	return b.String()
}

// maxValueDepth bounds recursion over nested values, which templates can
// make cyclic ($l.add($l)).
const maxValueDepth = 100

// writeDisplay appends Java's toString of v to b. It stops early past
// maxValueDepth or MaxOutput bytes; the caller's output limit then fails.
func writeDisplay(b *strings.Builder, v any, limit int) {
	writeDisplayN(b, v, limit, 0)
}

func writeDisplayN(b *strings.Builder, v any, limit, depth int) {
	if depth > maxValueDepth || b.Len() > limit {
		b.WriteString("...")
		return
	}
	switch x := v.(type) {
	case nil:
		b.WriteString("null")
	case string:
		b.WriteString(x)
	case bool:
		b.WriteString(strconv.FormatBool(x))
	case int64:
		b.WriteString(strconv.FormatInt(x, 10))
	case int:
		b.WriteString(strconv.Itoa(x))
	case float64:
		var tmp [32]byte
		b.Write(appendJavaDouble(tmp[:0], x))
	case *List:
		if x.json {
			writeJSON(b, x, depth)
			return
		}
		writeDisplayList(b, x.Items, limit, depth)
	case []any:
		writeDisplayList(b, x, limit, depth)
	case *Map:
		b.WriteByte('{')
		for i, k := range x.keys {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(k)
			b.WriteByte('=')
			writeDisplayN(b, x.vals[i], limit, depth+1)
		}
		b.WriteByte('}')
	case map[string]any, map[string]string:
		m := mapView(x)
		b.WriteByte('{')
		for i, k := range m.keys() {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(k)
			b.WriteByte('=')
			val, _ := m.get(k)
			writeDisplayN(b, val, limit, depth+1)
		}
		b.WriteByte('}')
	case []string:
		l, _ := asList(x)
		writeDisplayList(b, l, limit, depth)
	case entry:
		b.WriteString(x.key)
		b.WriteByte('=')
		writeDisplayN(b, x.val, limit, depth+1)
	case fmt.Stringer:
		b.WriteString(x.String())
	default:
		fmt.Fprint(b, x)
	}
}

func writeDisplayList(b *strings.Builder, items []any, limit, depth int) {
	b.WriteByte('[')
	for i, it := range items {
		if i > 0 {
			b.WriteString(", ")
		}
		writeDisplayN(b, it, limit, depth+1)
	}
	b.WriteByte(']')
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// javaDouble formats f as Java's Double.toString does: plain decimal with at
// least one fractional digit for 1e-3 <= |f| < 1e7, otherwise computerized
// scientific notation such as 1.0E10 or 1.5E-4. Digits are the shortest
// that round-trip (as JDK 19+; older JDKs rarely print one digit more).
func javaDouble(f float64) string {
	return string(appendJavaDouble(nil, f))
}

func appendJavaDouble(dst []byte, f float64) []byte {
	switch {
	case math.IsNaN(f):
		return append(dst, "NaN"...)
	case math.IsInf(f, 1):
		return append(dst, "Infinity"...)
	case math.IsInf(f, -1):
		return append(dst, "-Infinity"...)
	case f == 0:
		if math.Signbit(f) {
			return append(dst, "-0.0"...)
		}
		return append(dst, "0.0"...)
	}
	if abs := math.Abs(f); abs >= 1e-3 && abs < 1e7 {
		start := len(dst)
		dst = strconv.AppendFloat(dst, f, 'f', -1, 64)
		if !bytes.ContainsRune(dst[start:], '.') {
			dst = append(dst, ".0"...)
		}
		return dst
	}
	var tmp [32]byte
	e := strconv.AppendFloat(tmp[:0], f, 'e', -1, 64) // -d.ddde±xx
	mant, exp, _ := bytes.Cut(e, []byte("e"))
	dst = append(dst, mant...)
	if !bytes.ContainsRune(mant, '.') {
		dst = append(dst, ".0"...)
	}
	dst = append(dst, 'E')
	if exp[0] == '-' {
		dst = append(dst, '-')
	}
	exp = bytes.TrimLeft(exp[1:], "0")
	return append(dst, exp...)
}

// toJSON encodes v as JSON, keeping Map order. Numbers use Java's
// formatting, as API Gateway's JSON library does.
func toJSON(v any) string {
	var b strings.Builder
	writeJSON(&b, v, 0)
	return b.String()
}

func writeJSON(b *strings.Builder, v any, depth int) {
	if depth > maxValueDepth || b.Len() > MaxOutput {
		b.WriteString("null")
		return
	}
	switch x := v.(type) {
	case nil:
		b.WriteString("null")
	case string:
		writeJSONString(b, x)
	case bool, int64, int, float64:
		writeDisplayN(b, x, MaxOutput, depth)
	case *List:
		writeJSONList(b, x.Items, depth)
	case []any:
		writeJSONList(b, x, depth)
	case *Map:
		b.WriteByte('{')
		for i, k := range x.keys {
			if i > 0 {
				b.WriteByte(',')
			}
			writeJSONString(b, k)
			b.WriteByte(':')
			writeJSON(b, x.vals[i], depth+1)
		}
		b.WriteByte('}')
	case map[string]any, map[string]string:
		m := mapView(x)
		b.WriteByte('{')
		for i, k := range m.keys() {
			if i > 0 {
				b.WriteByte(',')
			}
			writeJSONString(b, k)
			b.WriteByte(':')
			val, _ := m.get(k)
			writeJSON(b, val, depth+1)
		}
		b.WriteByte('}')
	case []string:
		l, _ := asList(x)
		writeJSONList(b, l, depth)
	default:
		writeJSONString(b, display(x))
	}
}

func writeJSONList(b *strings.Builder, items []any, depth int) {
	b.WriteByte('[')
	for i, it := range items {
		if i > 0 {
			b.WriteByte(',')
		}
		writeJSON(b, it, depth+1)
	}
	b.WriteByte(']')
}

const hexDigits = "0123456789abcdef"

func writeJSONString(b *strings.Builder, s string) {
	b.WriteByte('"')
	for i := 0; i < len(s); {
		c := s[i]
		if c >= utf8.RuneSelf {
			_, n := utf8.DecodeRuneInString(s[i:])
			b.WriteString(s[i : i+n])
			i += n
			continue
		}
		switch c {
		case '"':
			b.WriteString(`\"`)
		case '\\':
			b.WriteString(`\\`)
		case '\n':
			b.WriteString(`\n`)
		case '\r':
			b.WriteString(`\r`)
		case '\t':
			b.WriteString(`\t`)
		case '\b':
			b.WriteString(`\b`)
		case '\f':
			b.WriteString(`\f`)
		default:
			if c < 0x20 {
				b.WriteString(`\u00`)
				b.WriteByte(hexDigits[c>>4])
				b.WriteByte(hexDigits[c&0xf])
			} else {
				b.WriteByte(c)
			}
		}
		i++
	}
	b.WriteByte('"')
}
