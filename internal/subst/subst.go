// Package subst compiles the plain-substitution templates API Gateway uses
// for gateway responses, where it runs no Velocity. A template is literal
// text with $context.*, $stageVariables.* (and ${...}) references; compiling
// once leaves only slice walking per render; the caller's Lookup resolves
// the references (the edge's through the contextvars table). Access-log
// formats have a syntax of their own (only $context, no braces, unknown
// names are errors, values escaped per format) and their own compiler in
// telemetry. It imports no other internal package.
package subst

import (
	"strings"
)

// Lookup resolves a reference such as "context.error.messageString" or
// "stageVariables.a"; ok false renders nothing.
type Lookup func(ref string) (value string, ok bool)

// Template is a compiled substitution template.
type Template struct {
	parts []part
}

type part struct {
	text string
	ref  string // "" for literal text
}

// Compile parses src. References start with $ followed by context. or
// stageVariables. and run over letters, digits, _, - and inner dots; ${...}
// delimits one explicitly. Anything else is literal.
func Compile(src string) *Template {
	t := &Template{}
	lit := strings.Builder{}
	for i := 0; i < len(src); {
		if src[i] == '$' {
			if ref, n := scanRef(src[i+1:]); n > 0 {
				if lit.Len() > 0 {
					t.parts = append(t.parts, part{text: lit.String()})
					lit.Reset()
				}
				t.parts = append(t.parts, part{ref: ref})
				i += 1 + n
				continue
			}
		}
		lit.WriteByte(src[i])
		i++
	}
	if lit.Len() > 0 {
		t.parts = append(t.parts, part{text: lit.String()})
	}
	return t
}

// scanRef reads a reference after "$", returning it and the bytes consumed.
func scanRef(s string) (string, int) {
	braced := strings.HasPrefix(s, "{")
	body := s
	if braced {
		body = s[1:]
	}
	if !strings.HasPrefix(body, "context.") && !strings.HasPrefix(body, "stageVariables.") {
		return "", 0
	}
	n := 0
	for n < len(body) && isRefByte(body[n]) {
		n++
	}
	for n > 0 && body[n-1] == '.' {
		n--
	}
	ref := body[:n]
	if braced {
		if n >= len(body) || body[n] != '}' {
			return "", 0
		}
		return ref, n + 2
	}
	return ref, n
}

func isRefByte(c byte) bool {
	return c == '.' || c == '_' || c == '-' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}

// Render writes the template with references resolved through look.
func (t *Template) Render(b *strings.Builder, look Lookup) {
	for _, p := range t.parts {
		if p.ref == "" {
			b.WriteString(p.text)
			continue
		}
		if v, ok := look(p.ref); ok {
			b.WriteString(v)
		}
	}
}

// String renders to a new string.
func (t *Template) String(look Lookup) string {
	var b strings.Builder
	t.Render(&b, look)
	return b.String()
}
