package gatewaytest

import (
	"crypto/rand"
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"math/big"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	jwtlib "github.com/golang-jwt/jwt/v5"
)

// keyServer serves a JWKS whose keys a test can rotate.
type keyServer struct {
	mu   sync.Mutex
	keys map[string]*rsa.PrivateKey
	srv  *httptest.Server
}

func newKeyServer(t *testing.T) *keyServer {
	ks := &keyServer{keys: map[string]*rsa.PrivateKey{}}
	ks.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		ks.mu.Lock()
		defer ks.mu.Unlock()
		var list []map[string]string
		for kid, k := range ks.keys {
			list = append(list, map[string]string{"kty": "RSA", "kid": kid, "use": "sig", "alg": "RS256",
				"n": base64.RawURLEncoding.EncodeToString(k.N.Bytes()), "e": base64.RawURLEncoding.EncodeToString(big.NewInt(int64(k.E)).Bytes())})
		}
		_ = json.NewEncoder(w).Encode(map[string]any{"keys": list})
	}))
	t.Cleanup(ks.srv.Close)
	ks.rotate(t, "k1")
	return ks
}

// rotate replaces the key set with one new key.
func (ks *keyServer) rotate(t *testing.T, kid string) {
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	ks.mu.Lock()
	ks.keys = map[string]*rsa.PrivateKey{kid: k}
	ks.mu.Unlock()
}

func (ks *keyServer) token(t *testing.T, kid string, claims jwtlib.MapClaims) string {
	ks.mu.Lock()
	k := ks.keys[kid]
	ks.mu.Unlock()
	tok := jwtlib.NewWithClaims(jwtlib.SigningMethodRS256, claims)
	tok.Header["kid"] = kid
	s, err := tok.SignedString(k)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestTokenAuthorizers covers Cognito user pools (ID vs access tokens,
// scopes, claims) and a settings-defined JWT authorizer with a key rotation.
func TestTokenAuthorizers(t *testing.T) {
	ks := newKeyServer(t)
	pool, jwtIss := ks.srv.URL+"/pool", ks.srv.URL+"/jwt"
	settings := `store: {type: memory}
cognitoUserPools:
  - {arn: "arn:aws:cognito-idp:us-east-1:123456789012:userpool/us-east-1_TEST", issuer: "` + pool + `", jwks: "` + ks.srv.URL + `/keys"}
jwtAuthorizers:
  - {name: myjwt, issuer: "` + jwtIss + `", audiences: [portico-api], jwks: "` + ks.srv.URL + `/keys"}
`
	g := Start(t, Options{Definition: "../../testdata/auth/jwt-api.yaml", Extra: settings})
	now := time.Now()
	idToken := jwtlib.MapClaims{"iss": pool, "aud": "client-1", "token_use": "id", "sub": "u1", "email": "a@example.com", "exp": now.Add(time.Hour).Unix(), "iat": now.Unix()}
	accessToken := jwtlib.MapClaims{"iss": pool, "client_id": "client-1", "token_use": "access", "sub": "u1", "scope": "orders/read openid", "exp": now.Add(time.Hour).Unix(), "iat": now.Unix()}
	with := func(c jwtlib.MapClaims, k, v string) jwtlib.MapClaims {
		out := jwtlib.MapClaims{}
		for a, b := range c {
			out[a] = b
		}
		out[k] = v
		return out
	}
	get := func(path, token string) (int, http.Header, string) {
		r, _ := http.NewRequest("GET", g.URL+path, nil)
		if token != "" {
			r.Header.Set("Authorization", token)
		}
		return doRead(t, g, r)
	}
	cases := []struct {
		name, path, token string
		status            int
		body              string
	}{
		{"cognito: ID token, claims reach the integration", "/dev/profile", ks.token(t, "k1", idToken), 200, `"X-Email":["a@example.com"]`},
		{"cognito: no token", "/dev/profile", "", 401, `{"message":"Unauthorized"}`},
		{"cognito: expired", "/dev/profile", ks.token(t, "k1", jwtlib.MapClaims{"iss": pool, "aud": "c", "token_use": "id", "exp": now.Add(-time.Hour).Unix()}), 401, `{"message":"Unauthorized"}`},
		{"cognito: wrong issuer", "/dev/profile", ks.token(t, "k1", with(idToken, "iss", "https://elsewhere")), 401, `{"message":"Unauthorized"}`},
		{"cognito: access token where an ID token is needed", "/dev/profile", ks.token(t, "k1", accessToken), 401, `{"message":"Unauthorized"}`},
		{"cognito: access token with the method's scope", "/dev/orders", ks.token(t, "k1", accessToken), 200, `"path":"/echo/orders"`},
		{"cognito: access token without the scope", "/dev/orders", ks.token(t, "k1", with(accessToken, "scope", "openid")), 401, `{"message":"Unauthorized"}`},
		{"jwt: valid token with scope", "/dev/jwt", "Bearer " + ks.token(t, "k1", jwtlib.MapClaims{"iss": jwtIss, "aud": "portico-api", "sub": "s-9", "scope": "read", "exp": now.Add(time.Hour).Unix()}), 200, `"X-Sub":["s-9"]`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			status, _, body := get(c.path, c.token)
			if status != c.status || !strings.Contains(body, c.body) {
				t.Errorf("got %d %s, want %d containing %s", status, body, c.status, c.body)
			}
		})
	}
	t.Run("jwt: wrong audience says why in WWW-Authenticate", func(t *testing.T) {
		tok := ks.token(t, "k1", jwtlib.MapClaims{"iss": jwtIss, "aud": "other", "scope": "read", "exp": now.Add(time.Hour).Unix()})
		status, hdr, _ := get("/dev/jwt", "Bearer "+tok)
		if status != 401 || !strings.Contains(hdr.Get("WWW-Authenticate"), `error="invalid_token"`) || !strings.Contains(hdr.Get("WWW-Authenticate"), "audience") {
			t.Errorf("got %d, WWW-Authenticate %q", status, hdr.Get("WWW-Authenticate"))
		}
	})
	t.Run("key rotation mid-run", func(t *testing.T) {
		old := ks.token(t, "k1", idToken)
		ks.rotate(t, "k2")
		if status, _, body := get("/dev/profile", ks.token(t, "k2", idToken)); status != 200 {
			t.Errorf("token signed with the new key: got %d %s", status, body)
		}
		if status, _, _ := get("/dev/profile", old); status != 401 {
			t.Errorf("token signed with the retired key: got %d, want 401", status)
		}
	})
}
