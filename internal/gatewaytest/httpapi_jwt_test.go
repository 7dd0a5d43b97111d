package gatewaytest

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	jwtlib "github.com/golang-jwt/jwt/v5"
)

// httpAPIJWTDefinition is an HTTP API whose routes a JWT authorizer
// protects; ISSUER is replaced by the test's loopback identity provider.
const httpAPIJWTDefinition = `openapi: "3.0.1"
info: {title: jwt-http, version: "1"}
x-amazon-apigateway-importexport-version: "1.0"
paths:
  /me:
    get:
      security: [{jwt: []}]
      x-amazon-apigateway-integration: {$ref: "#/components/x-amazon-apigateway-integrations/echo"}
  /admin:
    get:
      security: [{jwt: [admin]}]
      x-amazon-apigateway-integration: {$ref: "#/components/x-amazon-apigateway-integrations/echo"}
components:
  securitySchemes:
    jwt:
      type: oauth2
      flows: {}
      x-amazon-apigateway-authorizer:
        type: jwt
        identitySource: "$request.header.Authorization"
        jwtConfiguration:
          issuer: "ISSUER"
          audience: [portico-api]
  x-amazon-apigateway-integrations:
    echo:
      type: aws_proxy
      httpMethod: POST
      payloadFormatVersion: "2.0"
      uri: "arn:aws:lambda:us-east-1:123456789012:function:V2Echo"
`

// TestHTTPAPIJWTAuthorizer: an HTTP API JWT authorizer against a loopback
// identity provider (OpenID Connect discovery, then the JWKS), with AWS's
// 401 and www-authenticate answers, route scopes, the claims the function
// receives, and a key rotation picked up without a restart
// (docs/aws-behaviour.md#jwt-authorizers).
func TestHTTPAPIJWTAuthorizer(t *testing.T) {
	ks := newKeyServer(t)
	idp := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/issuer/.well-known/openid-configuration" {
			_ = json.NewEncoder(w).Encode(map[string]string{"issuer": "http://" + r.Host + "/issuer", "jwks_uri": ks.srv.URL + "/keys"})
			return
		}
		http.NotFound(w, r)
	}))
	t.Cleanup(idp.Close)
	issuer := idp.URL + "/issuer"
	def := filepath.Join(t.TempDir(), "jwt-http.yaml")
	if err := os.WriteFile(def, []byte(strings.ReplaceAll(httpAPIJWTDefinition, "ISSUER", issuer)), 0o600); err != nil {
		t.Fatal(err)
	}
	fns, err := filepath.Abs("../../testdata/functions")
	if err != nil {
		t.Fatal(err)
	}
	g := Start(t, Options{Definition: def, Stages: map[string]map[string]string{},
		Extra: "store: {type: memory}\nfunctions:\n  - {name: V2Echo, build: \"" + fns + "/v2echo\"}\n"})
	now := time.Now()
	claims := func(extra jwtlib.MapClaims) jwtlib.MapClaims {
		c := jwtlib.MapClaims{"iss": issuer, "aud": "portico-api", "sub": "u1", "exp": now.Add(time.Hour).Unix(), "iat": now.Unix()}
		for k, v := range extra {
			c[k] = v
		}
		return c
	}
	call := func(path, auth string) (*http.Response, string) {
		req, _ := http.NewRequest("GET", g.URL+path, nil)
		if auth != "" {
			req.Header.Set("Authorization", auth)
		}
		resp := g.Do(t, req)
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp, string(b)
	}
	unauthorized := `{"message":"Unauthorized"}`
	resp, body := call("/me", "")
	if resp.StatusCode != 401 || body != unauthorized || resp.Header.Get("Www-Authenticate") != "Bearer" || resp.Header.Get("X-Amzn-Errortype") != "" {
		t.Errorf("no token: %d %s %v", resp.StatusCode, body, resp.Header)
	}
	resp, body = call("/me", "Bearer "+ks.token(t, "k1", claims(jwtlib.MapClaims{"aud": "someone-else"})))
	if resp.StatusCode != 401 || body != unauthorized ||
		resp.Header.Get("Www-Authenticate") != `Bearer scope="" error="invalid_token" error_description="the token does not have a valid audience"` {
		t.Errorf("wrong audience: %d %s %q", resp.StatusCode, body, resp.Header.Get("Www-Authenticate"))
	}
	resp, body = call("/me", "Bearer "+ks.token(t, "k1", claims(jwtlib.MapClaims{"scope": "read write"})))
	if resp.StatusCode != 200 {
		t.Fatalf("valid token: %d %s", resp.StatusCode, body)
	}
	var ev struct {
		RequestContext struct {
			Authorizer struct {
				JWT struct {
					Claims map[string]string `json:"claims"`
					Scopes []string          `json:"scopes"`
				} `json:"jwt"`
			} `json:"authorizer"`
		} `json:"requestContext"`
	}
	if err := json.Unmarshal([]byte(body), &ev); err != nil {
		t.Fatal(err)
	}
	jc := ev.RequestContext.Authorizer.JWT
	if jc.Claims["sub"] != "u1" || jc.Claims["iss"] != issuer || jc.Claims["exp"] == "" || jc.Scopes != nil {
		t.Errorf("authorizer seen by the function: %+v", jc)
	}
	resp, body = call("/admin", "Bearer "+ks.token(t, "k1", claims(jwtlib.MapClaims{"scope": "read"})))
	if resp.StatusCode != 403 || body != `{"message":"Forbidden"}` || !strings.Contains(resp.Header.Get("Www-Authenticate"), `error="insufficient_scope"`) {
		t.Errorf("missing scope: %d %s %q", resp.StatusCode, body, resp.Header.Get("Www-Authenticate"))
	}
	if resp, body = call("/admin", "Bearer "+ks.token(t, "k1", claims(jwtlib.MapClaims{"scope": "read admin"}))); resp.StatusCode != 200 {
		t.Errorf("admin scope: %d %s", resp.StatusCode, body)
	}
	ks.rotate(t, "k2")
	if resp, body = call("/me", "Bearer "+ks.token(t, "k2", claims(nil))); resp.StatusCode != 200 {
		t.Errorf("token signed by the rotated key: %d %s", resp.StatusCode, body)
	}
}
