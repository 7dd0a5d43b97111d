package vtl

import (
	"strings"
)

func isIdentStart(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_'
}

// isIdentChar reports identifier characters. Velocity 1.7 allows '-' inside
// identifiers, so $a-b is one reference.
func isIdentChar(c byte) bool {
	return isIdentStart(c) || c >= '0' && c <= '9' || c == '-'
}

func (p *parser) skipWS() {
	for p.pos < len(p.src) {
		switch p.src[p.pos] {
		case ' ', '\t', '\n', '\r':
			p.pos++
		default:
			return
		}
	}
}

// word returns the identifier at p.pos without consuming it.
func (p *parser) word() string {
	j := p.pos
	for j < len(p.src) && (isIdentStart(p.src[j]) || j > p.pos && p.src[j] >= '0' && p.src[j] <= '9') {
		j++
	}
	return p.src[p.pos:j]
}

// parseRef parses a reference at off ('$'). It returns nil, nil when the
// text there is not a reference, leaving p.pos unchanged.
func (p *parser) parseRef(off, esc int) (*refNode, error) {
	i := off + 1
	r := &refNode{esc: esc, off: off}
	if i < len(p.src) && p.src[i] == '!' {
		r.quiet = true
		i++
	}
	formal := i < len(p.src) && p.src[i] == '{'
	if formal {
		i++
	}
	if i >= len(p.src) || !isIdentStart(p.src[i]) {
		return nil, nil
	}
	j := i
	for j < len(p.src) && isIdentChar(p.src[j]) {
		j++
	}
	r.name = p.src[i:j]
	save := p.pos
	for {
		if j+1 < len(p.src) && p.src[j] == '.' && isIdentStart(p.src[j+1]) {
			k := j + 1
			for k < len(p.src) && isIdentChar(p.src[k]) {
				k++
			}
			a := accessor{kind: accProp, name: p.src[j+1 : k], off: j}
			if k < len(p.src) && p.src[k] == '(' {
				p.pos = k + 1
				args, err := p.parseArgs()
				if err != nil {
					return nil, err
				}
				a.kind, a.args, k = accMethod, args, p.pos
			}
			r.parts = append(r.parts, a)
			j = k
			continue
		}
		if j < len(p.src) && p.src[j] == '[' {
			// As in Velocity 1.7, '[' right after a reference must
			// open a valid index.
			p.pos = j + 1
			p.skipWS()
			e, err := p.parseExpr()
			if err != nil {
				return nil, err
			}
			if err := p.expect(']', "index"); err != nil {
				return nil, err
			}
			r.parts = append(r.parts, accessor{kind: accIndex, args: []expr{e}, off: j})
			j = p.pos
			continue
		}
		break
	}
	if formal {
		if j >= len(p.src) || p.src[j] != '}' {
			p.pos = save
			return nil, p.errorf(off, "missing } in reference")
		}
		j++
	}
	r.raw = p.src[off:j]
	p.pos = j
	return r, nil
}

// parseArgs parses method arguments after '(' up to and including ')'.
func (p *parser) parseArgs() ([]expr, error) {
	var args []expr
	p.skipWS()
	if p.pos < len(p.src) && p.src[p.pos] == ')' {
		p.pos++
		return args, nil
	}
	for {
		p.skipWS()
		e, err := p.parseExpr()
		if err != nil {
			return nil, err
		}
		args = append(args, e)
		p.skipWS()
		if p.pos < len(p.src) && p.src[p.pos] == ',' {
			p.pos++
			continue
		}
		return args, p.expect(')', "method call")
	}
}

// parseExpr parses an expression at p.pos (after whitespace). Precedence,
// lowest first: || or; && and; == != eq ne; < <= > >= lt le gt ge; + -;
// * / %; ! not.
func (p *parser) parseExpr() (expr, error) {
	if err := p.enter(p.pos); err != nil {
		return nil, err
	}
	defer p.leave()
	return p.parseBinary(0)
}

// numLevels is the number of binary precedence levels.
const numLevels = 6

func (p *parser) parseBinary(level int) (expr, error) {
	if level == numLevels {
		return p.parseUnary()
	}
	l, err := p.parseBinary(level + 1)
	if err != nil {
		return nil, err
	}
	for {
		p.skipWS()
		op, n, ok := p.matchOp(level)
		if !ok {
			return l, nil
		}
		off := p.pos
		p.pos += n
		p.skipWS()
		r, err := p.parseBinary(level + 1)
		if err != nil {
			return nil, err
		}
		l = &binExpr{op: op, l: l, r: r, off: off, lit: p.mathLiteral(op, off+n)}
	}
}

