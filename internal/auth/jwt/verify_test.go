package jwt_test

import (
	"context"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"strings"
	"testing"

	gojwt "github.com/golang-jwt/jwt/v5"

	"github.com/portico-gw/portico/internal/auth/jwt"
)

// tamper replaces the payload of a signed token with claims, keeping the
// header and the signature.
func tamper(t *testing.T, token string, claims gojwt.MapClaims) string {
	t.Helper()
	parts := strings.Split(token, ".")
	unsigned, err := gojwt.NewWithClaims(gojwt.SigningMethodRS256, claims).SigningString()
	if err != nil {
		t.Fatal(err)
	}
	parts[1] = strings.Split(unsigned, ".")[1]
	return strings.Join(parts, ".")
}

func TestVerify(t *testing.T) {
	rsaKey, ecKey := newRSA(t, "rsa-1"), newEC(t, "ec-1")
	impostor := newRSA(t, "rsa-1") // same kid, different key
	srv := newJWKSServer(t, jwksJSON(t, rsaKey, ecKey))
	v := newVerifier(t, jwt.Config{JWKS: srv.URL, Audiences: []string{testAudience, "other-client"}})

	valid := rsaKey.sign(t, baseClaims())

	noKID := gojwt.NewWithClaims(gojwt.SigningMethodRS256, baseClaims())
	noKIDToken, err := noKID.SignedString(rsaKey.key)
	if err != nil {
		t.Fatal(err)
	}
	none := gojwt.NewWithClaims(gojwt.SigningMethodNone, baseClaims())
	none.Header["kid"] = "rsa-1"
	noneToken, err := none.SignedString(gojwt.UnsafeAllowNoneSignatureType)
	if err != nil {
		t.Fatal(err)
	}
	der, err := x509.MarshalPKIXPublicKey(rsaKey.key.Public())
	if err != nil {
		t.Fatal(err)
	}
	hs := gojwt.NewWithClaims(gojwt.SigningMethodHS256, baseClaims())
	hs.Header["kid"] = "rsa-1"
	hsToken, err := hs.SignedString(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}))
	if err != nil {
		t.Fatal(err)
	}
	access := with(baseClaims(), "token_use", "access", "aud", nil, "client_id", testAudience,
		"scope", "pets/read openid")

	tests := []struct {
		name     string
		token    string
		opts     jwt.VerifyOptions
		wantKind jwt.Kind // "" means the token verifies
		wantDesc string
	}{
		{name: "valid RS256", token: valid},
		{name: "valid ES256", token: ecKey.sign(t, baseClaims())},
		{name: "bearer prefix", token: "Bearer " + valid},
		{name: "lower-case bearer prefix", token: "bearer " + valid},
		{name: "empty", token: "", wantKind: jwt.KindInvalidRequest, wantDesc: jwt.DescMissing},
		{name: "bearer only", token: "Bearer ", wantKind: jwt.KindInvalidRequest, wantDesc: jwt.DescMissing},
		{name: "garbage", token: "not-a-jwt", wantKind: jwt.KindInvalidToken, wantDesc: jwt.DescSegments},
		{name: "two segments", token: "e30.e30", wantKind: jwt.KindInvalidToken, wantDesc: jwt.DescSegments},
		{name: "four segments", token: valid + ".x", wantKind: jwt.KindInvalidToken, wantDesc: jwt.DescSegments},
		{name: "bad base64 header", token: "a!.b.c", wantKind: jwt.KindInvalidToken, wantDesc: jwt.DescMalformed},
		{name: "header not an object", token: "WzFd.e30.c2ln", wantKind: jwt.KindInvalidToken, wantDesc: jwt.DescMalformed},
		{name: "payload not an object", token: "eyJhbGciOiJSUzI1NiIsImtpZCI6InJzYS0xIn0.WzFd.c2ln",
			wantKind: jwt.KindInvalidToken, wantDesc: jwt.DescMalformed},
		{name: "unknown alg", token: "eyJhbGciOiJGT08iLCJraWQiOiJyc2EtMSJ9.e30.c2ln",
			wantKind: jwt.KindInvalidToken, wantDesc: jwt.DescAlgorithm},
		{name: "expired", token: rsaKey.sign(t, with(baseClaims(), "exp", testNowUnix-61)),
			wantKind: jwt.KindInvalidToken, wantDesc: jwt.DescExpired},
		{name: "expired within skew", token: rsaKey.sign(t, with(baseClaims(), "exp", testNowUnix-30))},
		{name: "no exp", token: rsaKey.sign(t, with(baseClaims(), "exp", nil)),
			wantKind: jwt.KindInvalidToken, wantDesc: jwt.DescMissingExpiry},
		{name: "exp not a number", token: rsaKey.sign(t, with(baseClaims(), "exp", "tomorrow")),
			wantKind: jwt.KindInvalidToken, wantDesc: jwt.DescMalformed},
		{name: "nbf in future", token: rsaKey.sign(t, with(baseClaims(), "nbf", testNowUnix+120)),
			wantKind: jwt.KindInvalidToken, wantDesc: jwt.DescNotYetValid},
		{name: "nbf within skew", token: rsaKey.sign(t, with(baseClaims(), "nbf", testNowUnix+30))},
		{name: "iat in future", token: rsaKey.sign(t, with(baseClaims(), "iat", testNowUnix+120, "nbf", nil)),
			wantKind: jwt.KindInvalidToken, wantDesc: jwt.DescIssuedInFuture},
		{name: "wrong iss", token: rsaKey.sign(t, with(baseClaims(), "iss", "https://evil.example")),
			wantKind: jwt.KindInvalidToken, wantDesc: jwt.DescIssuer},
		{name: "no iss", token: rsaKey.sign(t, with(baseClaims(), "iss", nil)),
			wantKind: jwt.KindInvalidToken, wantDesc: jwt.DescIssuer},
		{name: "wrong iss reported before expiry", token: rsaKey.sign(t, with(baseClaims(), "iss", "x", "exp", testNowUnix-600)),
			wantKind: jwt.KindInvalidToken, wantDesc: jwt.DescIssuer},
		{name: "wrong aud", token: rsaKey.sign(t, with(baseClaims(), "aud", "someone-else")),
			wantKind: jwt.KindInvalidToken, wantDesc: jwt.DescAudience},
		{name: "wrong aud reported before expiry", token: rsaKey.sign(t, with(baseClaims(), "aud", "x", "exp", testNowUnix-600)),
			wantKind: jwt.KindInvalidToken, wantDesc: jwt.DescAudience},
		{name: "aud array with one match", token: rsaKey.sign(t, with(baseClaims(), "aud", []string{"x", "other-client"}))},
		{name: "client_id accepted without aud", token: rsaKey.sign(t, with(baseClaims(), "aud", nil, "client_id", testAudience))},
		{name: "client_id ignored when aud present", token: rsaKey.sign(t, with(baseClaims(), "aud", "x", "client_id", testAudience)),
			wantKind: jwt.KindInvalidToken, wantDesc: jwt.DescAudience},
		{name: "neither aud nor client_id", token: rsaKey.sign(t, with(baseClaims(), "aud", nil)),
			wantKind: jwt.KindInvalidToken, wantDesc: jwt.DescAudience},
		{name: "missing kid", token: noKIDToken, wantKind: jwt.KindInvalidToken, wantDesc: jwt.DescMissingKeyID},
		{name: "unknown kid", token: newEC(t, "ec-404").sign(t, baseClaims()),
			wantKind: jwt.KindInvalidToken, wantDesc: jwt.DescUnknownKeyID},
		{name: "alg none", token: noneToken, wantKind: jwt.KindInvalidToken, wantDesc: jwt.DescAlgorithm},
		{name: "HS256 with the public key as secret", token: hsToken, wantKind: jwt.KindInvalidToken, wantDesc: jwt.DescAlgorithm},
		{name: "tampered payload", token: tamper(t, valid, with(baseClaims(), "sub", "admin")),
			wantKind: jwt.KindInvalidToken, wantDesc: jwt.DescSignature},
		{name: "signed by another key with the same kid", token: impostor.sign(t, baseClaims()),
			wantKind: jwt.KindInvalidToken, wantDesc: jwt.DescSignature},
		{name: "truncated signature", token: valid[:len(valid)-8],
			wantKind: jwt.KindInvalidToken, wantDesc: jwt.DescSignature},

		{name: "scope present", token: rsaKey.sign(t, access), opts: jwt.VerifyOptions{Scopes: []string{"pets/write", "pets/read"}}},
		{name: "scp array present", token: rsaKey.sign(t, with(access, "scope", nil, "scp", []string{"pets/read"})),
			opts: jwt.VerifyOptions{Scopes: []string{"pets/read"}}},
		{name: "scope missing", token: rsaKey.sign(t, access), opts: jwt.VerifyOptions{Scopes: []string{"pets/write"}},
			wantKind: jwt.KindInsufficientScope, wantDesc: jwt.DescScope},
		{name: "no scope claim", token: valid, opts: jwt.VerifyOptions{Scopes: []string{"pets/read"}},
			wantKind: jwt.KindInsufficientScope, wantDesc: jwt.DescScope},

		{name: "cognito: id token without method scopes", token: valid, opts: jwt.CognitoOptions(nil, "")},
		{name: "cognito: access token without method scopes", token: rsaKey.sign(t, access), opts: jwt.CognitoOptions(nil, ""),
			wantKind: jwt.KindInvalidToken, wantDesc: jwt.DescTokenUse},
		{name: "cognito: access token with a method scope", token: rsaKey.sign(t, access),
			opts: jwt.CognitoOptions([]string{"pets/read"}, "")},
		{name: "cognito: id token with method scopes", token: rsaKey.sign(t, with(baseClaims(), "scope", "pets/read")),
			opts: jwt.CognitoOptions([]string{"pets/read"}, ""), wantKind: jwt.KindInvalidToken, wantDesc: jwt.DescTokenUse},
		{name: "cognito: access token lacking the scope", token: rsaKey.sign(t, access),
			opts: jwt.CognitoOptions([]string{"pets/admin"}, ""), wantKind: jwt.KindInsufficientScope, wantDesc: jwt.DescScope},
		{name: "cognito: audience expression matches", token: valid, opts: jwt.CognitoOptions(nil, `client-\d+`)},
		{name: "cognito: audience expression ignored for access tokens", token: rsaKey.sign(t, access),
			opts: jwt.CognitoOptions([]string{"pets/read"}, `nobody`)},
		{name: "plain: audience expression applies to any token", token: rsaKey.sign(t, access),
			opts: jwt.VerifyOptions{AudienceExpression: `client-\d+`}, wantKind: jwt.KindInvalidToken, wantDesc: jwt.DescAudience},
		{name: "cognito: audience expression must match the whole aud", token: valid, opts: jwt.CognitoOptions(nil, `client-1`),
			wantKind: jwt.KindInvalidToken, wantDesc: jwt.DescAudience},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			claims, err := v.Verify(context.Background(), tt.token, tt.opts)
			if tt.wantKind == "" {
				if err != nil {
					t.Fatalf("Verify: %v", err)
				}
				if got := claims.Subject(); got != "user-1" {
					t.Errorf("Subject() = %q, want %q", got, "user-1")
				}
				return
			}
			var e *jwt.Error
			if !errors.As(err, &e) {
				t.Fatalf("Verify error = %v, want *jwt.Error", err)
			}
			if e.Kind != tt.wantKind || e.Description != tt.wantDesc {
				t.Errorf("got %s %q, want %s %q", e.Kind, e.Description, tt.wantKind, tt.wantDesc)
			}
			if claims != nil {
				t.Errorf("claims = %v, want nil on error", claims)
			}
			assertNoToken(t, err, tt.token)
		})
	}
}

