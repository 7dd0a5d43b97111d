package validate

import (
	"slices"
	"strconv"
)

// maxDepth bounds the nesting of arrays and objects in a request body. The
// parser and the validator both recurse, so the bound keeps hostile bodies
// ("[[[[...") from exhausting the stack; a deeper body is a 400.
const maxDepth = 512

// Parsed JSON values are plain Go values: nil, bool, string, number (the
// literal as sent), *object and []any. Objects keep their members in document
// order so that messages can print them the way Jackson does.

// number is a JSON number kept as its literal, so that huge or very precise
// numbers cost nothing until a keyword needs them.
type number string

// object is a JSON object: parallel key and value slices in document order,
// with duplicate keys collapsed (the last value wins, as in Jackson).
type object struct {
	keys []string
	vals []any
}

// get returns the member named k.
func (o *object) get(k string) (any, bool) {
	for i, key := range o.keys {
		if key == k {
			return o.vals[i], true
		}
	}
	return nil, false
}

// has reports whether the object has a member named k.
func (o *object) has(k string) bool {
	_, ok := o.get(k)
	return ok
}

// errSyntax is the single parse error: the body is answered with the same
// "Invalid request body" whatever the defect, so the detail only needs to
// reach the logs through the fault's cause.
type errSyntax struct {
	off int
	msg string
}

func (e *errSyntax) Error() string {
	return "invalid JSON at offset " + strconv.Itoa(e.off) + ": " + e.msg
}

// errDepth reports a body nested deeper than maxDepth.
type errDepth struct{}

func (errDepth) Error() string { return "JSON nesting exceeds " + strconv.Itoa(maxDepth) + " levels" }

// parseJSON parses one JSON text. It rejects invalid UTF-8, control
// characters in strings, nesting deeper than maxDepth and trailing data.
// Its cost is linear in len(data).
func parseJSON(data []byte) (any, error) {
	p := parser{data: data, keys: make([]string, 0, 32), values: make([]any, 0, 64)}
	p.space()
	v, err := p.value()
	if err != nil {
		return nil, err
	}
	p.space()
	if p.pos != len(p.data) {
		return nil, p.fail("trailing data after the JSON value")
	}
	return v, nil
}

// parser is a recursive-descent JSON parser over a byte slice. Members and
// elements are gathered on two stacks shared by every level and copied out
// once per container, so a container costs one allocation per slice instead
// of one per growth.
type parser struct {
	data   []byte
	pos    int
	depth  int
	keys   []string
	values []any
}

func (p *parser) fail(msg string) error { return &errSyntax{off: p.pos, msg: msg} }

func (p *parser) space() {
	for p.pos < len(p.data) {
		switch p.data[p.pos] {
		case ' ', '\t', '\n', '\r':
			p.pos++
		default:
			return
		}
	}
}

func (p *parser) value() (any, error) {
	if p.pos >= len(p.data) {
		return nil, p.fail("unexpected end of input")
	}
	switch c := p.data[p.pos]; {
	case c == '{':
		return p.object()
	case c == '[':
		return p.array()
	case c == '"':
		return p.str()
	case c == '-' || (c >= '0' && c <= '9'):
		return p.number()
	case c == 't':
		return true, p.literal("true")
	case c == 'f':
		return false, p.literal("false")
	case c == 'n':
		return nil, p.literal("null")
	}
	return nil, p.fail("unexpected character " + strconv.QuoteRune(rune(p.data[p.pos])))
}

func (p *parser) literal(lit string) error {
	if len(p.data)-p.pos < len(lit) || string(p.data[p.pos:p.pos+len(lit)]) != lit {
		return p.fail("invalid literal")
	}
	p.pos += len(lit)
	return nil
}

func (p *parser) enter() error {
	p.depth++
	if p.depth > maxDepth {
		return errDepth{}
	}
	p.pos++ // the opening bracket
	p.space()
	return nil
}

