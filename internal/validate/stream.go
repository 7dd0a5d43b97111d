package validate

import (
	"bytes"
	"slices"
	"sync"
	"unicode/utf8"

	"github.com/portico-gw/portico/internal/jsontok"
)

// The streaming check answers the common case, a valid body, while it
// tokenizes the body: no values are built, so a valid 1 KB body costs no
// allocation beyond a pattern's string. It only ever says "valid" or "don't
// know": on the first keyword that fails, a syntax error, or anything it
// does not handle (a node that is not streams, a member matched by several
// schemas, duplicate member names, nesting over maxDepth, the step budget
// used up), it gives up and validateBody parses and checks the body as
// before, so every 400 keeps its message. It says "valid" only where
// validateValue over parseJSON's value finds no message: the same keywords,
// applied to the same values, within the same step budget (each schema
// application counts one step, as in checker.check).

// streamer is the state of one streaming check, pooled for its scratch.
type streamer struct {
	tok jsontok.Tokenizer
	// left is the step budget, as budget.left.
	left int
	// names are the member names of the open objects, innermost last;
	// each is a slice of the body, or a copy for a name with escapes.
	names [][]byte
	// sorted is scratch for finding repeated names in a large object.
	sorted [][]byte
}

var streamers = sync.Pool{New: func() any { return new(streamer) }}

// streamValid reports whether data is one JSON text valid against n, as
// validateBody would find it; false means "invalid, or not known here".
func streamValid(n *node, data []byte) bool {
	ok, _ := streamCheck(n, data)
	return ok
}

// streamCheck is streamValid that also returns the syntax error that
// stopped it, if one did: parseJSON stops at that same error, since it reads
// the same tokens and the streaming check refuses every container nested
// deeper than maxDepth before reading on.
func streamCheck(n *node, data []byte) (bool, error) {
	s := streamers.Get().(*streamer)
	s.tok.Reset(data, jsontok.Options{})
	s.left = stepBudget(len(data))
	ok := s.value(n, s.tok.Next()) && s.tok.Next() == jsontok.End
	err := s.tok.Err()
	// Keep no reference to the body in the pool.
	s.tok.Reset(nil, jsontok.Options{})
	clear(s.names[:cap(s.names)])
	clear(s.sorted[:cap(s.sorted)])
	s.names, s.sorted = s.names[:0], s.sorted[:0]
	streamers.Put(s)
	return ok, err
}

// value checks the value that starts with token k against n; a nil n
// checks nothing but the syntax.
func (s *streamer) value(n *node, k jsontok.Kind) bool {
	if n == nil {
		return s.skip(k)
	}
	for n.ref != nil {
		n = n.ref
	}
	if !n.streams {
		return false
	}
	if s.left--; s.left < 0 {
		return false
	}
	switch k {
	case jsontok.BeginObject:
		return n.types.admits(tObject) && n.enum == nil && s.object(n)
	case jsontok.BeginArray:
		return n.types.admits(tArray) && n.enum == nil && s.array(n)
	case jsontok.String:
		return s.str(n, s.tok.Bytes())
	case jsontok.Number:
		return s.number(n, s.tok.Bytes())
	case jsontok.True, jsontok.False:
		return n.types.admits(tBoolean) && n.inEnum(k == jsontok.True)
	case jsontok.Null:
		return n.types.admits(tNull) && n.inEnum(nil)
	}
	return false
}

// inEnum is the enum keyword for a value that is not a string or a number.
func (n *node) inEnum(v any) bool {
	return n.enum == nil || slices.ContainsFunc(n.enum, func(e any) bool { return equal(e, v) })
}

// admits is the typ keyword: 0 admits every type.
func (ts typeSet) admits(t typeSet) bool { return ts == 0 || ts.allows(t) }

func (s *streamer) str(n *node, b []byte) bool {
	if !n.types.admits(tString) {
		return false
	}
	if n.enum != nil && !slices.ContainsFunc(n.enum, func(e any) bool { es, ok := e.(string); return ok && es == string(b) }) {
		return false
	}
	if n.maxLen >= 0 || n.minLen >= 0 {
		l := utf8.RuneCount(b)
		if (n.maxLen >= 0 && l > n.maxLen) || (n.minLen >= 0 && l < n.minLen) {
			return false
		}
	}
	return n.pattern == nil || n.pattern.MatchString(string(b))
}

