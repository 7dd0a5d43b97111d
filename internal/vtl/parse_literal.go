package vtl

import (
	"strconv"
	"strings"
)

// Literals in expressions: numbers, strings, lists, ranges and maps.

func (p *parser) parseNumber() (expr, error) {
	off := p.pos
	j := off
	if p.src[j] == '-' {
		j++
	}
	for j < len(p.src) && p.src[j] >= '0' && p.src[j] <= '9' {
		j++
	}
	isFloat := false
	if j+1 < len(p.src) && p.src[j] == '.' && p.src[j+1] >= '0' && p.src[j+1] <= '9' {
		isFloat = true
		j++
		for j < len(p.src) && p.src[j] >= '0' && p.src[j] <= '9' {
			j++
		}
	}
	if j < len(p.src) && (p.src[j] == 'e' || p.src[j] == 'E') {
		k := j + 1
		if k < len(p.src) && (p.src[k] == '+' || p.src[k] == '-') {
			k++
		}
		if k < len(p.src) && p.src[k] >= '0' && p.src[k] <= '9' {
			isFloat = true
			for k < len(p.src) && p.src[k] >= '0' && p.src[k] <= '9' {
				k++
			}
			j = k
		}
	}
	s := p.src[off:j]
	p.pos = j
	if !isFloat {
		if i, err := strconv.ParseInt(s, 10, 64); err == nil {
			return &litExpr{v: i}, nil
		}
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return nil, p.errorf(off, "invalid number %q", s)
	}
	return &litExpr{v: f}, nil
}

// parseString parses '...' (literal; ” is a quote) or "..." (interpolated
// when it holds $ or #; "" is a quote).
func (p *parser) parseString() (expr, error) {
	off := p.pos
	q := p.src[off]
	j := off + 1
	for {
		if j >= len(p.src) {
			return nil, p.errorf(off, "unterminated string literal")
		}
		c := p.src[j]
		if c == q {
			if j+1 < len(p.src) && p.src[j+1] == q {
				j += 2
				continue
			}
			break
		}
		j++
	}
	raw := p.src[off+1 : j]
	p.pos = j + 1
	return p.stringExpr(off, raw, strings.ReplaceAll(raw, string([]byte{q, q}), string(q)), q)
}

// parseEscapedString reads \"...\" in an expression as the string
// literal "...". Velocity rejects a backslash there, but API Gateway
// deploys such templates: they come from definitions whose authors escaped
// the quotes once too often for the enclosing JSON or YAML string (AWS's
// own examples contain $input.params(\"name\")). Reading the quotes as
// quotes renders what the author meant instead of failing the method.
func (p *parser) parseEscapedString() (expr, error) {
	off := p.pos
	end := strings.Index(p.src[off+2:], `\"`)
	if end < 0 {
		return nil, p.errorf(off, "unterminated string literal")
	}
	raw := p.src[off+2 : off+2+end]
	p.pos = off + 2 + end + 2
	return p.stringExpr(off+1, raw, raw, '"')
}

// stringExpr builds a string literal whose quote q stood at off, raw being
// its source content and s the content after unescaping doubled quotes.
func (p *parser) stringExpr(off int, raw, s string, q byte) (expr, error) {
	if q == '\'' || !strings.ContainsAny(s, "$#") {
		return &strExpr{s: s}, nil
	}
	sub := &parser{name: p.name, full: p.full, src: s, base: p.base + off + 1, depth: p.depth, macros: p.macros}
	if len(s) != len(raw) {
		sub.base = p.base + off // positions are approximate after "" unescaping
	}
	parts, t, err := sub.parseNodes()
	if err != nil {
		return nil, err
	}
	if t.kind != termEOF {
		return nil, sub.errorf(t.off, "#%s without matching #if or #foreach", t.word())
	}
	if parts == nil {
		parts = []node{}
	}
	return &strExpr{s: s, parts: parts}, nil
}

func (p *parser) parseList() (expr, error) {
	off := p.pos
	p.pos++
	p.skipWS()
	l := &listExpr{items: []expr{}}
	if p.pos < len(p.src) && p.src[p.pos] == ']' {
		p.pos++
		return l, nil
	}
	for {
		p.skipWS()
		e, err := p.parseExpr()
		if err != nil {
			return nil, err
		}
		p.skipWS()
		if len(l.items) == 0 && strings.HasPrefix(p.src[p.pos:], "..") {
			p.pos += 2
			p.skipWS()
			to, err := p.parseExpr()
			if err != nil {
				return nil, err
			}
			if err := p.expect(']', "range"); err != nil {
				return nil, err
			}
			return &rangeExpr{from: e, to: to}, nil
		}
		l.items = append(l.items, e)
		if p.pos < len(p.src) && p.src[p.pos] == ',' {
			p.pos++
			continue
		}
		if err := p.expect(']', "list"); err != nil {
			return nil, p.errorf(off, "unterminated list")
		}
		return l, nil
	}
}

func (p *parser) parseMap() (expr, error) {
	p.pos++
	m := &mapExpr{}
	p.skipWS()
	if p.pos < len(p.src) && p.src[p.pos] == '}' {
		p.pos++
		return m, nil
	}
	for {
		p.skipWS()
		k, err := p.parseExpr()
		if err != nil {
			return nil, err
		}
		if err := p.expect(':', "map"); err != nil {
			return nil, err
		}
		p.skipWS()
		v, err := p.parseExpr()
		if err != nil {
			return nil, err
		}
		m.keys = append(m.keys, k)
		m.vals = append(m.vals, v)
		p.skipWS()
		if p.pos < len(p.src) && p.src[p.pos] == ',' {
			p.pos++
			continue
		}
		return m, p.expect('}', "map")
	}
}
