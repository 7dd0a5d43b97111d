package integration

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/portico-gw/portico/internal/contextvars"
	"github.com/portico-gw/portico/internal/fault"
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
	path   pathValues
}

// pathValues are the mapped path parameters, by name; a method maps a
// few, so a slice costs one allocation where a map costs two.
type pathValues []pathValue

type pathValue struct{ name, value string }

// get returns the value mapped to name.
func (p pathValues) get(name string) (string, bool) {
	for _, v := range p {
		if v.name == name {
			return v.value, true
		}
	}
	return "", false
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
	// Each map is made on its first value: a method that maps only a path
	// builds no header or query map.
	var r mapped
	var body any
	bodyRead := false
	for _, m := range ms {
		v, ok := contextvars.Resolve(c, nil, m.source)
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
			r.setHeader(m.name, v)
		case "querystring":
			r.setQuery(m.name, v)
		case "path":
			r.setPath(m.name, v)
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
// greedy {name+} parameter, which keeps its "/" separators. A value that
// could leave the endpoint's path once a back end decodes it (a "." or ".."
// segment, a backslash or a NUL, also percent-encoded) is refused with 400
// BAD_REQUEST_PARAMETERS before anything is sent.
func expandURI(uri string, path pathValues, c *pipeline.Call) (string, error) {
	if !strings.Contains(uri, "{") {
		return uri, nil
	}
	var b strings.Builder
	b.Grow(len(uri) + 32) // room for the values, most often: one allocation
	for {
		i := strings.IndexByte(uri, '{')
		if i < 0 {
			b.WriteString(uri)
			return b.String(), nil
		}
		j := strings.IndexByte(uri[i+1:], '}')
		if j < 0 {
			b.WriteString(uri)
			return b.String(), nil
		}
		b.WriteString(uri[:i])
		name := strings.TrimSuffix(uri[i+1:i+1+j], "+")
		v, ok := path.get(name)
		if !ok {
			v, ok = c.PathParams[name]
		}
		switch {
		case !ok:
		case strings.Contains(b.String(), "?"):
			b.WriteString(url.QueryEscape(v)) // a placeholder in the URI's query
		default:
			if why := unsafePathValue(v); why != "" {
				return "", fault.Reject(fault.BadRequestParameters, fmt.Errorf("path parameter %q is refused: %s", name, why)).WithMessage("Invalid request parameters")
			}
			b.WriteString(escapePathValue(v, strings.Contains(c.ResourcePath, "{"+name+"+}")))
		}
		uri = uri[i+1+j+1:]
	}
}

// maxPathDecodes bounds how many layers of percent-encoding unsafePathValue
// peels off (a back end or a chain of proxies may decode more than once).
const maxPathDecodes = 4

// unsafePathValue says why a path parameter value (already decoded once by
// the gateway) must not be placed into an endpoint path, or "" when it is
// safe. After any number of further percent-decodings (lenient ones, as
// many servers do them: a malformed escape is kept and decoding goes on),
// no "/"-separated segment may be a dot segment (see dotSegment), and the
// value may hold no backslash, no NUL and no invalid UTF-8 (overlong forms
// such as %c0%af are how some servers were tricked into reading "/").
func unsafePathValue(v string) string {
	for range maxPathDecodes {
		if reason := unsafeLayer(v); reason != "" {
			return reason
		}
		d := lenientUnescape(v)
		if d == v {
			return ""
		}
		v = d
	}
	return "it is percent-encoded too many times"
}

// unsafeLayer checks one decoding of a path parameter value.
func unsafeLayer(v string) string {
	switch {
	case strings.IndexByte(v, 0) >= 0:
		return "it contains a NUL byte"
	case strings.IndexByte(v, '\\') >= 0:
		return "it contains a backslash"
	case !utf8.ValidString(v):
		return "it is not valid UTF-8"
	}
	for seg := range strings.SplitSeq(v, "/") {
		seg, _, _ = strings.Cut(seg, ";")
		if dotSegment(seg) {
			return "it contains a dot segment (\".\" or \"..\")"
		}
	}
	return ""
}

// dotSegment reports whether a path segment is made of nothing but dots
// and blanks, with at least one dot: ".", ".." and the forms servers
// normalise into them ("...", ". .", and the look-alikes U+FF0E, U+2024
// and U+FE52 that Unicode NFKC normalisation turns into ".").
func dotSegment(seg string) bool {
	dots := 0
	for _, r := range seg {
		switch r {
		case '.', '\uFF0E', '\u2024', '\uFE52':
			dots++
		case ' ', '\t':
		default:
			return false
		}
	}
	return dots > 0
}

// lenientUnescape decodes every valid %XX escape of s and keeps anything
// else (a lone "%", "%zz") as it is.
func lenientUnescape(s string) string {
	i := strings.IndexByte(s, '%')
	if i < 0 {
		return s
	}
	b := make([]byte, 0, len(s))
	b = append(b, s[:i]...)
	for ; i < len(s); i++ {
		if s[i] == '%' && i+2 < len(s) && isHex(s[i+1]) && isHex(s[i+2]) {
			b = append(b, unhex(s[i+1])<<4|unhex(s[i+2]))
			i += 2
			continue
		}
		b = append(b, s[i])
	}
	return string(b)
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

func unhex(c byte) byte {
	switch {
	case c >= 'a':
		return c - 'a' + 10
	case c >= 'A':
		return c - 'A' + 10
	}
	return c - '0'
}

// override applies $context.requestOverride values set by a request template.
func (m *mapped) override(o *Overrides) {
	if len(o.RequestHeader)+len(o.RequestQuery)+len(o.RequestPath) == 0 {
		return
	}
	for k, v := range o.RequestHeader {
		m.setHeader(k, v)
	}
	for k, v := range o.RequestQuery {
		m.setQuery(k, v)
	}
	for k, v := range o.RequestPath {
		m.setPath(k, v)
	}
}

func (m *mapped) setHeader(k, v string) {
	if m.header == nil {
		m.header = http.Header{}
	}
	m.header.Set(k, v)
}

func (m *mapped) setQuery(k, v string) {
	if m.query == nil {
		m.query = url.Values{}
	}
	m.query.Set(k, v)
}

func (m *mapped) setPath(k, v string) {
	for i := range m.path {
		if m.path[i].name == k {
			m.path[i].value = v
			return
		}
	}
	m.path = append(m.path, pathValue{k, v})
}

// escapePathValue escapes one path parameter value for an endpoint URI;
// unsafePathValue has already refused dot segments.
func escapePathValue(v string, greedy bool) string {
	if !greedy {
		return url.PathEscape(v)
	}
	segs := strings.Split(v, "/")
	for k, s := range segs {
		segs[k] = url.PathEscape(s)
	}
	return strings.Join(segs, "/")
}

// mergeQuery builds the query string sent to an HTTP back end: the endpoint
// URI's own query, then the client's query exactly as sent (HTTP_PROXY only;
// "" otherwise), then the mapped integration.request.querystring values.
// Nothing is replaced, dropped or reordered: a name present in several
// sources is sent once per value (the recorded AWS answer of the LocalStack
// snapshot test_http_proxy_integration_request_data_mappings gets
// testQs=bar&testQs=foo from a URI template and a mapping), and a ";" or a
// bad "%" escape from the client reaches the back end unchanged.
func mergeQuery(uriQuery, clientQuery string, mappedQuery url.Values) string {
	parts := make([]string, 0, 3)
	for _, q := range []string{uriQuery, clientQuery, mappedQuery.Encode()} {
		if q != "" {
			parts = append(parts, q)
		}
	}
	return strings.Join(parts, "&")
}
