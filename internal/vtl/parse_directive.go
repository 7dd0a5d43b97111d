package vtl

import "strings"

// parseHash handles '#' at p.pos: comments, unparsed blocks, directives,
// macro calls, or a literal '#'. done reports a block terminator in tm;
// directive reports a directive, macro call or block comment.
func (p *parser) parseHash(text *textBuf) (n node, tm term, done, directive bool, err error) {
	off := p.pos
	rest := p.src[off:]
	switch {
	case strings.HasPrefix(rest, "##"):
		i := strings.IndexAny(rest, "\r\n")
		if i < 0 {
			p.pos = len(p.src)
		} else {
			p.pos = off + i + 1
			if rest[i] == '\r' && i+1 < len(rest) && rest[i+1] == '\n' {
				p.pos++
			}
		}
		return nil, tm, false, false, nil
	case strings.HasPrefix(rest, "#*"):
		i := strings.Index(rest[2:], "*#")
		if i < 0 {
			return nil, tm, false, false, p.errorf(off, "unterminated comment")
		}
		p.pos = off + 2 + i + 2
		return nil, tm, false, true, nil
	case strings.HasPrefix(rest, "#[["):
		i := strings.Index(rest[3:], "]]#")
		if i < 0 {
			return nil, tm, false, false, p.errorf(off, "unterminated #[[ block")
		}
		text.plain(rest[3 : 3+i])
		p.pos = off + 3 + i + 3
		return nil, tm, false, false, nil
	}
	name, end, _ := p.directiveName(off)
	switch name {
	case "end", "else":
		p.pos = end
		p.eatLineEnd()
		k := termEnd
		if name == "else" {
			k = termElse
		}
		return nil, term{kind: k, off: off}, true, true, nil
	case "elseif":
		p.pos = end
		c, err := p.parseParenExpr("#elseif")
		if err != nil {
			return nil, tm, false, false, err
		}
		p.eatLineEnd()
		return nil, term{kind: termElseif, cond: c, off: off}, true, true, nil
	case "set":
		p.pos = end
		n, err = p.parseSet(off)
	case "if":
		p.pos = end
		n, err = p.parseIf()
	case "foreach":
		p.pos = end
		n, err = p.parseForeach(off)
	case "define":
		p.pos = end
		n, err = p.parseDefine()
	case "macro":
		p.pos = end
		err = p.parseMacro(off)
	case "break":
		p.pos = end
		n = breakNode{}
	case "stop":
		p.pos = end
		n = stopNode{}
	default:
		if name != "" && p.parenFollows(end) {
			p.pos = end
			if n, err = p.parseMacroCall(name, off); err == nil {
				return n, tm, false, true, nil
			}
			if p.macros[name] != nil {
				return nil, tm, false, false, err
			}
		}
		// Not a macro call: a literal '#'.
		text.plain("#")
		p.pos = off + 1
		return nil, tm, false, false, nil
	}
	return n, tm, false, true, err
}

// parenFollows reports whether '(' follows off after optional spaces.
func (p *parser) parenFollows(off int) bool {
	for off < len(p.src) && (p.src[off] == ' ' || p.src[off] == '\t') {
		off++
	}
	return off < len(p.src) && p.src[off] == '('
}

// openParen consumes optional spaces and tabs and a '('.
func (p *parser) openParen(what string) error {
	if !p.parenFollows(p.pos) {
		return p.errorf(p.pos, "expected ( after %s", what)
	}
	p.pos = strings.IndexByte(p.src[p.pos:], '(') + p.pos + 1
	return nil
}

func (p *parser) expect(c byte, what string) error {
	p.skipWS()
	if p.pos >= len(p.src) || p.src[p.pos] != c {
		return p.errorf(p.pos, "expected %q in %s", c, what)
	}
	p.pos++
	return nil
}

func (p *parser) parseParenExpr(what string) (expr, error) {
	if err := p.openParen(what); err != nil {
		return nil, err
	}
	p.skipWS()
	e, err := p.parseExpr()
	if err != nil {
		return nil, err
	}
	return e, p.expect(')', what)
}

func (p *parser) parseSet(off int) (node, error) {
	// Velocity 1.7 accepts spaces, but not tabs, between #set and '('.
	if j := p.pos + len(p.src[p.pos:]) - len(strings.TrimLeft(p.src[p.pos:], " ")); j >= len(p.src) || p.src[j] != '(' {
		return nil, p.errorf(p.pos, "expected ( after #set")
	}
	if err := p.openParen("#set"); err != nil {
		return nil, err
	}
	p.skipWS()
	lhs, err := p.parseRef(p.pos, 0)
	if err != nil {
		return nil, err
	}
	if lhs == nil {
		return nil, p.errorf(p.pos, "expected a reference in #set")
	}
	if err := p.expect('=', "#set"); err != nil {
		return nil, err
	}
	p.skipWS()
	rhs, err := p.parseExpr()
	if err != nil {
		return nil, err
	}
	if err := p.expect(')', "#set"); err != nil {
		return nil, err
	}
	p.eatLineEnd()
	return &setNode{lhs: lhs, rhs: rhs, off: off}, nil
}

