package vtl

import (
	"fmt"
	"strconv"
	"strings"
)

// A JSONPath in the Jayway dialect API Gateway uses, for the common subset:
// $, .name, ['name'] and ["a","b"], [n] (negative from the end), [n,m],
// [start:end], [*] and .*, ..name (deep scan), filters [?(...)] over
// @-relative paths with == != < <= > >=, existence tests, && and ||, and a
// final .length().
type jsonPath struct {
	segs     []pathSeg
	definite bool // no wildcard, deep scan, slice, union or filter
	length   bool // ends with the function length() (or size())
}

type segKind uint8

const (
	segNames segKind = iota
	segIndexes
	segWildcard
	segSlice
	segFilter
)

type pathSeg struct {
	kind   segKind
	deep   bool // preceded by ".."
	names  []string
	idx    []int
	slice  [2]*int
	filter *filterExpr
}

// compilePath parses a JSONPath expression.
func compilePath(src string) (*jsonPath, error) {
	s := strings.TrimSpace(src)
	if !strings.HasPrefix(s, "$") {
		return nil, fmt.Errorf("JSONPath %q must start with $", src)
	}
	p := &jsonPath{definite: true}
	i := 1
	for i < len(s) {
		var seg pathSeg
		switch {
		case strings.HasPrefix(s[i:], ".."):
			seg.deep = true
			p.definite = false
			i += 2
			if i < len(s) && s[i] == '[' {
				break
			}
			fallthrough
		case s[i] == '.':
			if !seg.deep {
				i++
			}
			j := i
			for j < len(s) && s[j] != '.' && s[j] != '[' {
				j++
			}
			name := s[i:j]
			switch {
			case name == "length()" || name == "size()":
			case name == "" || strings.ContainsAny(name, " \t'\"()"):
				return nil, fmt.Errorf("JSONPath %q: bad name %q at %d", src, name, i)
			}
			switch name {
			case "length()", "size()":
				if j != len(s) {
					return nil, fmt.Errorf("JSONPath %q: %s must come last", src, name)
				}
				p.length = true
				i = j
				continue
			case "*":
				seg.kind = segWildcard
				p.definite = false
			default:
				seg.kind, seg.names = segNames, []string{name}
			}
			i = j
			p.segs = append(p.segs, seg)
			continue
		}
		if s[i] != '[' {
			return nil, fmt.Errorf("JSONPath %q: unexpected %q at %d", src, s[i], i)
		}
		end, err := parseBracket(s, i, &seg)
		if err != nil {
			return nil, fmt.Errorf("JSONPath %q: %w", src, err)
		}
		if seg.kind != segNames && seg.kind != segIndexes || len(seg.names)+len(seg.idx) > 1 {
			p.definite = false
		}
		i = end
		p.segs = append(p.segs, seg)
	}
	return p, nil
}

// parseBracket parses "[...]" at s[i] into seg and returns the offset after
// it.
func parseBracket(s string, i int, seg *pathSeg) (int, error) {
	close := matchBracket(s, i)
	if close < 0 {
		return 0, fmt.Errorf("unterminated [ at %d", i)
	}
	in := strings.TrimSpace(s[i+1 : close])
	switch {
	case in == "*":
		seg.kind = segWildcard
	case strings.HasPrefix(in, "?"):
		f, err := parseFilter(strings.TrimSpace(in[1:]))
		if err != nil {
			return 0, err
		}
		seg.kind, seg.filter = segFilter, f
	case strings.HasPrefix(in, "'") || strings.HasPrefix(in, `"`):
		seg.kind = segNames
		for _, part := range splitUnion(in) {
			if len(part) < 2 || part[0] != part[len(part)-1] {
				return 0, fmt.Errorf("bad name %s", part)
			}
			seg.names = append(seg.names, part[1:len(part)-1])
		}
	case strings.Contains(in, ":"):
		seg.kind = segSlice
		a, b, _ := strings.Cut(in, ":")
		for k, part := range []string{a, b} {
			if part = strings.TrimSpace(part); part != "" {
				n, err := strconv.Atoi(part)
				if err != nil {
					return 0, fmt.Errorf("bad slice %q", in)
				}
				seg.slice[k] = &n
			}
		}
	default:
		seg.kind = segIndexes
		for _, part := range strings.Split(in, ",") {
			n, err := strconv.Atoi(strings.TrimSpace(part))
			if err != nil {
				return 0, fmt.Errorf("bad index %q", in)
			}
			seg.idx = append(seg.idx, n)
		}
	}
	return close + 1, nil
}