func (s *streamer) number(n *node, b []byte) bool {
	t := tNumber
	if !bytes.ContainsAny(b, ".eE") { // isIntegerLiteral
		t = tInteger
	}
	if !n.types.admits(t) {
		return false
	}
	if n.enum == nil && n.maximum == nil && n.minimum == nil && n.multipleOf == nil {
		return true
	}
	lit := number(b)
	if n.enum != nil && !slices.ContainsFunc(n.enum, func(e any) bool { en, ok := e.(number); return ok && equalNumbers(en, lit) }) {
		return false
	}
	if b := n.maximum; b != nil {
		if c := compare(lit, b); c > 0 || (c == 0 && b.exclusive) {
			return false
		}
	}
	if b := n.minimum; b != nil {
		if c := compare(lit, b); c < 0 || (c == 0 && b.exclusive) {
			return false
		}
	}
	return n.multipleOf == nil || multipleOf(lit, n.multipleOf)
}

// object checks an object's members as they come; the keywords about the
// whole object (required, the property counts) and repeated names (whose
// last value alone counts in parseJSON's value) once it ends.
func (s *streamer) object(n *node) bool {
	if s.tok.Depth() > maxDepth {
		return false
	}
	mark := len(s.names)
	for {
		switch s.tok.Next() {
		case jsontok.Key:
		case jsontok.EndObject:
			ok := s.wholeObject(n, s.names[mark:])
			clear(s.names[mark:])
			s.names = s.names[:mark]
			return ok
		default:
			return false
		}
		name := s.tok.Bytes()
		if s.tok.Scratch() {
			name = bytes.Clone(name)
		}
		s.names = append(s.names, name)
		m, ok := s.memberSchema(n, name)
		if !ok || !s.value(m, s.tok.Next()) {
			return false
		}
	}
}

// memberSchema is the one schema checker.members applies to the member
// named name, nil for none; false for a name that fails
// additionalProperties, or that several schemas apply to.
func (s *streamer) memberSchema(n *node, name []byte) (*node, bool) {
	var m *node
	if n.propList != nil {
		for _, p := range n.propList {
			if p.name == string(name) {
				m = p.n
				break
			}
		}
	} else if n.props != nil {
		m = n.props[string(name)]
	}
	if len(n.patternProps) > 0 {
		k := string(name)
		for _, pp := range n.patternProps {
			if pp.re.MatchString(k) {
				if m != nil {
					return nil, false
				}
				m = pp.n
			}
		}
	}
	if m != nil {
		return m, true
	}
	if n.noAdditional {
		return nil, false
	}
	return n.additional, true
}

// wholeObject checks the keywords about the members as a set, and that no
// name repeats.
func (s *streamer) wholeObject(n *node, names [][]byte) bool {
	if (n.maxProps >= 0 && len(names) > n.maxProps) || (n.minProps >= 0 && len(names) < n.minProps) {
		return false
	}
	for _, r := range n.required {
		if !slices.ContainsFunc(names, func(name []byte) bool { return string(name) == r }) {
			return false
		}
	}
	return !s.repeats(names)
}

// repeats reports whether a name occurs twice: pairwise for a few names,
// sorted for more, so a hostile object stays O(n log n).
func (s *streamer) repeats(names [][]byte) bool {
	if len(names) <= 16 {
		for i := 1; i < len(names); i++ {
			for j := range i {
				if bytes.Equal(names[i], names[j]) {
					return true
				}
			}
		}
		return false
	}
	s.sorted = append(s.sorted[:0], names...)
	slices.SortFunc(s.sorted, bytes.Compare)
	for i := 1; i < len(s.sorted); i++ {
		if bytes.Equal(s.sorted[i], s.sorted[i-1]) {
			return true
		}
	}
	return false
}

// array checks each element against the schema checker.items applies to
// it, then the counts.
func (s *streamer) array(n *node) bool {
	if s.tok.Depth() > maxDepth {
		return false
	}
	count := 0
	for {
		k := s.tok.Next()
		if k == jsontok.EndArray {
			break
		}
		var m *node
		switch {
		case n.items != nil:
			m = n.items
		case count < len(n.tuple):
			m = n.tuple[count]
		default:
			m = n.additionalItems
		}
		count++
		if n.noAdditionalItems && count > len(n.tuple) {
			return false
		}
		if !s.value(m, k) {
			return false
		}
	}
	return (n.maxItems < 0 || count <= n.maxItems) && (n.minItems < 0 || count >= n.minItems)
}

// skip reads the value that starts with token k; it fails only on a syntax
// error or nesting over maxDepth.
func (s *streamer) skip(k jsontok.Kind) bool {
	switch k {
	case jsontok.BeginObject, jsontok.BeginArray:
	case jsontok.String, jsontok.Number, jsontok.True, jsontok.False, jsontok.Null:
		return true
	default:
		return false
	}
	base := s.tok.Depth() - 1
	for {
		if s.tok.Depth() > maxDepth {
			return false
		}
		switch s.tok.Next() {
		case jsontok.Error:
			return false
		case jsontok.EndObject, jsontok.EndArray:
			if s.tok.Depth() == base {
				return true
			}
		}
	}
}
