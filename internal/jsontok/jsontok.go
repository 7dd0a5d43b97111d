// Package jsontok is the JSON tokenizer shared by the request validator
// (internal/validate) and the VTL engine (internal/vtl). It checks the JSON
// grammar, decodes strings and hands out number literals as sent; the
// callers build their own values from the tokens: the validator keeps
// number literals exact, the VTL engine makes Java-like numbers and ordered
// maps.
//
// The tokenizer does not recurse and keeps one bit per open array or object,
// so it is safe on any input; callers that recurse over the tokens bound the
// nesting themselves (see [Tokenizer.Depth]). Its cost is linear in the
// input.
package jsontok

import "strconv"

// Kind is the kind of a token.
type Kind uint8

// The token kinds. Next returns Error for a syntax error (Err says which)
// and End once after the top-level value, if only whitespace follows it.
const (
	Error Kind = iota
	End
	BeginObject
	EndObject
	BeginArray
	EndArray
	Key // a member name; the ':' after it is consumed
	String
	Number
	True
	False
	Null
)

// Options choose between the validator's strict reading and the VTL
// engine's lenient one. The zero value is strict JSON (RFC 8259).
type Options struct {
	// LaxNumbers makes a number token the longest run of digits, signs,
	// '.', 'e' and 'E' that starts with '-' or a digit, unchecked: the
	// caller parses it and decides what it accepts. Otherwise numbers
	// follow the JSON grammar.
	LaxNumbers bool
	// ReplaceInvalidUTF8 turns each invalid UTF-8 byte in a string into
	// U+FFFD. Otherwise invalid UTF-8 is a syntax error.
	ReplaceInvalidUTF8 bool
}

// states: what Next expects.
const (
	stValue      uint8 = iota // a value (at the top, after ':' or after ',' in an array)
	stFirstKey                // after '{': a member name or '}'
	stFirstElem               // after '[': a value or ']'
	stAfterValue              // after a value: ',' or the closing bracket, or the end
	stDone                    // End or Error was returned
)

// Tokenizer reads the tokens of one JSON text. The zero value is not ready:
// call Reset. A decoder embeds it by value, so that it costs no allocation.
type Tokenizer struct {
	data  []byte
	pos   int
	start int // where the current token begins
	opts  Options
	state uint8
	// depth is the number of open arrays and objects; bit i of the stack
	// (low for the first 64 levels, high beyond) is set if level i+1 is
	// an object.
	depth int
	low   uint64
	high  []uint64
	// The current string or number is data[tokA:tokB], or buf if
	// tokA < 0 (a string with escapes). Offsets, not a slice: the
	// tokenizer is written for every token, and ints need no write
	// barrier.
	tokA, tokB int
	buf        []byte // scratch for strings with escapes
	err        *SyntaxError
	// names caches member names by a hash of their bytes, so that the
	// names an array of objects repeats are allocated once.
	names [64]string
}

// Reset prepares t to read data, keeping its scratch space.
func (t *Tokenizer) Reset(data []byte, opts Options) {
	*t = Tokenizer{data: data, opts: opts, high: t.high[:0], buf: t.buf[:0]}
}

// Bytes is the current String or Key token, decoded, or the current Number
// token's literal. It is valid until the next call of Next.
func (t *Tokenizer) Bytes() []byte {
	if t.tokA < 0 {
		return t.buf
	}
	return t.data[t.tokA:t.tokB]
}

// Scratch reports whether Bytes of the current String or Key token is the
// tokenizer's scratch space (a string with escapes or replaced bytes),
// which the next such string overwrites. Otherwise Bytes is a slice of the
// input and stays valid as long as the input does.
func (t *Tokenizer) Scratch() bool { return t.tokA < 0 }

// Name is the current Key token as a string. A name equal to a recent one
// is that same string, so the names an array of objects repeats cost no
// allocation.
func (t *Tokenizer) Name() string {
	b := t.Bytes()
	h := uint32(len(b))
	for _, c := range b {
		h = h*31 + uint32(c)
	}
	h ^= h >> 16
	h *= 0x45d9f3b
	h ^= h >> 16
	// Two ways per set: the set is names[i] (the newer) and names[i+1].
	i := int(h%uint32(len(t.names)/2)) * 2
	if t.names[i] == string(b) {
		return t.names[i]
	}
	if t.names[i+1] == string(b) {
		return t.names[i+1]
	}
	s := string(b)
	t.names[i+1], t.names[i] = t.names[i], s
	return s
}

// Start is the offset of the current token's first byte.
func (t *Tokenizer) Start() int { return t.start }

