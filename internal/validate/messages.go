package validate

import (
	"strconv"
	"strings"
	"unicode/utf8"
)

// The messages below follow the wording of the fge json-schema-validator
// (Java), which is what AWS shows in $context.error.validationErrorString
// (docs/aws-behaviour.md#validation-error-string): for example
// `object has missing required properties (["email"])`. Values quoted from the
// request are cut at maxQuoted runes so that a hostile body cannot make the
// error string as large as itself.

// maxQuoted bounds how much of a request value a message repeats.
const maxQuoted = 256

// typeSet is a set of JSON Schema primitive types, one bit each, in the
// alphabetical order fge prints them.
type typeSet uint8

const (
	tArray typeSet = 1 << iota
	tBoolean
	tInteger
	tNull
	tNumber
	tObject
	tString
)

// typeNames are the names of the typeSet bits, in bit order.
func typeNames() [7]string {
	return [7]string{"array", "boolean", "integer", "null", "number", "object", "string"}
}

func typeBit(name string) typeSet {
	for i, n := range typeNames() {
		if n == name {
			return 1 << i
		}
	}
	return 0
}

// allows reports whether the set admits an instance of type t; "number"
// admits integers.
func (ts typeSet) allows(t typeSet) bool {
	return ts&t != 0 || (t == tInteger && ts&tNumber != 0)
}

// name is the name of a single-type set.
func (ts typeSet) name() string {
	for i, n := range typeNames() {
		if ts&(1<<i) != 0 {
			return n
		}
	}
	return "unknown"
}

// json prints the set as a JSON array of names: ["integer","string"].
func (ts typeSet) json() string {
	var b []byte
	b = append(b, '[')
	for i, n := range typeNames() {
		if ts&(1<<i) == 0 {
			continue
		}
		if len(b) > 1 {
			b = append(b, ',')
		}
		b = strconv.AppendQuote(b, n)
	}
	return string(append(b, ']'))
}

// typeOf is the fge type name of a parsed value. Like Jackson, only a number
// literal without fraction or exponent is an integer: 1.0 is a "number".
func typeOf(v any) typeSet {
	switch v := v.(type) {
	case nil:
		return tNull
	case bool:
		return tBoolean
	case string:
		return tString
	case number:
		if isIntegerLiteral(string(v)) {
			return tInteger
		}
		return tNumber
	case *object:
		return tObject
	case []any:
		return tArray
	}
	return 0
}

func isIntegerLiteral(s string) bool {
	return !strings.ContainsAny(s, ".eE")
}

func msgType(got, allowed typeSet) string {
	return "instance type (" + got.name() + ") does not match any allowed primitive type (allowed: " + allowed.json() + ")"
}

func msgEnum(v any, possible string) string {
	return "instance value (" + quoted(v) + ") not found in enum (possible values: " + possible + ")"
}

func msgRequired(missing []string) string {
	return "object has missing required properties (" + stringsJSON(missing) + ")"
}

func msgAdditional(extra []string) string {
	return "object instance has properties which are not allowed by the schema: " + stringsJSON(extra)
}

func msgDependency(prop string, requires, missing []string) string {
	return "property " + strconv.Quote(prop) + " of object has missing property dependencies (schema requires " +
		stringsJSON(requires) + "; missing: " + stringsJSON(missing) + ")"
}

func msgMinLength(s string, n, min int) string {
	return "string " + clipQuote(s) + " is too short (length: " + strconv.Itoa(n) + ", required minimum: " + strconv.Itoa(min) + ")"
}

func msgMaxLength(s string, n, max int) string {
	return "string " + clipQuote(s) + " is too long (length: " + strconv.Itoa(n) + ", maximum allowed: " + strconv.Itoa(max) + ")"
}

func msgPattern(re, s string) string {
	return "ECMA 262 regex " + strconv.Quote(re) + " does not match input string " + clipQuote(s)
}

func msgMinimum(b *bound, found number) string {
	if b.exclusive {
		return "numeric instance is not strictly greater than the required minimum " + b.text
	}
	return "numeric instance is lower than the required minimum (minimum: " + b.text + ", found: " + clip(string(found)) + ")"
}

func msgMaximum(b *bound, found number) string {
	if b.exclusive {
		return "numeric instance is not strictly lower than the required maximum " + b.text
	}
	return "numeric instance is greater than the required maximum (maximum: " + b.text + ", found: " + clip(string(found)) + ")"
}

func msgMultipleOf(v number, b *bound) string {
	return "remainder of division is not zero (" + clip(string(v)) + " / " + b.text + ")"
}

