package auth_test

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/MicahParks/jwkset"
	gojwt "github.com/golang-jwt/jwt/v5"

	"github.com/portico-gw/portico/internal/apidef"
	"github.com/portico-gw/portico/internal/auth"
	"github.com/portico-gw/portico/internal/fault"
	"github.com/portico-gw/portico/internal/pipeline"
)

// The fixed clock of these tests.
const hjNowUnix = 1_787_992_402

func hjNow() time.Time { return time.Unix(hjNowUnix, 0) }

// hjKey is a private key with the kid and alg its public half is published
// under.
type hjKey struct {
	kid, alg string
	key      crypto.Signer
}

func hjRSA(t testing.TB, kid string) hjKey {
	t.Helper()
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	return hjKey{kid: kid, alg: "RS256", key: k}
}

// sign returns a token over claims, with k's kid in the header unless
// withKID is false.
func (k hjKey) sign(t testing.TB, claims gojwt.MapClaims) string {
	t.Helper()
	tok := gojwt.NewWithClaims(gojwt.GetSigningMethod(k.alg), claims)
	if k.kid != "" {
		tok.Header["kid"] = k.kid
	}
	s, err := tok.SignedString(k.key)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// hjIssuer is a local identity provider on the loopback interface: it
// serves an OpenID Connect discovery document and a JWK Set that a test can
// replace (key rotation), and counts the requests for each.
type hjIssuer struct {
	srv           *httptest.Server
	url           string
	discoveryHits atomic.Int64
	jwksHits      atomic.Int64
	mu            sync.Mutex
	keys          []hjKey
}

func newHJIssuer(t testing.TB, keys ...hjKey) *hjIssuer {
	t.Helper()
	is := &hjIssuer{keys: keys}
	mux := http.NewServeMux()
	is.srv = httptest.NewServer(mux)
	t.Cleanup(is.srv.Close)
	is.url = is.srv.URL + "/realms/test"
	mux.HandleFunc("GET /realms/test/.well-known/openid-configuration", func(w http.ResponseWriter, r *http.Request) {
		is.discoveryHits.Add(1)
		_ = json.NewEncoder(w).Encode(map[string]string{"issuer": is.url, "jwks_uri": is.url + "/certs"})
	})
	mux.HandleFunc("GET /realms/test/certs", func(w http.ResponseWriter, r *http.Request) {
		is.jwksHits.Add(1)
		is.mu.Lock()
		keys := is.keys
		is.mu.Unlock()
		set := jwkset.JWKSMarshal{Keys: []jwkset.JWKMarshal{}}
		for _, k := range keys {
			j, err := jwkset.NewJWKFromKey(k.key.Public(), jwkset.JWKOptions{
				Metadata: jwkset.JWKMetadataOptions{KID: k.kid, ALG: jwkset.ALG(k.alg), USE: jwkset.UseSig},
			})
			if err != nil {
				http.Error(w, err.Error(), http.StatusInternalServerError)
				return
			}
			set.Keys = append(set.Keys, j.Marshal())
		}
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(set)
	})
	return is
}

// publish replaces the issuer's key set.
func (is *hjIssuer) publish(keys ...hjKey) {
	is.mu.Lock()
	is.keys = keys
	is.mu.Unlock()
}

// claims are those of a valid access token of the issuer at hjNow.
func (is *hjIssuer) claims(kv ...any) gojwt.MapClaims {
	c := gojwt.MapClaims{
		"iss":       is.url,
		"aud":       "api-audience",
		"sub":       "6418b458-d091-705e-122e-04bf2945fcdf",
		"iat":       hjNowUnix - 60,
		"nbf":       hjNowUnix - 60,
		"exp":       hjNowUnix + 3600,
		"token_use": "access",
	}
	for i := 0; i+1 < len(kv); i += 2 {
		if kv[i+1] == nil {
			delete(c, kv[i].(string))
			continue
		}
		c[kv[i].(string)] = kv[i+1]
	}
	return c
}

func (is *hjIssuer) def(kv ...any) apidef.Authorizer {
	a := apidef.Authorizer{Name: "oidc", Type: apidef.AuthorizerJWT, JWTIssuer: is.url, JWTAudiences: []string{"api-audience", "other-app"}}
	for i := 0; i+1 < len(kv); i += 2 {
		switch kv[i] {
		case "sources":
			a.IdentitySources = kv[i+1].([]string)
		case "audiences":
			a.JWTAudiences = kv[i+1].([]string)
		}
	}
	return a
}

func newHTTPJWT(t testing.TB, a apidef.Authorizer) *auth.HTTPJWTAuthorizer {
	t.Helper()
	az, err := auth.NewHTTPJWTAuthorizer(context.Background(), a, auth.HTTPJWTOptions{Now: hjNow})
	if err != nil {
		t.Fatalf("NewHTTPJWTAuthorizer: %v", err)
	}
	t.Cleanup(func() { _ = az.Close() })
	return az
}

func hjCall(header http.Header, query url.Values) *pipeline.Call {
	if header == nil {
		header = http.Header{}
	}
	return &pipeline.Call{Header: header, Query: query, RouteKey: "GET /pets"}
}

func bearer(token string) http.Header { return http.Header{"Authorization": {"Bearer " + token}} }

// rejection is what a client sees for a refused request.
type rejection struct {
	status  int
	body    string
	wwwAuth string
}

func rejectionOf(t *testing.T, err error) rejection {
	t.Helper()
	f, ok := errors.AsType[*fault.Error](err)
	if !ok {
		t.Fatalf("error %v (%T) is not a fault", err, err)
	}
	if len(f.Headers) != 1 {
		t.Errorf("fault headers %v, want only WWW-Authenticate", f.Headers)
	}
	return rejection{status: f.StatusCode(), body: string(f.DefaultBody()), wwwAuth: f.Headers["WWW-Authenticate"]}
}

func invalidToken(desc string) rejection {
	return rejection{401, `{"message":"Unauthorized"}`, `Bearer scope="" error="invalid_token" error_description="` + desc + `"`}
}

// TestHTTPJWTTokens pins the answer to each kind of token: the status,
// body and www-authenticate challenge of a refusal, and the authorizer
// object of a success.
func TestHTTPJWTTokens(t *testing.T) {
	t.Parallel()
	rsaKey := hjRSA(t, "rsa-1")
	ecPriv, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	ecKey := hjKey{kid: "ec-1", alg: "ES256", key: ecPriv}
	is := newHJIssuer(t, rsaKey, ecKey)
	az := newHTTPJWT(t, is.def())

	valid := rsaKey.sign(t, is.claims())
	tampered := valid[:strings.LastIndex(valid, ".")+1] + strings.Repeat("A", len(valid)-strings.LastIndex(valid, ".")-1)
	noKID := hjKey{alg: "RS256", key: rsaKey.key}.sign(t, is.claims())
	hs := gojwt.NewWithClaims(gojwt.SigningMethodHS256, is.claims())
	hs.Header["kid"] = "rsa-1"
	hsToken, err := hs.SignedString([]byte("a shared secret"))
	if err != nil {
		t.Fatal(err)
	}
	unauthorizedBare := rejection{401, `{"message":"Unauthorized"}`, "Bearer"}
	forbidden := func(scope string) rejection {
		return rejection{403, `{"message":"Forbidden"}`, `Bearer scope="` + scope + `" error="insufficient_scope" error_description="token is missing a required scope"`}
	}

	tests := []struct {
		name   string
		header http.Header
		scopes []string
		want   rejection // zero: the token passes
	}{
		{name: "valid, Bearer prefix", header: bearer(valid)},
		{name: "valid, no prefix", header: http.Header{"Authorization": {valid}}},
		{name: "no Authorization header", header: nil, want: unauthorizedBare},
		{name: "empty Authorization header", header: http.Header{"Authorization": {""}}, want: unauthorizedBare},
		{name: "Bearer and nothing else", header: http.Header{"Authorization": {"Bearer "}}, want: unauthorizedBare},
		{name: "two Authorization headers", header: http.Header{"Authorization": {"Bearer " + valid, "Bearer " + valid}}, want: unauthorizedBare},
		{name: "not a JWT", header: bearer("not-a-token"), want: invalidToken("token contains an invalid number of segments")},
		{name: "bad base64 header", header: bearer("a!.b.c"), want: invalidToken("the token is malformed")},
		{name: "audience not configured", header: bearer(rsaKey.sign(t, is.claims("aud", "someone-else"))),
			want: invalidToken("the token does not have a valid audience")},
		{name: "second audience of the authorizer", header: bearer(rsaKey.sign(t, is.claims("aud", "other-app")))},
		{name: "aud array with one configured audience", header: bearer(rsaKey.sign(t, is.claims("aud", []string{"x", "api-audience"})))},
		{name: "client_id when there is no aud", header: bearer(rsaKey.sign(t, is.claims("aud", nil, "client_id", "api-audience")))},
		{name: "aud is evaluated when both are present", header: bearer(rsaKey.sign(t, is.claims("aud", "x", "client_id", "api-audience"))),
			want: invalidToken("the token does not have a valid audience")},
		{name: "neither aud nor client_id", header: bearer(rsaKey.sign(t, is.claims("aud", nil))),
			want: invalidToken("the token does not have a valid audience")},
		{name: "another issuer", header: bearer(rsaKey.sign(t, is.claims("iss", "https://elsewhere.example"))),
			want: invalidToken("issuer does not match")},
		{name: "issuer checked before audience", header: bearer(rsaKey.sign(t, is.claims("iss", "https://elsewhere.example", "aud", "x"))),
			want: invalidToken("issuer does not match")},
		{name: "expired one second ago", header: bearer(rsaKey.sign(t, is.claims("exp", hjNowUnix-1))),
			want: invalidToken("the token has expired")},
		{name: "expiring now", header: bearer(rsaKey.sign(t, is.claims("exp", hjNowUnix))),
			want: invalidToken("the token has expired")},
		{name: "expiring in one second", header: bearer(rsaKey.sign(t, is.claims("exp", hjNowUnix+1)))},
		{name: "no exp", header: bearer(rsaKey.sign(t, is.claims("exp", nil))),
			want: invalidToken("the token does not have an expiry")},
		{name: "nbf in the future", header: bearer(rsaKey.sign(t, is.claims("nbf", hjNowUnix+1))),
			want: invalidToken("the token is not yet valid")},
		{name: "iat in the future", header: bearer(rsaKey.sign(t, is.claims("iat", hjNowUnix+1))),
			want: invalidToken("the token was issued in the future")},
		{name: "ES256 key in the JWKS: RSA only", header: bearer(ecKey.sign(t, is.claims())),
			want: invalidToken("the token signing algorithm is not allowed")},
		{name: "HS256 with a shared secret", header: bearer(hsToken),
			want: invalidToken("the token signing algorithm is not allowed")},
		{name: "signature does not verify", header: bearer(tampered),
			want: invalidToken("the token signature is invalid")},
		{name: "no kid", header: bearer(noKID), want: invalidToken("the token does not have a key id")},
		{name: "route scope in scope", header: bearer(rsaKey.sign(t, is.claims("scope", "pets/write pets/read"))), scopes: []string{"pets/read"}},
		{name: "one of the route scopes in scp (array)", header: bearer(rsaKey.sign(t, is.claims("scp", []string{"pets/admin"}))),
			scopes: []string{"pets/read", "pets/admin"}},
		{name: "route scope in scp (string)", header: bearer(rsaKey.sign(t, is.claims("scp", "pets/read"))), scopes: []string{"pets/read"}},
		{name: "no route scope", header: bearer(rsaKey.sign(t, is.claims("scope", "pets/write"))), scopes: []string{"pets/read", "pets/admin"},
			want: forbidden("pets/read pets/admin")},
		{name: "no scope claim", header: bearer(valid), scopes: []string{"pets/read"}, want: forbidden("pets/read")},
		{name: "scopes are checked after the token", header: bearer(rsaKey.sign(t, is.claims("exp", hjNowUnix-1))), scopes: []string{"pets/read"},
			want: invalidToken("the token has expired")},
		{name: "scope prefix is not a scope", header: bearer(rsaKey.sign(t, is.claims("scope", "pets/readonly"))), scopes: []string{"pets/read"},
			want: forbidden("pets/read")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := hjCall(tt.header, nil)
			err := az.Step(tt.scopes).Run(context.Background(), c)
			if tt.want == (rejection{}) {
				if err != nil {
					t.Fatalf("Run: %v", err)
				}
				if c.Authorizer["jwt"] == nil {
					t.Fatalf("Authorizer = %v, want a jwt object", c.Authorizer)
				}
				return
			}
			if err == nil {
				t.Fatalf("Run passed, want %+v", tt.want)
			}
			if got := rejectionOf(t, err); got != tt.want {
				t.Errorf("got  %+v\nwant %+v", got, tt.want)
			}
			if c.Authorizer != nil {
				t.Errorf("Authorizer set on a refusal: %v", c.Authorizer)
			}
			if strings.Contains(err.Error(), strings.TrimPrefix(tt.header.Get("Authorization"), "Bearer ")) && len(tt.header.Get("Authorization")) > 20 {
				t.Errorf("the error repeats the token: %v", err)
			}
		})
	}
}

