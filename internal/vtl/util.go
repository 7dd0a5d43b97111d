package vtl

import (
	"encoding/base64"
	"fmt"
	"strings"
	"unicode/utf16"
)

// Util is API Gateway's $util. It has no state; the zero value is ready.
type Util struct{}

// NewUtil returns $util.
func NewUtil() Util { return Util{} }

// Property implements Object; $util has no properties.
func (Util) Property(string) (any, bool) { return nil, false }

// Method implements $util.escapeJavaScript, parseJson, urlEncode, urlDecode,
// base64Encode and base64Decode. Strings are UTF-8. A null argument gives
// null, which an API Gateway template prints as "" (so
// $util.urlEncode($input.path('$.missing')) is empty, not an error).
func (Util) Method(name string, args []any) (any, error) {
	if len(args) != 1 {
		return nil, ErrNoMethod
	}
	if args[0] == nil {
		switch name {
		case "escapeJavaScript", "parseJson", "urlEncode", "urlDecode", "base64Encode", "base64Decode":
			return nil, nil
		}
		return nil, ErrNoMethod
	}
	s := display(args[0])
	switch name {
	case "escapeJavaScript":
		return escapeJavaScript(s), nil
	case "parseJson":
		v, err := DecodeJSON([]byte(s))
		if err != nil {
			return nil, fmt.Errorf("$util.parseJson: %w", err)
		}
		return v, nil
	case "urlEncode":
		return urlEncode(s), nil
	case "urlDecode":
		return urlDecode(s)
	case "base64Encode":
		return base64.StdEncoding.EncodeToString([]byte(s)), nil
	case "base64Decode":
		b, err := base64.StdEncoding.DecodeString(s)
		if err != nil {
			return nil, fmt.Errorf("$util.base64Decode: %w", err)
		}
		return string(b), nil
	}
	return nil, ErrNoMethod
}

// escapeJavaScript escapes as Apache Commons Lang 2's
// StringEscapeUtils.escapeJavaScript: backslash escapes for quotes
// (including '), backslash, slash and control characters, and \uXXXX for
// other characters below 32 and all characters above 127 (UTF-16 units).
func escapeJavaScript(s string) string {
	var b strings.Builder
	const hex = "0123456789ABCDEF"
	for _, r := range s {
		switch r {
		case '\'', '"', '\\', '/':
			b.WriteByte('\\')
			b.WriteRune(r)
			continue
		case '\b':
			b.WriteString(`\b`)
			continue
		case '\n':
			b.WriteString(`\n`)
			continue
		case '\t':
			b.WriteString(`\t`)
			continue
		case '\f':
			b.WriteString(`\f`)
			continue
		case '\r':
			b.WriteString(`\r`)
			continue
		}
		if r >= 32 && r <= 127 {
			b.WriteRune(r)
			continue
		}
		units := []uint16{uint16(r)}
		if r > 0xffff {
			r1, r2 := utf16.EncodeRune(r)
			units = []uint16{uint16(r1), uint16(r2)}
		}
		for _, u := range units {
			b.WriteString(`\u`)
			for shift := 12; shift >= 0; shift -= 4 {
				b.WriteByte(hex[u>>shift&0xf])
			}
		}
	}
	return b.String()
}

// urlEncode is Java's URLEncoder.encode(s, "UTF-8"): letters, digits and
// ".-*_" stay, space becomes '+', everything else is %XX.
func urlEncode(s string) string {
	const hex = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9',
			c == '.', c == '-', c == '*', c == '_':
			b.WriteByte(c)
		case c == ' ':
			b.WriteByte('+')
		default:
			b.WriteByte('%')
			b.WriteByte(hex[c>>4])
			b.WriteByte(hex[c&0xf])
		}
	}
	return b.String()
}

// urlDecode is Java's URLDecoder.decode(s, "UTF-8"): '+' is a space and
// %XX a byte; a malformed escape is an error.
func urlDecode(s string) (string, error) {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '+':
			b.WriteByte(' ')
		case '%':
			if i+2 >= len(s) || unhex(s[i+1]) < 0 || unhex(s[i+2]) < 0 {
				return "", fmt.Errorf("$util.urlDecode: malformed escape at %d", i)
			}
			b.WriteByte(byte(unhex(s[i+1])<<4 | unhex(s[i+2])))
			i += 2
		default:
			b.WriteByte(c)
		}
	}
	return b.String(), nil
}

func unhex(c byte) int {
	switch {
	case c >= '0' && c <= '9':
		return int(c - '0')
	case c >= 'a' && c <= 'f':
		return int(c-'a') + 10
	case c >= 'A' && c <= 'F':
		return int(c-'A') + 10
	}
	return -1
}

var _ Object = Util{}
