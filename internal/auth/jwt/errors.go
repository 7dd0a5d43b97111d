package jwt

import (
	"strings"
)

// Kind classifies a rejected token with the error codes of RFC 6750 §3.1.
type Kind string

// The kinds a [Verifier] reports.
const (
	// KindInvalidRequest means there was no token to verify.
	KindInvalidRequest Kind = "invalid_request"
	// KindInvalidToken means the token is malformed, badly signed, expired,
	// for another issuer or audience, or of the wrong token_use.
	KindInvalidToken Kind = "invalid_token"
	// KindInsufficientScope means the token is valid but carries none of the
	// scopes the method requires.
	KindInsufficientScope Kind = "insufficient_scope"
)

// Descriptions of rejected tokens (docs/aws-behaviour.md#jwt-authorizers).
// AWS documents "the token does not have a valid audience"; "token contains
// an invalid number of segments" and "issuer does not match" are AWS's
// observed texts; the others are Portico's, in AWS's wording
// (docs/differences.md#unconfirmed-choices).
const (
	DescMissing        = "the token is missing"
	DescSegments       = "token contains an invalid number of segments"
	DescMalformed      = "the token is malformed"
	DescSignature      = "the token signature is invalid"
	DescAlgorithm      = "the token signing algorithm is not allowed"
	DescMissingKeyID   = "the token does not have a key id"
	DescUnknownKeyID   = "the token key id does not match any known key"
	DescExpired        = "the token has expired"
	DescMissingExpiry  = "the token does not have an expiry"
	DescNotYetValid    = "the token is not yet valid"
	DescIssuedInFuture = "the token was issued in the future"
	DescIssuer         = "issuer does not match"
	DescAudience       = "the token does not have a valid audience"
	DescTokenUse       = "the token does not have a valid token_use"
	DescScope          = "token is missing a required scope"
)

// Error is a rejected token. Kind and Description are safe to show to the
// client (they are what WWWAuthenticate renders); the wrapped cause is for
// logs only. Neither ever contains the token.
type Error struct {
	Kind        Kind
	Description string
	// Scope is the space-separated list of scopes the method requires; it
	// is set only for KindInsufficientScope.
	Scope string
	cause error
}

func newError(kind Kind, desc string, cause error) *Error {
	return &Error{Kind: kind, Description: desc, cause: cause}
}

func invalid(desc string, cause error) *Error {
	return newError(KindInvalidToken, desc, cause)
}

// Error returns the kind and the description, for logs.
func (e *Error) Error() string {
	return "jwt: " + string(e.Kind) + ": " + e.Description
}

// Unwrap returns the underlying cause, if any, so that errors.Is works with
// the sentinel errors of github.com/golang-jwt/jwt/v5.
func (e *Error) Unwrap() error { return e.cause }

// WWWAuthenticate renders the value of the www-authenticate response header
// the way API Gateway HTTP APIs do:
//
//	Bearer scope="" error="invalid_token" error_description="the token has expired"
//
// A request without a token (KindInvalidRequest) gets the bare challenge
// "Bearer", as AWS answers (and as RFC 6750 §3.1 asks when the request
// carries no authentication information).
func (e *Error) WWWAuthenticate() string {
	if e.Kind == KindInvalidRequest {
		return "Bearer"
	}
	var b strings.Builder
	b.WriteString(`Bearer scope="`)
	b.WriteString(quoteSafe(e.Scope))
	b.WriteString(`" error="`)
	b.WriteString(quoteSafe(string(e.Kind)))
	b.WriteString(`" error_description="`)
	b.WriteString(quoteSafe(e.Description))
	b.WriteByte('"')
	return b.String()
}

// quoteSafe keeps a value inside an RFC 7235 quoted-string: RFC 6750 allows
// only %x20-21 / %x23-5B / %x5D-7E there, so quotes, backslashes and control
// or non-ASCII bytes are dropped.
func quoteSafe(s string) string {
	clean := true
	for i := 0; i < len(s); i++ {
		if !allowedInQuoted(s[i]) {
			clean = false
			break
		}
	}
	if clean {
		return s
	}
	b := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		if allowedInQuoted(s[i]) {
			b = append(b, s[i])
		}
	}
	return string(b)
}

func allowedInQuoted(c byte) bool {
	return c >= 0x20 && c <= 0x7e && c != '"' && c != '\\'
}