// TestHTTPJWTAuthorizerObject pins requestContext.authorizer of payload
// 2.0: claims stringified (numbers in plain decimal, arrays "[a b]", null
// claims left out), scopes null on a route without scopes and the token's
// scopes on a route with scopes.
func TestHTTPJWTAuthorizerObject(t *testing.T) {
	t.Parallel()
	k := hjRSA(t, "rsa-1")
	is := newHJIssuer(t, k)
	az := newHTTPJWT(t, is.def())
	token := k.sign(t, is.claims(
		"aud", nil, "client_id", "api-audience",
		"scope", "pets/read pets/write",
		"cognito:groups", []string{"admin", "poweruser"},
		"email_verified", true,
		"nickname", nil,
		"address", map[string]any{"country": "FR"},
		"big", json.Number("1.5e3"),
	))
	wantClaims := map[string]any{
		"iss":            is.url,
		"client_id":      "api-audience",
		"sub":            "6418b458-d091-705e-122e-04bf2945fcdf",
		"iat":            strconv.Itoa(hjNowUnix - 60),
		"nbf":            strconv.Itoa(hjNowUnix - 60),
		"exp":            strconv.Itoa(hjNowUnix + 3600),
		"token_use":      "access",
		"scope":          "pets/read pets/write",
		"cognito:groups": "[admin poweruser]",
		"email_verified": "true",
		"address":        `{"country":"FR"}`,
		"big":            "1500",
	}

	c := hjCall(bearer(token), nil)
	if err := az.Step(nil).Run(context.Background(), c); err != nil {
		t.Fatal(err)
	}
	want := map[string]any{"jwt": map[string]any{"claims": wantClaims, "scopes": []string(nil)}}
	if !reflect.DeepEqual(c.Authorizer, want) {
		t.Errorf("route without scopes:\n got %#v\nwant %#v", c.Authorizer, want)
	}
	b, err := json.Marshal(c.Authorizer["jwt"].(map[string]any)["scopes"])
	if err != nil || string(b) != "null" {
		t.Errorf("scopes render as %s (%v), want null", b, err)
	}

	c = hjCall(bearer(token), nil)
	if err := az.Step([]string{"pets/write"}).Run(context.Background(), c); err != nil {
		t.Fatal(err)
	}
	want = map[string]any{"jwt": map[string]any{"claims": wantClaims, "scopes": []string{"pets/read", "pets/write"}}}
	if !reflect.DeepEqual(c.Authorizer, want) {
		t.Errorf("route with scopes:\n got %#v\nwant %#v", c.Authorizer, want)
	}
}

