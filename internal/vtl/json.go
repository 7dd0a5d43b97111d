package vtl

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// maxJSONDepth bounds the nesting of decoded JSON.
const maxJSONDepth = 200

// DecodeJSON decodes JSON into template values: objects become *Map (in
// document order), arrays *List, integral numbers int64 (float64 when out of
// range), other numbers float64. Arrays print as JSON, as the arrays that
// API Gateway's $input.path returns do.
func DecodeJSON(data []byte) (any, error) {
	return decodeJSON(data, true)
}

func decodeJSON(data []byte, jsonLists bool) (any, error) {
	d := json.NewDecoder(bytes.NewReader(data))
	d.UseNumber()
	v, err := decodeValue(d, jsonLists, 0)
	if err != nil {
		return nil, err
	}
	if _, err := d.Token(); !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("invalid JSON: data after the top-level value")
	}
	return v, nil
}

func decodeValue(d *json.Decoder, jsonLists bool, depth int) (any, error) {
	if depth > maxJSONDepth {
		return nil, fmt.Errorf("JSON nested deeper than %d", maxJSONDepth)
	}
	tok, err := d.Token()
	if err != nil {
		return nil, err
	}
	switch t := tok.(type) {
	case json.Delim:
		if t == '[' {
			l := &List{Items: []any{}, json: jsonLists}
			for d.More() {
				v, err := decodeValue(d, jsonLists, depth+1)
				if err != nil {
					return nil, err
				}
				l.Items = append(l.Items, v)
			}
			_, err := d.Token()
			return l, err
		}
		m := NewMap(4)
		for d.More() {
			kt, err := d.Token()
			if err != nil {
				return nil, err
			}
			v, err := decodeValue(d, jsonLists, depth+1)
			if err != nil {
				return nil, err
			}
			m.Set(kt.(string), v)
		}
		_, err := d.Token()
		return m, err
	case json.Number:
		s := string(t)
		if !strings.ContainsAny(s, ".eE") {
			if i, err := strconv.ParseInt(s, 10, 64); err == nil {
				return i, nil
			}
		}
		return strconv.ParseFloat(s, 64)
	}
	return tok, nil // string, bool or nil
}
