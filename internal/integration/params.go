package integration

import (
	"encoding/json"
	"net/http"
	"net/url"
	"sort"
	"strings"

	"github.com/portico-gw/portico/internal/pipeline"
)

// mapping is one compiled integration.request.* parameter mapping.
type mapping struct {
	loc    string // header, querystring or path
	name   string
	source string
}

// mapped holds the values the mappings produced for one call.
type mapped struct {
	header http.Header
	query  url.Values
	path   map[string]string
}

// compileMappings turns integration requestParameters into mappings, sorted
// for deterministic application.
func compileMappings(params map[string]string) []mapping {
	out := make([]mapping, 0, len(params))
	for k, v := range params {
		rest, ok := strings.CutPrefix(k, "integration.request.")
		if !ok {
			continue
		}
		loc, name, ok := strings.Cut(rest, ".")
		if !ok {
			continue
		}
		out = append(out, mapping{loc: loc, name: name, source: v})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].loc+out[i].name < out[j].loc+out[j].name })
	return out
}

// apply evaluates the mappings against the call; a source with no value is
// skipped, as AWS omits the parameter.
func apply(ms []mapping, c *pipeline.Call) (mapped, error) {
	if len(ms) == 0 {
		return mapped{}, nil // nothing mapped: no maps allocated per request
	}
	r := mapped{header: http.Header{}, query: url.Values{}, path: map[string]string{}}
	var body any
	bodyRead := false
	for _, m := range ms {
		v, ok := c.Resolve(m.source)
		if !ok && strings.HasPrefix(m.source, "method.request.body") {
			if !bodyRead {
				bodyRead = true
				b, err := c.Body.Bytes()
				if err != nil {
					return r, err
				}
				_ = json.Unmarshal(b, &body)
			}
			v, ok = jsonField(body, strings.TrimPrefix(strings.TrimPrefix(m.source, "method.request.body"), "."))
		}
		if !ok {
			continue
		}
		switch m.loc {
		case "header":
			r.header.Set(m.name, v)
		case "querystring":
			r.query.Set(m.name, v)
		case "path":
			r.path[m.name] = v
		}
	}
	return r, nil
}

// jsonField reads a dotted path ("a.b.0") from a decoded JSON value; the
// whole value when path is empty. Non-string results are JSON-encoded.
func jsonField(v any, path string) (string, bool) {
	if path != "" {
		for _, p := range strings.Split(path, ".") {
			switch t := v.(type) {
			case map[string]any:
				v = t[p]
			case []any:
				i := 0
				for _, ch := range p {
					if ch < '0' || ch > '9' {
						return "", false
					}
					i = i*10 + int(ch-'0')
				}
				if i >= len(t) {
					return "", false
				}
				v = t[i]
			default:
				return "", false
			}
		}
	}
	switch t := v.(type) {
	case nil:
		return "", false
	case string:
		return t, true
	}
	b, err := json.Marshal(v)
	return string(b), err == nil
}

// expandURI fills {name} placeholders of an endpoint URI with mapped path
// values, falling back to the method's own path parameter of that name. A
// value is path-escaped whole ("/" becomes %2F), except the value of a
// greedy {name+} parameter, which keeps its "/" separators; its "." and
// ".." segments are escaped so it can never climb out of the endpoint's path.
func expandURI(uri string, path map[string]string, c *pipeline.Call) string {
	if !strings.Contains(uri, "{") {
		return uri
	}
	var b strings.Builder
	for {
		i := strings.IndexByte(uri, '{')
		j := strings.IndexByte(uri[i+1:], '}')
		if i < 0 || j < 0 {
			b.WriteString(uri)
			return b.String()
		}
		b.WriteString(uri[:i])
		name := strings.TrimSuffix(uri[i+1:i+1+j], "+")
		v, ok := path[name]
		if !ok {
			v, ok = c.PathParams[name]
		}
		if ok {
			b.WriteString(escapePathValue(v, strings.Contains(c.ResourcePath, "{"+name+"+}")))
		}
		uri = uri[i+1+j+1:]
	}
}

// override applies $context.requestOverride values set by a request template.
func (m *mapped) override(o *Overrides) {
	if len(o.RequestHeader)+len(o.RequestQuery)+len(o.RequestPath) == 0 {
		return
	}
	if m.header == nil {
		m.header, m.query, m.path = http.Header{}, url.Values{}, map[string]string{}
	}
	for k, v := range o.RequestHeader {
		m.header.Set(k, v)
	}
	for k, v := range o.RequestQuery {
		m.query.Set(k, v)
	}
	for k, v := range o.RequestPath {
		m.path[k] = v
	}
}

// escapePathValue escapes one path parameter value for an endpoint URI.
func escapePathValue(v string, greedy bool) string {
	if !greedy {
		return dotSafe(url.PathEscape(v))
	}
	segs := strings.Split(v, "/")
	for k, s := range segs {
		segs[k] = dotSafe(url.PathEscape(s))
	}
	return strings.Join(segs, "/")
}

// dotSafe escapes a segment that is exactly "." or "..".
func dotSafe(seg string) string {
	switch seg {
	case ".":
		return "%2E"
	case "..":
		return "%2E%2E"
	}
	return seg
}