// TestHTTPJWTQueryIdentitySource reads the token from a query string
// parameter, with and without a Bearer prefix.
func TestHTTPJWTQueryIdentitySource(t *testing.T) {
	t.Parallel()
	k := hjRSA(t, "rsa-1")
	is := newHJIssuer(t, k)
	az := newHTTPJWT(t, is.def("sources", []string{"$request.querystring.access_token"}))
	token := k.sign(t, is.claims())
	for _, q := range []url.Values{{"access_token": {token}}, {"access_token": {"Bearer " + token}}} {
		if err := az.Step(nil).Run(context.Background(), hjCall(bearer("ignored"), q)); err != nil {
			t.Errorf("query %v: %v", q, err)
		}
	}
	err := az.Step(nil).Run(context.Background(), hjCall(bearer(token), nil))
	if got, want := rejectionOf(t, err), (rejection{401, `{"message":"Unauthorized"}`, "Bearer"}); got != want {
		t.Errorf("token in the header only: got %+v, want %+v", got, want)
	}

	hz := newHTTPJWT(t, is.def("sources", []string{"$request.header.X-Id-Token"}))
	if err := hz.Step(nil).Run(context.Background(), hjCall(http.Header{"X-Id-Token": {token}}, nil)); err != nil {
		t.Errorf("custom header: %v", err)
	}
}

