package app

import (
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const petsDef = `openapi: "3.0.1"
info: {title: pets, version: "1"}
ENDPOINT
paths:
  /pets:
    get:
      responses: {"200": {description: x}}
      x-amazon-apigateway-integration:
        type: mock
        requestTemplates: {application/json: '{"statusCode": 200}'}
        responses:
          default:
            statusCode: "200"
            responseTemplates:
              application/json: '{"stage":"$context.stage","path":"$context.path","base":"$context.customDomain.basePathMatched","domain":"$context.domainName","resource":"$context.resourcePath"}'
`

const ordersDef = `openapi: "3.0.1"
info: {title: orders, version: "1"}
x-amazon-apigateway-importexport-version: "1.0"
ENDPOINT
paths:
  /items:
    get:
      x-amazon-apigateway-integration: {type: http_proxy, httpMethod: GET, uri: "http://UPSTREAM/items", payloadFormatVersion: "1.0"}
`

// domainGateway starts a gateway with a REST API (pets: stages prod and
// beta), an HTTP API (orders: $default) and, when disabled, both with
// their default endpoint disabled; domains is the settings' domains list.
func domainGateway(t *testing.T, domains string, disabled bool) http.Handler {
	t.Helper()
	up := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.WriteString(w, "upstream "+r.URL.Path)
	}))
	t.Cleanup(up.Close)
	dir := t.TempDir()
	endpoint := ""
	if disabled {
		endpoint = "x-amazon-apigateway-endpoint-configuration: {disableExecuteApiEndpoint: true}"
	}
	for name, def := range map[string]string{"pets.yaml": petsDef, "orders.yaml": ordersDef} {
		def = strings.ReplaceAll(strings.ReplaceAll(def, "ENDPOINT", endpoint), "UPSTREAM", up.Listener.Addr().String())
		if err := os.WriteFile(filepath.Join(dir, name), []byte(def), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	cfg := `listen: 127.0.0.1:0
admin: {listen: "off"}
store: {type: memory}
apis:
  - {id: pets, definition: pets.yaml, type: rest, stages: [{name: prod}, {name: beta}]}
  - {id: orders, definition: orders.yaml, type: http}
domains:
` + domains
	path := filepath.Join(dir, "portico.yaml")
	if err := os.WriteFile(path, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	g, err := New(Source{ConfigPath: path, Getenv: os.Getenv}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = g.Close() })
	return g.Handler()
}

func call(t *testing.T, h http.Handler, host, path string) (int, string) {
	t.Helper()
	req := httptest.NewRequest(http.MethodGet, "http://"+host+path, nil)
	w := httptest.NewRecorder()
	h.ServeHTTP(w, req)
	return w.Code, w.Body.String()
}

const domainList = `  - name: api.example.com
    mappings:
      - {basePath: v1, api: pets, stage: prod}
      - {basePath: v1/orders, api: orders, stage: $default}
      - {basePath: "(none)", api: pets, stage: beta}
  - name: "*.shop.example.com"
    mappings: [{basePath: v1/orders, api: orders, stage: $default}]
  - name: rest.example.com
    mappings: [{basePath: v1, api: pets, stage: prod}]
`

// TestBasePathMappings: the Host selects the domain, the longest base path
// (whole segments) the API stage, without a stage prefix; a path no mapping
// covers answers 403 Forbidden, or 404 Not Found on a domain of HTTP APIs.
func TestBasePathMappings(t *testing.T) {
	h := domainGateway(t, domainList, false)
	for _, tc := range []struct {
		host, path string
		code       int
		body       string
	}{
		{"api.example.com", "/v1/pets", 200, `{"stage":"prod","path":"/v1/pets","base":"v1","domain":"api.example.com","resource":"/pets"}`},
		{"API.example.com:8443", "/v1/pets", 200, `{"stage":"prod","path":"/v1/pets","base":"v1","domain":"api.example.com","resource":"/pets"}`},
		{"api.example.com", "/v1/orders/items", 200, "upstream /items"},
		{"api.example.com", "/pets", 200, `{"stage":"beta","path":"/pets","base":"","domain":"api.example.com","resource":"/pets"}`},
		{"api.example.com", "/v1x/pets", 403, `{"message":"Missing Authentication Token"}`}, // (none): beta has no /v1x/pets
		{"eu.shop.example.com", "/v1/orders/items", 200, "upstream /items"},
		{"eu.shop.example.com", "/v2/orders/items", 404, `{"message":"Not Found"}`},
		{"rest.example.com", "/v2/pets", 403, `{"message":"Forbidden"}`},
		{"rest.example.com", "/v1pets", 403, `{"message":"Forbidden"}`},
		{"rest.example.com", "/prod/pets", 403, `{"message":"Forbidden"}`},
		// The default endpoint still serves both APIs.
		{"pets.execute-api.localhost", "/prod/pets", 200, `{"stage":"prod","path":"/prod/pets","base":"","domain":"pets.execute-api.localhost","resource":"/pets"}`},
		{"orders.execute-api.localhost", "/items", 200, "upstream /items"},
	} {
		code, body := call(t, h, tc.host, tc.path)
		if code != tc.code || body != tc.body {
			t.Errorf("%s%s: %d %s, want %d %s", tc.host, tc.path, code, body, tc.code, tc.body)
		}
	}
}

// TestDisableExecuteAPIEndpoint: with disableExecuteApiEndpoint the default
// endpoint answers 403 Forbidden (REST) and 404 Not Found (HTTP API);
// custom domains still serve.
func TestDisableExecuteAPIEndpoint(t *testing.T) {
	h := domainGateway(t, domainList, true)
	for _, tc := range []struct {
		host, path string
		code       int
		body       string
	}{
		{"pets.execute-api.localhost", "/prod/pets", 403, `{"message":"Forbidden"}`},
		{"localhost", "/restapis/pets/prod/_user_request_/pets", 403, `{"message":"Forbidden"}`},
		{"orders.execute-api.localhost", "/items", 404, `{"message":"Not Found"}`},
		{"api.example.com", "/v1/pets", 200, `{"stage":"prod","path":"/v1/pets","base":"v1","domain":"api.example.com","resource":"/pets"}`},
		{"api.example.com", "/v1/orders/items", 200, "upstream /items"},
	} {
		code, body := call(t, h, tc.host, tc.path)
		if code != tc.code || body != tc.body {
			t.Errorf("%s%s: %d %s, want %d %s", tc.host, tc.path, code, body, tc.code, tc.body)
		}
	}
}
