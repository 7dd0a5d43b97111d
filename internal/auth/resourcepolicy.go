package auth

import (
	"context"
	"fmt"
	"net/netip"
	"strings"

	"github.com/portico-gw/portico/internal/auth/policy"
	"github.com/portico-gw/portico/internal/fault"
	"github.com/portico-gw/portico/internal/pipeline"
)

// ResourcePolicy enforces an API's resource policy. Anonymous callers need
// an Allow (Principal "*") and no Deny; a caller authenticated with AWS_IAM
// is refused only by an explicit Deny, since Portico has no identity
// policies and assumes the caller's own policy allows the call.
type ResourcePolicy struct {
	doc *policy.Document
	iam bool
}

var _ pipeline.Step = (*ResourcePolicy)(nil)

// NewResourcePolicy compiles the policy for one API. In Resource entries,
// "execute-api:/" abbreviates the API's ARN prefix, as AWS's import expands it.
func NewResourcePolicy(raw []byte, region, account, apiID string, iamMethod bool) (*ResourcePolicy, error) {
	expanded := strings.ReplaceAll(string(raw), `"execute-api:/`, `"arn:aws:execute-api:`+region+`:`+account+`:`+apiID+`/`)
	doc, err := policy.Parse([]byte(expanded))
	if err != nil {
		return nil, fmt.Errorf("resource policy: %w", err)
	}
	return &ResourcePolicy{doc: doc, iam: iamMethod}, nil
}

// Name implements pipeline.Named.
func (p *ResourcePolicy) Name() string { return "policy" }

// DeferSafe implements pipeline.DeferSafe: evaluating the policy only
// reads the Call.
func (*ResourcePolicy) DeferSafe() {}

// Run evaluates the policy for this call.
func (p *ResourcePolicy) Run(_ context.Context, c *pipeline.Call) error {
	arn := MethodARN(c)
	ip, _ := netip.ParseAddr(c.SourceIP)
	who := c.Identity.UserArn
	dec := p.doc.Evaluate(policy.Request{Action: "execute-api:Invoke", Resource: arn, Principal: who, SourceIP: ip})
	if who == "" {
		who = "anonymous"
	}
	switch {
	case dec == policy.ExplicitDeny:
		return fault.Denied("User: "+who+" is not authorized to perform: execute-api:Invoke on resource: "+arn+" with an explicit deny",
			fmt.Errorf("resource policy denies %s", arn))
	case dec == policy.ImplicitDeny && !p.iam:
		return fault.Denied("User: "+who+" is not authorized to perform: execute-api:Invoke on resource: "+arn,
			fmt.Errorf("resource policy does not allow %s", arn))
	}
	return nil
}
