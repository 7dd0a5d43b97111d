package vtl

import (
	"errors"
	"fmt"
	"strconv"

	"github.com/portico-gw/portico/internal/jsontok"
)

// maxJSONDepth bounds the nesting of decoded JSON.
const maxJSONDepth = 200

// DecodeJSON decodes JSON into template values: objects become *Map (in
// document order), arrays *List, integral numbers int64 (float64 when out of
// range), other numbers float64. Arrays print as JSON, as the arrays that
// API Gateway's $input.path returns do.
func DecodeJSON(data []byte) (any, error) {
	return decodeJSON(data, true)
}

// jsonOptions: numbers are whatever strconv makes of a run of number
// characters (so 007 is 7), and invalid UTF-8 in strings becomes U+FFFD.
var jsonOptions = jsontok.Options{LaxNumbers: true, ReplaceInvalidUTF8: true}

func decodeJSON(data []byte, jsonLists bool) (any, error) {
	d := &jsonDecoder{jsonLists: jsonLists}
	d.tok.Reset(data, jsonOptions)
	v, err := d.value(d.tok.Next(), 0)
	if err != nil {
		return nil, err
	}
	if d.tok.Next() != jsontok.End {
		return nil, d.syntaxError()
	}
	return v, nil
}

// jsonDecoder builds template values from the tokens of a JSON text.
type jsonDecoder struct {
	tok       jsontok.Tokenizer
	jsonLists bool
}

func (d *jsonDecoder) errorf(off int, format string, args ...any) error {
	return fmt.Errorf("invalid JSON at offset %d: %s", off, fmt.Sprintf(format, args...))
}

// syntaxError words the tokenizer's error.
func (d *jsonDecoder) syntaxError() error {
	var e *jsontok.SyntaxError
	if !errors.As(d.tok.Err(), &e) {
		return d.errorf(d.tok.Offset(), "syntax error")
	}
	msg := e.Message()
	switch e.Code {
	case jsontok.EndOfInput, jsontok.UnterminatedEscape:
		msg = "unexpected end"
	case jsontok.UnexpectedChar, jsontok.BadLiteral:
		msg = "unexpected " + strconv.QuoteRune(rune(e.Char))
	case jsontok.ExpectedKey:
		msg = "expected a key"
	case jsontok.EndInObject:
		msg = "expected ',' or '}'"
	case jsontok.EndInArray:
		msg = "expected ',' or ']'"
	case jsontok.ControlChar:
		msg = "control character in string"
	case jsontok.BadUnicodeEscape:
		msg = `bad \u escape`
	case jsontok.BadEscape:
		msg = `bad escape \` + string(rune(e.Char))
	case jsontok.TrailingData:
		msg = "data after the top-level value"
	}
	return d.errorf(e.Offset, "%s", msg)
}

// value builds the value that starts with the token k, inside depth arrays
// and objects. Too deep a value is an error even if it is malformed.
func (d *jsonDecoder) value(k jsontok.Kind, depth int) (any, error) {
	if depth > maxJSONDepth {
		return nil, d.errorf(d.tok.Start(), "nested deeper than %d", maxJSONDepth)
	}
	switch k {
	case jsontok.BeginObject:
		return d.object(depth)
	case jsontok.BeginArray:
		return d.array(depth)
	case jsontok.String:
		return string(d.tok.Bytes()), nil
	case jsontok.Number:
		return d.number()
	case jsontok.True:
		return true, nil
	case jsontok.False:
		return false, nil
	case jsontok.Null:
		return nil, nil
	}
	return nil, d.syntaxError()
}

func (d *jsonDecoder) object(depth int) (any, error) {
	m := NewMap(8)
	for {
		switch d.tok.Next() {
		case jsontok.Key:
			k := d.tok.Name()
			v, err := d.value(d.tok.Next(), depth+1)
			if err != nil {
				return nil, err
			}
			m.Set(k, v)
		case jsontok.EndObject:
			return m, nil
		default:
			return nil, d.syntaxError()
		}
	}
}

func (d *jsonDecoder) array(depth int) (any, error) {
	l := &List{Items: []any{}, json: d.jsonLists}
	for {
		k := d.tok.Next()
		if k == jsontok.EndArray {
			return l, nil
		}
		v, err := d.value(k, depth+1)
		if err != nil {
			return nil, err
		}
		l.Items = append(l.Items, v)
	}
}

// number converts a number literal: int64 if it is integral and fits,
// else float64.
func (d *jsonDecoder) number() (any, error) {
	lit := d.tok.Bytes()
	isFloat := false
	for _, c := range lit {
		if c == '.' || c == 'e' || c == 'E' {
			isFloat = true
			break
		}
	}
	s := string(lit)
	if !isFloat {
		if i, err := strconv.ParseInt(s, 10, 64); err == nil {
			return i, nil
		}
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return nil, d.errorf(d.tok.Offset(), "bad number %q", s)
	}
	return f, nil
}