// mathLiteral is the text Velocity 1.7 substitutes for a null arithmetic
// result in a string concatenation: the source after the operator through
// the right operand and the blanks after it.
func (p *parser) mathLiteral(op binOp, from int) string {
	if op < opAdd {
		return ""
	}
	return p.src[from:p.skipBlank(p.pos)]
}

func (p *parser) skipBlank(i int) int {
	for i < len(p.src) && (p.src[i] == ' ' || p.src[i] == '\t' || p.src[i] == '\n' || p.src[i] == '\r') {
		i++
	}
	return i
}

func (p *parser) matchOp(level int) (binOp, int, bool) {
	rest := p.src[p.pos:]
	sym := func(t string) bool { return strings.HasPrefix(rest, t) }
	word := func(w string) bool {
		return strings.HasPrefix(rest, w) && (len(rest) == len(w) || !isIdentChar(rest[len(w)]))
	}
	switch level {
	case 0:
		if sym("||") || word("or") {
			return opOr, 2, true
		}
	case 1:
		if sym("&&") {
			return opAnd, 2, true
		}
		if word("and") {
			return opAnd, 3, true
		}
	case 2:
		switch {
		case sym("=="), word("eq"):
			return opEq, 2, true
		case sym("!="), word("ne"):
			return opNe, 2, true
		}
	case 3:
		switch {
		case sym("<="), word("le"):
			return opLe, 2, true
		case sym(">="), word("ge"):
			return opGe, 2, true
		case sym("<"):
			return opLt, 1, true
		case sym(">"):
			return opGt, 1, true
		case word("lt"):
			return opLt, 2, true
		case word("gt"):
			return opGt, 2, true
		}
	case 4:
		switch {
		case sym("+"):
			return opAdd, 1, true
		// "-" directly before a digit lexes as a negative number in
		// Velocity, so "$a -1" is a syntax error there too.
		case sym("-") && !(len(rest) > 1 && rest[1] >= '0' && rest[1] <= '9'):
			return opSub, 1, true
		}
	case 5:
		switch {
		case sym("*"):
			return opMul, 1, true
		case sym("/"):
			return opDiv, 1, true
		case sym("%"):
			return opMod, 1, true
		}
	}
	return 0, 0, false
}

func (p *parser) parseUnary() (expr, error) {
	p.skipWS()
	if p.pos < len(p.src) && p.src[p.pos] == '!' && !strings.HasPrefix(p.src[p.pos:], "!=") {
		p.pos++
		x, err := p.parseUnaryNested()
		return &notExpr{x: x}, err
	}
	if p.word() == "not" {
		p.pos += 3
		x, err := p.parseUnaryNested()
		return &notExpr{x: x}, err
	}
	return p.parsePrimary()
}

func (p *parser) parseUnaryNested() (expr, error) {
	if err := p.enter(p.pos); err != nil {
		return nil, err
	}
	defer p.leave()
	return p.parseUnary()
}

func (p *parser) parsePrimary() (expr, error) {
	if p.pos >= len(p.src) {
		return nil, p.errorf(p.pos, "unexpected end of template in expression")
	}
	off := p.pos
	c := p.src[p.pos]
	switch {
	case c == '$':
		r, err := p.parseRef(off, 0)
		if err == nil && r == nil {
			err = p.errorf(off, "invalid reference")
		}
		return r, err
	case c == '"' || c == '\'':
		return p.parseString()
	case c == '\\' && strings.HasPrefix(p.src[off:], `\"`):
		return p.parseEscapedString()
	case c >= '0' && c <= '9' || c == '-' && off+1 < len(p.src) && p.src[off+1] >= '0' && p.src[off+1] <= '9':
		return p.parseNumber()
	case c == '[':
		return p.parseList()
	case c == '{':
		return p.parseMap()
	case c == '(':
		p.pos++
		p.skipWS()
		e, err := p.parseExpr()
		if err != nil {
			return nil, err
		}
		return e, p.expect(')', "parenthesised expression")
	}
	switch p.word() {
	case "true":
		p.pos += 4
		return &litExpr{v: true}, nil
	case "false":
		p.pos += 5
		return &litExpr{v: false}, nil
	}
	return nil, p.errorf(off, "unexpected %q in expression", c)
}
