package integration

import (
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// jsonPath is a compiled $request.body / $response.body selection: object
// members and array indexes from the root. AWS supports JSON path
// expressions without recursive descent ("..") and filters ("?(...)")
// (https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-parameter-mapping.html);
// Portico reads member names (".name", "['name']") and indexes ("[0]").
// The empty path selects the whole body.
type jsonPath []jsonStep

// jsonStep is one member name, or an index when index >= 0.
type jsonStep struct {
	name  string
	index int
}

// compileJSONPath reads the path after "body" ("" or ".a.b[0]" with the
// leading dot already cut: "a.b[0]").
func compileJSONPath(p string) (jsonPath, error) {
	if strings.HasPrefix(p, ".") || strings.Contains(p, "..") {
		return nil, errors.New("recursive descent (..) is not supported")
	}
	var out jsonPath
	i := 0
	for i < len(p) {
		switch c := p[i]; {
		case c == '.':
			i++
		case c == '[':
			end := strings.IndexByte(p[i:], ']')
			if end < 0 {
				return nil, fmt.Errorf("%q: \"[\" without its \"]\"", p)
			}
			in := p[i+1 : i+end]
			switch {
			case strings.HasPrefix(in, "?"):
				return nil, errors.New("filter expressions (?(...)) are not supported")
			case len(in) >= 2 && (in[0] == '\'' && in[len(in)-1] == '\'' || in[0] == '"' && in[len(in)-1] == '"'):
				out = append(out, jsonStep{name: in[1 : len(in)-1], index: -1})
			default:
				n, err := strconv.Atoi(in)
				if err != nil || n < 0 {
					return nil, fmt.Errorf("%q: [%s] is neither an index nor a quoted name", p, in)
				}
				out = append(out, jsonStep{index: n})
			}
			i += end + 1
		case c == '*':
			return nil, errors.New("wildcards (*) are not supported")
		default:
			j := i
			for j < len(p) && p[j] != '.' && p[j] != '[' {
				j++
			}
			out = append(out, jsonStep{name: p[i:j], index: -1})
			i = j
		}
	}
	return out, nil
}

// eval selects from a decoded body (json.Number numbers). A string is
// returned as it is; any other value as JSON; nothing (ok false) when the
// path leads nowhere, to null, or the body is not JSON.
func (p jsonPath) eval(v any) (string, bool) {
	if v == nil {
		return "", false
	}
	for _, s := range p {
		switch t := v.(type) {
		case map[string]any:
			if s.index >= 0 {
				v = t[strconv.Itoa(s.index)]
			} else {
				v = t[s.name]
			}
		case []any:
			if s.index < 0 || s.index >= len(t) {
				return "", false
			}
			v = t[s.index]
		default:
			return "", false
		}
		if v == nil {
			return "", false
		}
	}
	switch t := v.(type) {
	case string:
		return t, true
	case json.Number:
		return t.String(), true
	}
	b, err := json.Marshal(v)
	return string(b), err == nil
}
