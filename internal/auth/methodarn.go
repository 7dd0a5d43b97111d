package auth

import (
	"strings"

	"github.com/portico-gw/portico/internal/pipeline"
)

// MethodARN is arn:aws:execute-api:{region}:{account}:{apiId}/{stage}/{METHOD}/{path},
// with the request's path (without its leading slash), as authorizers and
// policies see it.
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
	b.WriteString(strings.TrimPrefix(c.Path, "/"))
	return b.String()
}
