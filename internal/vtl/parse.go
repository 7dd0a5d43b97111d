package vtl

import (
	"fmt"
	"strings"

	"github.com/portico-gw/portico/internal/awslimits"
)

// maxParseDepth bounds the nesting of blocks, expressions and interpolated
// strings, so that hostile input cannot exhaust the parser's stack.
const maxParseDepth = 100

// Template is a parsed template. It is immutable and safe for concurrent
// use by many executions.
type Template struct {
	name   string
	src    string
	nodes  []node
	macros map[string]*macro
	opts   Options
}

// Options adjusts the engine to its host. The zero Options is plain
// Velocity 1.7.
type Options struct {
	// EmptyNulls renders a reference whose value is null or undefined as
	// nothing, as API Gateway's mapping templates do ($x, $x.y and $x.m()
	// then print "" as if written $!x), where Velocity prints the
	// reference's source text. Escaped references (\$x) are unchanged.
	EmptyNulls bool
}

// Name returns the name given to Parse.
func (t *Template) Name() string { return t.name }

// MaxTemplateSize is the largest template Parse accepts, API Gateway's
// mapping template quota (300 KB).
const MaxTemplateSize = awslimits.TemplateBytes

// Parse parses src as a Velocity 1.7 template. name is used only in error
// messages, which have the form "name:line:col: message".
func Parse(name, src string) (*Template, error) {
	return ParseOptions(name, src, Options{})
}

// ParseOptions is Parse with options that apply to every execution of the
// template.
func ParseOptions(name, src string, opts Options) (*Template, error) {
	if len(src) > MaxTemplateSize {
		return nil, fmt.Errorf("%s: template of %d bytes exceeds %d", name, len(src), MaxTemplateSize)
	}
	p := &parser{name: name, full: src, src: src, macros: map[string]*macro{}}
	nodes, t, err := p.parseNodes()
	if err != nil {
		return nil, err
	}
	if t.kind != termEOF {
		return nil, p.errorf(t.off, "#%s without matching #if or #foreach", t.word())
	}
	return &Template{name: name, src: src, nodes: nodes, macros: p.macros, opts: opts}, nil
}

// parser is a recursive-descent parser working directly on the source text.
// Interpolated string literals are parsed by a sub-parser whose src is the
// literal's content and whose base is the content's offset in full.
type parser struct {
	name   string
	full   string // the whole template, for error positions
	src    string
	base   int // offset of src within full
	pos    int
	depth  int
	macros map[string]*macro
}

func (p *parser) errorf(off int, format string, args ...any) error {
	off += p.base
	off = min(off, len(p.full))
	line := 1 + strings.Count(p.full[:off], "\n")
	col := off - strings.LastIndexByte(p.full[:off], '\n')
	return fmt.Errorf("%s:%d:%d: %s", p.name, line, col, fmt.Sprintf(format, args...))
}

type termKind uint8

const (
	termEOF termKind = iota
	termEnd
	termElse
	termElseif
)

// term is the directive that ended a block.
type term struct {
	kind termKind
	cond expr // for #elseif
	off  int
}

func (t term) word() string {
	return [...]string{"EOF", "end", "else", "elseif"}[t.kind]
}

func (p *parser) enter(off int) error {
	p.depth++
	if p.depth > maxParseDepth {
		return p.errorf(off, "nesting deeper than %d", maxParseDepth)
	}
	return nil
}

func (p *parser) leave() { p.depth-- }

// parseNodes parses template text up to the end of input or a block
// terminator (#end, #else, #elseif).
func (p *parser) parseNodes() (nodes []node, t term, err error) {
	if err := p.enter(p.pos); err != nil {
		return nil, t, err
	}
	defer p.leave()
	text := textBuf{run: -1}
	flush := func() {
		if len(text.b) > 0 {
			nodes = append(nodes, textNode{text: string(text.b)})
			text.b = text.b[:0]
		}
		text.run = -1
	}
	// tokStart is true where Velocity's lexer starts a new token: at the
	// start, and after anything but plain text. Spaces and tabs there are
	// swallowed when a #set follows (Velocity 1.7's SET_DIRECTIVE token).
	tokStart := true
	refEnd := -1 // where the last reference ended
	for p.pos < len(p.src) {
		c := p.src[p.pos]
		switch c {
		case '$':
			r, err := p.parseRef(p.pos, 0)
			if err != nil {
				return nil, t, err
			}
			if r != nil {
				flush()
				nodes = append(nodes, r)
				refEnd = p.pos
				p.propertyComment(r, &text)
			} else if p.pos+1 < len(p.src) && p.src[p.pos+1] == '!' {
				// Velocity 1.7 drops the '!' of a lone "$!", except
				// before '}' or '$'.
				if p.pos+2 < len(p.src) && (p.src[p.pos+2] == '}' || p.src[p.pos+2] == '$') {
					text.special("$!")
				} else {
					text.special("$")
				}
				p.pos += 2
			} else {
				text.special("$")
				p.pos++
			}
			tokStart = true
		case '#':
			n, tm, done, directive, err := p.parseHash(&text)
			if err != nil {
				return nil, t, err
			}
			if directive {
				text.dropRun()
			}
			if done {
				flush()
				return nodes, tm, nil
			}
			if n != nil {
				flush()
				nodes = append(nodes, n)
				if err := p.checkSetAfterRef(n, nodes, refEnd); err != nil {
					return nil, t, err
				}
			}
			tokStart = true
		case '\\':
			n, err := p.parseBackslash(&text)
			if err != nil {
				return nil, t, err
			}
			if n != nil {
				flush()
				nodes = append(nodes, n)
			}
			tokStart = true
		case ' ', '\t':
			if tokStart && p.setFollows() {
				for p.src[p.pos] == ' ' || p.src[p.pos] == '\t' {
					p.pos++
				}
				continue
			}
			text.plain(p.src[p.pos : p.pos+1])
			p.pos++
			tokStart = false
		default:
			j := p.pos + 1
			for j < len(p.src) && !isSpecial(p.src[j]) {
				j++
			}
			text.plain(p.src[p.pos:j])
			p.pos = j
			tokStart = false
		}
	}
	flush()
	return nodes, term{kind: termEOF, off: p.pos}, nil
}

