package auth

import (
	"net/url"
	"strings"

	"github.com/portico-gw/portico/internal/pipeline"
)

// MethodARN is arn:aws:execute-api:{region}:{account}:{apiId}/{stage}/{METHOD}/{path},
// as authorizers and policies see it. The path is the one the router
// matched: segments decoded, empty segments and a trailing slash dropped,
// so /internal/, //internal and /%69nternal all name the same ARN and
// cannot slip past a Deny written for /internal.
func MethodARN(c *pipeline.Call) string {
	var b strings.Builder
	b.Grow(64 + len(c.Path))
	b.WriteString("arn:aws:execute-api:")
	b.WriteString(c.Region)
	b.WriteByte(':')
	b.WriteString(c.AccountID)
	b.WriteByte(':')
	b.WriteString(c.APIID)
	b.WriteByte('/')
	b.WriteString(c.Stage)
	b.WriteByte('/')
	b.WriteString(c.HTTPMethod)
	b.WriteByte('/')
	b.WriteString(canonicalPath(c.Path))
	return b.String()
}

// canonicalPath decodes each segment of an escaped request path and joins
// the non-empty ones with single slashes, without a leading slash.
func canonicalPath(escaped string) string {
	// The usual path, /a/b, is its own canonical form after the slash.
	if p := strings.TrimPrefix(escaped, "/"); !strings.HasPrefix(p, "/") && !strings.HasSuffix(p, "/") &&
		!strings.Contains(p, "//") && !strings.ContainsRune(p, '%') {
		return p
	}
	var b strings.Builder
	for _, seg := range strings.Split(escaped, "/") {
		if seg == "" {
			continue
		}
		if strings.ContainsRune(seg, '%') {
			if dec, err := url.PathUnescape(seg); err == nil {
				seg = dec
			}
		}
		if b.Len() > 0 {
			b.WriteByte('/')
		}
		b.WriteString(seg)
	}
	return b.String()
}
