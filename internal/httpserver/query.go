package httpserver

import (
	"net/url"
	"strings"
)

// parseQuery decodes a query string as API Gateway passes it on: pairs are
// separated by "&" only, so a ";" stays inside its value (Go's
// url.ParseQuery drops every pair holding one), "+" is a space, and a name
// or value whose percent-escapes are invalid is kept exactly as sent instead
// of being dropped. Order is preserved within each name. An empty query
// is a nil map (read-only, as every reader of a call's query treats it).
func parseQuery(raw string) url.Values {
	if raw == "" {
		return nil
	}
	q := make(url.Values, strings.Count(raw, "&")+1)
	for pair := range strings.SplitSeq(raw, "&") {
		if pair == "" {
			continue
		}
		k, v, _ := strings.Cut(pair, "=")
		name := unescapeLenient(k)
		q[name] = append(q[name], unescapeLenient(v))
	}
	return q
}

// unescapeLenient is url.QueryUnescape, or s unchanged when s holds an
// invalid escape.
func unescapeLenient(s string) string {
	if !strings.ContainsAny(s, "%+") {
		return s
	}
	d, err := url.QueryUnescape(s)
	if err != nil {
		return s
	}
	return d
}
