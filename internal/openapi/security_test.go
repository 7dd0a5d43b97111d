package openapi

import (
	"strings"
	"testing"

	"github.com/portico-gw/portico/internal/apidef"
)

func byRoute(api *apidef.RestAPI) map[string]*apidef.Method {
	out := map[string]*apidef.Method{}
	for _, m := range api.Methods {
		out[m.HTTPMethod+" "+m.Path] = m
	}
	return out
}

// TestRootSecurityApplies pins the security fix: a root-level security
// requirement applies to every operation without its own, and an empty
// operation-level list opts out. Both document versions.
func TestRootSecurityApplies(t *testing.T) {
	t.Parallel()
	const oas3 = `openapi: "3.0.1"
info: {title: t, version: "1"}
security: [{auth: []}, {api_key: []}]
components:
  securitySchemes:
    api_key: {type: apiKey, name: x-api-key, in: header}
    auth:
      type: apiKey
      name: Authorization
      in: header
      x-amazon-apigateway-authorizer:
        type: request
        identitySource: method.request.header.Authorization
        authorizerUri: arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/F/invocations
paths:
  /inherit:
    get:
      responses: {"200": {description: x}}
      x-amazon-apigateway-integration: {type: mock}
  /open:
    get:
      security: []
      responses: {"200": {description: x}}
      x-amazon-apigateway-integration: {type: mock}
  /keyonly:
    get:
      security: [{api_key: []}]
      responses: {"200": {description: x}}
      x-amazon-apigateway-integration: {type: mock}
`
	const swagger2 = `swagger: "2.0"
info: {title: t, version: "1"}
security: [{auth: []}, {api_key: []}]
securityDefinitions:
  api_key: {type: apiKey, name: x-api-key, in: header}
  auth:
    type: apiKey
    name: Authorization
    in: header
    x-amazon-apigateway-authorizer:
      type: request
      identitySource: method.request.header.Authorization
      authorizerUri: arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/F/invocations
paths:
  /inherit:
    get:
      responses: {"200": {description: x}}
      x-amazon-apigateway-integration: {type: mock}
  /open:
    get:
      security: []
      responses: {"200": {description: x}}
      x-amazon-apigateway-integration: {type: mock}
  /keyonly:
    get:
      security: [{api_key: []}]
      responses: {"200": {description: x}}
      x-amazon-apigateway-integration: {type: mock}
`
	for name, src := range map[string]string{"openapi3": oas3, "swagger2": swagger2} {
		api, err := Import(name+".yaml", []byte(src))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		r := byRoute(api)
		if m := r["GET /inherit"]; m.AuthorizationType != "CUSTOM" || m.AuthorizerName != "auth" || !m.APIKeyRequired {
			t.Errorf("%s: /inherit got type %q authorizer %q key %v, want the root requirement (CUSTOM auth, API key)", name, m.AuthorizationType, m.AuthorizerName, m.APIKeyRequired)
		}
		if m := r["GET /open"]; m.AuthorizationType != "NONE" || m.AuthorizerName != "" || m.APIKeyRequired {
			t.Errorf("%s: /open (security: []) got type %q authorizer %q key %v, want no authorization", name, m.AuthorizationType, m.AuthorizerName, m.APIKeyRequired)
		}
		if m := r["GET /keyonly"]; m.AuthorizationType != "NONE" || !m.APIKeyRequired {
			t.Errorf("%s: /keyonly got type %q key %v, want its own requirement only", name, m.AuthorizationType, m.APIKeyRequired)
		}
	}
}

// TestRootSecurityUndefinedReportedOnce reports an undefined scheme in the
// root requirement once, at the root, not once per method.
func TestRootSecurityUndefinedReportedOnce(t *testing.T) {
	t.Parallel()
	src := `openapi: "3.0.1"
info: {title: t, version: "1"}
security: [{nope: []}]
paths:
  /a: {get: {responses: {"200": {description: x}}, x-amazon-apigateway-integration: {type: mock}}}
  /b: {get: {responses: {"200": {description: x}}, x-amazon-apigateway-integration: {type: mock}}}
`
	_, err := Import("u.yaml", []byte(src))
	if err == nil {
		t.Fatal("got no error for an undefined scheme")
	}
	if n := strings.Count(err.Error(), `/security/0/nope: security scheme "nope" is not defined`); n != 1 {
		t.Errorf("reported %d times, want once:\n%v", n, err)
	}
	if !strings.Contains(err.Error(), "u.yaml:3: /security/0/nope") {
		t.Errorf("not located at the root requirement:\n%v", err)
	}
}