func (p *parser) object() (any, error) {
	if err := p.enter(); err != nil {
		return nil, err
	}
	o := &object{}
	if p.pos < len(p.data) && p.data[p.pos] == '}' {
		p.pos++
		p.depth--
		return o, nil
	}
	kmark, vmark := len(p.keys), len(p.values)
	for {
		if p.pos >= len(p.data) || p.data[p.pos] != '"' {
			return nil, p.fail("expected a member name")
		}
		k, err := p.str()
		if err != nil {
			return nil, err
		}
		p.space()
		if p.pos >= len(p.data) || p.data[p.pos] != ':' {
			return nil, p.fail("expected ':'")
		}
		p.pos++
		p.space()
		v, err := p.value()
		if err != nil {
			return nil, err
		}
		p.keys = append(p.keys, k)
		p.values = append(p.values, v)
		p.space()
		if p.pos >= len(p.data) {
			return nil, p.fail("unexpected end of input in an object")
		}
		if p.data[p.pos] == '}' {
			p.pos++
			p.depth--
			o.keys = slices.Clone(p.keys[kmark:])
			o.vals = slices.Clone(p.values[vmark:])
			clear(p.values[vmark:]) // drop references for the GC
			p.keys, p.values = p.keys[:kmark], p.values[:vmark]
			dedupe(o)
			return o, nil
		}
		if p.data[p.pos] != ',' {
			return nil, p.fail("expected ',' or '}'")
		}
		p.pos++
		p.space()
	}
}

// dedupe collapses duplicate member names, keeping the first position and
// the last value. Small objects are checked pairwise; larger ones through a
// map, so a hostile object with many members stays linear.
func dedupe(o *object) {
	n := len(o.keys)
	if n < 2 {
		return
	}
	if n <= 8 {
		for i := 1; i < n; i++ {
			for j := range i {
				if o.keys[i] == o.keys[j] {
					collapse(o)
					return
				}
			}
		}
		return
	}
	seen := make(map[string]struct{}, n)
	for _, k := range o.keys {
		if _, dup := seen[k]; dup {
			collapse(o)
			return
		}
		seen[k] = struct{}{}
	}
}

// collapse rewrites o without duplicate names (the rare path).
func collapse(o *object) {
	at := make(map[string]int, len(o.keys))
	keys, vals := o.keys[:0:0], o.vals[:0:0]
	for i, k := range o.keys {
		if j, ok := at[k]; ok {
			vals[j] = o.vals[i]
			continue
		}
		at[k] = len(keys)
		keys = append(keys, k)
		vals = append(vals, o.vals[i])
	}
	o.keys, o.vals = keys, vals
}

func (p *parser) array() (any, error) {
	if err := p.enter(); err != nil {
		return nil, err
	}
	if p.pos < len(p.data) && p.data[p.pos] == ']' {
		p.pos++
		p.depth--
		return []any{}, nil
	}
	mark := len(p.values)
	for {
		v, err := p.value()
		if err != nil {
			return nil, err
		}
		p.values = append(p.values, v)
		p.space()
		if p.pos >= len(p.data) {
			return nil, p.fail("unexpected end of input in an array")
		}
		if p.data[p.pos] == ']' {
			p.pos++
			p.depth--
			a := slices.Clone(p.values[mark:])
			clear(p.values[mark:])
			p.values = p.values[:mark]
			return a, nil
		}
		if p.data[p.pos] != ',' {
			return nil, p.fail("expected ',' or ']'")
		}
		p.pos++
		p.space()
	}
}

// number scans a number literal with the strict JSON grammar.
func (p *parser) number() (any, error) {
	start := p.pos
	if p.data[p.pos] == '-' {
		p.pos++
	}
	switch {
	case p.pos < len(p.data) && p.data[p.pos] == '0':
		p.pos++
	case p.digits() == 0:
		return nil, p.fail("invalid number")
	}
	if p.pos < len(p.data) && p.data[p.pos] == '.' {
		p.pos++
		if p.digits() == 0 {
			return nil, p.fail("invalid number fraction")
		}
	}
	if p.pos < len(p.data) && (p.data[p.pos] == 'e' || p.data[p.pos] == 'E') {
		p.pos++
		if p.pos < len(p.data) && (p.data[p.pos] == '+' || p.data[p.pos] == '-') {
			p.pos++
		}
		if p.digits() == 0 {
			return nil, p.fail("invalid number exponent")
		}
	}
	return number(p.data[start:p.pos]), nil
}

func (p *parser) digits() int {
	n := 0
	for p.pos < len(p.data) && p.data[p.pos] >= '0' && p.data[p.pos] <= '9' {
		p.pos++
		n++
	}
	return n
}
