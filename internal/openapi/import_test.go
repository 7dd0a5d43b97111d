package openapi

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/portico-gw/portico/internal/apidef"
)

func TestImportExample(t *testing.T) {
	t.Parallel()
	api, err := Load("../../examples/petstore/openapi.yaml")
	if err != nil {
		t.Fatal(err)
	}
	byRoute := map[string]*apidef.Method{}
	for _, m := range api.Methods {
		byRoute[m.HTTPMethod+" "+m.Path] = m
	}
	want := map[string]string{"ANY /echo/{proxy+}": "HTTP_PROXY", "GET /pets": "MOCK", "GET /pets/{petId}": "HTTP_PROXY",
		"POST /orders": "HTTP", "GET /slow": "HTTP_PROXY", "GET /premium/pets": "MOCK", "GET /fn/pets/{id}": "AWS_PROXY"}
	for route, typ := range want {
		if m := byRoute[route]; m == nil || string(m.Integration.Type) != typ {
			t.Errorf("%s: got %+v, want a %s integration", route, m, typ)
		}
	}
	g := api.GatewayResponses["INTEGRATION_FAILURE"]
	if g.StatusCode != "503" || g.ResponseParameters["gatewayresponse.header.Retry-After"] != "'30'" {
		t.Errorf("gateway response: %+v", g)
	}
	orders := byRoute["POST /orders"].Integration
	if len(orders.Responses) != 2 || orders.Responses[0].SelectionPattern != `2\d{2}` || orders.Responses[0].StatusCode != "201" {
		t.Errorf("integration responses in document order: %+v", orders.Responses)
	}
	if byRoute["GET /slow"].Integration.TimeoutInMillis != 500 {
		t.Errorf("timeout: %d", byRoute["GET /slow"].Integration.TimeoutInMillis)
	}
	if !byRoute["GET /premium/pets"].APIKeyRequired || byRoute["POST /orders"].RequestModels["application/json"] != "Order" {
		t.Errorf("premium key %v, order model %v", byRoute["GET /premium/pets"].APIKeyRequired, byRoute["POST /orders"].RequestModels)
	}
	if api.APIKeySource != "HEADER" || len(api.Unsupported) != 0 {
		t.Errorf("key source %q, warnings %v", api.APIKeySource, api.Unsupported)
	}
}

func TestImportSwagger(t *testing.T) {
	t.Parallel()
	src := `swagger: "2.0"
info: {title: s, version: "1"}
x-amazon-apigateway-binary-media-types: ["image/png", "*/*"]
x-amazon-apigateway-api-key-source: AUTHORIZER
x-amazon-apigateway-request-validators:
  all: {validateRequestBody: true, validateRequestParameters: true}
x-amazon-apigateway-request-validator: all
securityDefinitions:
  api_key: {type: apiKey, name: x-api-key, in: header}
paths:
  /pets/{id}:
    post:
      security: [{api_key: []}]
      consumes: [application/json]
      parameters:
        - {name: id, in: path, required: true, type: string}
        - {name: q, in: query, required: true, type: string}
        - {name: X-H, in: header, type: string}
        - {name: body, in: body, schema: {$ref: "#/definitions/Pet"}}
      responses: {"200": {description: x, headers: {X-Out: {type: string}}}}
      x-amazon-apigateway-integration:
        type: MOCK
        passthroughBehavior: when_no_templates
        requestTemplates: {application/json: '{"statusCode": 200}'}
        responses: {default: {statusCode: "200"}}
definitions:
  Pet: {type: object, required: [name], properties: {name: {type: string}}}
`
	api, err := Import("s.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	m := api.Methods[0]
	wantParams := map[string]bool{"method.request.path.id": true, "method.request.querystring.q": true, "method.request.header.X-H": false}
	if diff := cmp.Diff(wantParams, m.RequestParameters); diff != "" {
		t.Errorf("params (-want +got):\n%s", diff)
	}
	if !m.APIKeyRequired || m.RequestModels["application/json"] != "Pet" || api.Models["Pet"] == nil {
		t.Errorf("key %v models %v", m.APIKeyRequired, m.RequestModels)
	}
	if api.DefaultValidator != "all" || !api.RequestValidators["all"].ValidateRequestBody {
		t.Errorf("validators %+v", api.RequestValidators)
	}
	if api.APIKeySource != "AUTHORIZER" || len(api.BinaryMediaTypes) != 2 || m.Integration.PassthroughBehavior != "WHEN_NO_TEMPLATES" {
		t.Errorf("api %+v", api)
	}
	if _, ok := m.MethodResponses["200"].ResponseParameters["method.response.header.X-Out"]; !ok {
		t.Errorf("method responses %+v", m.MethodResponses)
	}
}

// TestImportErrors checks that every problem is reported, each with its line.
func TestImportErrors(t *testing.T) {
	t.Parallel()
	api, err := Load("testdata/broken.yaml")
	if err == nil {
		t.Fatal("got no error")
	}
	for _, want := range []string{
		"broken.yaml:3: /x-amazon-apigateway-api-key-source: must be HEADER or AUTHORIZER",
		"broken.yaml:4: /x-amazon-apigateway-request-validator: request validator \"missing\" is not defined",
		"broken.yaml:7: /x-amazon-apigateway-gateway-responses/NOT_A_TYPE: unknown gateway response type",
		"broken.yaml:9: /x-amazon-apigateway-gateway-responses/THROTTLED/statusCode:",
		"broken.yaml:11: /x-amazon-apigateway-gateway-responses/THROTTLED/responseParameters/gatewayresponse.header.x: Invalid null or empty value in responseParameters",
		"broken.yaml:19: /paths/~1pets/get/x-amazon-apigateway-integration/uri: invalid HTTP endpoint",
		"broken.yaml:20: /paths/~1pets/get/x-amazon-apigateway-integration/timeoutInMillis: timeoutInMillis 10 is below the minimum of 50 ms",
		"broken.yaml:22: /paths/~1pets/get/x-amazon-apigateway-integration/responses/([: selection pattern",
		"broken.yaml:23: /paths/~1pets/get/x-amazon-apigateway-integration/responses/default/statusCode:",
		"broken.yaml:24: /paths/~1pets/get/x-amazon-apigateway-integration/bogusField: unknown integration field",
		"broken.yaml:26: /paths/~1pets~1{id}/post: POST /pets/{id} has no x-amazon-apigateway-integration",
		"/paths/~1a~1{proxy+}~1b: resource path \"/a/{proxy+}/b\": cannot create a child of a resource with a greedy path variable",
		"/paths/~1lambda/post/x-amazon-apigateway-integration/uri: Integrations of type 'AWS_PROXY' currently only supports Lambda function and Firehose stream invocations.",
		"/paths/~1lambda/post/x-amazon-apigateway-integration/requestParameters/integration.request.header.x: invalid mapping expression specified",
	} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("missing %q in:\n%v", want, err)
		}
	}
	var warned []string
	for _, w := range api.Unsupported {
		if !strings.HasPrefix(w.Message, "OpenAPI structure") {
			warned = append(warned, w.Loc.Pointer)
		}
	}
	if diff := cmp.Diff([]string{"/paths/~1lambda/post/x-amazon-apigateway-documentation"}, warned); diff != "" {
		t.Errorf("warnings (-want +got):\n%s", diff)
	}
}

