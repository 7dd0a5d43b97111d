package telemetry

import (
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/portico-gw/portico/internal/contextvars"
)

// AccessLog is a compiled access-log format (a stage's
// accessLogSettings.format): literal text and $context references resolved to
// contextvars IDs once, so rendering a line is a walk over the parts with no lookups
// and no allocations. It is immutable and safe for concurrent use.
//
// Rendering follows AWS: a variable with no value renders as "-". Where AWS
// writes values verbatim, Portico by default escapes them for the format they
// sit in (see Escaping); WithEscaping(EscapeNone) restores AWS's behaviour.
type AccessLog struct {
	format string
	parts  []part
}

// part is one literal run (id == 0) or one variable reference.
type part struct {
	lit string
	id  contextvars.ID
	key string
	esc escapeMode
}

// Escaping selects how variable values are escaped when a line renders.
type Escaping uint8

const (
	// EscapeAuto, the default, escapes values for the shape of the format,
	// decided by its first non-blank character:
	//   - '{' (JSON): values inside a JSON string literal get JSON string
	//     escaping (quotes, backslashes, control characters), so a
	//     hostile User-Agent or authorizer value cannot break the record;
	//     $context.error.messageString outside a string has the text
	//     between its quotes escaped; other values outside strings (e.g.
	//     "status": $context.status) are written as they are;
	//   - '<' (XML): values get XML escaping (& < > " ') and control
	//     characters become character references or U+FFFD;
	//   - anything else (CLF, CSV, free text): control characters are
	//     written as \xNN, so one request stays one line.
	EscapeAuto Escaping = iota
	// EscapeNone writes values exactly as they are, as AWS does.
	EscapeNone
)

// AccessLogOption adjusts how CompileAccessLog compiles a format.
type AccessLogOption func(*accessLogOptions)

type accessLogOptions struct {
	escaping Escaping
}

// WithEscaping selects the escaping of rendered values (EscapeAuto when not
// given).
func WithEscaping(e Escaping) AccessLogOption {
	return func(o *accessLogOptions) { o.escaping = e }
}

// FormatError reports a problem in an access-log format. Column counts
// characters from 1; it is 0 for problems of the format as a whole.
type FormatError struct {
	Column int
	Msg    string
}

func (e *FormatError) Error() string {
	if e.Column == 0 {
		return "access log format: " + e.Msg
	}
	return fmt.Sprintf("access log format: column %d: %s", e.Column, e.Msg)
}

