package auth

import (
	"context"
	"fmt"
	"net/textproto"
	"strings"

	"github.com/portico-gw/portico/internal/fault"
	"github.com/portico-gw/portico/internal/pipeline"
)

// DuplicateIdentity refuses a request that carries more than one value of
// a credential, before any authorization step reads it: the Authorization
// and x-api-key headers always, and the headers and query parameters the
// method's authorizer names as identity sources. API Gateway's own steps
// do not agree on which of several values counts (a mapping and a REQUEST
// authorizer's identity source take the last value, a plain header read
// takes the first, an HTTP_PROXY back end gets them all), so one step
// could check a credential and the next use another. Refusing the
// ambiguity is the one rule every step can share: a repeated x-api-key is
// 403 INVALID_API_KEY, any other repeated credential 401 UNAUTHORIZED —
// the answers for a missing credential of each kind — so gateway responses
// customize them as usual.
type DuplicateIdentity struct {
	// Headers and Query are the authorizer's identity sources beyond
	// Authorization and x-api-key (canonical header names, query names).
	Headers, Query []string
}

var _ pipeline.Step = DuplicateIdentity{}

// NewDuplicateIdentity returns the step for a method whose authorizer reads
// identitySource ("method.request.header.X, method.request.querystring.y",
// possibly empty).
func NewDuplicateIdentity(identitySource string) DuplicateIdentity {
	var d DuplicateIdentity
	for src := range strings.SplitSeq(identitySource, ",") {
		src = strings.TrimSpace(src)
		if h, ok := strings.CutPrefix(src, "method.request.header."); ok {
			if h = textproto.CanonicalMIMEHeaderKey(h); h != "Authorization" && h != "X-Api-Key" {
				d.Headers = append(d.Headers, h)
			}
		} else if q, ok := strings.CutPrefix(src, "method.request.querystring."); ok {
			d.Query = append(d.Query, q)
		}
	}
	return d
}

// Name implements pipeline.Named.
func (DuplicateIdentity) Name() string { return "identity-headers" }

// DeferSafe implements pipeline.DeferSafe: the step only reads the Call.
func (DuplicateIdentity) DeferSafe() {}

// Run implements pipeline.Step.
func (d DuplicateIdentity) Run(_ context.Context, c *pipeline.Call) error {
	if n := len(c.Header.Values("Authorization")); n > 1 {
		return fault.Reject(fault.Unauthorized, fmt.Errorf("the request carries %d Authorization headers; one is allowed", n))
	}
	if n := len(c.Header.Values("X-Api-Key")); n > 1 {
		return fault.Reject(fault.InvalidAPIKey, fmt.Errorf("the request carries %d x-api-key headers; one is allowed", n))
	}
	for _, h := range d.Headers {
		if n := len(c.Header.Values(h)); n > 1 {
			return fault.Reject(fault.Unauthorized, fmt.Errorf("the request carries %d %s headers, an identity source; one is allowed", n, h))
		}
	}
	for _, q := range d.Query {
		if n := len(c.Query[q]); n > 1 {
			return fault.Reject(fault.Unauthorized, fmt.Errorf("the request carries %d %s query parameters, an identity source; one is allowed", n, q))
		}
	}
	return nil
}
