package auth

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/textproto"
	"strings"
	"time"

	"github.com/portico-gw/portico/internal/apidef"
	"github.com/portico-gw/portico/internal/auth/jwt"
	"github.com/portico-gw/portico/internal/awslimits"
	"github.com/portico-gw/portico/internal/fault"
	"github.com/portico-gw/portico/internal/pipeline"
)

// DefaultJWTIdentitySource is where an HTTP API JWT authorizer finds the
// token when the definition names no identity source.
const DefaultJWTIdentitySource = "$request.header.Authorization"

// HTTPJWTOptions are the parts of an HTTP API JWT authorizer that do not
// come from the API definition. The zero value is ready to use.
type HTTPJWTOptions struct {
	// HTTPClient makes the OpenID Connect discovery and JWKS requests; nil
	// means a client with the default transport. Each request is bounded
	// by AWS's 1,500 ms and 150,000 bytes (internal/awslimits).
	HTTPClient *http.Client
	// Now returns the current time for exp, nbf and iat; nil means
	// time.Now.
	Now func() time.Time
	// Logger receives background JWKS reload failures; nil discards them.
	// Tokens are never logged.
	Logger *slog.Logger
	// RefreshInterval is how often the JWKS is reloaded in the background;
	// zero means jwt.DefaultRefreshInterval (one hour, as long as AWS keeps
	// an issuer's keys), negative disables the reload.
	RefreshInterval time.Duration
	// RefreshRateLimit is the least time between two reloads caused by
	// tokens naming an unknown kid; zero means
	// jwt.DefaultRefreshRateLimit, negative disables such reloads.
	RefreshRateLimit time.Duration
}

// HTTPJWTAuthorizer is an HTTP API authorizer of type JWT
// (docs/aws-behaviour.md#jwt-authorizers): it reads the token from its one
// identity source and verifies it with the issuer's keys, found by OpenID
// Connect discovery, by AWS's rules — an RSA signature (RS256, RS384,
// RS512) with the key whose kid the token names, iss equal to the issuer,
// aud (or, without aud, client_id) among the audiences, exp after now, nbf
// and iat before now, and, on routes with authorization scopes, one of
// them in scope or scp. There is no clock skew and no result cache: AWS
// caches the issuer's keys, not verdicts.
//
// One HTTPJWTAuthorizer owns one key set, shared by every route that uses
// it (Step); call Close when the deployment that built it is retired.
type HTTPJWTAuthorizer struct {
	name string
	// source is the identity source as written, for logs; header or
	// query is the name it reads (exactly one is set).
	source   string
	header   string
	query    string
	verifier *jwt.Verifier
}

// NewHTTPJWTAuthorizer checks the definition of an HTTP API JWT authorizer
// and loads its keys: OpenID Connect discovery at
// {issuer}/.well-known/openid-configuration, then the jwks_uri it names.
// Every problem of the definition is reported at once; a key set that
// cannot be loaded fails the call, so that a broken authorizer is found at
// deploy time. The issuer must be https, or plain http on a loopback host
// (127.0.0.0/8, ::1, localhost) for a local identity provider; the
// discovered jwks_uri likewise. ctx bounds only the first load.
func NewHTTPJWTAuthorizer(ctx context.Context, a apidef.Authorizer, opts HTTPJWTOptions) (*HTTPJWTAuthorizer, error) {
	az := &HTTPJWTAuthorizer{name: a.Name}
	var errs []error
	if a.Type != apidef.AuthorizerJWT {
		errs = append(errs, fmt.Errorf("type %q: want %s", a.Type, apidef.AuthorizerJWT))
	}
	switch {
	case a.JWTIssuer == "":
		errs = append(errs, errors.New("jwtConfiguration.issuer: required"))
	default:
		if err := jwt.CheckFetchURL(a.JWTIssuer); err != nil {
			errs = append(errs, fmt.Errorf("jwtConfiguration.issuer %w", err))
		}
	}
	switch n := len(a.JWTAudiences); {
	case n == 0:
		errs = append(errs, errors.New("jwtConfiguration.audience: at least one audience is required"))
	case n > awslimits.JWTAudiences:
		errs = append(errs, fmt.Errorf("jwtConfiguration.audience: %d audiences; AWS allows at most %d", n, awslimits.JWTAudiences))
	}
	for i, aud := range a.JWTAudiences {
		if strings.TrimSpace(aud) == "" {
			errs = append(errs, fmt.Errorf("jwtConfiguration.audience[%d]: empty", i))
		}
	}
	if err := az.setIdentitySource(a); err != nil {
		errs = append(errs, err)
	}
	if len(errs) > 0 {
		return nil, fmt.Errorf("authorizer %s: %w", a.Name, errors.Join(errs...))
	}
	v, err := jwt.New(ctx, jwt.Config{
		Issuer:           a.JWTIssuer,
		Audiences:        a.JWTAudiences,
		Algorithms:       jwt.RSAAlgorithms(),
		Skew:             -1, // AWS documents exact comparisons with the current time
		HTTPClient:       opts.HTTPClient,
		Now:              opts.Now,
		RefreshInterval:  opts.RefreshInterval,
		RefreshRateLimit: opts.RefreshRateLimit,
		Logger:           opts.Logger,
		SecureFetch:      true,
	})
	if err != nil {
		return nil, fmt.Errorf("authorizer %s: %w", a.Name, err)
	}
	az.verifier = v
	return az, nil
}

