package lambdaevent

import (
	"bytes"
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"unicode/utf8"
)

// member is one key and raw value of a JSON object.
type member struct {
	key   string
	value []byte
}

// objectMembers splits a valid JSON object into its members in document
// order, without unmarshalling. ok is false when data is not an object or
// a key has escapes; the caller then takes the encoding/json path.
func objectMembers(data []byte, buf []member) (members []member, ok bool) {
	i := skipSpace(data, 0)
	if i >= len(data) || data[i] != '{' {
		return nil, false
	}
	i = skipSpace(data, i+1)
	if i < len(data) && data[i] == '}' {
		return buf, true
	}
	for i < len(data) {
		if data[i] != '"' {
			return nil, false
		}
		end := bytes.IndexByte(data[i+1:], '"')
		if end < 0 {
			return nil, false
		}
		key := data[i+1 : i+1+end]
		if bytes.IndexByte(key, '\\') >= 0 || !utf8.Valid(key) {
			return nil, false
		}
		i = skipSpace(data, i+end+2)
		if i >= len(data) || data[i] != ':' {
			return nil, false
		}
		start := skipSpace(data, i+1)
		stop := skipValue(data, start)
		if stop <= start {
			return nil, false
		}
		buf = append(buf, member{string(key), data[start:stop]})
		i = skipSpace(data, stop)
		if i >= len(data) {
			return nil, false
		}
		switch data[i] {
		case ',':
			i = skipSpace(data, i+1)
		case '}':
			return buf, true
		default:
			return nil, false
		}
	}
	return nil, false
}

func skipSpace(data []byte, i int) int {
	for i < len(data) && (data[i] == ' ' || data[i] == '\t' || data[i] == '\n' || data[i] == '\r') {
		i++
	}
	return i
}

// skipValue returns the end of the JSON value starting at i, in data
// known to be valid JSON.
func skipValue(data []byte, i int) int {
	depth := 0
	for i < len(data) {
		switch c := data[i]; {
		case c == '"':
			i++
			for i < len(data) && data[i] != '"' {
				if data[i] == '\\' {
					i++
				}
				i++
			}
			i++
			if depth == 0 {
				return i
			}
		case c == '{' || c == '[':
			depth++
			i++
		case c == '}' || c == ']':
			if depth == 0 {
				return i
			}
			depth--
			i++
			if depth == 0 {
				return i
			}
		case depth == 0 && (c == ',' || c == ' ' || c == '\t' || c == '\n' || c == '\r'):
			return i
		default:
			i++
		}
	}
	return i
}

// fastString returns a JSON string's value when it has no escapes and is
// valid UTF-8 (what json.Unmarshal would return unchanged).
func fastString(v []byte) (string, bool) {
	if len(v) < 2 || v[0] != '"' || v[len(v)-1] != '"' {
		return "", false
	}
	s := v[1 : len(v)-1]
	if bytes.IndexByte(s, '\\') >= 0 || !utf8.Valid(s) {
		return "", false
	}
	return string(s), true
}

// dedupe sorts members by key and keeps the last of equal keys, as
// unmarshalling into a map does.
func dedupe(ms []member) []member {
	slices.SortStableFunc(ms, func(a, b member) int { return strings.Compare(a.key, b.key) })
	out := ms[:0]
	for i, m := range ms {
		if i+1 < len(ms) && ms[i+1].key == m.key {
			continue
		}
		out = append(out, m)
	}
	return out
}

// parseProxyResponseFast handles the usual well-formed answer without
// encoding/json's map decoding. ok is false whenever the answer needs the
// general path (anything unusual, any error), which then decides.
func parseProxyResponseFast(payload []byte) (*ProxyResponse, bool) {
	if !json.Valid(payload) {
		return nil, false
	}
	var buf [8]member
	top, ok := objectMembers(payload, buf[:0])
	if !ok {
		return nil, false
	}
	r := &ProxyResponse{Status: 200}
	var multi, single []byte
	for _, m := range dedupe(top) { // a repeated key counts once, the last, as in a map
		var err error
		switch m.key {
		case "statusCode":
			r.Status, err = parseStatus(m.value)
		case "headers":
			single = m.value
		case "multiValueHeaders":
			multi = m.value
		case "body":
			if s, ok := fastString(m.value); ok {
				r.Body = s
			} else {
				r.Body, err = parseBody(m.value)
			}
		case "isBase64Encoded":
			err = json.Unmarshal(m.value, &r.Base64)
		default:
			return nil, false
		}
		if err != nil {
			return nil, false
		}
	}
	r.Header = make(http.Header, 4)
	names := map[string]string{}
	add := func(name, value string) {
		lower := strings.ToLower(name)
		key, ok := names[lower]
		if !ok {
			key = name
			names[lower] = name
		}
		if prev, ok := r.Header[key]; ok {
			r.Header[key] = []string{prev[0] + ", " + value}
			return
		}
		r.Header[key] = []string{value}
	}
	if len(multi) > 0 && string(multi) != "null" {
		ms, ok := objectMembers(multi, nil)
		if !ok {
			return nil, false
		}
		for _, m := range dedupe(ms) {
			if len(m.value) == 0 || m.value[0] != '[' {
				return nil, false
			}
			var list []json.RawMessage
			if err := json.Unmarshal(m.value, &list); err != nil {
				return nil, false
			}
			for _, e := range list {
				s, ok := fastString(e)
				if !ok {
					if s, ok = ScalarString(e); !ok {
						return nil, false
					}
				}
				add(m.key, s)
			}
		}
	}
	if len(single) > 0 && string(single) != "null" {
		ms, ok := objectMembers(single, nil)
		if !ok {
			return nil, false
		}
		for _, m := range dedupe(ms) {
			s, ok := fastString(m.value)
			if !ok {
				if s, ok = ScalarString(m.value); !ok {
					return nil, false
				}
			}
			add(m.key, s)
		}
	}
	return r, true
}
