// Package auth holds the authorization steps: Lambda TOKEN and REQUEST
// authorizers with result caching, and resource policies. A step rejects
// with AWS's faults: 401 UNAUTHORIZED, 403 ACCESS_DENIED, 500
// AUTHORIZER_CONFIGURATION_ERROR. Tokens and secrets are never logged, and
// no cache entry is shared across authorizers, APIs or stages.
package auth
