package auth

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/portico-gw/portico/internal/auth/jwt"
	"github.com/portico-gw/portico/internal/fault"
	"github.com/portico-gw/portico/internal/pipeline"
)

// Token authorizes with a JSON Web Token: a Cognito user-pool authorizer
// (ID token without method scopes, access token with them) or a JWT
// authorizer. Failures are 401 {"message":"Unauthorized"}; JWT authorizers
// add a WWW-Authenticate header that says why (docs/aws-behaviour.md#cognito-user-pool-authorizers, docs/aws-behaviour.md#jwt-authorizers).
type Token struct {
	name      string
	header    string
	verifiers []*jwt.Verifier
	opts      jwt.VerifyOptions
	explain   bool
}

var _ pipeline.Step = (*Token)(nil)

// TokenConfig configures a Token step.
type TokenConfig struct {
	// Name is the authorizer's name, for logs.
	Name string
	// Header carries the token (default Authorization).
	Header string
	// Verifiers are tried in order (one per Cognito user pool); with none,
	// every token is refused with 401.
	Verifiers []*jwt.Verifier
	Options   jwt.VerifyOptions
	// WWWAuthenticate adds the JWT authorizer's WWW-Authenticate header.
	WWWAuthenticate bool
}

// NewToken checks the options once, at deploy.
func NewToken(cfg TokenConfig) (*Token, error) {
	if err := cfg.Options.Validate(); err != nil {
		return nil, fmt.Errorf("authorizer %s: %w", cfg.Name, err)
	}
	if cfg.Header == "" {
		cfg.Header = "Authorization"
	}
	return &Token{name: cfg.Name, header: cfg.Header, verifiers: cfg.Verifiers, opts: cfg.Options, explain: cfg.WWWAuthenticate}, nil
}

// Name implements pipeline.Named.
func (t *Token) Name() string { return "authorize" }

// Run verifies the token and publishes its claims as
// $context.authorizer.claims.* (stringified).
func (t *Token) Run(ctx context.Context, c *pipeline.Call) error {
	token := strings.TrimSpace(c.Header.Get(t.header))
	if token == "" {
		return t.unauthorized(&jwt.Error{Kind: jwt.KindInvalidRequest, Description: jwt.DescMissing})
	}
	if len(t.verifiers) == 0 {
		// No key set to verify against (a user pool missing from the
		// settings): no token can pass.
		return t.unauthorized(&jwt.Error{Kind: jwt.KindInvalidToken, Description: "no key set is configured for this authorizer"})
	}
	var last error
	for _, v := range t.verifiers {
		claims, err := v.Verify(ctx, token, t.opts)
		if err == nil {
			str := claims.Stringified()
			cl := make(map[string]any, len(str))
			for k, val := range str {
				cl[k] = val
			}
			c.Authorizer = map[string]any{"claims": cl, "principalId": claims.Subject()}
			if scopes := claims.Scopes(); len(scopes) > 0 {
				c.Authorizer["scopes"] = strings.Join(scopes, " ")
			}
			return nil
		}
		last = err
	}
	if je, ok := errors.AsType[*jwt.Error](last); ok {
		return t.unauthorized(je)
	}
	return fault.AuthorizerConfiguration(fmt.Errorf("authorizer %s: %w", t.name, last))
}

func (t *Token) unauthorized(je *jwt.Error) error {
	f := fault.Reject(fault.Unauthorized, fmt.Errorf("authorizer %s: %s", t.name, je.Description))
	if t.explain {
		f.WithHeader("WWW-Authenticate", je.WWWAuthenticate())
	}
	return f
}