func TestImportNotADefinition(t *testing.T) {
	t.Parallel()
	for name, src := range map[string]string{
		"scalar":     "hello",
		"no version": "info: {title: x}\n",
		"bad yaml":   "openapi: [\n",
		"swagger 3":  "swagger: \"3.0\"\ninfo: {title: x, version: \"1\"}\npaths: {}\n",
		"alias bomb": "a: &a [x,x,x,x,x,x,x,x,x]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]\nf: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]\ng: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]\nh: [*g,*g,*g,*g,*g,*g,*g,*g,*g]\nopenapi: 3.0.1\n",
	} {
		if _, err := Import(name+".yaml", []byte(src)); err == nil {
			t.Errorf("%s: got no error", name)
		}
	}
}

func FuzzImport(f *testing.F) {
	for _, p := range []string{"../../examples/petstore/openapi.yaml", "testdata/broken.yaml", "testdata/http/export.yaml", "testdata/http/broken.yaml"} {
		if b, err := os.ReadFile(filepath.Clean(p)); err == nil {
			f.Add(b)
		}
	}
	f.Add([]byte(`{"swagger":"2.0","info":{"title":"x","version":"1"},"paths":{"/a":{"get":{"responses":{"200":{"description":"x"}},"x-amazon-apigateway-integration":{"type":"mock"}}}}}`))
	f.Add([]byte(`{"openapi":"3.0.1","x-amazon-apigateway-importexport-version":"1.0","paths":{"$default":{"x-amazon-apigateway-any-method":{"x-amazon-apigateway-integration":{"type":"aws_proxy","payloadFormatVersion":2.0,"uri":"arn:aws:lambda:us-east-1:1:function:f"}}}}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		// The REST importer, and the HTTP API importer both chosen by the
		// caller and detected.
		for _, as := range []ImportAs{AsREST, AsHTTP, AsAuto} {
			api, err := ImportWith("fuzz.yaml", data, Options{As: as})
			if err == nil && api == nil {
				t.Fatalf("%v: nil API without an error", as)
			}
			if api == nil {
				continue
			}
			for _, m := range api.Methods {
				if m.Integration == nil && err == nil {
					t.Fatalf("%v: method %s %s without integration and no error", as, m.HTTPMethod, m.Path)
				}
				if m.DefaultRoute && (m.Path != "$default" || m.HTTPMethod != "ANY") {
					t.Fatalf("%v: default route %s %s", as, m.HTTPMethod, m.Path)
				}
			}
			if as == AsHTTP && api.Protocol != apidef.ProtocolHTTP {
				t.Fatalf("HTTP import gave protocol %v", api.Protocol)
			}
			if as == AsAuto {
				if p, derr := Detect("fuzz.yaml", data); derr == nil && p != api.Protocol {
					t.Fatalf("Detect says %v, auto import gave %v", p, api.Protocol)
				}
			}
		}
	})
}