func (p *parser) parseIf() (node, error) {
	c, err := p.parseParenExpr("#if")
	if err != nil {
		return nil, err
	}
	p.eatLineEnd()
	n := &ifNode{conds: []expr{c}}
	for {
		body, t, err := p.parseNodes()
		if err != nil {
			return nil, err
		}
		switch t.kind {
		case termEnd:
			n.bodies = append(n.bodies, body)
			return n, nil
		case termElseif:
			n.bodies = append(n.bodies, body)
			n.conds = append(n.conds, t.cond)
		case termElse:
			n.bodies = append(n.bodies, body)
			els, t2, err := p.parseNodes()
			if err != nil {
				return nil, err
			}
			if t2.kind != termEnd {
				return nil, p.errorf(t2.off, "expected #end after #else, found #%s", t2.word())
			}
			if els == nil {
				els = []node{}
			}
			n.els = els
			return n, nil
		default:
			return nil, p.errorf(t.off, "missing #end for #if")
		}
	}
}

// parseBlockBody parses up to the #end of a #foreach, #define or #macro.
func (p *parser) parseBlockBody(what string) ([]node, error) {
	body, t, err := p.parseNodes()
	if err != nil {
		return nil, err
	}
	if t.kind != termEnd {
		if t.kind == termEOF {
			return nil, p.errorf(t.off, "missing #end for %s", what)
		}
		return nil, p.errorf(t.off, "#%s inside %s", t.word(), what)
	}
	return body, nil
}

// parseVarName reads "$name" (or "$!name", "${name}") for #foreach and
// #define.
func (p *parser) parseVarName(what string) (string, error) {
	p.skipWS()
	r, err := p.parseRef(p.pos, 0)
	if err != nil {
		return "", err
	}
	if r == nil || len(r.parts) > 0 {
		return "", p.errorf(p.pos, "expected a variable in %s", what)
	}
	return r.name, nil
}

func (p *parser) parseForeach(off int) (node, error) {
	if err := p.openParen("#foreach"); err != nil {
		return nil, err
	}
	v, err := p.parseVarName("#foreach")
	if err != nil {
		return nil, err
	}
	p.skipWS()
	if p.word() != "in" {
		return nil, p.errorf(p.pos, "expected 'in' in #foreach")
	}
	p.pos += 2
	p.skipWS()
	it, err := p.parseExpr()
	if err != nil {
		return nil, err
	}
	if err := p.expect(')', "#foreach"); err != nil {
		return nil, err
	}
	p.eatLineEnd()
	body, err := p.parseBlockBody("#foreach")
	if err != nil {
		return nil, err
	}
	return &foreachNode{varName: v, iter: it, body: body, off: off}, nil
}

func (p *parser) parseDefine() (node, error) {
	if err := p.openParen("#define"); err != nil {
		return nil, err
	}
	v, err := p.parseVarName("#define")
	if err != nil {
		return nil, err
	}
	if err := p.expect(')', "#define"); err != nil {
		return nil, err
	}
	p.eatLineEnd()
	body, err := p.parseBlockBody("#define")
	if err != nil {
		return nil, err
	}
	return &defineNode{name: v, body: body}, nil
}

// parseMacro parses #macro(name $p1 $p2) ... #end and registers it, so
// later calls #name(...) in this template are recognised.
func (p *parser) parseMacro(off int) error {
	if err := p.openParen("#macro"); err != nil {
		return err
	}
	p.skipWS()
	name := p.word()
	if name == "" {
		return p.errorf(p.pos, "expected a macro name")
	}
	p.pos += len(name)
	m := &macro{name: name}
	for {
		p.skipArgSep()
		if p.pos < len(p.src) && p.src[p.pos] == ')' {
			p.pos++
			break
		}
		v, err := p.parseVarName("#macro")
		if err != nil {
			return err
		}
		m.params = append(m.params, v)
	}
	p.eatLineEnd()
	p.macros[name] = m // registered first, so the body may call it
	body, err := p.parseBlockBody("#macro")
	if err != nil {
		return err
	}
	m.body = body
	return nil
}

func (p *parser) parseMacroCall(name string, off int) (node, error) {
	if err := p.openParen("#" + name); err != nil {
		return nil, err
	}
	n := &macroCallNode{name: name, off: off}
	for {
		p.skipArgSep()
		if p.pos >= len(p.src) {
			return nil, p.errorf(off, "unterminated call of #%s", name)
		}
		if p.src[p.pos] == ')' {
			p.pos++
			break
		}
		e, err := p.parseExpr()
		if err != nil {
			return nil, err
		}
		n.args = append(n.args, e)
	}
	n.raw = p.src[off:p.pos]
	end := p.pos
	p.eatLineEnd()
	n.lineEnd = p.src[end:p.pos]
	return n, nil
}

// skipArgSep skips whitespace and commas between macro arguments.
func (p *parser) skipArgSep() {
	for p.pos < len(p.src) {
		switch p.src[p.pos] {
		case ' ', '\t', '\n', '\r', ',':
			p.pos++
		default:
			return
		}
	}
}