// matchBracket finds the ']' closing the '[' at s[i], skipping quoted text
// and nested brackets.
func matchBracket(s string, i int) int {
	depth := 0
	var quote byte
	for j := i; j < len(s); j++ {
		c := s[j]
		switch {
		case quote != 0:
			if c == quote {
				quote = 0
			}
		case c == '\'' || c == '"':
			quote = c
		case c == '[':
			depth++
		case c == ']':
			depth--
			if depth == 0 {
				return j
			}
		}
	}
	return -1
}

// splitUnion splits 'a','b' on commas outside quotes.
func splitUnion(in string) []string {
	var parts []string
	var quote byte
	start := 0
	for j := 0; j < len(in); j++ {
		c := in[j]
		switch {
		case quote != 0:
			if c == quote {
				quote = 0
			}
		case c == '\'' || c == '"':
			quote = c
		case c == ',':
			parts = append(parts, strings.TrimSpace(in[start:j]))
			start = j + 1
		}
	}
	return append(parts, strings.TrimSpace(in[start:]))
}

// eval applies the path to root. For a definite path it returns the value
// and whether it exists; otherwise a list of all matches.
func (p *jsonPath) eval(root any) (any, bool) {
	cur := []any{root}
	for _, seg := range p.segs {
		var next []any
		for _, v := range cur {
			if seg.deep {
				budget := maxCompare
				walk(v, func(x any) { next = seg.apply(x, next) }, 0, &budget)
			} else {
				next = seg.apply(v, next)
			}
		}
		cur = next
	}
	if p.length {
		if !p.definite {
			// Jayway's README: "$..book.length()" is the number of books.
			if len(cur) == 1 {
				if l, ok := cur[0].(*List); ok {
					return int64(len(l.Items)), true
				}
			}
			return int64(len(cur)), true
		}
		if len(cur) == 0 {
			return nil, false
		}
		switch x := cur[0].(type) {
		case *List:
			return int64(len(x.Items)), true
		case *Map:
			return int64(x.Len()), true
		case string:
			return int64(len([]rune(x))), true
		}
		return nil, false
	}
	if p.definite {
		if len(cur) == 0 {
			return nil, false
		}
		return cur[0], true
	}
	if cur == nil {
		cur = []any{}
	}
	return &List{Items: cur, json: true}, true
}

// walk calls f for v and every value nested in it, depth first, within
// maxValueDepth levels and budget values (templates can make cycles).
func walk(v any, f func(any), depth int, budget *int) {
	if *budget--; *budget < 0 || depth > maxValueDepth {
		return
	}
	f(v)
	switch x := v.(type) {
	case *Map:
		for i := range x.keys {
			walk(x.vals[i], f, depth+1, budget)
		}
	case *List:
		for _, it := range x.Items {
			walk(it, f, depth+1, budget)
		}
	}
}

// apply appends the children of v selected by the segment to out.
func (seg *pathSeg) apply(v any, out []any) []any {
	switch seg.kind {
	case segNames:
		if m, ok := v.(*Map); ok {
			for _, n := range seg.names {
				if x, ok := m.Get(n); ok {
					out = append(out, x)
				}
			}
		}
	case segWildcard:
		switch x := v.(type) {
		case *Map:
			for i := range x.keys {
				out = append(out, x.vals[i])
			}
		case *List:
			out = append(out, x.Items...)
		}
	case segIndexes:
		if l, ok := v.(*List); ok {
			for _, i := range seg.idx {
				if i < 0 {
					i += len(l.Items)
				}
				if i >= 0 && i < len(l.Items) {
					out = append(out, l.Items[i])
				}
			}
		}
	case segSlice:
		if l, ok := v.(*List); ok {
			n := len(l.Items)
			from, to := 0, n
			if seg.slice[0] != nil {
				from = clampIndex(*seg.slice[0], n)
			}
			if seg.slice[1] != nil {
				to = clampIndex(*seg.slice[1], n)
			}
			if from < to {
				out = append(out, l.Items[from:to]...)
			}
		}
	case segFilter:
		switch x := v.(type) {
		case *List:
			for _, it := range x.Items {
				if seg.filter.match(it) {
					out = append(out, it)
				}
			}
		case *Map:
			if seg.filter.match(x) {
				out = append(out, x)
			}
		}
	}
	return out
}

func clampIndex(i, n int) int {
	if i < 0 {
		i += n
	}
	return max(0, min(i, n))
}
