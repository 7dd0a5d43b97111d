package jwt

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"sync"

	"github.com/MicahParks/jwkset"
	"github.com/MicahParks/keyfunc/v3"
	gojwt "github.com/golang-jwt/jwt/v5"
)

// Verifier verifies tokens of one issuer. It is safe for concurrent use.
type Verifier struct {
	cfg    Config
	parser *gojwt.Parser
	kf     keyfunc.Keyfunc
	exprs  sync.Map // AudienceExpression string -> *regexp.Regexp

	cancel context.CancelFunc
	done   sync.WaitGroup
	closed sync.Once
}

// New validates cfg, locates the JWKS (by OIDC discovery when cfg.JWKS is
// empty) and loads it once; it fails if any of that fails, so that a broken
// authorizer is reported at deploy time.
//
// Unless cfg.RefreshInterval is negative, New starts a goroutine that reloads
// the JWKS in the background until the Verifier is closed: call
// [Verifier.Close] when the Verifier is no longer needed. ctx bounds only the
// discovery and the first load.
func New(ctx context.Context, cfg Config) (*Verifier, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	location := cfg.JWKS
	if location == "" {
		location, err = discover(ctx, cfg.HTTPClient, cfg.Issuer)
		if err != nil {
			return nil, fmt.Errorf("jwt: issuer %s: %w", cfg.Issuer, err)
		}
		if cfg.SecureFetch {
			if err := CheckFetchURL(location); err != nil {
				return nil, fmt.Errorf("jwt: issuer %s: oidc discovery: jwks_uri %w", cfg.Issuer, err)
			}
		}
	}
	logger := cfg.Logger
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	ks := newKeySet(location, newLoader(cfg.HTTPClient, location), cfg.RefreshRateLimit, logger)
	if err := ks.refresh(ctx); err != nil {
		return nil, fmt.Errorf("jwt: issuer %s: %w", cfg.Issuer, err)
	}
	kf, err := keyfunc.New(keyfunc.Options{Storage: refreshingStore{MemoryJWKSet: ks.store, ks: ks}})
	if err != nil {
		return nil, fmt.Errorf("jwt: %w", err)
	}
	v := &Verifier{
		cfg: cfg,
		kf:  kf,
		parser: gojwt.NewParser(
			gojwt.WithValidMethods(cfg.Algorithms),
			gojwt.WithIssuer(cfg.Issuer),
			gojwt.WithExpirationRequired(),
			gojwt.WithIssuedAt(),
			gojwt.WithLeeway(cfg.Skew),
			gojwt.WithTimeFunc(cfg.Now),
			gojwt.WithJSONNumber(),
		),
	}
	bg, cancel := context.WithCancel(context.WithoutCancel(ctx))
	v.cancel = cancel
	if cfg.RefreshInterval > 0 {
		v.done.Go(func() { ks.run(bg, cfg.RefreshInterval) })
	}
	return v, nil
}

// Close stops the background reload and waits for it to finish. It is safe
// to call more than once; Verify keeps working on the cached keys.
func (v *Verifier) Close() error {
	v.closed.Do(func() {
		v.cancel()
		v.done.Wait()
	})
	return nil
}

// Verify checks token and returns its claims. The token may carry a
// "Bearer " prefix. Checks run in AWS's order: the signature (a key from the
// JWKS whose kid matches, an allowed algorithm), iss, aud or client_id, exp,
// nbf and iat, then the options: token_use, scopes and the audience
// expression. A rejected token gives an [*Error]; any other error means the
// options are invalid (see [VerifyOptions.Validate]).
func (v *Verifier) Verify(ctx context.Context, token string, opts VerifyOptions) (*Claims, error) {
	raw := stripBearer(token)
	if raw == "" {
		return nil, newError(KindInvalidRequest, DescMissing, nil)
	}
	if strings.Count(raw, ".") != 2 {
		return nil, invalid(DescSegments, nil)
	}
	var mc gojwt.MapClaims
	tok, err := v.parser.ParseWithClaims(raw, &mc, v.keyfunc(ctx))
	if err != nil {
		return nil, v.classify(tok, mc, err)
	}
	if err := v.checkAudience(mc); err != nil {
		return nil, err
	}
	claims := &Claims{Values: mc}
	if err := v.checkOptions(claims, opts); err != nil {
		return nil, err
	}
	return claims, nil
}

