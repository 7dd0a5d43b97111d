package auth

import (
	"net/netip"

	"github.com/portico-gw/portico/internal/auth/policy"
	"github.com/portico-gw/portico/internal/pipeline"
)

// InvalidateCacheAction is the IAM action a client needs to invalidate a
// cached response with Cache-Control: max-age=0.
const InvalidateCacheAction = "execute-api:InvalidateCache"

// CacheInvalidation returns whether a call's caller is allowed
// execute-api:InvalidateCache on the method's ARN. Only a caller
// authenticated with AWS_IAM (a verified SigV4 signature) can be; as for
// execute-api:Invoke, Portico has no identity policies and assumes the
// caller's own policy allows the action, so the API's resource policy (p,
// nil when there is none) refuses only with an explicit Deny
// (docs/differences.md#response-caching).
func CacheInvalidation(p *ResourcePolicy) func(*pipeline.Call) bool {
	return func(c *pipeline.Call) bool {
		if c.Identity.UserArn == "" {
			return false
		}
		if p == nil {
			return true
		}
		ip, _ := netip.ParseAddr(c.SourceIP)
		return p.doc.Evaluate(policy.Request{Action: InvalidateCacheAction, Resource: MethodARN(c), Principal: c.Identity.UserArn, SourceIP: ip}) != policy.ExplicitDeny
	}
}
