package jwt

import (
	"fmt"
	"regexp"
	"slices"
	"strings"

	gojwt "github.com/golang-jwt/jwt/v5"
)

// VerifyOptions are the per-method rules applied after the token itself
// verifies.
type VerifyOptions struct {
	// Scopes are the method's authorizationScopes. When non-empty, at least
	// one must be among the token's "scope" or "scp" values, otherwise the
	// token is rejected with KindInsufficientScope.
	Scopes []string
	// TokenUse, when non-empty ("id" or "access"), is the required value of
	// Cognito's "token_use" claim. [CognitoOptions] sets it by AWS's rule.
	// Leave it empty for plain JWT authorizers.
	TokenUse string
	// AudienceExpression is a Cognito authorizer's
	// identityValidationExpression: a regular expression (Go RE2 syntax)
	// that must match the whole "aud" claim, or one of its values. Empty
	// means no check. Full-match semantics are our reading of AWS, which
	// does not document them.
	AudienceExpression string
}

// CognitoOptions returns the options of a Cognito user-pool authorizer
// (REST) for a method with the given authorizationScopes and the
// authorizer's identityValidationExpression, following AWS's rule: with no
// scopes the token must be an ID token, and the expression (if any) must
// match its aud; with scopes it must be an access token holding one of them
// (access tokens have no aud, so the expression does not apply).
func CognitoOptions(scopes []string, identityValidationExpression string) VerifyOptions {
	if len(scopes) > 0 {
		return VerifyOptions{Scopes: slices.Clone(scopes), TokenUse: "access"}
	}
	return VerifyOptions{TokenUse: "id", AudienceExpression: identityValidationExpression}
}

// Validate reports options that can never be satisfied or do not compile.
// Call it at deploy time; Verify returns the same error otherwise.
func (o VerifyOptions) Validate() error {
	if err := o.validateTokenUse(); err != nil {
		return err
	}
	if o.AudienceExpression != "" {
		if _, err := compileFull(o.AudienceExpression); err != nil {
			return fmt.Errorf("jwt options: identity validation expression: %w", err)
		}
	}
	return nil
}

func (o VerifyOptions) validateTokenUse() error {
	switch o.TokenUse {
	case "", "id", "access":
		return nil
	}
	return fmt.Errorf("jwt options: token use %q: want \"id\", \"access\" or empty", o.TokenUse)
}

// compileFull compiles expr so that it must match a whole string.
func compileFull(expr string) (*regexp.Regexp, error) {
	return regexp.Compile(`^(?:` + expr + `)$`)
}

// audienceRegexp returns the compiled expression, compiling it once per
// Verifier.
func (v *Verifier) audienceRegexp(expr string) (*regexp.Regexp, error) {
	if re, ok := v.exprs.Load(expr); ok {
		return re.(*regexp.Regexp), nil
	}
	re, err := compileFull(expr)
	if err != nil {
		return nil, fmt.Errorf("jwt options: identity validation expression: %w", err)
	}
	v.exprs.Store(expr, re)
	return re, nil
}

// checkOptions applies token_use, the scopes and the audience expression.
// It returns an *Error for a rejected token and a plain error for invalid
// options.
func (v *Verifier) checkOptions(c *Claims, o VerifyOptions) error {
	if err := o.validateTokenUse(); err != nil {
		return err
	}
	if o.TokenUse != "" && c.TokenUse() != o.TokenUse {
		return invalid(DescTokenUse, nil)
	}
	if len(o.Scopes) > 0 {
		have := c.Scopes()
		if !slices.ContainsFunc(o.Scopes, func(s string) bool { return slices.Contains(have, s) }) {
			e := newError(KindInsufficientScope, DescScope, nil)
			e.Scope = strings.Join(o.Scopes, " ")
			return e
		}
	}
	if o.AudienceExpression != "" {
		re, err := v.audienceRegexp(o.AudienceExpression)
		if err != nil {
			return err
		}
		aud, _ := gojwt.MapClaims(c.Values).GetAudience()
		if !slices.ContainsFunc(aud, re.MatchString) {
			return invalid(DescAudience, nil)
		}
	}
	return nil
}
