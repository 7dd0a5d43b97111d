package vtl

import (
	"fmt"
	"regexp"
	"strings"
	"unicode/utf16"
)

// stringMethod implements the java.lang.String methods templates use.
// Indexes count UTF-16 code units, as Java does (see units).
func (s *state) stringMethod(str, name string, args []any) (any, error) {
	switch len(args) {
	case 0:
		return s.stringMethod0(str, name)
	case 1:
		if i, ok := toInt(args[0]); ok {
			return stringMethodInt(str, name, i)
		}
	}
	if name == "equals" && len(args) == 1 {
		a, ok := args[0].(string)
		return ok && a == str, nil
	}
	sa := make([]string, len(args))
	for i, a := range args {
		x, ok := a.(string)
		if !ok {
			return s.stringMethodMixed(str, name, args)
		}
		sa[i] = x
	}
	return s.stringMethodStr(str, name, sa)
}

func (s *state) stringMethod0(str, name string) (any, error) {
	switch name {
	case "length":
		return int64(unitLen(str)), nil
	case "isEmpty":
		return str == "", nil
	case "isBlank":
		return strings.TrimSpace(str) == "", nil
	case "toLowerCase":
		return strings.ToLower(str), nil
	case "toUpperCase":
		return strings.ToUpper(str), nil
	case "trim":
		return strings.TrimFunc(str, func(r rune) bool { return r <= ' ' }), nil
	case "strip":
		return strings.TrimSpace(str), nil
	case "toString", "intern":
		return str, nil
	case "hashCode":
		var h int32
		for _, u := range units(str) {
			h = 31*h + int32(u)
		}
		return int64(h), nil
	}
	return nil, nil
}

func stringMethodInt(str, name string, i int64) (any, error) {
	switch name {
	case "charAt":
		u := units(str)
		if i < 0 || i >= int64(len(u)) {
			return nil, fmt.Errorf("String index out of range: %d", i)
		}
		return fromUnits(u[i : i+1]), nil
	case "substring":
		u := units(str)
		if i < 0 || i > int64(len(u)) {
			return nil, fmt.Errorf("begin %d, end %d, length %d", i, len(u), len(u))
		}
		return fromUnits(u[i:]), nil
	}
	return nil, nil
}

// stringMethodMixed covers methods taking (String, int) or (int, int).
func (s *state) stringMethodMixed(str, name string, args []any) (any, error) {
	if len(args) != 2 {
		return nil, nil
	}
	if name == "substring" {
		b, ok1 := toInt(args[0])
		e, ok2 := toInt(args[1])
		if !ok1 || !ok2 {
			return nil, nil
		}
		u := units(str)
		if b < 0 || e > int64(len(u)) || b > e {
			return nil, fmt.Errorf("begin %d, end %d, length %d", b, e, len(u))
		}
		return fromUnits(u[b:e]), nil
	}
	sub, ok1 := args[0].(string)
	from, ok2 := toInt(args[1])
	if !ok1 || !ok2 {
		return nil, nil
	}
	u := units(str)
	switch name {
	case "indexOf":
		from = max(from, 0)
		if from >= int64(len(u)) {
			if sub == "" {
				return int64(len(u)), nil
			}
			return int64(-1), nil
		}
		rest := fromUnits(u[from:])
		i := strings.Index(rest, sub)
		if i < 0 {
			return int64(-1), nil
		}
		return from + unitIndex(rest, i), nil
	case "lastIndexOf":
		if from < 0 {
			return int64(-1), nil
		}
		head := fromUnits(u[:min(from+int64(unitLen(sub)), int64(len(u)))])
		return unitIndex(head, strings.LastIndex(head, sub)), nil
	case "startsWith":
		if from < 0 || from > int64(len(u)) {
			return false, nil
		}
		return strings.HasPrefix(fromUnits(u[from:]), sub), nil
	}
	return nil, nil
}

// units returns str as Java sees it: UTF-16 code units.
func units(str string) []uint16 { return utf16.Encode([]rune(str)) }

// fromUnits converts UTF-16 code units back to a string.
func fromUnits(u []uint16) string { return string(utf16.Decode(u)) }

// unitLen is Java's String.length(): the UTF-16 code units of str.
func unitLen(str string) int {
	n := 0
	for _, r := range str {
		n++
		if r >= 0x10000 {
			n++
		}
	}
	return n
}

// unitIndex converts a byte index in str to a UTF-16 index (-1 stays -1).
func unitIndex(str string, i int) int64 {
	if i < 0 {
		return -1
	}
	return int64(unitLen(str[:i]))
}

