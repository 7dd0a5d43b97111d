package telemetry

// escapeMode is how one reference's value is escaped (see Escaping).
type escapeMode uint8

const (
	escNone escapeMode = iota
	escText
	escJSON
	escXML
	escJSONQuoted // a value in quotes whose inside gets escJSON
)

const hexDigits = "0123456789abcdef"

// escapeTail escapes dst[start:] in place for mode. It appends the escaped
// form after the raw value and then moves it down, so it needs no scratch
// buffer and allocates only when dst must grow.
func escapeTail(dst []byte, start int, mode escapeMode) []byte {
	if mode == escJSONQuoted {
		n := len(dst)
		if n-start < 2 || dst[start] != '"' || dst[n-1] != '"' {
			return dst
		}
		dst = escapeTail(dst[:n-1], start+1, escJSON)
		return append(dst, '"')
	}
	if !needsEscape(dst[start:], mode) {
		return dst
	}
	end := len(dst)
	for i := start; i < end; i++ {
		// dst may be reallocated by the appends; indexes below end still
		// hold the raw value in the new array.
		dst = appendEscaped(dst, dst[i], mode)
	}
	n := copy(dst[start:], dst[end:])
	return dst[:start+n]
}

func needsEscape(b []byte, mode escapeMode) bool {
	for _, c := range b {
		if c < 0x20 || c == 0x7f {
			return true
		}
		switch mode {
		case escJSON:
			if c == '"' || c == '\\' {
				return true
			}
		case escXML:
			if c == '&' || c == '<' || c == '>' || c == '"' || c == '\'' {
				return true
			}
		}
	}
	return false
}

func appendEscaped(dst []byte, c byte, mode escapeMode) []byte {
	switch mode {
	case escJSON:
		return appendJSONByte(dst, c)
	case escXML:
		return appendXMLByte(dst, c)
	}
	if c < 0x20 || c == 0x7f {
		return append(dst, '\\', 'x', hexDigits[c>>4], hexDigits[c&0xf])
	}
	return append(dst, c)
}

func appendJSONByte(dst []byte, c byte) []byte {
	switch c {
	case '"':
		return append(dst, '\\', '"')
	case '\\':
		return append(dst, '\\', '\\')
	case '\n':
		return append(dst, '\\', 'n')
	case '\r':
		return append(dst, '\\', 'r')
	case '\t':
		return append(dst, '\\', 't')
	}
	if c < 0x20 || c == 0x7f {
		return append(dst, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
	}
	return append(dst, c)
}

func appendXMLByte(dst []byte, c byte) []byte {
	switch c {
	case '&':
		return append(dst, "&amp;"...)
	case '<':
		return append(dst, "&lt;"...)
	case '>':
		return append(dst, "&gt;"...)
	case '"':
		return append(dst, "&quot;"...)
	case '\'':
		return append(dst, "&apos;"...)
	case '\t':
		return append(dst, "&#9;"...)
	case '\n':
		return append(dst, "&#10;"...)
	case '\r':
		return append(dst, "&#13;"...)
	}
	if c < 0x20 || c == 0x7f {
		// Not allowed in XML 1.0, even as a reference.
		return append(dst, "\uFFFD"...)
	}
	return append(dst, c)
}