// Offset is the offset just after the current token.
func (t *Tokenizer) Offset() int { return t.pos }

// Depth is the number of open arrays and objects, counting one just opened
// by the current token.
func (t *Tokenizer) Depth() int { return t.depth }

// Err is the syntax error after Next returned Error, else nil.
func (t *Tokenizer) Err() error {
	if t.err == nil {
		return nil
	}
	return t.err
}

// Next reads the next token.
func (t *Tokenizer) Next() Kind {
	t.space()
	t.start = t.pos
	switch t.state {
	case stValue:
		goto value
	case stAfterValue:
		if t.depth == 0 {
			if t.pos != len(t.data) {
				return t.fail(TrailingData)
			}
			t.state = stDone
			return End
		}
		obj := t.inObject()
		if t.pos >= len(t.data) {
			if obj {
				return t.fail(EndInObject)
			}
			return t.fail(EndInArray)
		}
		switch c := t.data[t.pos]; {
		case c == ',':
			t.pos++
			t.space()
			t.start = t.pos
			if obj {
				goto key
			}
			goto value
		case obj && c == '}':
			return t.close(EndObject)
		case !obj && c == ']':
			return t.close(EndArray)
		case obj:
			return t.fail(ExpectedCommaOrBrace)
		}
		return t.fail(ExpectedCommaOrBracket)
	case stFirstKey:
		if t.pos < len(t.data) && t.data[t.pos] == '}' {
			return t.close(EndObject)
		}
		goto key
	case stFirstElem:
		if t.pos < len(t.data) && t.data[t.pos] == ']' {
			return t.close(EndArray)
		}
		goto value
	}
	if t.err != nil {
		return Error
	}
	return End

key: // a member name and the ':' after it
	if t.pos >= len(t.data) || t.data[t.pos] != '"' {
		return t.fail(ExpectedKey)
	}
	if !t.str() {
		return Error
	}
	t.space()
	if t.pos >= len(t.data) || t.data[t.pos] != ':' {
		return t.fail(ExpectedColon)
	}
	t.pos++
	t.state = stValue
	return Key

value:
	if t.pos >= len(t.data) {
		return t.fail(EndOfInput)
	}
	t.state = stAfterValue
	switch c := t.data[t.pos]; {
	case c == '"':
		if !t.str() {
			return Error
		}
		return String
	case c == '-' || (c >= '0' && c <= '9'):
		return t.number()
	case c == '{':
		t.open(true)
		return BeginObject
	case c == '[':
		t.open(false)
		return BeginArray
	case c == 't':
		return t.literal("true", True)
	case c == 'f':
		return t.literal("false", False)
	case c == 'n':
		return t.literal("null", Null)
	}
	return t.fail(UnexpectedChar)
}

func (t *Tokenizer) literal(lit string, k Kind) Kind {
	if len(t.data)-t.pos < len(lit) || string(t.data[t.pos:t.pos+len(lit)]) != lit {
		return t.fail(BadLiteral)
	}
	t.pos += len(lit)
	return k
}

func (t *Tokenizer) open(obj bool) {
	if obj {
		if t.depth < 64 {
			t.low |= 1 << t.depth
		} else {
			i := t.depth - 64
			for len(t.high) <= i/64 {
				t.high = append(t.high, 0)
			}
			t.high[i/64] |= 1 << (i % 64)
		}
	} else if t.depth < 64 {
		t.low &^= 1 << t.depth
	} else if i := t.depth - 64; i/64 < len(t.high) {
		t.high[i/64] &^= 1 << (i % 64)
	}
	t.depth++
	t.pos++
	if obj {
		t.state = stFirstKey
	} else {
		t.state = stFirstElem
	}
}

func (t *Tokenizer) close(k Kind) Kind {
	t.pos++
	t.depth--
	t.state = stAfterValue
	return k
}

// inObject reports whether the innermost open container is an object.
func (t *Tokenizer) inObject() bool {
	i := t.depth - 1
	if i < 64 {
		return t.low&(1<<i) != 0
	}
	i -= 64
	return i/64 < len(t.high) && t.high[i/64]&(1<<(i%64)) != 0
}

func (t *Tokenizer) space() {
	i := t.pos
	for i < len(t.data) && (t.data[i] == ' ' || t.data[i] == '\n' || t.data[i] == '\t' || t.data[i] == '\r') {
		i++
	}
	t.pos = i
}

