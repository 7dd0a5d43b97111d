package pipeline

import (
	"strings"
)

// headerValues are the values of a request header; Host, which the edge
// keeps apart from the other headers, is the Host the client sent.
func (c *Call) headerValues(name string) []string {
	if strings.EqualFold(name, "Host") {
		if c.Host == "" {
			return nil
		}
		return []string{c.Host}
	}
	return c.Header.Values(name)
}

// MethodRequestValue resolves method.request.{path|querystring|header}.NAME
// (the part after "method.request.").
func (c *Call) MethodRequestValue(expr string) (string, bool) {
	loc, name, ok := strings.Cut(expr, ".")
	if !ok {
		return "", false
	}
	switch loc {
	case "path":
		v, ok := c.PathParams[name]
		return v, ok
	case "querystring":
		vs, ok := c.Query[name]
		if !ok || len(vs) == 0 {
			return "", false
		}
		return vs[len(vs)-1], true
	case "multivaluequerystring":
		vs, ok := c.Query[name]
		return strings.Join(vs, ","), ok
	case "header":
		vs := c.headerValues(name)
		if len(vs) == 0 {
			return "", false
		}
		return vs[len(vs)-1], true
	case "multivalueheader":
		vs := c.headerValues(name)
		return strings.Join(vs, ","), len(vs) > 0
	}
	return "", false
}