// stripBearer removes surrounding space and a case-insensitive "Bearer "
// prefix.
func stripBearer(s string) string {
	s = strings.TrimSpace(s)
	if strings.EqualFold(s, "bearer") {
		return ""
	}
	if len(s) > 7 && strings.EqualFold(s[:7], "bearer ") {
		s = strings.TrimSpace(s[7:])
	}
	return s
}

// missingKIDError is returned by the key function for a token without kid.
type missingKIDError struct{}

func (missingKIDError) Error() string { return "token header has no kid" }

// keyfunc requires a kid, then asks keyfunc for the matching key.
func (v *Verifier) keyfunc(ctx context.Context) gojwt.Keyfunc {
	inner := v.kf.KeyfuncCtx(ctx)
	return func(t *gojwt.Token) (any, error) {
		if kid, _ := t.Header["kid"].(string); kid == "" {
			return nil, missingKIDError{}
		}
		return inner(t)
	}
}

// classify turns a parse or validation error into an *Error. Claim failures
// are reported in AWS's order even when several claims are wrong.
func (v *Verifier) classify(tok *gojwt.Token, mc gojwt.MapClaims, err error) *Error {
	if errors.Is(err, gojwt.ErrTokenMalformed) {
		return invalid(DescMalformed, err)
	}
	if tok != nil {
		if alg, _ := tok.Header["alg"].(string); !slices.Contains(v.cfg.Algorithms, alg) {
			return invalid(DescAlgorithm, err)
		}
	}
	switch {
	case errors.As(err, new(missingKIDError)):
		return invalid(DescMissingKeyID, err)
	case errors.Is(err, jwkset.ErrKeyNotFound):
		return invalid(DescUnknownKeyID, err)
	case errors.Is(err, gojwt.ErrTokenUnverifiable), errors.Is(err, gojwt.ErrTokenSignatureInvalid):
		return invalid(DescSignature, err)
	case !errors.Is(err, gojwt.ErrTokenInvalidClaims):
		return invalid(DescMalformed, err)
	}
	// The signature is good; report the first failing claim.
	if iss, _ := mc["iss"].(string); iss != v.cfg.Issuer {
		return invalid(DescIssuer, err)
	}
	if e := v.checkAudience(mc); e != nil {
		return e
	}
	if _, ok := mc["exp"]; !ok {
		return invalid(DescMissingExpiry, err)
	}
	switch {
	case errors.Is(err, gojwt.ErrTokenExpired):
		return invalid(DescExpired, err)
	case errors.Is(err, gojwt.ErrTokenNotValidYet):
		return invalid(DescNotYetValid, err)
	case errors.Is(err, gojwt.ErrTokenUsedBeforeIssued):
		return invalid(DescIssuedInFuture, err)
	}
	return invalid(DescMalformed, err)
}

// checkAudience applies the HTTP API rule: when audiences are configured,
// "aud" must name one of them; "client_id" is consulted only when the token
// has no "aud".
func (v *Verifier) checkAudience(mc gojwt.MapClaims) *Error {
	if len(v.cfg.Audiences) == 0 {
		return nil
	}
	if _, hasAud := mc["aud"]; hasAud {
		aud, err := mc.GetAudience()
		if err == nil && slices.ContainsFunc(aud, func(a string) bool { return slices.Contains(v.cfg.Audiences, a) }) {
			return nil
		}
		return invalid(DescAudience, nil)
	}
	if id, ok := mc["client_id"].(string); ok && slices.Contains(v.cfg.Audiences, id) {
		return nil
	}
	return invalid(DescAudience, nil)
}