// CompileAccessLog compiles an access-log format. It reports, joined, every
// reference to a $context name AWS does not define (names are
// case-sensitive), every other $variable (AWS allows only $context), an
// empty format, and a format with neither $context.requestId nor
// $context.extendedRequestId, which AWS requires. A '$' not followed by a
// letter is literal text. A name is letters, digits, '_' and '.', and a
// trailing '.' is not part of it, so "$context.status." ends a sentence.
func CompileAccessLog(format string, opts ...AccessLogOption) (*AccessLog, error) {
	var o accessLogOptions
	for _, opt := range opts {
		opt(&o)
	}
	if strings.TrimSpace(format) == "" {
		return nil, &FormatError{Msg: "Access Log value must not be empty"}
	}
	shape := shapeOf(format, o.escaping)
	a := &AccessLog{format: format}
	var errs []error
	var lit strings.Builder
	inString := false // inside a JSON string literal of the format
	hasID := false
	for i := 0; i < len(format); {
		c := format[i]
		if c != '$' || i+1 >= len(format) || !isLetter(format[i+1]) {
			if c == '"' && !escapedQuote(format, i) {
				inString = !inString
			}
			lit.WriteByte(c)
			i++
			continue
		}
		ref, n, err := scanRef(format, i)
		i += n
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if lit.Len() > 0 {
			a.parts = append(a.parts, part{lit: lit.String()})
			lit.Reset()
		}
		ref.esc = shape.modeFor(inString)
		name := ref.id.Name()
		if ref.esc == escNone && shape == shapeJSON && name == "error.messageString" {
			// AWS meant messageString for use outside quotes
			// ("message": $context.error.messageString): escape what
			// is between its quotes.
			ref.esc = escJSONQuoted
		}
		hasID = hasID || name == "requestId" || name == "extendedRequestId"
		a.parts = append(a.parts, ref)
	}
	if lit.Len() > 0 {
		a.parts = append(a.parts, part{lit: lit.String()})
	}
	if !hasID && len(errs) == 0 {
		errs = append(errs, &FormatError{Msg: "the format must include $context.requestId or $context.extendedRequestId"})
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return a, nil
}

// scanRef reads the reference starting at format[i] == '$' and returns it
// with the number of bytes it spans.
func scanRef(format string, i int) (part, int, error) {
	col := utf8.RuneCountInString(format[:i]) + 1
	j := i + 1
	for j < len(format) && isNameByte(format[j]) {
		j++
	}
	for j > i+1 && format[j-1] == '.' {
		j--
	}
	full := format[i:j]
	name, ok := strings.CutPrefix(full, "$context.")
	if !ok {
		return part{}, j - i, &FormatError{Column: col, Msg: fmt.Sprintf("%s: only $context variables are supported", full)}
	}
	id, key, ok := contextvars.Lookup(name, contextvars.AccessLog)
	if !ok {
		return part{}, j - i, &FormatError{Column: col, Msg: fmt.Sprintf("unknown variable %s", full)}
	}
	return part{id: id, key: key}, j - i, nil
}

// Append renders one line for v onto dst and returns the extended slice. It
// adds no trailing newline (AccessLogWriter does). It allocates only when dst
// must grow.
func (a *AccessLog) Append(dst []byte, v Vars) []byte {
	for i := range a.parts {
		p := &a.parts[i]
		if p.id == 0 {
			dst = append(dst, p.lit...)
			continue
		}
		start := len(dst)
		dst = v.AppendVar(dst, p.id, p.key)
		if len(dst) == start {
			dst = append(dst, '-')
			continue
		}
		if p.esc != escNone {
			dst = escapeTail(dst, start, p.esc)
		}
	}
	return dst
}

// Format returns the format the log was compiled from.
func (a *AccessLog) Format() string { return a.format }

// Uses reports whether the format references the variable (its name after
// "$context.", a parameterised variable's prefix with the trailing dot), so
// the gateway can skip work (e.g. timing the authorizer) nobody logs.
func (a *AccessLog) Uses(name string) bool {
	for _, p := range a.parts {
		if p.id != 0 && p.id.Name() == name {
			return true
		}
	}
	return false
}

// formatShape is what EscapeAuto decides from the format's first character.
type formatShape uint8

const (
	shapeVerbatim formatShape = iota
	shapeText
	shapeJSON
	shapeXML
)

func shapeOf(format string, e Escaping) formatShape {
	if e == EscapeNone {
		return shapeVerbatim
	}
	switch t := strings.TrimLeft(format, " \t\r\n"); {
	case strings.HasPrefix(t, "{"):
		return shapeJSON
	case strings.HasPrefix(t, "<"):
		return shapeXML
	}
	return shapeText
}

func (s formatShape) modeFor(inString bool) escapeMode {
	switch s {
	case shapeJSON:
		if inString {
			return escJSON
		}
		return escNone
	case shapeXML:
		return escXML
	case shapeText:
		return escText
	}
	return escNone
}

// escapedQuote reports whether the quote at format[i] is preceded by an odd
// number of backslashes.
func escapedQuote(format string, i int) bool {
	n := 0
	for j := i - 1; j >= 0 && format[j] == '\\'; j-- {
		n++
	}
	return n%2 == 1
}

func isLetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }

func isNameByte(c byte) bool {
	return isLetter(c) || c >= '0' && c <= '9' || c == '_' || c == '.'
}