// propertyComment reproduces a Velocity 1.7 lexer quirk: "##" right after
// a non-formal reference ending in a property is text, not a comment, up to
// and including the end of the line.
func (p *parser) propertyComment(r *refNode, text *textBuf) {
	if len(r.parts) == 0 || r.parts[len(r.parts)-1].kind != accProp || r.raw[len(r.raw)-1] == '}' ||
		!strings.HasPrefix(p.src[p.pos:], "##") {
		return
	}
	end := strings.IndexByte(p.src[p.pos:], '\n')
	if end < 0 {
		end = len(p.src) - p.pos - 1
	}
	text.plain(p.src[p.pos : p.pos+end+1])
	p.pos += end + 1
}

// checkSetAfterRef reproduces a Velocity 1.7 parse error: after a
// non-formal reference, blanks and a #set, a '[' is taken as an index of
// nothing.
func (p *parser) checkSetAfterRef(n node, nodes []node, refEnd int) error {
	if _, ok := n.(*setNode); !ok || len(nodes) < 2 || p.pos >= len(p.src) || p.src[p.pos] != '[' {
		return nil
	}
	r, ok := nodes[len(nodes)-2].(*refNode)
	if !ok || strings.HasPrefix(r.raw, "${") || strings.HasPrefix(r.raw, "$!{") {
		return nil
	}
	if strings.Trim(p.src[refEnd:n.(*setNode).off], " \t") != "" {
		return nil
	}
	return p.errorf(p.pos, "'[' after #set following a reference")
}

// textBuf collects literal text. run marks where a run of stray '$' and
// '\\' characters began: Velocity 1.7's lexer drops such a run when a
// directive or block comment follows it directly ("$#if" renders no '$').
type textBuf struct {
	b   []byte
	run int
}

func (t *textBuf) plain(s string) {
	t.b = append(t.b, s...)
	t.run = -1
}

func (t *textBuf) special(s string) {
	if t.run < 0 {
		t.run = len(t.b)
	}
	t.b = append(t.b, s...)
}

func (t *textBuf) dropRun() {
	if t.run >= 0 {
		t.b = t.b[:t.run]
		t.run = -1
	}
}

func isSpecial(c byte) bool {
	return c == '$' || c == '#' || c == '\\' || c == ' ' || c == '\t'
}

// setFollows reports whether spaces and tabs at p.pos lead to a #set.
func (p *parser) setFollows() bool {
	j := p.pos
	for j < len(p.src) && (p.src[j] == ' ' || p.src[j] == '\t') {
		j++
	}
	name, _, _ := p.directiveName(j)
	return name == "set"
}

// directiveName reads "#name" or "#{name}" at off (which holds '#').
func (p *parser) directiveName(off int) (name string, end int, braced bool) {
	if off >= len(p.src) || p.src[off] != '#' {
		return "", off, false
	}
	j := off + 1
	if j < len(p.src) && p.src[j] == '{' {
		braced = true
		j++
	}
	k := j
	for k < len(p.src) && isIdentStart(p.src[k]) {
		k++
	}
	for k < len(p.src) && isIdentChar(p.src[k]) && p.src[k] != '-' {
		k++
	}
	name = p.src[j:k]
	if braced {
		if k >= len(p.src) || p.src[k] != '}' {
			return "", off, false
		}
		k++
	}
	return name, k, braced
}

// isDirective reports whether name is a directive or a defined macro, so
// that \#name is an escape.
func (p *parser) isDirective(name string) bool {
	switch name {
	case "set", "if", "elseif", "else", "end", "foreach", "define", "macro", "break", "stop":
		return true
	}
	return p.macros[name] != nil
}

// parseBackslash handles a run of backslashes: an escaped reference or
// directive, or plain text.
func (p *parser) parseBackslash(text *textBuf) (node, error) {
	j := p.pos
	for j < len(p.src) && p.src[j] == '\\' {
		j++
	}
	n := j - p.pos
	if j < len(p.src) && p.src[j] == '$' {
		r, err := p.parseRef(j, n)
		if err != nil || r != nil {
			return r, err
		}
	}
	if name, end, _ := p.directiveName(j); name != "" && p.isDirective(name) {
		text.dropRun()
		text.plain(strings.Repeat(`\`, n/2))
		if n%2 == 1 {
			text.plain(p.src[j:end])
			p.pos = end
		} else {
			p.pos = j
		}
		return nil, nil
	}
	text.special(p.src[p.pos:j])
	p.pos = j
	return nil, nil
}

// eatLineEnd consumes trailing spaces and tabs plus one newline, if a
// newline follows; Velocity 1.7 directives swallow the rest of their line.
func (p *parser) eatLineEnd() {
	j := p.pos
	for j < len(p.src) && (p.src[j] == ' ' || p.src[j] == '\t') {
		j++
	}
	switch {
	case j < len(p.src) && p.src[j] == '\n':
		p.pos = j + 1
	case j < len(p.src) && p.src[j] == '\r':
		p.pos = j + 1
		if p.pos < len(p.src) && p.src[p.pos] == '\n' {
			p.pos++
		}
	}
}
