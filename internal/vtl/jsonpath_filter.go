package vtl

import (
	"fmt"
	"strconv"
	"strings"
)

// filterExpr is a JSONPath filter: an || of && groups of comparisons.
type filterExpr struct {
	or [][]filterTest
}

// filterTest compares the value at an @-path with a literal, or, with an
// empty op, tests that the path exists.
type filterTest struct {
	path *jsonPath
	op   string
	lit  any
}

// parseFilter parses "(@.a == 1 && @.b)" and similar.
func parseFilter(src string) (*filterExpr, error) {
	s := strings.TrimSpace(src)
	if !strings.HasPrefix(s, "(") || !strings.HasSuffix(s, ")") {
		return nil, fmt.Errorf("filter %q must be parenthesised", src)
	}
	s = s[1 : len(s)-1]
	f := &filterExpr{}
	for _, alt := range strings.Split(s, "||") {
		var group []filterTest
		for _, term := range strings.Split(alt, "&&") {
			t, err := parseFilterTest(strings.TrimSpace(term))
			if err != nil {
				return nil, err
			}
			group = append(group, t)
		}
		f.or = append(f.or, group)
	}
	return f, nil
}

func parseFilterTest(term string) (filterTest, error) {
	var t filterTest
	left, right := term, ""
	for _, op := range []string{"==", "!=", "<=", ">=", "<", ">"} {
		if i := strings.Index(term, op); i >= 0 {
			left, right, t.op = strings.TrimSpace(term[:i]), strings.TrimSpace(term[i+len(op):]), op
			break
		}
	}
	if !strings.HasPrefix(left, "@") {
		return t, fmt.Errorf("filter term %q must start with @", term)
	}
	p, err := compilePath("$" + left[1:])
	if err != nil {
		return t, err
	}
	t.path = p
	if t.op == "" {
		return t, nil
	}
	switch {
	case len(right) >= 2 && (right[0] == '\'' || right[0] == '"') && right[len(right)-1] == right[0]:
		t.lit = right[1 : len(right)-1]
	case right == "true" || right == "false":
		t.lit = right == "true"
	case right == "null":
		t.lit = nil
	default:
		if i, err := strconv.ParseInt(right, 10, 64); err == nil {
			t.lit = i
		} else if f, err := strconv.ParseFloat(right, 64); err == nil {
			t.lit = f
		} else {
			return t, fmt.Errorf("filter literal %q not supported", right)
		}
	}
	return t, nil
}

func (f *filterExpr) match(v any) bool {
	for _, group := range f.or {
		ok := true
		for _, t := range group {
			if !t.match(v) {
				ok = false
				break
			}
		}
		if ok {
			return true
		}
	}
	return false
}

func (t filterTest) match(v any) bool {
	x, ok := t.path.eval(v)
	if !ok {
		return false
	}
	switch t.op {
	case "":
		return true
	case "==":
		return javaEquals(x, t.lit)
	case "!=":
		return !javaEquals(x, t.lit)
	}
	c, ok := compareNum(x, t.lit)
	if !ok {
		xs, ok1 := x.(string)
		ls, ok2 := t.lit.(string)
		if !ok1 || !ok2 {
			return false
		}
		c = strings.Compare(xs, ls)
	}
	switch t.op {
	case "<":
		return c < 0
	case "<=":
		return c <= 0
	case ">":
		return c > 0
	}
	return c >= 0
}
