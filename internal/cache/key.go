package cache

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"strings"

	"github.com/portico-gw/portico/internal/pipeline"
)

// paramKind is where a cache key parameter is read.
type paramKind uint8

const (
	paramPath paramKind = iota + 1
	paramQuery
	paramHeader
)

// Param is one of an integration's cacheKeyParameters, resolved to the
// method request parameter it reads.
type Param struct {
	kind paramKind
	name string
}

// ParseParams resolves cacheKeyParameters: method.request.path.*,
// method.request.querystring.* and method.request.header.* name the method
// request's parameters; an integration.request.* name is followed through
// the integration's requestParameters to the method request parameter it is
// mapped from (a constant mapping adds nothing to the key).
func ParseParams(names []string, integrationParams map[string]string) ([]Param, error) {
	var out []Param
	for _, n := range names {
		src := n
		if strings.HasPrefix(n, "integration.request.") {
			mapped, ok := integrationParams[n]
			if !ok {
				return nil, fmt.Errorf("cacheKeyParameters: %q is not one of the integration's requestParameters", n)
			}
			if !strings.HasPrefix(mapped, "method.request.") {
				continue
			}
			src = mapped
		}
		p, ok := methodParam(src)
		if !ok {
			return nil, fmt.Errorf("cacheKeyParameters: %q is not a method.request.path, querystring or header parameter", n)
		}
		out = append(out, p)
	}
	return out, nil
}

func methodParam(s string) (Param, bool) {
	rest, ok := strings.CutPrefix(s, "method.request.")
	if !ok {
		return Param{}, false
	}
	where, name, ok := strings.Cut(rest, ".")
	if !ok || name == "" {
		return Param{}, false
	}
	switch where {
	case "path":
		return Param{kind: paramPath, name: name}, true
	case "querystring":
		return Param{kind: paramQuery, name: name}, true
	case "header":
		return Param{kind: paramHeader, name: name}, true
	}
	return Param{}, false
}

// key is the entry key of a call: the SHA-256 (hex) of the method, the
// namespace, the resource and the values of the key parameters, each part
// length-prefixed so that no two different lists of values collide.
func (i *Integration) key(c *pipeline.Call) string {
	h := sha256.New()
	var buf [binary.MaxVarintLen64]byte
	part := func(s string) {
		h.Write(buf[:binary.PutUvarint(buf[:], uint64(len(s)))])
		h.Write([]byte(s))
	}
	part(c.HTTPMethod)
	part(i.cfg.Namespace)
	part(i.cfg.Resource)
	for _, p := range i.cfg.Params {
		var vs []string
		switch p.kind {
		case paramPath:
			if v, ok := c.PathParams[p.name]; ok {
				vs = []string{v}
			}
		case paramQuery:
			vs = c.Query[p.name]
		case paramHeader:
			vs = c.Header.Values(p.name)
		}
		h.Write(buf[:binary.PutUvarint(buf[:], uint64(len(vs)))])
		for _, v := range vs {
			part(v)
		}
	}
	var sum [sha256.Size]byte
	return hex.EncodeToString(h.Sum(sum[:0]))
}