// assertNoToken fails if any rendering of err, or of an error it wraps,
// contains the token or one of its segments.
func assertNoToken(t *testing.T, err error, token string) {
	t.Helper()
	raw := strings.TrimSpace(strings.TrimPrefix(token, "Bearer "))
	for e := err; e != nil; e = errors.Unwrap(e) {
		for _, s := range []string{e.Error(), fmt.Sprintf("%+v", e), fmt.Sprintf("%#v", e)} {
			for _, part := range strings.Split(raw, ".") {
				if len(part) > 16 && strings.Contains(s, part) {
					t.Fatalf("error text contains the token: %s", s)
				}
			}
		}
		if e, ok := e.(*jwt.Error); ok {
			if strings.Contains(e.WWWAuthenticate(), raw) && raw != "" {
				t.Fatal("WWW-Authenticate contains the token")
			}
		}
	}
}

func TestVerifyInvalidOptions(t *testing.T) {
	k := newRSA(t, "k")
	v := newVerifier(t, jwt.Config{JWKS: writeJWKSFile(t, jwksJSON(t, k))})
	for _, opts := range []jwt.VerifyOptions{{TokenUse: "refresh"}, {AudienceExpression: "("}} {
		if err := opts.Validate(); err == nil {
			t.Errorf("Validate(%+v) = nil, want an error", opts)
		}
		_, err := v.Verify(context.Background(), k.sign(t, baseClaims()), opts)
		if err == nil || errors.As(err, new(*jwt.Error)) {
			t.Errorf("Verify with %+v: got %v, want a plain (configuration) error", opts, err)
		}
	}
}

func TestVerifyAlgorithmsConfig(t *testing.T) {
	rsaKey, ecKey := newRSA(t, "rsa-1"), newEC(t, "ec-1")
	v := newVerifier(t, jwt.Config{JWKS: writeJWKSFile(t, jwksJSON(t, rsaKey, ecKey)), Algorithms: []string{"RS256"}})
	if _, err := v.Verify(context.Background(), rsaKey.sign(t, baseClaims()), jwt.VerifyOptions{}); err != nil {
		t.Fatalf("RS256: %v", err)
	}
	_, err := v.Verify(context.Background(), ecKey.sign(t, baseClaims()), jwt.VerifyOptions{})
	var e *jwt.Error
	if !errors.As(err, &e) || e.Description != jwt.DescAlgorithm {
		t.Fatalf("ES256 with RS256 only: got %v, want %q", err, jwt.DescAlgorithm)
	}
	for _, algs := range [][]string{{"HS256"}, {"none"}, {"RS256", "foo"}} {
		if _, err := jwt.New(context.Background(), jwt.Config{Issuer: testIssuer, JWKS: "unused", Algorithms: algs}); err == nil {
			t.Errorf("New with algorithms %v: want an error", algs)
		}
	}
}