// setIdentitySource reads the authorizer's one identity source: a request
// header or a query string parameter
// (https://docs.aws.amazon.com/apigatewayv2/latest/api-reference/apis-apiid-authorizers.html,
// identitySource: "For JWT, a single entry").
func (az *HTTPJWTAuthorizer) setIdentitySource(a apidef.Authorizer) error {
	sources := a.IdentitySources
	if len(sources) == 0 && strings.TrimSpace(a.IdentitySource) != "" {
		for s := range strings.SplitSeq(a.IdentitySource, ",") {
			sources = append(sources, strings.TrimSpace(s))
		}
	}
	switch len(sources) {
	case 0:
		sources = []string{DefaultJWTIdentitySource}
	case 1:
	default:
		return fmt.Errorf("identitySource: a JWT authorizer takes exactly one identity source, got %d (%s)", len(sources), strings.Join(sources, ", "))
	}
	src := strings.TrimSpace(sources[0])
	az.source = src
	if h, ok := strings.CutPrefix(src, "$request.header."); ok && h != "" && !strings.ContainsAny(h, " \t") {
		az.header = textproto.CanonicalMIMEHeaderKey(h)
		return nil
	}
	if q, ok := strings.CutPrefix(src, "$request.querystring."); ok && q != "" {
		az.query = q
		return nil
	}
	return fmt.Errorf("identitySource %q: a JWT authorizer reads $request.header.NAME or $request.querystring.NAME", src)
}

// Name returns the authorizer's name (its security scheme).
func (az *HTTPJWTAuthorizer) Name() string { return az.name }

// Close stops the background reload of the key set. It is safe to call more
// than once; steps keep verifying with the keys already loaded.
func (az *HTTPJWTAuthorizer) Close() error {
	if az == nil || az.verifier == nil {
		return nil
	}
	return az.verifier.Close()
}

// Step returns the authorization step of one route that uses the
// authorizer, with the route's authorizationScopes (none: any valid token
// passes). AWS allows at most awslimits.JWTRouteScopes of them; the caller
// checks that when it reads the route.
func (az *HTTPJWTAuthorizer) Step(scopes []string) pipeline.Step {
	var s []string
	for _, sc := range scopes {
		if sc = strings.TrimSpace(sc); sc != "" {
			s = append(s, sc)
		}
	}
	return &httpJWTStep{az: az, opts: jwt.VerifyOptions{Scopes: s}}
}

// httpJWTStep is an HTTPJWTAuthorizer applied to one route.
type httpJWTStep struct {
	az   *HTTPJWTAuthorizer
	opts jwt.VerifyOptions
}

var _ pipeline.Step = (*httpJWTStep)(nil)

// Name implements pipeline.Named.
func (*httpJWTStep) Name() string { return "authorize" }

// Run verifies the token. A missing or invalid token is 401
// {"message":"Unauthorized"} with a www-authenticate challenge that says
// why; a valid token without any of the route's scopes is 403
// {"message":"Forbidden"} with error="insufficient_scope". On success
// c.Authorizer is payload 2.0's requestContext.authorizer:
// {"jwt": {"claims": {...}, "scopes": [...] or nil}}.
func (s *httpJWTStep) Run(ctx context.Context, c *pipeline.Call) error {
	az := s.az
	token, n := az.identity(c)
	switch {
	case n > 1:
		// Which of several tokens counts is ambiguous; refuse, as for
		// repeated credentials on REST methods (auth.DuplicateIdentity).
		return fault.TokenRejected("Bearer", fmt.Errorf("authorizer %s: the request carries %d values of %s; one is allowed", az.name, n, az.source))
	case strings.TrimSpace(token) == "":
		return fault.TokenRejected("Bearer", fmt.Errorf("authorizer %s: no token in %s", az.name, az.source))
	}
	claims, err := az.verifier.Verify(ctx, token, s.opts)
	if err != nil {
		je, ok := errors.AsType[*jwt.Error](err)
		switch {
		case !ok:
			return fault.AuthorizerConfiguration(fmt.Errorf("authorizer %s: %w", az.name, err))
		case je.Kind == jwt.KindInsufficientScope:
			return fault.InsufficientScope(je.WWWAuthenticate(), fmt.Errorf("authorizer %s: %w", az.name, je))
		}
		return fault.TokenRejected(je.WWWAuthenticate(), fmt.Errorf("authorizer %s: %w", az.name, je))
	}
	c.Authorizer = map[string]any{"jwt": map[string]any{"claims": httpClaims(claims), "scopes": s.tokenScopes(claims)}}
	return nil
}

// identity returns the first value of the identity source and how many
// values the request carries.
func (az *HTTPJWTAuthorizer) identity(c *pipeline.Call) (string, int) {
	var vals []string
	if az.header != "" {
		vals = c.Header.Values(az.header)
	} else {
		vals = c.Query[az.query]
	}
	if len(vals) == 0 {
		return "", 0
	}
	return vals[0], len(vals)
}

// httpClaims renders the claims as HTTP APIs pass them on: every value a
// string (numbers in plain decimal, arrays as "[a b]", objects as JSON; see
// jwt.Stringify), and claims whose value is null left out.
func httpClaims(claims *jwt.Claims) map[string]any {
	out := make(map[string]any, len(claims.Values))
	for k, v := range claims.Values {
		if v == nil {
			continue
		}
		out[k] = jwt.Stringify(v)
	}
	return out
}

// tokenScopes is the "scopes" of the authorizer object: nil (JSON null)
// when the route requires no scope, else the token's scopes (from scope,
// then scp).
func (s *httpJWTStep) tokenScopes(claims *jwt.Claims) []string {
	if len(s.opts.Scopes) == 0 {
		return nil
	}
	return claims.Scopes()
}
