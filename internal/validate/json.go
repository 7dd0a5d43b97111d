package validate

import (
	"slices"
	"strconv"

	"github.com/portico-gw/portico/internal/jsontok"
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

// errDepth reports a body nested deeper than maxDepth.
type errDepth struct{}

func (errDepth) Error() string { return "JSON nesting exceeds " + strconv.Itoa(maxDepth) + " levels" }

// parseJSON parses one JSON text. It rejects invalid UTF-8, control
// characters in strings, nesting deeper than maxDepth and trailing data.
// Its cost is linear in len(data). A syntax error is a *jsontok.SyntaxError:
// the body is answered with the same "Invalid request body" whatever the
// defect, so the detail only needs to reach the logs through the fault's
// cause.
func parseJSON(data []byte) (any, error) {
	p := parser{keys: make([]string, 0, 32), values: make([]any, 0, 64)}
	p.tok.Reset(data, jsontok.Options{})
	v, err := p.value(p.tok.Next())
	if err != nil {
		return nil, err
	}
	if p.tok.Next() != jsontok.End {
		return nil, p.tok.Err()
	}
	return v, nil
}

// parser builds values from the tokens of a strict JSON tokenizer. Members
// and elements are gathered on two stacks shared by every level and copied
// out once per container, so a container costs one allocation per slice
// instead of one per growth.
type parser struct {
	tok    jsontok.Tokenizer
	depth  int
	keys   []string
	values []any
}

// value builds the value that starts with the token k.
func (p *parser) value(k jsontok.Kind) (any, error) {
	switch k {
	case jsontok.BeginObject:
		return p.object()
	case jsontok.BeginArray:
		return p.array()
	case jsontok.String:
		return string(p.tok.Bytes()), nil
	case jsontok.Number:
		return number(p.tok.Bytes()), nil
	case jsontok.True:
		return true, nil
	case jsontok.False:
		return false, nil
	case jsontok.Null:
		return nil, nil
	}
	return nil, p.tok.Err()
}

func (p *parser) enter() error {
	p.depth++
	if p.depth > maxDepth {
		return errDepth{}
	}
	return nil
}

func (p *parser) object() (any, error) {
	if err := p.enter(); err != nil {
		return nil, err
	}
	kmark, vmark := len(p.keys), len(p.values)
	for {
		switch p.tok.Next() {
		case jsontok.Key:
			k := p.tok.Name()
			v, err := p.value(p.tok.Next())
			if err != nil {
				return nil, err
			}
			p.keys = append(p.keys, k)
			p.values = append(p.values, v)
		case jsontok.EndObject:
			p.depth--
			o := &object{}
			if len(p.keys) == kmark {
				return o, nil
			}
			o.keys = slices.Clone(p.keys[kmark:])
			o.vals = slices.Clone(p.values[vmark:])
			clear(p.values[vmark:]) // drop references for the GC
			p.keys, p.values = p.keys[:kmark], p.values[:vmark]
			dedupe(o)
			return o, nil
		default:
			return nil, p.tok.Err()
		}
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
	mark := len(p.values)
	for {
		k := p.tok.Next()
		if k == jsontok.EndArray {
			p.depth--
			if len(p.values) == mark {
				return []any{}, nil
			}
			a := slices.Clone(p.values[mark:])
			clear(p.values[mark:])
			p.values = p.values[:mark]
			return a, nil
		}
		v, err := p.value(k)
		if err != nil {
			return nil, err
		}
		p.values = append(p.values, v)
	}
}
