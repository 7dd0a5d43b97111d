package gatewaytest

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	jwtlib "github.com/golang-jwt/jwt/v5"

	"github.com/portico-gw/portico/internal/template"
)

// templates is the testdata of internal/template.
const templates = "../template/testdata/"

// call sends one request and returns the status, headers and body.
func call(t *testing.T, g *Gateway, method, path string, header map[string]string, body string) (int, http.Header, string) {
	t.Helper()
	req, err := http.NewRequest(method, g.URL+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range header {
		if k == "Host" {
			req.Host = v
			continue
		}
		req.Header.Set(k, v)
	}
	resp := g.Do(t, req)
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header, string(b)
}

// expect checks one exchange's status and exact body.
func expect(t *testing.T, g *Gateway, method, path string, header map[string]string, body string, status int, want string) http.Header {
	t.Helper()
	got, h, b := call(t, g, method, path, header, body)
	if got != status || b != want {
		t.Errorf("%s %s: got %d %s, want %d %s", method, path, got, b, status, want)
	}
	return h
}

// TestTemplateHelloWorlds: the sam init hello worlds for Node.js, Python
// and Go (built from source as sam build would), served from the template
// unchanged: at the listener's root as sam local start-api serves them,
// and under the API's normal layout (docs/templates.md#root-mount).
func TestTemplateHelloWorlds(t *testing.T) {
	t.Run("nodejs20.x", func(t *testing.T) {
		t.Parallel()
		g := Start(t, Options{Template: templates + "node/template.yaml"})
		want := `{"message":"hello world","path":"/hello","resource":"/hello","stage":"Prod"}`
		expect(t, g, "GET", "/hello", nil, "", 200, want)
		expect(t, g, "GET", "/Prod/hello", nil, "", 200, want)
		expect(t, g, "GET", "/Prod/hello", map[string]string{"Host": "serverlessrestapi.execute-api.us-east-1.amazonaws.com"}, "", 200, want)
		expect(t, g, "GET", "/restapis/serverlessrestapi/Prod/_user_request_/hello", nil, "", 200, want)
		// Not a route: the API's own answer, at the root and under the stage.
		expect(t, g, "GET", "/nope", nil, "", 403, `{"message":"Missing Authentication Token"}`)
		expect(t, g, "POST", "/hello", nil, "", 403, `{"message":"Missing Authentication Token"}`)
		expect(t, g, "GET", "/Prod/nope", nil, "", 403, `{"message":"Missing Authentication Token"}`)
		if !strings.Contains(g.Logs(), `msg="template route" route="GET /hello" api=serverlessrestapi stage=Prod`) {
			t.Errorf("the mounted route is not logged:\n%s", g.Logs())
		}
		// By host, a path without a stage is not the root mount.
		expect(t, g, "GET", "/hello", map[string]string{"Host": "serverlessrestapi.execute-api.us-east-1.amazonaws.com"}, "", 403, `{"message":"Forbidden"}`)
	})
	t.Run("python3.12", func(t *testing.T) {
		t.Parallel()
		g := Start(t, Options{Template: templates + "python/template.yaml"})
		expect(t, g, "GET", "/hello", nil, "", 200, `{"message": "hello world", "path": "/hello"}`)
	})
	t.Run("provided.al2023", func(t *testing.T) {
		t.Parallel()
		g := Start(t, Options{Template: templates + "go/template.yaml"})
		expect(t, g, "GET", "/hello", nil, "", 200, "Hello, VALUE /hello")
		if !strings.Contains(g.Logs(), "ignored 1 resource(s) that are neither APIs nor functions: Table (AWS::DynamoDB::Table)") {
			t.Errorf("the ignored table is not reported:\n%s", g.Logs())
		}
	})
}

// TestTemplateSAMAndCloudFormationAgree: the node hello world from its
// SAM form and from its CloudFormation form (AWS::ApiGateway::Method
// resources) answers identically.
func TestTemplateSAMAndCloudFormationAgree(t *testing.T) {
	t.Parallel()
	sam := Start(t, Options{Template: templates + "node/template.yaml"})
	cf := Start(t, Options{Template: templates + "cfnrest/template.yaml"})
	for _, path := range []string{"/hello", "/Prod/hello", "/nope", "/Prod/hello/nope"} {
		s1, _, b1 := call(t, sam, "GET", path, nil, "")
		s2, _, b2 := call(t, cf, "GET", path, nil, "")
		if s1 != s2 || b1 != b2 {
			t.Errorf("GET %s: SAM %d %s, CloudFormation %d %s", path, s1, b1, s2, b2)
		}
	}
	expect(t, cf, "GET", "/hello/ping?name=rex", nil, "", 200, `{"pong":"rex"}`)
	expect(t, cf, "GET", "/hello/ping", nil, "", 400, `{"message":"Missing required request parameters: [name]"}`)
}

// TestTemplateRESTAuth: an explicit AWS::Serverless::Api with a
// DefinitionBody, a TOKEN authorizer as default, API keys required through
// a PER_API usage plan, a request model, CORS and a gateway response.
func TestTemplateRESTAuth(t *testing.T) {
	t.Parallel()
	g := Start(t, Options{Template: templates + "restauth/template.yaml"})
	key := template.GeneratedKeyValue("portico", "PetsApiApiKey")
	bob := map[string]string{"Authorization": "allow-bob"}
	bobKey := map[string]string{"Authorization": "allow-bob", "x-api-key": key}
	// The DefinitionBody's own method: its security: [] gets the API's
	// default authorizer and key, as SAM writes it.
	expect(t, g, "GET", "/status", nil, "", 401, `{"error":"unauthorized"}`)
	expect(t, g, "GET", "/status", bobKey, "", 200, `{"status":"ok","stage":"v1","greeting":"hi"}`)
	expect(t, g, "GET", "/v1/status", bobKey, "", 200, `{"status":"ok","stage":"v1","greeting":"hi"}`)
	// The default authorizer, then the key.
	h := expect(t, g, "GET", "/pets", nil, "", 401, `{"error":"unauthorized"}`)
	if h.Get("Access-Control-Allow-Origin") != "https://example.com" {
		t.Errorf("the UNAUTHORIZED gateway response lacks its header: %v", h)
	}
	expect(t, g, "GET", "/pets", map[string]string{"Authorization": "unauthorized"}, "", 401, `{"error":"unauthorized"}`)
	expect(t, g, "GET", "/pets", map[string]string{"Authorization": "deny-me", "x-api-key": key}, "", 403, `{"Message":"User is not authorized to access this resource with an explicit deny"}`)
	expect(t, g, "GET", "/pets", bob, "", 403, `{"message":"Forbidden"}`)
	expect(t, g, "GET", "/pets", bobKey, "", 200, `{"route":"GET /pets","id":null,"principal":"bob","body":null}`)
	// An event that needs no key, one that needs nothing.
	expect(t, g, "GET", "/pets/7", bob, "", 200, `{"route":"GET /pets/{id}","id":"7","principal":"bob","body":null}`)
	expect(t, g, "GET", "/public", nil, "", 200, `{"route":"GET /public","id":null,"principal":null,"body":null}`)
	// RequestModel with ValidateBody.
	expect(t, g, "POST", "/pets", bobKey, `{}`, 400, `{"message":"Invalid request body"}`)
	expect(t, g, "POST", "/pets", bobKey, `{"name":"rex"}`, 200, `{"route":"POST /pets","id":null,"principal":"bob","body":{"name":"rex"}}`)
	// SAM's CORS preflight: a MOCK method on every path.
	h = expect(t, g, "OPTIONS", "/pets", map[string]string{"Origin": "https://example.com"}, "", 200, "{}\n")
	for k, v := range map[string]string{"Access-Control-Allow-Origin": "https://example.com", "Access-Control-Allow-Methods": "GET,OPTIONS,POST",
		"Access-Control-Allow-Headers": "Content-Type,Authorization,X-Api-Key", "Access-Control-Max-Age": "600"} {
		if h.Get(k) != v {
			t.Errorf("preflight %s: %q, want %q", k, h.Get(k), v)
		}
	}
}

// TestTemplateHTTPAPIJWT: an AWS::Serverless::HttpApi with a JWT default
// authorizer (the issuer given as a parameter override), route scopes, a
// route that opts out, and CORS answered by the gateway.
func TestTemplateHTTPAPIJWT(t *testing.T) {
	t.Parallel()
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
	g := Start(t, Options{Template: templates + "httpjwt/template.yaml", TemplateOverrides: map[string]string{"Issuer": issuer}})
	now := time.Now()
	token := func(scope string) map[string]string {
		c := jwtlib.MapClaims{"iss": issuer, "aud": "portico-api", "sub": "u1", "exp": now.Add(time.Hour).Unix(), "iat": now.Unix()}
		if scope != "" {
			c["scope"] = scope
		}
		return map[string]string{"Authorization": "Bearer " + ks.token(t, "k1", c)}
	}
	expect(t, g, "GET", "/health", nil, "", 200, `{"route": "GET /health", "sub": null}`)
	expect(t, g, "GET", "/orders", nil, "", 401, `{"message":"Unauthorized"}`)
	expect(t, g, "GET", "/orders", token(""), "", 200, `{"route": "GET /orders", "sub": "u1"}`)
	expect(t, g, "POST", "/orders", token(""), "", 403, `{"message":"Forbidden"}`)
	expect(t, g, "POST", "/orders", token("orders/write"), "", 200, `{"route": "POST /orders", "sub": "u1"}`)
	expect(t, g, "GET", "/nope", nil, "", 404, `{"message":"Not Found"}`)
	h := expect(t, g, "OPTIONS", "/orders", map[string]string{"Origin": "https://example.com", "Access-Control-Request-Method": "POST"}, "", 204, "")
	if h.Get("Access-Control-Allow-Origin") != "https://example.com" || h.Get("Access-Control-Max-Age") != "600" {
		t.Errorf("preflight headers: %v", h)
	}
}

// TestTemplateRootMount: a template with a REST API and an HTTP API that
// share a route: at the root the first API in template order serves it,
// with a warning at load; each API keeps its own layout.
func TestTemplateRootMount(t *testing.T) {
	t.Parallel()
	code, err := filepath.Abs(templates + "node/hello-world")
	if err != nil {
		t.Fatal(err)
	}
	tpl := filepath.Join(t.TempDir(), "template.yaml")
	body := `Transform: AWS::Serverless-2016-10-31
Resources:
  Rest:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: ` + code + `
      Handler: app.lambdaHandler
      Runtime: nodejs20.x
      Environment: {Variables: {GREETING: rest}}
      Events:
        Hello: {Type: Api, Properties: {Path: /hello, Method: get}}
        Only: {Type: Api, Properties: {Path: /rest-only, Method: get}}
  Http:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: ` + code + `
      Handler: app.lambdaHandler
      Runtime: nodejs20.x
      Environment: {Variables: {GREETING: http}}
      Events:
        Hello: {Type: HttpApi, Properties: {Path: /hello, Method: get, PayloadFormatVersion: "1.0"}}
        Only: {Type: HttpApi, Properties: {Path: /http-only, Method: get, PayloadFormatVersion: "1.0"}}
`
	if err := os.WriteFile(tpl, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	g := Start(t, Options{Template: tpl})
	expect(t, g, "GET", "/hello", nil, "", 200, `{"message":"rest","path":"/hello","resource":"/hello","stage":"Prod"}`)
	expect(t, g, "GET", "/rest-only", nil, "", 200, `{"message":"rest","path":"/rest-only","resource":"/rest-only","stage":"Prod"}`)
	expect(t, g, "GET", "/http-only", nil, "", 200, `{"message":"http","path":"/http-only","resource":"/http-only","stage":"$default"}`)
	expect(t, g, "GET", "/hello", map[string]string{"Host": "serverlesshttpapi.execute-api.us-east-1.amazonaws.com"}, "", 200,
		`{"message":"http","path":"/hello","resource":"/hello","stage":"$default"}`)
	if !strings.Contains(g.Logs(), "route GET /hello of API serverlesshttpapi is also a route of API serverlessrestapi") {
		t.Errorf("no collision warning:\n%s", g.Logs())
	}
	// Hot reload: the template is watched; a changed route is served.
	if !slices.Contains(g.App.Files(), tpl) {
		t.Fatalf("the template is not watched: %v", g.App.Files())
	}
	if err := os.WriteFile(tpl, []byte(strings.ReplaceAll(body, "/rest-only", "/rest-renamed")), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := g.App.Reload(); err != nil {
		t.Fatal(err)
	}
	expect(t, g, "GET", "/rest-renamed", nil, "", 200, `{"message":"rest","path":"/rest-renamed","resource":"/rest-renamed","stage":"Prod"}`)
	expect(t, g, "GET", "/rest-only", nil, "", 403, `{"message":"Missing Authentication Token"}`)
}

// TestTemplateWithSettings: a template listed in a settings file combines
// with the settings' keys: an apiKeys entry named like the key the
// template's usage plan creates gives it a chosen value.
func TestTemplateWithSettings(t *testing.T) {
	t.Parallel()
	g := Start(t, Options{Template: templates + "restauth/template.yaml",
		Extra: "store: {type: memory}\napiKeys:\n  - {name: PetsApiApiKey, value: chosen-key-0123456789abcdef}\n"})
	bob := map[string]string{"Authorization": "allow-bob"}
	expect(t, g, "GET", "/pets", map[string]string{"Authorization": "allow-bob", "x-api-key": "chosen-key-0123456789abcdef"}, "", 200,
		`{"route":"GET /pets","id":null,"principal":"bob","body":null}`)
	bob["x-api-key"] = template.GeneratedKeyValue("portico", "PetsApiApiKey")
	expect(t, g, "GET", "/pets", bob, "", 403, `{"message":"Forbidden"}`)
	if strings.Contains(g.Logs(), "chosen-key-0123456789abcdef") || strings.Contains(g.Logs(), bob["x-api-key"]) {
		t.Errorf("a key value is logged:\n%s", g.Logs())
	}
}

// TestTemplateInlineCodeAndLayer: InlineCode runs, and requires a module
// from a local AWS::Serverless::LayerVersion.
func TestTemplateInlineCodeAndLayer(t *testing.T) {
	t.Setenv("XDG_CACHE_HOME", t.TempDir())
	g := Start(t, Options{Template: templates + "layers/template.yaml"})
	expect(t, g, "GET", "/greet?name=ada", nil, "", 200, "greetings, ada")
	expect(t, g, "GET", "/greet", nil, "", 200, "greetings, stranger")
}
