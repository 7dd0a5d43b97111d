package jwt_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/portico-gw/portico/internal/auth/jwt"
)

// FuzzVerify: Verify never panics, returns claims exactly when it returns no
// error, and never echoes the token in a rejection.
func FuzzVerify(f *testing.F) {
	rsaKey, ecKey := newRSA(f, "rsa-1"), newEC(f, "ec-1")
	path := writeJWKSFile(f, jwksJSON(f, rsaKey, ecKey))
	v := newVerifier(f, jwt.Config{JWKS: path, Audiences: []string{testAudience}, RefreshRateLimit: -1})

	valid := rsaKey.sign(f, baseClaims())
	for _, seed := range []string{
		valid,
		"Bearer " + ecKey.sign(f, baseClaims()),
		rsaKey.sign(f, with(baseClaims(), "token_use", "access", "scope", "a b", "exp", 1e300)),
		valid[:len(valid)/2],
		strings.Replace(valid, ".", "..", 1),
		"eyJhbGciOiJub25lIiwia2lkIjoicnNhLTEifQ.e30.",
		"eyJhbGciOiJSUzI1NiIsImtpZCI6MX0.e30.AAAA",
		"a.b.c", "...", "", "Bearer", "bearer  ", "\x00",
	} {
		f.Add(seed, false)
		f.Add(seed, true)
	}
	optsFor := func(cognito bool) jwt.VerifyOptions {
		if cognito {
			return jwt.CognitoOptions([]string{"a"}, `client-\d+`)
		}
		return jwt.VerifyOptions{}
	}
	f.Fuzz(func(t *testing.T, token string, cognito bool) {
		claims, err := v.Verify(context.Background(), token, optsFor(cognito))
		if (err == nil) != (claims != nil) {
			t.Fatalf("claims = %v with err = %v", claims, err)
		}
		if err == nil {
			_ = claims.Stringified()
			return
		}
		var e *jwt.Error
		if !errors.As(err, &e) {
			t.Fatalf("rejection is %T, want *jwt.Error: %v", err, err)
		}
		if e.Kind == "" || e.Description == "" {
			t.Fatalf("empty kind or description: %#v", e)
		}
		raw := strings.TrimSpace(token)
		if len(raw) > 16 && strings.Contains(e.Error()+e.WWWAuthenticate(), raw) {
			t.Fatal("rejection contains the token")
		}
	})
}
