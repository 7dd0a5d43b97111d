package auth

import (
	"context"
	"fmt"

	"github.com/portico-gw/portico/internal/fault"
	"github.com/portico-gw/portico/internal/pipeline"
)

// DuplicateIdentity refuses a request that carries more than one
// Authorization or x-api-key header, before any authorization step reads
// them. API Gateway's own steps do not agree on which of several values
// counts (a mapping and a REQUEST authorizer's identity source take the
// last value, a plain header read takes the first), so one step could
// check a credential and the next use another. Refusing the ambiguity is
// the one rule every step can share: a repeated Authorization is 401
// UNAUTHORIZED and a repeated x-api-key is 403 INVALID_API_KEY, the
// answers for a missing credential of each kind, so gateway responses
// customize them as usual.
type DuplicateIdentity struct{}

var _ pipeline.Step = DuplicateIdentity{}

// Name implements pipeline.Named.
func (DuplicateIdentity) Name() string { return "identity-headers" }

// Run implements pipeline.Step.
func (DuplicateIdentity) Run(_ context.Context, c *pipeline.Call) error {
	if n := len(c.Header.Values("Authorization")); n > 1 {
		return fault.Reject(fault.Unauthorized, fmt.Errorf("the request carries %d Authorization headers; one is allowed", n))
	}
	if n := len(c.Header.Values("X-Api-Key")); n > 1 {
		return fault.Reject(fault.InvalidAPIKey, fmt.Errorf("the request carries %d x-api-key headers; one is allowed", n))
	}
	return nil
}