// TestUndefinedAPIKeyScheme follows AWS's request-validation sample: a
// requirement naming an undefined api_key scheme is an API key requirement
// and a warning, not an error.
func TestUndefinedAPIKeyScheme(t *testing.T) {
	t.Parallel()
	src := `swagger: "2.0"
info: {title: t, version: "1"}
paths:
  /v:
    get:
      security: [{api_key: []}]
      responses: {"200": {description: x}}
      x-amazon-apigateway-integration: {type: mock}
`
	api, err := Import("k.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	if !api.Methods[0].APIKeyRequired {
		t.Error("apiKeyRequired not set")
	}
	found := false
	for _, w := range api.Unsupported {
		found = found || (w.Loc.Pointer == "/paths/~1v/get/security/0/api_key" && strings.Contains(w.Message, "not defined"))
	}
	if !found {
		t.Errorf("no located warning: %+v", api.Unsupported)
	}
}

// TestMalformedSecurityFailsClosed: a security value that cannot be read is
// an error, never a method without authorization.
func TestMalformedSecurityFailsClosed(t *testing.T) {
	t.Parallel()
	for name, sec := range map[string]string{"root mapping": "security: {auth: []}\n", "root entry": "security: [auth]\n"} {
		src := "openapi: 3.0.1\ninfo: {title: t, version: \"1\"}\n" + sec + `paths:
  /a: {get: {responses: {"200": {description: x}}, x-amazon-apigateway-integration: {type: mock}}}
`
		if _, err := Import("m.yaml", []byte(src)); err == nil || !strings.Contains(err.Error(), "/security") {
			t.Errorf("%s: got %v, want an error at /security", name, err)
		}
	}
}

// TestNullOperationSecurityFailsClosed: "security:" with no value on an
// operation is neither an opt-out nor a requirement; it is an error, so the
// method can never silently lose the root-level requirement.
func TestNullOperationSecurityFailsClosed(t *testing.T) {
	t.Parallel()
	src := `openapi: 3.0.1
info: {title: t, version: "1"}
security: [{key: []}]
paths:
  /a:
    get:
      security:
      responses: {"200": {description: x}}
      x-amazon-apigateway-integration: {type: mock}
components:
  securitySchemes:
    key: {type: apiKey, in: header, name: x-api-key}
`
	_, err := Import("n.yaml", []byte(src))
	if err == nil || !strings.Contains(err.Error(), "n.yaml:7: /paths/~1a/get/security: security has no value") {
		t.Errorf("got %v, want an error located at the operation's security", err)
	}
}

// TestAPIKeySchemeOutsideXAPIKeyWarns: an apiKey scheme read from the query
// or another header protects nothing on API Gateway; the import says so.
func TestAPIKeySchemeOutsideXAPIKeyWarns(t *testing.T) {
	t.Parallel()
	src := `openapi: 3.0.1
info: {title: t, version: "1"}
paths:
  /a:
    get:
      security: [{q: []}]
      responses: {"200": {description: x}}
      x-amazon-apigateway-integration: {type: mock}
components:
  securitySchemes:
    q: {type: apiKey, in: query, name: key}
`
	api, err := Import("q.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	if api.Methods[0].APIKeyRequired || api.Methods[0].AuthorizationType != apidef.AuthNone {
		t.Errorf("method protected by a scheme API Gateway ignores: %+v", api.Methods[0])
	}
	found := false
	for _, w := range api.Unsupported {
		found = found || (w.Loc.Pointer == "/paths/~1a/get/security/0/q" && strings.Contains(w.Message, "protects nothing on API Gateway"))
	}
	if !found {
		t.Errorf("no located warning: %+v", api.Unsupported)
	}
}
