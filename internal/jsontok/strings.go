package jsontok

import (
	"unicode/utf16"
	"unicode/utf8"
)

// plain marks the bytes a string can hold as they are: not a quote, a
// backslash, a control character or part of a multi-byte rune.
var plain = func() (p [256]bool) {
	for c := 0x20; c < utf8.RuneSelf; c++ {
		p[c] = c != '"' && c != '\\'
	}
	return p
}()

// str reads a string at t.pos (its opening quote). A string without escapes
// is a slice of the input; one with escapes is decoded into t.buf. It
// reports false after recording a syntax error.
func (t *Tokenizer) str() bool {
	t.pos++ // opening quote
	start := t.pos
	ascii := true
	for {
		data, i := t.data, t.pos
		for i < len(data) && plain[data[i]] {
			i++
		}
		t.pos = i
		if t.pos >= len(t.data) {
			t.fail(Unterminated)
			return false
		}
		switch c := t.data[t.pos]; {
		case c == '"':
			t.tokA, t.tokB = start, t.pos
			if !ascii && !utf8.Valid(t.data[start:t.pos]) {
				if !t.opts.ReplaceInvalidUTF8 {
					t.fail(InvalidUTF8)
					return false
				}
				t.buf = appendReplacing(t.buf[:0], t.data[start:t.pos])
				t.tokA = -1
			}
			t.pos++
			return true
		case c == '\\':
			return t.slowStr(start, ascii)
		case c < 0x20:
			t.fail(ControlChar)
			return false
		}
		ascii = false
		t.pos++
	}
}

// slowStr finishes a string that has escapes, from its first byte at start;
// t.pos is at the first backslash.
func (t *Tokenizer) slowStr(start int, ascii bool) bool {
	buf := t.buf[:0]
	switch prefix := t.data[start:t.pos]; {
	case ascii || utf8.Valid(prefix):
		buf = append(buf, prefix...)
	case t.opts.ReplaceInvalidUTF8:
		buf = appendReplacing(buf, prefix)
	default:
		t.fail(InvalidUTF8)
		return false
	}
	for t.pos < len(t.data) {
		c := t.data[t.pos]
		switch {
		case c == '"':
			t.pos++
			t.buf, t.tokA = buf, -1
			return true
		case c == '\\':
			var ok bool
			if buf, ok = t.escape(buf); !ok {
				return false
			}
			continue
		case c < 0x20:
			t.fail(ControlChar)
			return false
		case c >= utf8.RuneSelf:
			r, size := utf8.DecodeRune(t.data[t.pos:])
			switch {
			case r != utf8.RuneError || size > 1:
				buf = append(buf, t.data[t.pos:t.pos+size]...)
			case t.opts.ReplaceInvalidUTF8:
				buf = utf8.AppendRune(buf, utf8.RuneError)
			default:
				t.fail(InvalidUTF8)
				return false
			}
			t.pos += size
			continue
		}
		buf = append(buf, c)
		t.pos++
	}
	t.fail(Unterminated)
	return false
}

// appendReplacing appends s to buf with each invalid UTF-8 byte replaced by
// U+FFFD, as decoding it rune by rune does.
func appendReplacing(buf, s []byte) []byte {
	for len(s) > 0 {
		r, size := utf8.DecodeRune(s)
		if r == utf8.RuneError && size == 1 {
			buf = utf8.AppendRune(buf, r)
		} else {
			buf = append(buf, s[:size]...)
		}
		s = s[size:]
	}
	return buf
}

// escape decodes one backslash escape at t.pos and appends it to buf.
func (t *Tokenizer) escape(buf []byte) ([]byte, bool) {
	if t.pos+1 >= len(t.data) {
		t.fail(UnterminatedEscape)
		return nil, false
	}
	c := t.data[t.pos+1]
	t.pos += 2
	switch c {
	case '"', '\\', '/':
		return append(buf, c), true
	case 'b':
		return append(buf, '\b'), true
	case 'f':
		return append(buf, '\f'), true
	case 'n':
		return append(buf, '\n'), true
	case 'r':
		return append(buf, '\r'), true
	case 't':
		return append(buf, '\t'), true
	case 'u':
		r, ok := t.hex4()
		if !ok {
			t.fail(BadUnicodeEscape)
			return nil, false
		}
		if utf16.IsSurrogate(r) {
			// A valid pair becomes one rune; a lone surrogate becomes
			// U+FFFD, as Go's encoding/json does.
			r2 := utf8.RuneError
			if save := t.pos; t.pos+1 < len(t.data) && t.data[t.pos] == '\\' && t.data[t.pos+1] == 'u' {
				t.pos += 2
				if lo, ok := t.hex4(); ok && utf16.DecodeRune(r, lo) != utf8.RuneError {
					r2 = utf16.DecodeRune(r, lo)
				} else {
					t.pos = save
				}
			}
			r = r2
		}
		return utf8.AppendRune(buf, r), true
	}
	t.fail(BadEscape)
	return nil, false
}

func (t *Tokenizer) hex4() (rune, bool) {
	if len(t.data)-t.pos < 4 {
		return 0, false
	}
	var r rune
	for _, c := range t.data[t.pos : t.pos+4] {
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
	t.pos += 4
	return r, true
}
