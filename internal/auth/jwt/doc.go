// Package jwt verifies JSON Web Tokens for Cognito user-pool authorizers (REST
// APIs, COGNITO_USER_POOLS) and JWT authorizers (HTTP APIs).
//
// A [Verifier] is built once per authorizer at deploy time with [New]. It
// loads the issuer's JSON Web Key Set (JWKS) from an http(s) URL, from a local
// file, or through OpenID Connect discovery, and keeps it in memory. The set is
// refreshed in the background and, rate-limited, whenever a token names a key
// ID ("kid") that the cached set does not hold, so key rotation at the issuer
// works without a restart. Fetches are bounded the way AWS documents them: 1,500
// ms per request and at most 150,000 bytes per response.
//
// [Verifier.Verify] checks, in AWS's order: the signature (with the key whose
// kid the token names, and an allowed asymmetric algorithm), then the claims:
// iss, aud or client_id, exp, nbf and iat (with a small clock skew), and the
// scope and token_use rules of the authorizer. A rejection is an [*Error] whose
// [Error.WWWAuthenticate] renders the header HTTP APIs send, for example:
//
//	Bearer scope="" error="invalid_token" error_description="the token does not have a valid audience"
//
// Errors and logs never contain the token itself.
//
// Signature checking is done by github.com/golang-jwt/jwt/v5; JWK parsing by
// github.com/MicahParks/jwkset, and key selection by
// github.com/MicahParks/keyfunc/v3. The fetch, cache and refresh policy is
// this package's own.
package jwt