// TestHTTPJWTKeyRotation has a local issuer rotate its signing key while
// the authorizer serves: a token naming the new kid makes the authorizer
// fetch the JWKS again, once; a token naming a retired kid is refused
// without another fetch (the refetch is rate-limited).
func TestHTTPJWTKeyRotation(t *testing.T) {
	t.Parallel()
	oldKey, newKey := hjRSA(t, "2026-11"), hjRSA(t, "2026-12")
	is := newHJIssuer(t, oldKey)
	az := newHTTPJWT(t, is.def())
	if d, j := is.discoveryHits.Load(), is.jwksHits.Load(); d != 1 || j != 1 {
		t.Fatalf("after construction: %d discovery and %d JWKS requests, want 1 and 1", d, j)
	}
	step := az.Step(nil)
	run := func(token string) error { return step.Run(context.Background(), hjCall(bearer(token), nil)) }

	oldToken := oldKey.sign(t, is.claims())
	if err := run(oldToken); err != nil {
		t.Fatalf("token of the current key: %v", err)
	}
	if j := is.jwksHits.Load(); j != 1 {
		t.Fatalf("a known kid fetched the JWKS again (%d requests)", j)
	}

	is.publish(newKey) // the issuer rotates and retires the old key
	if err := run(newKey.sign(t, is.claims())); err != nil {
		t.Fatalf("token of the new key: %v", err)
	}
	if j := is.jwksHits.Load(); j != 2 {
		t.Fatalf("unknown kid: %d JWKS requests, want 2", j)
	}
	if err := run(newKey.sign(t, is.claims("sub", "another"))); err != nil {
		t.Fatalf("second token of the new key: %v", err)
	}

	// The old key is gone from the cached set; the token is refused, and
	// the reload it asks for is rate-limited.
	if got, want := rejectionOf(t, run(oldToken)), invalidToken("the token key id does not match any known key"); got != want {
		t.Errorf("retired key: got %+v, want %+v", got, want)
	}
	if got, want := rejectionOf(t, run(hjRSA(t, "forged").sign(t, is.claims()))), invalidToken("the token key id does not match any known key"); got != want {
		t.Errorf("unknown key: got %+v, want %+v", got, want)
	}
	if d, j := is.discoveryHits.Load(), is.jwksHits.Load(); d != 1 || j != 2 {
		t.Errorf("end: %d discovery and %d JWKS requests, want 1 and 2", d, j)
	}
}