func msgMinItems(min, n int) string {
	return "array is too short: must have at least " + strconv.Itoa(min) + " elements but instance has " + strconv.Itoa(n) + " elements"
}

func msgMaxItems(max, n int) string {
	return "array is too long: must have at most " + strconv.Itoa(max) + " elements but instance has " + strconv.Itoa(n) + " elements"
}

func msgAdditionalItems(allowed, n int) string {
	return "schema only allows " + strconv.Itoa(allowed) + " elements in array but instance has " + strconv.Itoa(n) + " elements"
}

func msgUnique() string { return "array must not contain duplicate elements" }

func msgMinProperties(n, min int) string {
	return "object has too few properties (found " + strconv.Itoa(n) + " but schema requires at least " + strconv.Itoa(min) + ")"
}

func msgMaxProperties(n, max int) string {
	return "object has too many properties (found " + strconv.Itoa(n) + " but schema requires at most " + strconv.Itoa(max) + ")"
}

func msgAllOf(matched, total int) string {
	return "instance failed to match all required schemas (matched only " + strconv.Itoa(matched) + " out of " + strconv.Itoa(total) + ")"
}

func msgAnyOf(total int) string {
	return "instance failed to match at least one required schema among " + strconv.Itoa(total)
}

func msgOneOf(matched, total int) string {
	return "instance failed to match exactly one schema (matched " + strconv.Itoa(matched) + " out of " + strconv.Itoa(total) + ")"
}

func msgNot() string { return "instance matched a schema which it should not have" }

// msgLoop mirrors fge's "validation loop" error for a schema that reaches
// itself again without moving into the instance (A: {allOf: [{$ref: A}]}).
func msgLoop(loc string) string {
	return "validation loop: schema " + strconv.Quote(loc) + " visited twice for the same instance"
}

// msgTooComplex is Portico's own message (fge has none) for a body whose
// validation exceeded the step budget; see checker.
func msgTooComplex() string { return "validation exceeded the complexity limit" }

// quoted prints a request value as compact JSON, clipped. The printer stops
// early, so a huge value costs no more than the clip.
func quoted(v any) string {
	b := appendJSONMax(nil, v, 4*maxQuoted)
	if utf8.RuneCount(b) > maxQuoted || len(b) >= 4*maxQuoted {
		return clip(string(b))
	}
	return string(b)
}

// clipQuote prints s between double quotes, raw as fge does, clipped.
func clipQuote(s string) string { return `"` + clip(s) + `"` }

func clip(s string) string {
	if len(s) <= maxQuoted {
		return s
	}
	n := 0
	for i := range s {
		if n == maxQuoted {
			return s[:i] + "..."
		}
		n++
	}
	return s
}

func stringsJSON(ss []string) string {
	b := []byte{'['}
	for i, s := range ss {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendString(b, s)
	}
	return string(append(b, ']'))
}

// appendJSON prints a parsed value as compact JSON, the way Jackson's
// JsonNode.toString does.
func appendJSON(b []byte, v any) []byte { return appendJSONMax(b, v, 0) }

// appendJSONMax is appendJSON that stops once b holds max bytes (0: no
// limit); the output is then truncated JSON, only fit for a clipped message.
func appendJSONMax(b []byte, v any, max int) []byte {
	if max > 0 && len(b) >= max {
		return b
	}
	switch v := v.(type) {
	case nil:
		return append(b, "null"...)
	case bool:
		return strconv.AppendBool(b, v)
	case number:
		return append(b, v...)
	case string:
		if max > 0 && len(v) > max {
			cut := max
			for cut > 0 && !utf8.RuneStart(v[cut]) {
				cut--
			}
			v = v[:cut]
		}
		return appendString(b, v)
	case []any:
		b = append(b, '[')
		for i, e := range v {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendJSONMax(b, e, max)
		}
		return append(b, ']')
	case *object:
		b = append(b, '{')
		for i, k := range v.keys {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendString(b, k)
			b = append(b, ':')
			b = appendJSONMax(b, v.vals[i], max)
		}
		return append(b, '}')
	}
	return b
}

// appendString quotes s as JSON: only '"', '\\' and control characters are
// escaped, as Jackson does.
func appendString(b []byte, s string) []byte {
	const hex = "0123456789abcdef"
	b = append(b, '"')
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '"' || c == '\\':
			b = append(b, '\\', c)
		case c == '\n':
			b = append(b, '\\', 'n')
		case c == '\r':
			b = append(b, '\\', 'r')
		case c == '\t':
			b = append(b, '\\', 't')
		case c < 0x20:
			b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
		default:
			b = append(b, c)
		}
	}
	return append(b, '"')
}
