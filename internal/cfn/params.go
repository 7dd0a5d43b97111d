package cfn

import (
	"encoding/json"
	"fmt"
	"log/slog"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Override is one parameter value given on the command line.
type Override struct {
	Key   string
	Value string
}

// ParseParameterOverrides parses the value of SAM's --parameter-overrides:
// whitespace-separated Key=Value pairs, or pairs written
// ParameterKey=Key,ParameterValue=Value. A value may be quoted with double
// quotes (backslash escapes the next character) or single quotes (taken
// literally), in whole or in part, as in a shell: Greeting="hello world"
// and 'Greeting=hello world' are the same pair. Keys are alphanumeric. The
// pairs are returned in order; a later pair for the same key wins when
// they are used.
func ParseParameterOverrides(s string) ([]Override, error) {
	words, err := shellWords(s)
	if err != nil {
		return nil, err
	}
	out := make([]Override, 0, len(words))
	for _, w := range words {
		var key, value string
		if rest, ok := strings.CutPrefix(w, "ParameterKey="); ok {
			k, v, found := strings.Cut(rest, ",ParameterValue=")
			if !found {
				return nil, fmt.Errorf("parameter override %q: the ParameterKey form is ParameterKey=Name,ParameterValue=Value", w)
			}
			key, value = k, v
		} else {
			k, v, found := strings.Cut(w, "=")
			if !found {
				return nil, fmt.Errorf("parameter override %q is not Key=Value", w)
			}
			key, value = k, v
		}
		if !validLogicalID(key) {
			return nil, fmt.Errorf("parameter override %q: the key %q is not an alphanumeric parameter name", w, key)
		}
		out = append(out, Override{Key: key, Value: value})
	}
	return out, nil
}

// shellWords splits s at unquoted whitespace, removing quotes.
func shellWords(s string) ([]string, error) {
	var words []string
	var cur strings.Builder
	inWord := false
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			if inWord {
				words = append(words, cur.String())
				cur.Reset()
				inWord = false
			}
			i++
		case c == '\'':
			j := strings.IndexByte(s[i+1:], '\'')
			if j < 0 {
				return nil, fmt.Errorf("parameter overrides: the single quote at offset %d is not closed", i)
			}
			cur.WriteString(s[i+1 : i+1+j])
			inWord = true
			i += j + 2
		case c == '"':
			i++
			closed := false
			for i < len(s) {
				if s[i] == '\\' && i+1 < len(s) {
					cur.WriteByte(s[i+1])
					i += 2
					continue
				}
				if s[i] == '"' {
					closed = true
					i++
					break
				}
				cur.WriteByte(s[i])
				i++
			}
			if !closed {
				return nil, fmt.Errorf("parameter overrides: a double quote is not closed")
			}
			inWord = true
		case c == '\\' && i+1 < len(s):
			cur.WriteByte(s[i+1])
			inWord = true
			i += 2
		default:
			cur.WriteByte(c)
			inWord = true
			i++
		}
	}
	if inWord {
		words = append(words, cur.String())
	}
	return words, nil
}

// ParameterValue is a parameter's value once defaults and overrides are
// applied. Its String, GoString, MarshalJSON and LogValue hide NoEcho
// values.
type ParameterValue struct {
	Name string
	Type string
	// Value is a string, or a []string for list types.
	Value  any
	NoEcho bool
	// Overridden tells that the value came from an override, not Default.
	Overridden bool
}

const masked = "****"

func (v ParameterValue) String() string {
	if v.NoEcho {
		return masked
	}
	if l, ok := v.Value.([]string); ok {
		return strings.Join(l, ",")
	}
	s, _ := v.Value.(string)
	return s
}

// GoString keeps NoEcho values out of %#v.
func (v ParameterValue) GoString() string {
	return fmt.Sprintf("cfn.ParameterValue{Name:%q, Type:%q, Value:%q, NoEcho:%t}", v.Name, v.Type, v.String(), v.NoEcho)
}

// MarshalJSON keeps NoEcho values out of JSON (and so out of JSON logs).
func (v ParameterValue) MarshalJSON() ([]byte, error) {
	type plain ParameterValue
	p := plain(v)
	if v.NoEcho {
		p.Value = masked
	}
	return json.Marshal(p)
}

