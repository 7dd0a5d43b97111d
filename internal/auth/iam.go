package auth

import (
	"context"
	"fmt"
	"net/http"
	"net/url"

	"github.com/portico-gw/portico/internal/auth/sigv4"
	"github.com/portico-gw/portico/internal/fault"
	"github.com/portico-gw/portico/internal/pipeline"
)

// IAM verifies AWS_IAM (SigV4, service execute-api) signatures and sets
// $context.identity from the credential. A request without a signature is
// 403 Missing Authentication Token; a wrong, incomplete or expired one gets
// AWS's texts (docs/aws-behaviour.md#iam-authorization-and-sigv4).
type IAM struct{ v *sigv4.Verifier }

var _ pipeline.Step = (*IAM)(nil)

// NewIAM returns the step; v is shared by every AWS_IAM method.
func NewIAM(v *sigv4.Verifier) *IAM { return &IAM{v: v} }

// Name implements pipeline.Named.
func (s *IAM) Name() string { return "authorize" }

// Run verifies the call's signature over its method, target, headers and body.
func (s *IAM) Run(_ context.Context, c *pipeline.Call) error {
	body, err := c.Body.Bytes()
	if err != nil {
		if tl, ok := err.(*pipeline.ErrTooLarge); ok {
			return fault.ContentLengthExceeded(tl)
		}
		return fault.BadRequest(fmt.Errorf("read body: %w", err))
	}
	u, err := url.ParseRequestURI(c.RequestURI)
	if err != nil {
		return fault.BadRequest(err)
	}
	r := &http.Request{Method: c.HTTPMethod, URL: u, RequestURI: c.RequestURI, Host: c.Host, Header: c.Header,
		ContentLength: int64(len(body))}
	id, err := s.v.Verify(r, body)
	if err != nil {
		return sigv4.Fault(err)
	}
	c.Identity.AccessKey, c.Identity.AccountID, c.Identity.Caller = id.AccessKeyID, id.AccountID, id.Caller
	c.Identity.User, c.Identity.UserArn = id.User, id.UserArn
	return nil
}