func (s *state) stringMethodStr(str, name string, a []string) (any, error) {
	if len(a) == 1 {
		x := a[0]
		switch name {
		case "contains":
			return strings.Contains(str, x), nil
		case "startsWith":
			return strings.HasPrefix(str, x), nil
		case "endsWith":
			return strings.HasSuffix(str, x), nil
		case "equalsIgnoreCase":
			return strings.EqualFold(str, x), nil
		case "indexOf":
			return unitIndex(str, strings.Index(str, x)), nil
		case "lastIndexOf":
			return unitIndex(str, strings.LastIndex(str, x)), nil
		case "concat":
			return str + x, s.charge(len(str) + len(x))
		case "compareTo":
			return int64(compareJava(str, x)), nil
		case "compareToIgnoreCase":
			return int64(compareJava(strings.ToLower(str), strings.ToLower(x))), nil
		case "matches":
			re, err := s.regexp(x, true)
			if err != nil {
				return nil, err
			}
			return re.MatchString(str), nil
		case "split":
			return s.split(str, x)
		}
		return nil, nil
	}
	if len(a) != 2 {
		return nil, nil
	}
	var out string
	switch name {
	case "replace":
		out = strings.ReplaceAll(str, a[0], a[1])
	case "replaceAll", "replaceFirst":
		re, err := s.regexp(a[0], false)
		if err != nil {
			return nil, err
		}
		rep := javaReplacement(a[1], re.NumSubexp())
		if name == "replaceAll" {
			out = re.ReplaceAllString(str, rep)
		} else if m := re.FindStringSubmatchIndex(str); m != nil {
			out = str[:m[0]] + string(re.ExpandString(nil, rep, str, m)) + str[m[1]:]
		} else {
			out = str
		}
	default:
		return nil, nil
	}
	return out, s.charge(len(out))
}

// compareJava is String.compareTo: the difference of the first differing
// characters, or of the lengths.
func compareJava(a, b string) int {
	ra, rb := units(a), units(b)
	for i := 0; i < len(ra) && i < len(rb); i++ {
		if ra[i] != rb[i] {
			return int(ra[i]) - int(rb[i])
		}
	}
	return len(ra) - len(rb)
}

// regexp compiles a Java regular expression as Go RE2 syntax, best effort:
// RE2 lacks backreferences and lookaround, and such patterns fail here. With
// whole set, the pattern must match the entire string (String.matches).
func (s *state) regexp(pat string, whole bool) (*regexp.Regexp, error) {
	key := pat
	if whole {
		key = "\x00" + pat
	}
	if re, ok := s.re[key]; ok {
		return re, nil
	}
	src := pat
	if whole {
		src = `^(?:` + pat + `)$`
	}
	re, err := regexp.Compile(src)
	if err != nil {
		return nil, fmt.Errorf("unsupported regular expression %q: %w", pat, err)
	}
	if s.re == nil {
		s.re = map[string]*regexp.Regexp{}
	}
	s.re[key] = re
	return re, nil
}

// javaReplacement converts a Java replacement string ($1, \$) to Go's
// Expand syntax (${1}, $$).
func javaReplacement(rep string, groups int) string {
	if !strings.ContainsAny(rep, `$\`) {
		return rep
	}
	var b strings.Builder
	for i := 0; i < len(rep); i++ {
		c := rep[i]
		switch {
		case c == '\\' && i+1 < len(rep):
			i++
			if rep[i] == '$' {
				b.WriteString("$$")
			} else {
				b.WriteByte(rep[i])
			}
		case c == '$' && i+1 < len(rep) && rep[i+1] >= '0' && rep[i+1] <= '9':
			n := int(rep[i+1] - '0')
			j := i + 2
			for j < len(rep) && rep[j] >= '0' && rep[j] <= '9' && n*10+int(rep[j]-'0') <= groups {
				n = n*10 + int(rep[j]-'0')
				j++
			}
			fmt.Fprintf(&b, "${%d}", n)
			i = j - 1
		case c == '$' && i+1 < len(rep) && rep[i+1] == '{':
			end := strings.IndexByte(rep[i:], '}')
			if end < 0 {
				b.WriteString("$$")
				continue
			}
			b.WriteString(rep[i : i+end+1])
			i += end
		case c == '$':
			b.WriteString("$$")
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

// split is String.split(regex): trailing empty strings are removed, and a
// string with no match splits into itself.
func (s *state) split(str, pat string) (any, error) {
	var parts []string
	if len(pat) == 1 && !strings.ContainsAny(pat, `.$|()[{^?*+\`) {
		parts = strings.Split(str, pat)
	} else {
		re, err := s.regexp(pat, false)
		if err != nil {
			return nil, err
		}
		parts = re.Split(str, -1)
		if len(parts) > 1 && parts[0] == "" && re.FindStringIndex(str)[1] == 0 {
			parts = parts[1:] // a zero-width match at the start adds no empty string
		}
	}
	if len(parts) > 1 || len(parts) == 1 && parts[0] != str {
		for len(parts) > 0 && parts[len(parts)-1] == "" {
			parts = parts[:len(parts)-1]
		}
	}
	l := &List{Items: make([]any, len(parts))}
	for i, p := range parts {
		l.Items[i] = p
	}
	return l, nil
}