// LogValue keeps NoEcho values out of logs.
func (v ParameterValue) LogValue() slog.Value { return slog.StringValue(v.String()) }

// parameterValue applies the override or the default and checks the
// constraints; the problems are returned as messages.
func parameterValue(p *Parameter, override *string) (ParameterValue, []string) {
	pv := ParameterValue{Name: p.Name, Type: p.Type, NoEcho: p.NoEcho}
	var text string
	switch {
	case override != nil:
		text, pv.Overridden = *override, true
	case p.IsSSM():
		return pv, []string{fmt.Sprintf("parameter %s is of type %s, whose value is read from AWS Systems Manager; that cannot be done locally: give the value with --parameter-overrides", p.Name, p.Type)}
	case p.Default != nil:
		text = *p.Default
	default:
		return pv, []string{fmt.Sprintf("parameter %s has no Default: give its value with --parameter-overrides %s=...", p.Name, p.Name)}
	}
	show := func(s string) string {
		if p.NoEcho {
			return "the value (NoEcho, not shown)"
		}
		return strconv.Quote(s)
	}
	var probs []string
	items := []string{text}
	if p.IsList() {
		items = strings.Split(text, ",")
		for i := range items {
			items[i] = strings.TrimSpace(items[i])
		}
		if text == "" {
			items = []string{}
		}
		pv.Value = items
	} else {
		pv.Value = text
	}
	inner := strings.TrimSuffix(strings.TrimPrefix(strings.TrimPrefix(p.Type, "AWS::SSM::Parameter::Value<"), "List<"), ">")
	numeric := p.Type == "Number" || inner == "Number"
	var re *regexp.Regexp
	if p.AllowedPattern != "" {
		var err error
		re, err = regexp.Compile(`^(?:` + p.AllowedPattern + `)$`)
		if err != nil {
			probs = append(probs, fmt.Sprintf("parameter %s: AllowedPattern does not compile: %v", p.Name, err))
		}
	}
	why := ""
	if p.ConstraintDescription != "" {
		why = " (" + p.ConstraintDescription + ")"
	}
	for _, it := range items {
		if numeric {
			f, err := strconv.ParseFloat(strings.TrimSpace(it), 64)
			if err != nil {
				probs = append(probs, fmt.Sprintf("parameter %s is a %s: %s is not a number", p.Name, p.Type, show(it)))
				continue
			}
			if p.MinValue != nil && f < *p.MinValue {
				probs = append(probs, fmt.Sprintf("parameter %s: %s is below MinValue %s%s", p.Name, show(it), formatNumber(*p.MinValue), why))
			}
			if p.MaxValue != nil && f > *p.MaxValue {
				probs = append(probs, fmt.Sprintf("parameter %s: %s is above MaxValue %s%s", p.Name, show(it), formatNumber(*p.MaxValue), why))
			}
		}
		if len(p.AllowedValues) > 0 && !contains(p.AllowedValues, it) {
			if p.NoEcho {
				probs = append(probs, fmt.Sprintf("parameter %s: %s is not one of its AllowedValues%s", p.Name, show(it), why))
			} else {
				probs = append(probs, fmt.Sprintf("parameter %s: %s is not one of its AllowedValues %q%s", p.Name, show(it), p.AllowedValues, why))
			}
		}
		if re != nil && !re.MatchString(it) {
			probs = append(probs, fmt.Sprintf("parameter %s: %s does not match AllowedPattern %s%s", p.Name, show(it), p.AllowedPattern, why))
		}
		n := utf8.RuneCountInString(it)
		if p.MinLength != nil && n < *p.MinLength {
			probs = append(probs, fmt.Sprintf("parameter %s: %s is shorter than MinLength %d%s", p.Name, show(it), *p.MinLength, why))
		}
		if p.MaxLength != nil && n > *p.MaxLength {
			probs = append(probs, fmt.Sprintf("parameter %s: %s is longer than MaxLength %d%s", p.Name, show(it), *p.MaxLength, why))
		}
	}
	return pv, probs
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
