package jwt_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/portico-gw/portico/internal/auth/jwt"
)

func TestCheckFetchURL(t *testing.T) {
	t.Parallel()
	tests := []struct {
		url     string
		wantErr string // "" means allowed
	}{
		{"https://cognito-idp.us-east-1.amazonaws.com/us-east-1_X", ""},
		{"https://idp.example.com:8443/realms/a", ""},
		{"http://127.0.0.1:9000/realms/a", ""},
		{"http://127.9.8.7/", ""},
		{"http://[::1]:8080/issuer", ""},
		{"http://localhost:8080/issuer", ""},
		{"http://LOCALHOST./issuer", ""},
		{"http://idp.example.com/issuer", "plain http is allowed only on a loopback host"},
		{"http://10.0.0.1/issuer", "plain http is allowed only on a loopback host"},
		{"http://localhost.example.com/issuer", "plain http is allowed only on a loopback host"},
		{"http://128.0.0.1/issuer", "plain http is allowed only on a loopback host"},
		{"ftp://localhost/issuer", "want an https URL"},
		{"file:///tmp/jwks.json", "want an absolute https URL"},
		{"us-east-1_TEST", "want an absolute https URL"},
		{"https://", "want an absolute https URL"},
		{"https://exa mple.com", "is not a URL"},
	}
	for _, tt := range tests {
		err := jwt.CheckFetchURL(tt.url)
		switch {
		case tt.wantErr == "" && err != nil:
			t.Errorf("CheckFetchURL(%q) = %v, want nil", tt.url, err)
		case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
			t.Errorf("CheckFetchURL(%q) = %v, want an error containing %q", tt.url, err, tt.wantErr)
		}
	}
}

// TestSecureFetch checks that a Verifier with SecureFetch refuses an
// insecure issuer or JWKS URL at once, and a discovery document whose
// jwks_uri is plain http on another host.
func TestSecureFetch(t *testing.T) {
	t.Parallel()
	for name, cfg := range map[string]jwt.Config{
		"http issuer":   {Issuer: "http://idp.example.com/realms/a"},
		"http jwks":     {Issuer: testIssuer, JWKS: "http://idp.example.com/jwks.json"},
		"jwks file":     {Issuer: testIssuer, JWKS: writeJWKSFile(t, jwksJSON(t, newRSA(t, "k")))},
		"non-url issue": {Issuer: "us-east-1_TEST"},
	} {
		cfg.SecureFetch = true
		if _, err := jwt.New(context.Background(), cfg); err == nil {
			t.Errorf("%s: want an error", name)
		}
	}

	k := newRSA(t, "k")
	mux := http.NewServeMux()
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	var jwksURI atomic.Value
	jwksURI.Store("http://keys.example.com/jwks.json")
	mux.HandleFunc("GET /.well-known/openid-configuration", func(w http.ResponseWriter, r *http.Request) {
		_ = json.NewEncoder(w).Encode(map[string]string{"issuer": srv.URL, "jwks_uri": jwksURI.Load().(string)})
	})
	mux.HandleFunc("GET /keys", func(w http.ResponseWriter, r *http.Request) { _, _ = w.Write(jwksJSON(t, k)) })
	_, err := jwt.New(context.Background(), jwt.Config{Issuer: srv.URL, SecureFetch: true})
	if err == nil || !strings.Contains(err.Error(), "jwks_uri") || !strings.Contains(err.Error(), "loopback") {
		t.Fatalf("discovered http jwks_uri on another host: got %v, want a jwks_uri error", err)
	}
	// The same issuer serving its keys on the loopback host is accepted.
	jwksURI.Store(srv.URL + "/keys")
	newVerifier(t, jwt.Config{Issuer: srv.URL, SecureFetch: true})
}