func (t *Tokenizer) number() Kind {
	start := t.pos
	if t.opts.LaxNumbers {
		for t.pos < len(t.data) {
			c := t.data[t.pos]
			if !(c >= '0' && c <= '9' || c == '-' || c == '+' || c == '.' || c == 'e' || c == 'E') {
				break
			}
			t.pos++
		}
		t.tokA, t.tokB = start, t.pos
		return Number
	}
	if t.data[t.pos] == '-' {
		t.pos++
	}
	switch {
	case t.pos < len(t.data) && t.data[t.pos] == '0':
		t.pos++
	case t.digits() == 0:
		return t.fail(BadNumber)
	}
	if t.pos < len(t.data) && t.data[t.pos] == '.' {
		t.pos++
		if t.digits() == 0 {
			return t.fail(BadFraction)
		}
	}
	if t.pos < len(t.data) && (t.data[t.pos] == 'e' || t.data[t.pos] == 'E') {
		t.pos++
		if t.pos < len(t.data) && (t.data[t.pos] == '+' || t.data[t.pos] == '-') {
			t.pos++
		}
		if t.digits() == 0 {
			return t.fail(BadExponent)
		}
	}
	t.tokA, t.tokB = start, t.pos
	return Number
}

func (t *Tokenizer) digits() int {
	n := 0
	for t.pos < len(t.data) && t.data[t.pos] >= '0' && t.data[t.pos] <= '9' {
		t.pos++
		n++
	}
	return n
}

// fail records a syntax error at t.pos.
func (t *Tokenizer) fail(c Code) Kind {
	e := &SyntaxError{Offset: t.pos, Code: c}
	if t.pos < len(t.data) {
		e.Char = t.data[t.pos]
	}
	switch c {
	case BadLiteral:
		e.Char = t.data[t.start]
	case BadEscape:
		e.Char = t.data[t.pos-1]
	}
	t.err = e
	t.state = stDone
	t.tokA, t.tokB = 0, 0
	return Error
}

// Code says what is wrong with a JSON text.
type Code uint8

// The syntax errors.
const (
	EndOfInput             Code = iota + 1 // a value is missing at the end
	UnexpectedChar                         // a value cannot start with Char
	BadLiteral                             // a word that is not true, false or null
	ExpectedKey                            // not a member name where one must be
	ExpectedColon                          // no ':' after a member name
	ExpectedCommaOrBrace                   // in an object, after a member
	ExpectedCommaOrBracket                 // in an array, after an element
	EndInObject                            // the input ends in an object, after a member
	EndInArray                             // the input ends in an array, after an element
	BadNumber                              // no digits where the integer part must be
	BadFraction                            // no digits after '.'
	BadExponent                            // no digits in the exponent
	Unterminated                           // a string without its closing quote
	ControlChar                            // an unescaped control character in a string
	InvalidUTF8                            // invalid UTF-8 in a string
	UnterminatedEscape                     // a backslash at the end of the input
	BadEscape                              // an unknown escape character (Char)
	BadUnicodeEscape                       // \u without four hex digits
	TrailingData                           // something after the top-level value
)

// SyntaxError is a JSON syntax error at a byte offset.
type SyntaxError struct {
	Offset int
	Code   Code
	// Char is the byte at Offset, 0 at the end of the input; for
	// BadLiteral the literal's first byte, for BadEscape the escape
	// character (the byte before Offset).
	Char byte
}

// Error reads "invalid JSON at offset N: " and the Message.
func (e *SyntaxError) Error() string {
	return "invalid JSON at offset " + strconv.Itoa(e.Offset) + ": " + e.Message()
}

// Message describes the error without its offset.
func (e *SyntaxError) Message() string {
	switch e.Code {
	case EndOfInput:
		return "unexpected end of input"
	case UnexpectedChar:
		return "unexpected character " + strconv.QuoteRune(rune(e.Char))
	case BadLiteral:
		return "invalid literal"
	case ExpectedKey:
		return "expected a member name"
	case ExpectedColon:
		return "expected ':'"
	case ExpectedCommaOrBrace:
		return "expected ',' or '}'"
	case ExpectedCommaOrBracket:
		return "expected ',' or ']'"
	case EndInObject:
		return "unexpected end of input in an object"
	case EndInArray:
		return "unexpected end of input in an array"
	case BadNumber:
		return "invalid number"
	case BadFraction:
		return "invalid number fraction"
	case BadExponent:
		return "invalid number exponent"
	case Unterminated:
		return "unterminated string"
	case ControlChar:
		return "control character in a string"
	case InvalidUTF8:
		return "invalid UTF-8 in a string"
	case UnterminatedEscape:
		return "unterminated escape"
	case BadEscape:
		return "invalid escape character"
	case BadUnicodeEscape:
		return "invalid \\u escape"
	case TrailingData:
		return "trailing data after the JSON value"
	}
	return "syntax error"
}
