package jwt

import (
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/portico-gw/portico/internal/awslimits"
)

// Fetch limits AWS documents for JWKS and OIDC discovery requests (see
// internal/awslimits).
const (
	// FetchTimeout bounds one JWKS or discovery request.
	FetchTimeout = awslimits.JWKSTimeout
	// MaxFetchBytes bounds the size of one JWKS or discovery response.
	MaxFetchBytes = awslimits.JWKSResponseBytes
)

// Defaults applied by [New] to zero Config fields.
const (
	DefaultSkew             = 60 * time.Second
	DefaultRefreshInterval  = time.Hour
	DefaultRefreshRateLimit = time.Minute
)

// DefaultAlgorithms are the signing algorithms accepted when
// Config.Algorithms is empty. HTTP APIs document RSA only; Cognito signs
// with RS256. ECDSA and RSA-PSS are accepted too, for other issuers.
func DefaultAlgorithms() []string {
	return []string{"RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512"}
}

// Config configures a [Verifier].
type Config struct {
	// Issuer is the required value of the "iss" claim, for example
	// https://cognito-idp.{region}.amazonaws.com/{userPoolId}.
	Issuer string
	// Audiences, when non-empty, must contain the token's "aud" claim (any
	// of its values) or, only when the token has no "aud", its "client_id".
	Audiences []string
	// JWKS is where the signing keys come from: an http(s) URL or a local
	// file path. When empty, the JWKS URL is found by OpenID Connect
	// discovery at Issuer + "/.well-known/openid-configuration".
	JWKS string
	// Algorithms lists the accepted "alg" values; empty means
	// [DefaultAlgorithms]. "none" and the HMAC algorithms are refused.
	Algorithms []string
	// Skew is the clock skew allowed for exp, nbf and iat; zero means
	// [DefaultSkew]. A negative value means no skew.
	Skew time.Duration
	// HTTPClient makes the JWKS and discovery requests; nil means a client
	// with default transport. Its timeout is capped at [FetchTimeout].
	HTTPClient *http.Client
	// Now returns the current time; nil means time.Now.
	Now func() time.Time
	// RefreshInterval is how often the JWKS is reloaded in the background;
	// zero means [DefaultRefreshInterval], negative disables the reload.
	RefreshInterval time.Duration
	// RefreshRateLimit is the least time between two reloads caused by
	// tokens naming an unknown kid; zero means [DefaultRefreshRateLimit],
	// negative disables such reloads.
	RefreshRateLimit time.Duration
	// Logger receives background reload failures; nil discards them.
	// Tokens are never logged.
	Logger *slog.Logger
	// SecureFetch requires every URL the Verifier fetches (the discovery
	// document under Issuer, the JWKS, a jwks_uri found by discovery) to
	// be https, or plain http on a loopback host (see [CheckFetchURL]):
	// keys fetched in clear text from another host could be swapped on the
	// way. HTTP API JWT authorizers set it.
	SecureFetch bool
}

// RSAAlgorithms are the signing algorithms of HTTP API JWT authorizers,
// which accept RSA only
// (https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-jwt-authorizer.html).
func RSAAlgorithms() []string { return []string{"RS256", "RS384", "RS512"} }

// CheckFetchURL reports whether u may be fetched by a Verifier with
// SecureFetch: an absolute https URL, or an http URL whose host is a
// loopback address (127.0.0.0/8, ::1) or "localhost" — a local identity
// provider. The error says which rule failed.
func CheckFetchURL(u string) error {
	p, err := url.Parse(u)
	if err != nil {
		return fmt.Errorf("%q is not a URL: %w", u, err)
	}
	if p.Host == "" || p.Hostname() == "" {
		return fmt.Errorf("%q: want an absolute https URL", u)
	}
	switch p.Scheme {
	case "https":
		return nil
	case "http":
		if IsLoopbackHost(p.Hostname()) {
			return nil
		}
		return fmt.Errorf("%q: plain http is allowed only on a loopback host (127.0.0.0/8, ::1, localhost); use https", u)
	}
	return fmt.Errorf("%q: want an https URL (or http on a loopback host)", u)
}

// IsLoopbackHost reports whether host (without port) is "localhost" or a
// loopback IP address. Names are not resolved.
func IsLoopbackHost(host string) bool {
	if strings.EqualFold(strings.TrimSuffix(host, "."), "localhost") {
		return true
	}
	ip := net.ParseIP(strings.Trim(host, "[]"))
	return ip != nil && ip.IsLoopback()
}

// withDefaults returns a copy of c with defaults applied, or an error that
// names every invalid field.
func (c Config) withDefaults() (Config, error) {
	var errs []error
	if c.Issuer == "" {
		errs = append(errs, errors.New("issuer: required"))
	}
	if c.JWKS == "" {
		u, err := url.Parse(c.Issuer)
		if c.Issuer != "" && (err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "") {
			errs = append(errs, fmt.Errorf("issuer %q: OIDC discovery needs an http(s) URL", c.Issuer))
		}
	}
	if c.SecureFetch {
		if c.JWKS == "" && c.Issuer != "" {
			if err := CheckFetchURL(c.Issuer); err != nil {
				errs = append(errs, fmt.Errorf("issuer %w", err))
			}
		}
		if c.JWKS != "" {
			if err := CheckFetchURL(c.JWKS); err != nil {
				errs = append(errs, fmt.Errorf("jwks %w", err))
			}
		}
	}
	if len(c.Algorithms) == 0 {
		c.Algorithms = DefaultAlgorithms()
	} else {
		c.Algorithms = slices.Clone(c.Algorithms)
	}
	allowed := DefaultAlgorithms()
	for _, alg := range c.Algorithms {
		if !slices.Contains(allowed, alg) {
			errs = append(errs, fmt.Errorf("algorithm %q: not supported (want one of %s)", alg, strings.Join(allowed, ", ")))
		}
	}
	c.Audiences = slices.Clone(c.Audiences)
	switch {
	case c.Skew == 0:
		c.Skew = DefaultSkew
	case c.Skew < 0:
		c.Skew = 0
	}
	if c.RefreshInterval == 0 {
		c.RefreshInterval = DefaultRefreshInterval
	}
	if c.RefreshRateLimit == 0 {
		c.RefreshRateLimit = DefaultRefreshRateLimit
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	c.HTTPClient = boundedClient(c.HTTPClient)
	if len(errs) > 0 {
		return Config{}, fmt.Errorf("jwt config: %w", errors.Join(errs...))
	}
	return c, nil
}