// TestNewHTTPJWTAuthorizerErrors checks that a definition AWS would refuse,
// or an issuer that cannot be reached or trusted, fails the constructor
// with a message naming the authorizer and the field.
func TestNewHTTPJWTAuthorizerErrors(t *testing.T) {
	t.Parallel()
	is := newHJIssuer(t, hjRSA(t, "k"))
	many := make([]string, 51)
	for i := range many {
		many[i] = "aud-" + strconv.Itoa(i)
	}
	fifty := many[:50]
	tests := []struct {
		name string
		def  apidef.Authorizer
		want []string
	}{
		{"http issuer on another host",
			apidef.Authorizer{Name: "idp", Type: apidef.AuthorizerJWT, JWTIssuer: "http://idp.example.com/realms/a", JWTAudiences: []string{"a"}},
			[]string{"authorizer idp", `jwtConfiguration.issuer "http://idp.example.com/realms/a": plain http is allowed only on a loopback host (127.0.0.0/8, ::1, localhost); use https`}},
		{"http issuer on a private address",
			apidef.Authorizer{Name: "idp", Type: apidef.AuthorizerJWT, JWTIssuer: "http://10.1.2.3:8080", JWTAudiences: []string{"a"}},
			[]string{"plain http is allowed only on a loopback host"}},
		{"issuer not a URL",
			apidef.Authorizer{Name: "idp", Type: apidef.AuthorizerJWT, JWTIssuer: "us-east-1_abc", JWTAudiences: []string{"a"}},
			[]string{"jwtConfiguration.issuer", "want an absolute https URL"}},
		{"no issuer", apidef.Authorizer{Name: "idp", Type: apidef.AuthorizerJWT, JWTAudiences: []string{"a"}},
			[]string{"jwtConfiguration.issuer: required"}},
		{"no audience", apidef.Authorizer{Name: "idp", Type: apidef.AuthorizerJWT, JWTIssuer: is.url},
			[]string{"jwtConfiguration.audience: at least one audience is required"}},
		{"51 audiences", apidef.Authorizer{Name: "idp", Type: apidef.AuthorizerJWT, JWTIssuer: is.url, JWTAudiences: many},
			[]string{"jwtConfiguration.audience: 51 audiences; AWS allows at most 50"}},
		{"empty audience", apidef.Authorizer{Name: "idp", Type: apidef.AuthorizerJWT, JWTIssuer: is.url, JWTAudiences: []string{"a", " "}},
			[]string{"jwtConfiguration.audience[1]: empty"}},
		{"two identity sources", apidef.Authorizer{Name: "idp", Type: apidef.AuthorizerJWT, JWTIssuer: is.url, JWTAudiences: []string{"a"},
			IdentitySources: []string{"$request.header.Authorization", "$request.querystring.t"}},
			[]string{"exactly one identity source, got 2"}},
		{"context identity source", apidef.Authorizer{Name: "idp", Type: apidef.AuthorizerJWT, JWTIssuer: is.url, JWTAudiences: []string{"a"},
			IdentitySources: []string{"$context.identity.sourceIp"}},
			[]string{`identitySource "$context.identity.sourceIp": a JWT authorizer reads $request.header.NAME or $request.querystring.NAME`}},
		{"not a JWT authorizer", apidef.Authorizer{Name: "fn", Type: apidef.AuthorizerRequest, JWTIssuer: is.url, JWTAudiences: []string{"a"}},
			[]string{`authorizer fn: type "REQUEST": want JWT`}},
		{"every problem at once", apidef.Authorizer{Name: "idp", Type: apidef.AuthorizerJWT, JWTIssuer: "http://idp.example.com",
			IdentitySources: []string{"$stageVariables.x"}},
			[]string{"plain http", "at least one audience", "identitySource"}},
		{"discovery fails", apidef.Authorizer{Name: "idp", Type: apidef.AuthorizerJWT, JWTIssuer: is.srv.URL + "/nowhere", JWTAudiences: []string{"a"}},
			[]string{"authorizer idp", "oidc discovery", "status 404"}},
	}
	for _, tt := range tests {
		az, err := auth.NewHTTPJWTAuthorizer(context.Background(), tt.def, auth.HTTPJWTOptions{})
		if err == nil {
			_ = az.Close()
			t.Errorf("%s: want an error", tt.name)
			continue
		}
		for _, w := range tt.want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("%s: error %q does not say %q", tt.name, err, w)
			}
		}
	}
	// Exactly 50 audiences and a loopback http issuer are fine.
	az := newHTTPJWT(t, is.def("audiences", fifty))
	if err := az.Close(); err != nil {
		t.Fatal(err)
	}
	if err := az.Close(); err != nil {
		t.Fatalf("second Close: %v", err)
	}
}

// TestHTTPJWTIsNamedAuthorize keeps the step name the pipeline order test
// knows.
func TestHTTPJWTIsNamedAuthorize(t *testing.T) {
	t.Parallel()
	is := newHJIssuer(t, hjRSA(t, "k"))
	step := newHTTPJWT(t, is.def()).Step(nil)
	if n, ok := step.(pipeline.Named); !ok || n.Name() != "authorize" {
		t.Errorf("step name: %v", step)
	}
}

// BenchmarkHTTPJWTStep measures one verification of a valid RS256 token
// with route scopes, keys cached.
func BenchmarkHTTPJWTStep(b *testing.B) {
	k := hjRSA(b, "rsa-1")
	is := newHJIssuer(b, k)
	az := newHTTPJWT(b, is.def())
	step := az.Step([]string{"pets/read"})
	h := bearer(k.sign(b, is.claims("scope", "pets/read pets/write", "cognito:groups", []string{"a", "b"})))
	b.ReportAllocs()
	for b.Loop() {
		if err := step.Run(context.Background(), hjCall(h, nil)); err != nil {
			b.Fatal(err)
		}
	}
}
