package jwt_test

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/portico-gw/portico/internal/auth/jwt"
)

func decodeClaims(t *testing.T, s string) *jwt.Claims {
	t.Helper()
	d := json.NewDecoder(strings.NewReader(s))
	d.UseNumber()
	var m map[string]any
	if err := d.Decode(&m); err != nil {
		t.Fatal(err)
	}
	return &jwt.Claims{Values: m}
}

func TestStringified(t *testing.T) {
	c := decodeClaims(t, `{
		"sub": "user-1", "exp": 1787996002, "ratio": 0.25, "big": 1.5e9, "neg": -3,
		"email_verified": true, "nothing": null,
		"cognito:groups": ["admin", "users"], "addr": {"zip": "12345"}
	}`)
	want := map[string]string{
		"sub": "user-1", "exp": "1787996002", "ratio": "0.25", "big": "1500000000", "neg": "-3",
		"email_verified": "true", "nothing": "",
		"cognito:groups": "[admin users]", "addr": `{"zip":"12345"}`,
	}
	if diff := cmp.Diff(want, c.Stringified()); diff != "" {
		t.Errorf("Stringified() mismatch (-want +got):\n%s", diff)
	}
}

func TestStringifiedFromVerify(t *testing.T) {
	k := newRSA(t, "k")
	v := newVerifier(t, jwt.Config{JWKS: writeJWKSFile(t, jwksJSON(t, k))})
	c, err := v.Verify(context.Background(), k.sign(t, baseClaims()), jwt.VerifyOptions{})
	if err != nil {
		t.Fatal(err)
	}
	s := c.Stringified()
	if s["exp"] != "1787993600" || s["token_use"] != "id" {
		t.Errorf("Stringified() = %v", s)
	}
	if _, ok := c.Values["exp"].(json.Number); !ok {
		t.Errorf("exp is %T, want json.Number", c.Values["exp"])
	}
}

func TestScopesAndSubject(t *testing.T) {
	tests := []struct {
		claims string
		want   []string
	}{
		{`{}`, nil},
		{`{"scope": "a b  c"}`, []string{"a", "b", "c"}},
		{`{"scp": "a b"}`, []string{"a", "b"}},
		{`{"scp": ["a", "", 3, "b"]}`, []string{"a", "b"}},
		{`{"scope": "a", "scp": ["b"]}`, []string{"a", "b"}},
		{`{"scope": 7}`, nil},
	}
	for _, tt := range tests {
		if got := decodeClaims(t, tt.claims).Scopes(); !slices.Equal(got, tt.want) {
			t.Errorf("Scopes(%s) = %q, want %q", tt.claims, got, tt.want)
		}
	}
	if got := decodeClaims(t, `{"sub": 5}`).Subject(); got != "" {
		t.Errorf("Subject() of a number = %q, want empty", got)
	}
	if got := decodeClaims(t, `{"token_use": "access"}`).TokenUse(); got != "access" {
		t.Errorf("TokenUse() = %q", got)
	}
}

func TestWWWAuthenticate(t *testing.T) {
	k := newRSA(t, "k")
	v := newVerifier(t, jwt.Config{JWKS: writeJWKSFile(t, jwksJSON(t, k)), Audiences: []string{"mine"}})
	tests := []struct {
		token string
		opts  jwt.VerifyOptions
		want  string
	}{
		{k.sign(t, baseClaims()), jwt.VerifyOptions{},
			`Bearer scope="" error="invalid_token" error_description="the token does not have a valid audience"`},
		{k.sign(t, with(baseClaims(), "aud", "mine", "exp", testNowUnix-3600)), jwt.VerifyOptions{},
			`Bearer scope="" error="invalid_token" error_description="the token has expired"`},
		{k.sign(t, with(baseClaims(), "aud", "mine")), jwt.VerifyOptions{Scopes: []string{"pets/read", "pets/write"}},
			`Bearer scope="pets/read pets/write" error="insufficient_scope" error_description="token is missing a required scope"`},
		{k.sign(t, with(baseClaims(), "aud", "mine", "iss", "https://elsewhere.example")), jwt.VerifyOptions{},
			`Bearer scope="" error="invalid_token" error_description="issuer does not match"`},
		{"a.b", jwt.VerifyOptions{},
			`Bearer scope="" error="invalid_token" error_description="token contains an invalid number of segments"`},
		{"Bearer ", jwt.VerifyOptions{}, `Bearer`},
	}
	for _, tt := range tests {
		_, err := v.Verify(context.Background(), tt.token, tt.opts)
		var e *jwt.Error
		if !errors.As(err, &e) {
			t.Fatalf("Verify: %v", err)
		}
		if got := e.WWWAuthenticate(); got != tt.want {
			t.Errorf("WWWAuthenticate()\n got %s\nwant %s", got, tt.want)
		}
	}
	e := &jwt.Error{Kind: jwt.KindInvalidToken, Description: "bad \"quote\" \\ and\nnewline é", Scope: `a"b`}
	if got, want := e.WWWAuthenticate(), `Bearer scope="ab" error="invalid_token" error_description="bad quote  andnewline "`; got != want {
		t.Errorf("WWWAuthenticate() = %s, want %s", got, want)
	}
	if got, want := e.Error(), "jwt: invalid_token: "+e.Description; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
}
