package validate

import (
	"unicode/utf16"
	"unicode/utf8"
)

// str parses a string; the fast path copies a run without escapes once.
func (p *parser) str() (string, error) {
	p.pos++ // opening quote
	start := p.pos
	ascii := true
	for p.pos < len(p.data) {
		c := p.data[p.pos]
		switch {
		case c == '"':
			s := p.data[start:p.pos]
			if !ascii && !utf8.Valid(s) {
				return "", p.fail("invalid UTF-8 in a string")
			}
			p.pos++
			return string(s), nil
		case c == '\\':
			return p.slowStr(start)
		case c < 0x20:
			return "", p.fail("control character in a string")
		case c >= utf8.RuneSelf:
			ascii = false
		}
		p.pos++
	}
	return "", p.fail("unterminated string")
}

// slowStr finishes a string that has escapes, from its first byte at start.
func (p *parser) slowStr(start int) (string, error) {
	buf := make([]byte, 0, p.pos-start+16)
	buf = append(buf, p.data[start:p.pos]...)
	if !utf8.Valid(buf) {
		return "", p.fail("invalid UTF-8 in a string")
	}
	for p.pos < len(p.data) {
		c := p.data[p.pos]
		switch {
		case c == '"':
			p.pos++
			return string(buf), nil
		case c == '\\':
			var err error
			if buf, err = p.escape(buf); err != nil {
				return "", err
			}
			continue
		case c < 0x20:
			return "", p.fail("control character in a string")
		case c >= utf8.RuneSelf:
			r, size := utf8.DecodeRune(p.data[p.pos:])
			if r == utf8.RuneError && size <= 1 {
				return "", p.fail("invalid UTF-8 in a string")
			}
			buf = append(buf, p.data[p.pos:p.pos+size]...)
			p.pos += size
			continue
		}
		buf = append(buf, c)
		p.pos++
	}
	return "", p.fail("unterminated string")
}

// escape decodes one backslash escape at p.pos and appends it to buf.
func (p *parser) escape(buf []byte) ([]byte, error) {
	if p.pos+1 >= len(p.data) {
		return nil, p.fail("unterminated escape")
	}
	c := p.data[p.pos+1]
	p.pos += 2
	switch c {
	case '"', '\\', '/':
		return append(buf, c), nil
	case 'b':
		return append(buf, '\b'), nil
	case 'f':
		return append(buf, '\f'), nil
	case 'n':
		return append(buf, '\n'), nil
	case 'r':
		return append(buf, '\r'), nil
	case 't':
		return append(buf, '\t'), nil
	case 'u':
		r, ok := p.hex4()
		if !ok {
			return nil, p.fail("invalid \\u escape")
		}
		if utf16.IsSurrogate(r) {
			// A valid pair becomes one rune; a lone surrogate becomes
			// U+FFFD, as Go's encoding/json does.
			r2 := utf8.RuneError
			if save := p.pos; p.pos+1 < len(p.data) && p.data[p.pos] == '\\' && p.data[p.pos+1] == 'u' {
				p.pos += 2
				if lo, ok := p.hex4(); ok && utf16.DecodeRune(r, lo) != utf8.RuneError {
					r2 = utf16.DecodeRune(r, lo)
				} else {
					p.pos = save
				}
			}
			r = r2
		}
		return utf8.AppendRune(buf, r), nil
	}
	return nil, p.fail("invalid escape character")
}

func (p *parser) hex4() (rune, bool) {
	if len(p.data)-p.pos < 4 {
		return 0, false
	}
	var r rune
	for _, c := range p.data[p.pos : p.pos+4] {
		r <<= 4
		switch {
		case c >= '0' && c <= '9':
			r |= rune(c - '0')
		case c >= 'a' && c <= 'f':
			r |= rune(c - 'a' + 10)
		case c >= 'A' && c <= 'F':
			r |= rune(c - 'A' + 10)
		default:
			return 0, false
		}
	}
	p.pos += 4
	return r, true
}
