package openapi

import (
	"os"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/portico-gw/portico/internal/apidef"
)

// noLoc compares apidef values without their source locations.
var noLoc = cmpopts.IgnoreTypes(apidef.Location{})

// importHTTP imports src as an HTTP API and returns the API, its warnings
// as "pointer: message" and the error text ("" without one).
func importHTTP(t *testing.T, src string) (*apidef.RestAPI, []string, string) {
	t.Helper()
	api, err := ImportWith("h.yaml", []byte(src), Options{As: AsHTTP})
	var ws []string
	if api != nil {
		for _, w := range api.Unsupported {
			if !strings.HasPrefix(w.Message, "OpenAPI structure") {
				ws = append(ws, w.Loc.Pointer+": "+w.Message)
			}
		}
	}
	msg := ""
	if err != nil {
		msg = err.Error()
	}
	return api, ws, msg
}

// wantErrors checks that every wanted located error is in msg.
func wantErrors(t *testing.T, msg string, want ...string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(msg, w) {
			t.Errorf("missing error %q in:\n%s", w, msg)
		}
	}
}

// routeMap indexes an API's routes by route key.
func routeMap(api *apidef.RestAPI) map[string]*apidef.Method {
	out := map[string]*apidef.Method{}
	for _, m := range api.Methods {
		out[m.RouteKey()] = m
	}
	return out
}

func TestHTTPImportExport(t *testing.T) {
	t.Parallel()
	api, err := LoadWith("testdata/http/export.yaml", Options{As: AsAuto})
	if err != nil {
		t.Fatal(err)
	}
	var ws []string
	for _, w := range api.Unsupported {
		// An export's servers entry has basePath default "", which
		// kin-openapi's structure check reports; nothing else may warn.
		if w.Message != "OpenAPI structure: invalid servers: field default is required in {}" {
			ws = append(ws, w.Loc.Pointer+": "+w.Message)
		}
	}
	if len(ws) != 0 {
		t.Errorf("warnings: %q", ws)
	}
	if api.Protocol != apidef.ProtocolHTTP || api.Title != "orders-http" {
		t.Errorf("protocol %v, title %q", api.Protocol, api.Title)
	}
	if diff := cmp.Diff(map[string]string{"team": "payments", "public": ""}, api.Tags); diff != "" {
		t.Errorf("tags (-want +got):\n%s", diff)
	}
	wantCORS := &apidef.CORS{AllowOrigins: []string{"https://app.example.com"}, AllowCredentials: true, ExposeHeaders: []string{"x-request-id"},
		MaxAge: 600, AllowMethods: []string{"GET", "POST"}, AllowHeaders: []string{"authorization", "content-type"}}
	if diff := cmp.Diff(wantCORS, api.CORS, noLoc); diff != "" {
		t.Errorf("CORS (-want +got):\n%s", diff)
	}
	if api.CORS.Loc.Line != 151 || api.CORS.Loc.Pointer != "/x-amazon-apigateway-cors" {
		t.Errorf("CORS location %+v", api.CORS.Loc)
	}
	wantAuth := map[string]apidef.Authorizer{
		"cognito": {Name: "cognito", Type: apidef.AuthorizerJWT, IdentitySources: []string{"$request.header.Authorization"},
			IdentitySource: "$request.header.Authorization", ResultTTLSeconds: -1,
			JWTIssuer: "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_EXAMPLE", JWTAudiences: []string{"5v2q8example"}},
		"lambdaAuth": {Name: "lambdaAuth", Type: apidef.AuthorizerRequest, PayloadFormatVersion: "2.0", EnableSimpleResponses: true,
			IdentitySources: []string{"$request.header.Authorization", "$context.routeKey"}, IdentitySource: "$request.header.Authorization,$context.routeKey",
			AuthorizerURI:    "arn:aws:apigateway:eu-west-1:lambda:path/2015-03-31/functions/arn:aws:lambda:eu-west-1:111122223333:function:authz/invocations",
			ResultTTLSeconds: 60},
	}
	if diff := cmp.Diff(wantAuth, api.Authorizers, noLoc); diff != "" {
		t.Errorf("authorizers (-want +got):\n%s", diff)
	}

	getOrder := &apidef.Integration{Type: apidef.TypeAWSProxy, HTTPMethod: "POST", PayloadFormatVersion: "1.0", TimeoutInMillis: 30000, ConnectionType: "INTERNET",
		URI: "arn:aws:apigateway:eu-west-1:lambda:path/2015-03-31/functions/arn:aws:lambda:eu-west-1:111122223333:function:get-order/invocations"}
	want := []*apidef.Method{
		{Path: "/files/{proxy+}", HTTPMethod: "ANY", AuthorizationType: apidef.AuthNone,
			RequestParameters: map[string]bool{"method.request.path.proxy": true}, RequestModels: map[string]string{}, MethodResponses: map[string]apidef.MethodResponse{},
			Integration: &apidef.Integration{Type: apidef.TypeHTTPProxy, URI: "https://files.example.com/v1/{proxy}", HTTPMethod: "ANY",
				PayloadFormatVersion: "1.0", TimeoutInMillis: 12000, ConnectionType: "INTERNET", ServerNameToVerify: "files.internal.example.com",
				ParameterMappings: map[string]string{"overwrite:header.x-request-id": "$context.requestId", "append:querystring.source": "portico",
					"remove:header.x-debug": "''", "overwrite:path": "/v1/$request.path.proxy"},
				ResponseMappings: map[string]map[string]string{
					"404": {"overwrite:statuscode": "410", "append:header.x-gone": "true"},
					"500": {"overwrite:header.x-error": "$response.header.x-upstream-error", "remove:header.server": "''"},
				}}},
		{Path: "/orders", HTTPMethod: "GET", OperationName: "listOrders", AuthorizationType: apidef.AuthJWT, AuthorizerName: "cognito",
			AuthorizationScopes: []string{"orders/read"}, Security: map[string][]string{"cognito": {"orders/read"}},
			RequestParameters: map[string]bool{}, RequestModels: map[string]string{}, MethodResponses: map[string]apidef.MethodResponse{},
			Integration: &apidef.Integration{Type: apidef.TypeAWSProxy, HTTPMethod: "POST", PayloadFormatVersion: "2.0", TimeoutInMillis: 30000, ConnectionType: "INTERNET",
				URI: "arn:aws:apigateway:eu-west-1:lambda:path/2015-03-31/functions/arn:aws:lambda:eu-west-1:111122223333:function:list-orders/invocations"}},
		{Path: "/orders", HTTPMethod: "POST", AuthorizationType: apidef.AuthNone,
			RequestParameters: map[string]bool{}, RequestModels: map[string]string{}, MethodResponses: map[string]apidef.MethodResponse{},
			Integration: &apidef.Integration{Type: apidef.TypeAWSProxy, Subtype: "SQS-SendMessage", PayloadFormatVersion: "1.0", TimeoutInMillis: 5000,
				ConnectionType: "INTERNET", Credentials: "arn:aws:iam::111122223333:role/orders-sqs",
				RequestParameters: map[string]string{"QueueUrl": "https://sqs.eu-west-1.amazonaws.com/111122223333/orders", "MessageBody": "$request.body",
					"MessageGroupId": "$request.header.x-tenant"}}},
		{Path: "/orders/{orderId}", HTTPMethod: "DELETE", AuthorizationType: apidef.AuthIAM, Security: map[string][]string{"sigv4": {}},
			RequestParameters: map[string]bool{"method.request.path.orderId": true}, RequestModels: map[string]string{}, MethodResponses: map[string]apidef.MethodResponse{},
			Integration: getOrder},
		{Path: "/orders/{orderId}", HTTPMethod: "GET", AuthorizationType: apidef.AuthCustom, AuthorizerName: "lambdaAuth", Security: map[string][]string{"lambdaAuth": {}},
			RequestParameters: map[string]bool{"method.request.path.orderId": true}, RequestModels: map[string]string{}, MethodResponses: map[string]apidef.MethodResponse{},
			Integration: getOrder},
		{Path: "$default", HTTPMethod: "ANY", DefaultRoute: true, AuthorizationType: apidef.AuthNone,
			RequestParameters: map[string]bool{}, RequestModels: map[string]string{}, MethodResponses: map[string]apidef.MethodResponse{},
			Integration: &apidef.Integration{Type: apidef.TypeAWSProxy, HTTPMethod: "POST", PayloadFormatVersion: "2.0", TimeoutInMillis: 30000, ConnectionType: "INTERNET",
				URI: "arn:aws:apigateway:eu-west-1:lambda:path/2015-03-31/functions/arn:aws:lambda:eu-west-1:111122223333:function:fallback:live/invocations"}},
	}
	if diff := cmp.Diff(want, api.Methods, noLoc, cmpopts.EquateEmpty()); diff != "" {
		t.Errorf("routes (-want +got):\n%s", diff)
	}
	var keys []string
	for _, m := range api.Methods {
		keys = append(keys, m.RouteKey())
	}
	if diff := cmp.Diff([]string{"ANY /files/{proxy+}", "GET /orders", "POST /orders", "DELETE /orders/{orderId}", "GET /orders/{orderId}", "$default"}, keys); diff != "" {
		t.Errorf("route keys (-want +got):\n%s", diff)
	}
	// A shared integration is located where it is defined.
	if l := routeMap(api)["GET /orders/{orderId}"].Integration.Loc; l.Pointer != "/components/x-amazon-apigateway-integrations/getOrder" || l.Line != 145 {
		t.Errorf("shared integration location %+v", l)
	}
}

func TestDetect(t *testing.T) {
	t.Parallel()
	for name, tc := range map[string]struct {
		src     string
		want    apidef.Protocol
		wantErr string
	}{
		"http export":   {"openapi: 3.0.1\nx-amazon-apigateway-importexport-version: \"1.0\"\npaths: {}\n", apidef.ProtocolHTTP, ""},
		"json export":   {`{"openapi":"3.0.1","paths":{},"x-amazon-apigateway-importexport-version":"1.0"}`, apidef.ProtocolHTTP, ""},
		"rest":          {"openapi: 3.0.1\nx-amazon-apigateway-cors: {allowOrigins: ['*']}\npaths: {}\n", apidef.ProtocolREST, ""},
		"nested key":    {"openapi: 3.0.1\ninfo: {x-amazon-apigateway-importexport-version: \"1.0\"}\n", apidef.ProtocolREST, ""},
		"scalar":        {"hello", apidef.ProtocolREST, "d.yaml:1: a definition must be a mapping"},
		"bad yaml":      {"openapi: [\n", apidef.ProtocolREST, "d.yaml: not valid YAML or JSON"},
		"aliases ready": {"a: &a [x,x,x,x,x,x,x,x,x]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: [*c,*c,*c,*c,*c,*c,*c,*c,*c]\nx-amazon-apigateway-importexport-version: \"1.0\"\n", apidef.ProtocolHTTP, ""},
	} {
		got, err := Detect("d.yaml", []byte(tc.src))
		if got != tc.want {
			t.Errorf("%s: got %v, want %v", name, got, tc.want)
		}
		switch {
		case tc.wantErr == "" && err != nil:
			t.Errorf("%s: %v", name, err)
		case tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr)):
			t.Errorf("%s: got error %v, want %q", name, err, tc.wantErr)
		}
	}
	if p, err := DetectFile("testdata/http/export.yaml"); p != apidef.ProtocolHTTP || err != nil {
		t.Errorf("DetectFile: %v %v", p, err)
	}
	if p, err := DetectFile("../../examples/petstore/openapi.yaml"); p != apidef.ProtocolREST || err != nil {
		t.Errorf("DetectFile petstore: %v %v", p, err)
	}
	if _, err := DetectFile("testdata/http/none.yaml"); err == nil {
		t.Error("DetectFile of a missing file: no error")
	}
}

// TestImportAs: the caller's choice wins; auto follows the root key.
func TestImportAs(t *testing.T) {
	t.Parallel()
	const marked = `openapi: "3.0.1"
info: {title: t, version: "1"}
x-amazon-apigateway-importexport-version: "1.0"
paths:
  /a:
    get:
      responses: {"200": {description: x}}
      x-amazon-apigateway-integration: {type: http_proxy, httpMethod: GET, uri: "https://example.com/a"}
`
	const plain = `openapi: "3.0.1"
info: {title: t, version: "1"}
paths:
  /a:
    get:
      responses: {"200": {description: x}}
      x-amazon-apigateway-integration: {type: http_proxy, httpMethod: GET, uri: "https://example.com/a"}
`
	for _, tc := range []struct {
		name, src string
		as        ImportAs
		want      apidef.Protocol
	}{
		{"auto marked", marked, AsAuto, apidef.ProtocolHTTP},
		{"auto plain", plain, AsAuto, apidef.ProtocolREST},
		{"rest marked", marked, AsREST, apidef.ProtocolREST},
		{"http plain", plain, AsHTTP, apidef.ProtocolHTTP},
		{"zero value", marked, ImportAs(0), apidef.ProtocolREST},
	} {
		api, err := ImportWith("a.yaml", []byte(tc.src), Options{As: tc.as})
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if api.Protocol != tc.want {
			t.Errorf("%s: protocol %v, want %v", tc.name, api.Protocol, tc.want)
		}
		if m := api.Methods[0]; tc.want == apidef.ProtocolHTTP && (m.Integration.PayloadFormatVersion != "1.0" || m.Integration.TimeoutInMillis != 30000) {
			t.Errorf("%s: not read as an HTTP API: %+v", tc.name, m.Integration)
		} else if tc.want == apidef.ProtocolREST && (m.Integration.PayloadFormatVersion != "" || m.Integration.TimeoutInMillis != 0) {
			t.Errorf("%s: not read as a REST API: %+v", tc.name, m.Integration)
		}
	}
	_, err := ImportWith("s.yaml", []byte("swagger: \"2.0\"\ninfo: {title: t, version: \"1\"}\npaths: {}\n"), Options{As: AsHTTP})
	wantErrors(t, errText(err), "s.yaml:1: /swagger: HTTP APIs are imported from OpenAPI 3.0 definitions only")
	for s, want := range map[string]ImportAs{"": AsREST, "rest": AsREST, "HTTP": AsHTTP, "Auto": AsAuto} {
		if got, ok := ParseImportAs(s); !ok || got != want {
			t.Errorf("ParseImportAs(%q) = %v, %v", s, got, ok)
		}
	}
	if _, ok := ParseImportAs("websocket"); ok {
		t.Error("ParseImportAs accepted websocket")
	}
	if AsAuto.String() != "auto" || AsHTTP.String() != "HTTP" || AsREST.String() != "REST" {
		t.Error("ImportAs.String")
	}
}

func errText(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

const httpHead = `openapi: "3.0.1"
info: {title: t, version: "1"}
x-amazon-apigateway-importexport-version: "1.0"
`

func TestHTTPDefaultRoute(t *testing.T) {
	t.Parallel()
	const lambda = `{type: aws_proxy, payloadFormatVersion: "2.0", uri: "arn:aws:lambda:us-east-1:123456789012:function:f"}`
	for _, tc := range []struct {
		name, paths string
		wantKeys    []string
		wantErr     []string
		wantWarn    []string
	}{
		{name: "SAM spelling", paths: `
  $default:
    x-amazon-apigateway-any-method:
      x-amazon-apigateway-integration: ` + lambda, wantKeys: []string{"$default"}},
		{name: "documented spelling", paths: `
  /$default:
    x-amazon-apigateway-any-method:
      isDefaultRoute: true
      x-amazon-apigateway-integration: ` + lambda, wantKeys: []string{"$default"}},
		{name: "flag on another path", paths: `
  /{proxy+}:
    x-amazon-apigateway-any-method:
      isDefaultRoute: true
      x-amazon-apigateway-integration: ` + lambda + `
  /{proxy+}/x:
    get:
      x-amazon-apigateway-integration: ` + lambda,
			wantKeys: []string{"$default"},
			wantErr:  []string{`h.yaml:9: /paths/~1{proxy+}~1x: route path "/{proxy+}/x": the greedy path variable {proxy+} must be the last part`},
			wantWarn: []string{`/paths/~1{proxy+}/x-amazon-apigateway-any-method/isDefaultRoute: the $default route has no path: the path "/{proxy+}" is not used`}},
		{name: "greedy ANY is not the default", paths: `
  /{proxy+}:
    x-amazon-apigateway-any-method:
      isDefaultRoute: false
      x-amazon-apigateway-integration: ` + lambda, wantKeys: []string{"ANY /{proxy+}"}},
		{name: "GET on $default", paths: `
  $default:
    get:
      x-amazon-apigateway-integration: ` + lambda,
			wantErr: []string{`h.yaml:6: /paths/$default/get: the $default route is written as x-amazon-apigateway-any-method; get is not allowed on path "$default"`}},
		{name: "two defaults", paths: `
  $default:
    x-amazon-apigateway-any-method:
      x-amazon-apigateway-integration: ` + lambda + `
  /$default:
    x-amazon-apigateway-any-method:
      isDefaultRoute: true
      x-amazon-apigateway-integration: ` + lambda,
			wantKeys: []string{"$default"},
			wantErr:  []string{`h.yaml:9: /paths/~1$default/x-amazon-apigateway-any-method: route $default is defined twice (first at /paths/$default/x-amazon-apigateway-any-method)`}},
		{name: "false on the default path", paths: `
  /$default:
    x-amazon-apigateway-any-method:
      isDefaultRoute: false
      x-amazon-apigateway-integration: ` + lambda,
			wantKeys: []string{"$default"},
			wantErr:  []string{`h.yaml:7: /paths/~1$default/x-amazon-apigateway-any-method/isDefaultRoute: path "/$default" is the $default route; isDefaultRoute: false contradicts it`}},
		{name: "flag on GET", paths: `
  /a:
    get:
      isDefaultRoute: true
      x-amazon-apigateway-integration: ` + lambda,
			wantKeys: []string{"GET /a"},
			wantWarn: []string{"/paths/~1a/get/isDefaultRoute: isDefaultRoute is read only on x-amazon-apigateway-any-method; ignored"}},
	} {
		api, ws, msg := importHTTP(t, httpHead+"paths:"+tc.paths+"\n")
		if len(tc.wantErr) == 0 && msg != "" {
			t.Errorf("%s: %s", tc.name, msg)
		}
		wantErrors(t, msg, tc.wantErr...)
		var keys []string
		for _, m := range api.Methods {
			keys = append(keys, m.RouteKey())
			if m.DefaultRoute && (m.Path != "$default" || m.HTTPMethod != "ANY") {
				t.Errorf("%s: default route %q %q", tc.name, m.Path, m.HTTPMethod)
			}
		}
		if diff := cmp.Diff(tc.wantKeys, keys, cmpopts.EquateEmpty()); diff != "" {
			t.Errorf("%s: routes (-want +got):\n%s", tc.name, diff)
		}
		if diff := cmp.Diff(tc.wantWarn, ws, cmpopts.EquateEmpty()); diff != "" {
			t.Errorf("%s: warnings (-want +got):\n%s", tc.name, diff)
		}
	}
}

func TestHTTPRoutePaths(t *testing.T) {
	t.Parallel()
	const integ = `{type: http_proxy, httpMethod: ANY, uri: "https://example.com"}`
	src := httpHead + `paths:
  /pets/{id}/toys/{toyId}:
    get: {x-amazon-apigateway-integration: ` + integ + `}
  /{proxy+}:
    x-amazon-apigateway-any-method: {x-amazon-apigateway-integration: ` + integ + `}
  /:
    get: {x-amazon-apigateway-integration: ` + integ + `}
  /a/{proxy+}/b:
    get: {x-amazon-apigateway-integration: ` + integ + `}
  pets:
    get: {x-amazon-apigateway-integration: ` + integ + `}
  /a//b:
    get: {x-amazon-apigateway-integration: ` + integ + `}
  /a/{id}/b/{id}:
    get: {x-amazon-apigateway-integration: ` + integ + `}
  /a/x{id}:
    get: {x-amazon-apigateway-integration: ` + integ + `}
  /nointeg:
    get: {responses: {}}
`
	api, _, msg := importHTTP(t, src)
	wantErrors(t, msg,
		`h.yaml:11: /paths/~1a~1{proxy+}~1b: route path "/a/{proxy+}/b": the greedy path variable {proxy+} must be the last part`,
		`h.yaml:13: /paths/pets: route path "pets" must start with / (or be $default)`,
		`h.yaml:15: /paths/~1a~1~1b: route path "/a//b" has an empty part`,
		`h.yaml:17: /paths/~1a~1{id}~1b~1{id}: route path "/a/{id}/b/{id}" names the path variable "id" twice`,
		`h.yaml:19: /paths/~1a~1x{id}: route path "/a/x{id}": part "x{id}" must be letters, digits, _ - . , : @ or a whole {variable}`,
		`h.yaml:22: /paths/~1nointeg/get: route GET /nointeg has no x-amazon-apigateway-integration`,
	)
	var keys []string
	for _, m := range api.Methods {
		keys = append(keys, m.RouteKey())
	}
	if diff := cmp.Diff([]string{"GET /", "GET /nointeg", "GET /pets/{id}/toys/{toyId}", "ANY /{proxy+}"}, keys); diff != "" {
		t.Errorf("routes (-want +got):\n%s", diff)
	}
	if got := routeMap(api)["GET /pets/{id}/toys/{toyId}"].RequestParameters; !cmp.Equal(got, map[string]bool{"method.request.path.id": true, "method.request.path.toyId": true}) {
		t.Errorf("path parameters %v", got)
	}
}

func TestHTTPIntegrations(t *testing.T) {
	t.Parallel()
	src := httpHead + `paths:
  /mock:
    get:
      x-amazon-apigateway-integration: {type: mock}
  /http:
    get:
      x-amazon-apigateway-integration: {type: HTTP, httpMethod: GET, uri: "https://example.com"}
  /aws:
    get:
      x-amazon-apigateway-integration: {type: aws, httpMethod: POST, uri: "arn:aws:apigateway:us-east-1:sqs:path/1/q", payloadFormatVersion: "1.0"}
  /nopfv:
    get:
      x-amazon-apigateway-integration: {type: aws_proxy, uri: "arn:aws:lambda:us-east-1:123456789012:function:f"}
  /badpfv:
    get:
      x-amazon-apigateway-integration: {type: aws_proxy, payloadFormatVersion: "3.0", uri: "arn:aws:lambda:us-east-1:123456789012:function:f"}
  /proxy2:
    get:
      x-amazon-apigateway-integration: {type: http_proxy, payloadFormatVersion: "2.0", httpMethod: GET, uri: "https://example.com"}
  /slow:
    get:
      x-amazon-apigateway-integration: {type: http_proxy, httpMethod: GET, uri: "https://example.com", timeoutInMillis: 30001}
  /fast:
    get:
      x-amazon-apigateway-integration: {type: http_proxy, httpMethod: GET, uri: "https://example.com", timeoutInMillis: 49}
  /limits:
    get:
      x-amazon-apigateway-integration: {type: http_proxy, httpMethod: GET, uri: "https://example.com", timeoutInMillis: 50}
    post:
      x-amazon-apigateway-integration: {type: http_proxy, httpMethod: POST, uri: "https://example.com", timeoutInMillis: 30000}
  /nomethod:
    get:
      x-amazon-apigateway-integration: {type: http_proxy, uri: "https://example.com"}
  /badurl:
    get:
      x-amazon-apigateway-integration: {type: http_proxy, httpMethod: GET, uri: "example.com/x"}
  /badarn:
    get:
      x-amazon-apigateway-integration: {type: aws_proxy, payloadFormatVersion: "2.0", uri: "arn:aws:s3:::bucket"}
  /stagevar:
    get:
      x-amazon-apigateway-integration: {type: aws_proxy, payloadFormatVersion: "2.0", uri: "arn:aws:lambda:us-east-1:123456789012:function:${stageVariables.fn}"}
  /put:
    get:
      x-amazon-apigateway-integration: {type: aws_proxy, payloadFormatVersion: "1.0", httpMethod: PUT, uri: "arn:aws-cn:lambda:cn-north-1:123456789012:function:f:2"}
  /vpc:
    get:
      x-amazon-apigateway-integration: {type: http_proxy, httpMethod: ANY, connectionType: VPC_LINK, connectionId: abc123, uri: "arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/app/a/b/c"}
  /cfn:
    get:
      x-amazon-apigateway-integration: {type: aws_proxy, payloadFormatVersion: "2.0", uri: {"Fn::GetAtt": [Fn, Arn]}}
  /cfn-timeout:
    get:
      x-amazon-apigateway-integration: {type: http_proxy, httpMethod: GET, uri: "https://example.com", timeoutInMillis: {Ref: Timeout}}
  /rest-fields:
    get:
      x-amazon-apigateway-integration:
        type: http_proxy
        httpMethod: GET
        uri: "https://example.com"
        passthroughBehavior: when_no_match
        requestTemplates: {application/json: "{}"}
        responses: {default: {statusCode: "200"}}
        tlsConfig: {insecureSkipVerification: true}
        bogus: 1
`
	api, ws, msg := importHTTP(t, src)
	wantErrors(t, msg,
		"h.yaml:7: /paths/~1mock/get/x-amazon-apigateway-integration/type: integration type mock is for REST APIs; HTTP APIs have aws_proxy (Lambda, or an AWS service with integrationSubtype) and http_proxy integrations (if this definition is a REST API, import it as one)",
		"h.yaml:10: /paths/~1http/get/x-amazon-apigateway-integration/type: integration type http is for REST APIs",
		"h.yaml:13: /paths/~1aws/get/x-amazon-apigateway-integration/type: integration type aws is for REST APIs",
		`h.yaml:16: /paths/~1nopfv/get/x-amazon-apigateway-integration: payloadFormatVersion is required for Lambda (aws_proxy) integrations of HTTP APIs: "2.0" (what the console picks) or "1.0" (the REST API event)`,
		"h.yaml:19: /paths/~1badpfv/get/x-amazon-apigateway-integration/payloadFormatVersion: payloadFormatVersion must be 1.0 or 2.0, not 3.0",
		"h.yaml:22: /paths/~1proxy2/get/x-amazon-apigateway-integration/payloadFormatVersion: HTTP proxy integrations support payloadFormatVersion 1.0 only, not 2.0",
		"h.yaml:25: /paths/~1slow/get/x-amazon-apigateway-integration/timeoutInMillis: timeoutInMillis must be 50 to 30000 for HTTP APIs, not 30001",
		"h.yaml:28: /paths/~1fast/get/x-amazon-apigateway-integration/timeoutInMillis: timeoutInMillis must be 50 to 30000 for HTTP APIs, not 49",
		"h.yaml:36: /paths/~1nomethod/get/x-amazon-apigateway-integration/httpMethod: httpMethod is required for http_proxy integrations (ANY passes the client's method)",
		`h.yaml:39: /paths/~1badurl/get/x-amazon-apigateway-integration/uri: invalid HTTP endpoint "example.com/x"`,
		`h.yaml:42: /paths/~1badarn/get/x-amazon-apigateway-integration/uri: a Lambda integration's uri is a function ARN (arn:aws:lambda:REGION:ACCOUNT:function:NAME) or arn:aws:apigateway:REGION:lambda:path/2015-03-31/functions/FUNCTION_ARN/invocations, not "arn:aws:s3:::bucket"`,
		`h.yaml:68: /paths/~1rest-fields/get/x-amazon-apigateway-integration/bogus: unknown integration field "bogus"`,
	)
	if n := strings.Count(msg, "\n") + 1; n != 12 {
		t.Errorf("got %d errors, want 12:\n%s", n, msg)
	}
	r := routeMap(api)
	if in := r["GET /limits"].Integration; in.TimeoutInMillis != 50 {
		t.Errorf("timeout 50: %d", in.TimeoutInMillis)
	}
	if in := r["POST /limits"].Integration; in.TimeoutInMillis != 30000 {
		t.Errorf("timeout 30000: %d", in.TimeoutInMillis)
	}
	if in := r["GET /stagevar"].Integration; in.URI != "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:123456789012:function:${stageVariables.fn}/invocations" {
		t.Errorf("stage variable URI %q", in.URI)
	}
	if in := r["GET /put"].Integration; in.URI != "arn:aws-cn:apigateway:cn-north-1:lambda:path/2015-03-31/functions/arn:aws-cn:lambda:cn-north-1:123456789012:function:f:2/invocations" || in.HTTPMethod != "POST" || in.PayloadFormatVersion != "1.0" {
		t.Errorf("aws-cn alias: %+v", in)
	}
	if in := r["GET /vpc"].Integration; !strings.HasPrefix(in.Invalid, "a VPC_LINK integration reaches a private resource") {
		t.Errorf("VPC link: %q", in.Invalid)
	}
	if in := r["GET /cfn-timeout"].Integration; in.TimeoutInMillis != 30000 || in.Invalid != "" {
		t.Errorf("intrinsic timeout: %+v", in)
	}
	if !hasWarning(ws, "/paths/~1cfn-timeout/get/x-amazon-apigateway-integration/timeoutInMillis", "timeoutInMillis is a CloudFormation intrinsic (Ref, which CloudFormation resolves before API Gateway reads the definition); the default, 30000, is used") {
		t.Errorf("warnings %q", ws)
	}
	if in := r["GET /cfn"].Integration; !strings.HasPrefix(in.Invalid, "uri is a CloudFormation intrinsic (Fn::GetAtt") {
		t.Errorf("intrinsic: %q", in.Invalid)
	}
	for _, w := range []struct{ ptr, text string }{
		{"/paths/~1put/get/x-amazon-apigateway-integration/httpMethod", "httpMethod PUT is ignored: Lambda functions are invoked with POST"},
		{"/paths/~1vpc/get/x-amazon-apigateway-integration/connectionType", "Portico cannot; the method is kept and every call to it fails with 500"},
		{"/paths/~1cfn/get/x-amazon-apigateway-integration/uri", "uri is a CloudFormation intrinsic"},
		{"/paths/~1rest-fields/get/x-amazon-apigateway-integration/passthroughBehavior", "integration field passthroughBehavior is ignored"},
		{"/paths/~1rest-fields/get/x-amazon-apigateway-integration/requestTemplates", "integration field requestTemplates is ignored"},
		{"/paths/~1rest-fields/get/x-amazon-apigateway-integration/responses", "integration field responses is ignored"},
		{"/paths/~1rest-fields/get/x-amazon-apigateway-integration/tlsConfig/insecureSkipVerification", "HTTP APIs always verify"},
	} {
		if !hasWarning(ws, w.ptr, w.text) {
			t.Errorf("missing warning %s: %s in %q", w.ptr, w.text, ws)
		}
	}
}

func TestHTTPParameterMappings(t *testing.T) {
	t.Parallel()
	src := httpHead + `paths:
  /ok:
    get:
      x-amazon-apigateway-integration:
        type: http_proxy
        httpMethod: GET
        uri: "https://example.com"
        requestParameters:
          "append:header.x-user": "user-$request.querystring.user"
          "overwrite:querystring.page": "$request.body.paging.next"
          "overwrite:header.x-stage": "$stageVariables.env"
  /bad:
    get:
      x-amazon-apigateway-integration:
        type: http_proxy
        httpMethod: GET
        uri: "https://example.com"
        requestParameters:
          "integration.request.header.x": "method.request.header.x"
          "overwrite:header.Authorization": "x"
          "overwrite:body.x": "y"
          "overwrite:header.x-a": "$request.cookie.a"
          "overwrite:header.x-b": "$response.header.b"
          "overwrite:header.x-c": ""
          "overwrite:header.x-cfn": {"Fn::Sub": "${Token}"}
        responseParameters:
          "200":
            "method.response.header.x": "integration.response.header.x"
            "overwrite:statuscode": "99"
            "append:header.x-amzn-trace": "x"
            "overwrite:header.x-d": "$request.header.d"
          "2xx":
            "overwrite:statuscode": "201"
          "204":
            "overwrite:statuscode": "$response.body.status"
`
	api, ws, msg := importHTTP(t, src)
	wantErrors(t, msg,
		`h.yaml:22: /paths/~1bad/get/x-amazon-apigateway-integration/requestParameters/integration.request.header.x: invalid parameter mapping key "integration.request.header.x": want append|overwrite|remove:header.NAME, append|overwrite|remove:querystring.NAME or overwrite:path (integration.request.* is the REST API form)`,
		`h.yaml:23: /paths/~1bad/get/x-amazon-apigateway-integration/requestParameters/overwrite:header.Authorization: header Authorization is reserved: parameter mappings cannot change it`,
		`h.yaml:24: /paths/~1bad/get/x-amazon-apigateway-integration/requestParameters/overwrite:body.x: invalid parameter mapping key "overwrite:body.x"`,
		`h.yaml:25: /paths/~1bad/get/x-amazon-apigateway-integration/requestParameters/overwrite:header.x-a: invalid mapping value "$request.cookie.a": $request.cookie.a is not $request.header.NAME`,
		`h.yaml:26: /paths/~1bad/get/x-amazon-apigateway-integration/requestParameters/overwrite:header.x-b: invalid mapping value "$response.header.b"`,
		`h.yaml:27: /paths/~1bad/get/x-amazon-apigateway-integration/requestParameters/overwrite:header.x-c: parameter mapping overwrite:header.x-c has an empty value`,
		`h.yaml:31: /paths/~1bad/get/x-amazon-apigateway-integration/responseParameters/200/method.response.header.x: invalid response mapping key "method.response.header.x": want append|overwrite|remove:header.NAME or overwrite:statuscode (method.response.* is the REST API form)`,
		`h.yaml:32: /paths/~1bad/get/x-amazon-apigateway-integration/responseParameters/200/overwrite:statuscode: overwrite:statuscode must be a status code from 200 to 599, not "99"`,
		`h.yaml:33: /paths/~1bad/get/x-amazon-apigateway-integration/responseParameters/200/append:header.x-amzn-trace: header x-amzn-trace is reserved`,
		`h.yaml:34: /paths/~1bad/get/x-amazon-apigateway-integration/responseParameters/200/overwrite:header.x-d: invalid mapping value "$request.header.d"`,
		`h.yaml:35: /paths/~1bad/get/x-amazon-apigateway-integration/responseParameters/2xx: responseParameters are keyed by the integration's status code (200 to 599), not "2xx"`,
	)
	if n := strings.Count(msg, "\n") + 1; n != 11 {
		t.Errorf("got %d errors, want 11:\n%s", n, msg)
	}
	r := routeMap(api)
	want := map[string]string{"append:header.x-user": "user-$request.querystring.user", "overwrite:querystring.page": "$request.body.paging.next", "overwrite:header.x-stage": "$stageVariables.env"}
	if diff := cmp.Diff(want, r["GET /ok"].Integration.ParameterMappings); diff != "" {
		t.Errorf("mappings (-want +got):\n%s", diff)
	}
	bad := r["GET /bad"].Integration
	if !strings.HasPrefix(bad.Invalid, "the overwrite:header.x-cfn mapping is a CloudFormation intrinsic (Fn::Sub") {
		t.Errorf("intrinsic mapping: %q", bad.Invalid)
	}
	if !hasWarning(ws, "/paths/~1bad/get/x-amazon-apigateway-integration/requestParameters/overwrite:header.x-cfn", "every call to it fails with 500") {
		t.Errorf("warnings %q", ws)
	}
	if got := bad.ResponseMappings["204"]; !cmp.Equal(got, map[string]string{"overwrite:statuscode": "$response.body.status"}) {
		t.Errorf("204 mappings %v", got)
	}
}

func TestHTTPServiceIntegrations(t *testing.T) {
	t.Parallel()
	src := httpHead + `paths:
  /events:
    post:
      x-amazon-apigateway-integration:
        type: aws_proxy
        integrationSubtype: eventbridge-putevents
        payloadFormatVersion: "1.0"
        requestParameters: {Detail: "$request.body.Detail", DetailType: Order, Source: shop, EventBusName: orders}
  /stream:
    post:
      x-amazon-apigateway-integration:
        type: aws_proxy
        integrationSubtype: Kinesis-PutRecord
        requestParameters: {StreamName: s, Data: "$request.body", PartitionKey: "$context.requestId"}
  /sfn:
    post:
      x-amazon-apigateway-integration:
        type: aws_proxy
        integrationSubtype: StepFunctions-StartExecution
        payloadFormatVersion: 1.0
        requestParameters: {StateMachineArn: {"Fn::GetAtt": [Machine, Arn]}, Input: "$request.body"}
  /config:
    get:
      x-amazon-apigateway-integration:
        type: aws_proxy
        integrationSubtype: AppConfig-GetConfiguration
        requestParameters: {Application: app, Environment: prod, Configuration: flags, ClientId: "$context.requestId"}
  /unknown:
    post:
      x-amazon-apigateway-integration: {type: aws_proxy, integrationSubtype: SNS-Publish, requestParameters: {Message: x}}
  /missing:
    post:
      x-amazon-apigateway-integration:
        type: aws_proxy
        integrationSubtype: SQS-SendMessage
        payloadFormatVersion: "2.0"
        uri: "arn:aws:sqs:us-east-1:123456789012:q"
        requestParameters: {MessageBody: "$request.body", Queue: q}
  /wrongtype:
    post:
      x-amazon-apigateway-integration: {type: http_proxy, httpMethod: POST, uri: "https://example.com", integrationSubtype: SQS-SendMessage}
`
	api, ws, msg := importHTTP(t, src)
	wantErrors(t, msg,
		"h.yaml:33: /paths/~1unknown/post/x-amazon-apigateway-integration/integrationSubtype: unknown integrationSubtype \"SNS-Publish\" (want one of AppConfig-GetConfiguration, EventBridge-PutEvents, Kinesis-PutRecord, SQS-DeleteMessage, SQS-PurgeQueue, SQS-ReceiveMessage, SQS-SendMessage, StepFunctions-StartExecution, StepFunctions-StartSyncExecution, StepFunctions-StopExecution)",
		"h.yaml:39: /paths/~1missing/post/x-amazon-apigateway-integration/payloadFormatVersion: AWS service integrations support payloadFormatVersion 1.0 only, not 2.0",
		"h.yaml:41: /paths/~1missing/post/x-amazon-apigateway-integration/requestParameters/Queue: SQS-SendMessage has no parameter \"Queue\" (parameters: QueueUrl, MessageBody, DelaySeconds, MessageAttributes, MessageDeduplicationId, MessageGroupId, MessageSystemAttributes, Region)",
		"h.yaml:41: /paths/~1missing/post/x-amazon-apigateway-integration/requestParameters: SQS-SendMessage needs the parameter QueueUrl",
		"h.yaml:44: /paths/~1wrongtype/post/x-amazon-apigateway-integration/integrationSubtype: integrationSubtype needs type aws_proxy, not http_proxy",
	)
	if n := strings.Count(msg, "\n") + 1; n != 5 {
		t.Errorf("got %d errors, want 5:\n%s", n, msg)
	}
	r := routeMap(api)
	if in := r["POST /events"].Integration; in.Subtype != "EventBridge-PutEvents" || in.PayloadFormatVersion != "1.0" ||
		!cmp.Equal(in.RequestParameters, map[string]string{"Detail": "$request.body.Detail", "DetailType": "Order", "Source": "shop", "EventBusName": "orders"}) {
		t.Errorf("events: %+v", in)
	}
	if in := r["POST /stream"].Integration; in.Subtype != "Kinesis-PutRecord" || in.PayloadFormatVersion != "1.0" || in.Invalid != "" || len(in.RequestParameters) != 3 {
		t.Errorf("stream: %+v", in)
	}
	sfn := r["POST /sfn"].Integration
	if sfn.Subtype != "StepFunctions-StartExecution" || !strings.HasPrefix(sfn.Invalid, "the StateMachineArn parameter is a CloudFormation intrinsic (Fn::GetAtt") ||
		!cmp.Equal(sfn.RequestParameters, map[string]string{"Input": "$request.body"}) {
		t.Errorf("sfn: %+v", sfn)
	}
	if in := r["GET /config"].Integration; in.Subtype != "AppConfig-GetConfiguration" || len(in.RequestParameters) != 4 {
		t.Errorf("config: %+v", in)
	}
	if !hasWarning(ws, "/paths/~1sfn/post/x-amazon-apigateway-integration/requestParameters/StateMachineArn", "the method is kept and every call to it fails with 500") ||
		!hasWarning(ws, "/paths/~1missing/post/x-amazon-apigateway-integration/uri", "uri is ignored: an AWS service integration is named by its integrationSubtype") {
		t.Errorf("warnings %q", ws)
	}
}

func TestHTTPCORS(t *testing.T) {
	t.Parallel()
	_, _, msg := importHTTP(t, httpHead+`x-amazon-apigateway-cors:
  allowOrigins: ["*"]
  allowCredentials: true
  maxAge: 86401
  allowMethods: [GET, FETCH]
  allowHeader: [x]
paths: {}
`)
	wantErrors(t, msg,
		"h.yaml:6: /x-amazon-apigateway-cors/allowCredentials: allow-credentials is not supported if 'allow-origin' is *",
		"h.yaml:7: /x-amazon-apigateway-cors/maxAge: maxAge must be -1 to 86400 seconds, not 86401",
		`h.yaml:8: /x-amazon-apigateway-cors/allowMethods/1: allowMethods entry "FETCH" is not an HTTP method`,
		`h.yaml:9: /x-amazon-apigateway-cors/allowHeader: unknown x-amazon-apigateway-cors field "allowHeader"`,
	)
	for age, wantErr := range map[string]bool{"-1": false, "0": false, "86400": false, "-2": true} {
		api, _, msg := importHTTP(t, httpHead+"x-amazon-apigateway-cors: {allowOrigins: [\"*\"], allowMethods: [\"*\"], maxAge: "+age+"}\npaths: {}\n")
		if (msg != "") != wantErr {
			t.Errorf("maxAge %s: error %q", age, msg)
		}
		if !wantErr && strings.TrimSpace(age) != "" && api.CORS.MaxAge != atoi(age) {
			t.Errorf("maxAge %s: got %d", age, api.CORS.MaxAge)
		}
	}
	api, _, msg := importHTTP(t, httpHead+"x-amazon-apigateway-cors: {allowOrigins: [\"https://a.example\"]}\npaths: {}\n")
	if msg != "" || api.CORS.MaxAge != -1 || api.CORS.AllowCredentials {
		t.Errorf("unset maxAge: %+v %s", api.CORS, msg)
	}
	if api, _, _ := importHTTP(t, httpHead+"paths: {}\n"); api.CORS != nil || api.Tags != nil {
		t.Errorf("no CORS and no tags: %+v %v", api.CORS, api.Tags)
	}
}

func atoi(s string) int {
	n := 0
	neg := strings.HasPrefix(s, "-")
	for _, r := range strings.TrimPrefix(s, "-") {
		n = n*10 + int(r-'0')
	}
	if neg {
		return -n
	}
	return n
}

func TestHTTPTags(t *testing.T) {
	t.Parallel()
	_, _, msg := importHTTP(t, httpHead+`tags:
  - {name: a, x-amazon-apigateway-tag-value: "1"}
  - {description: no name}
  - {name: a}
  - plain
paths: {}
`)
	wantErrors(t, msg,
		"h.yaml:6: /tags/1/name: a tag needs a name",
		`h.yaml:7: /tags/2/name: tag "a" is defined twice`,
		"h.yaml:8: /tags/3: a tag must be a mapping with a name",
	)
}

func TestHTTPAuthorizers(t *testing.T) {
	t.Parallel()
	src := httpHead + `components:
  securitySchemes:
    oidc:
      type: openIdConnect
      openIdConnectUrl: "https://issuer.example.com/tenant/.well-known/openid-configuration"
      x-amazon-apigateway-authorizer:
        type: jwt
        identitySource: ["$request.header.Authorization"]
        jwtConfiguration: {audience: [api]}
    list:
      type: apiKey
      name: x
      in: header
      x-amazon-apigateway-authorizer:
        type: REQUEST
        authorizerUri: arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:123456789012:function:a/invocations
        authorizerPayloadFormatVersion: 1.0
        identitySource: ["$request.querystring.token", "$stageVariables.key"]
        authorizerResultTtlInSeconds: 0
    nopfv:
      type: apiKey
      name: x
      in: header
      x-amazon-apigateway-authorizer:
        type: request
        authorizerUri: arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:123456789012:function:a/invocations
        identitySource: "method.request.header.Authorization"
        authorizerResultTtlInSeconds: 300
    simple1:
      type: apiKey
      name: x
      in: header
      x-amazon-apigateway-authorizer:
        type: request
        authorizerUri: arn:aws:lambda:us-east-1:123456789012:function:a
        authorizerPayloadFormatVersion: "1.0"
        enableSimpleResponses: true
        authorizerResultTtlInSeconds: 3601
    cached:
      type: apiKey
      name: x
      in: header
      x-amazon-apigateway-authorizer:
        type: request
        authorizerUri: arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:123456789012:function:a/invocations
        authorizerPayloadFormatVersion: "2.0"
        authorizerResultTtlInSeconds: 60
        identityValidationExpression: "^x"
    token:
      type: apiKey
      name: x
      in: header
      x-amazon-apigateway-authorizer: {type: token, authorizerUri: x}
    noissuer:
      type: oauth2
      x-amazon-apigateway-authorizer: {type: jwt, identitySource: "$request.header.A,$request.header.B", jwtConfiguration: {audience: [a], scopes: [x]}}
paths: {}
`
	api, ws, msg := importHTTP(t, src)
	wantErrors(t, msg,
		`h.yaml:30: /components/securitySchemes/nopfv/x-amazon-apigateway-authorizer/identitySource: identity source "method.request.header.Authorization" must be $request.header.NAME, $request.querystring.NAME, $context.NAME or $stageVariables.NAME (method.request.* is the REST API form; write $request.header.NAME)`,
		`h.yaml:27: /components/securitySchemes/nopfv/x-amazon-apigateway-authorizer: AuthorizerPayloadFormatVersion is a required parameter for REQUEST authorizer`,
		`h.yaml:38: /components/securitySchemes/simple1/x-amazon-apigateway-authorizer/authorizerUri: authorizerUri must be arn:aws:apigateway:{region}:lambda:path/2015-03-31/functions/{functionArn}/invocations, not "arn:aws:lambda:us-east-1:123456789012:function:a" (a plain function ARN: wrap it as`,
		"h.yaml:40: /components/securitySchemes/simple1/x-amazon-apigateway-authorizer/enableSimpleResponses: enableSimpleResponses needs authorizerPayloadFormatVersion 2.0",
		"h.yaml:41: /components/securitySchemes/simple1/x-amazon-apigateway-authorizer/authorizerResultTtlInSeconds: authorizerResultTtlInSeconds must be 0 to 3600, not 3601",
		"h.yaml:46: /components/securitySchemes/cached/x-amazon-apigateway-authorizer/identitySource: a request authorizer with caching on (authorizerResultTtlInSeconds 60) needs an identitySource",
		"h.yaml:56: /components/securitySchemes/token/x-amazon-apigateway-authorizer/type: authorizer type token is for REST APIs; HTTP APIs have request (Lambda) and jwt authorizers",
		"h.yaml:59: /components/securitySchemes/noissuer/x-amazon-apigateway-authorizer/jwtConfiguration/issuer: a jwt authorizer needs jwtConfiguration.issuer (or an openIdConnect scheme's openIdConnectUrl)",
		`h.yaml:59: /components/securitySchemes/noissuer/x-amazon-apigateway-authorizer/jwtConfiguration/scopes: unknown jwtConfiguration field "scopes"`,
		"h.yaml:59: /components/securitySchemes/noissuer/x-amazon-apigateway-authorizer/identitySource: a jwt authorizer takes one identitySource, not 2",
	)
	if n := strings.Count(msg, "\n") + 1; n != 10 {
		t.Errorf("got %d errors, want 10:\n%s", n, msg)
	}
	want := map[string]apidef.Authorizer{
		"oidc": {Name: "oidc", Type: apidef.AuthorizerJWT, IdentitySources: []string{"$request.header.Authorization"}, IdentitySource: "$request.header.Authorization",
			ResultTTLSeconds: -1, JWTIssuer: "https://issuer.example.com/tenant", JWTAudiences: []string{"api"}},
		"list": {Name: "list", Type: apidef.AuthorizerRequest, PayloadFormatVersion: "1.0", IdentitySources: []string{"$request.querystring.token", "$stageVariables.key"},
			IdentitySource: "$request.querystring.token,$stageVariables.key", ResultTTLSeconds: 0,
			AuthorizerURI: "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:123456789012:function:a/invocations"},
	}
	for name, w := range want {
		if diff := cmp.Diff(w, api.Authorizers[name], noLoc, cmpopts.EquateEmpty()); diff != "" {
			t.Errorf("%s (-want +got):\n%s", name, diff)
		}
	}
	if !hasWarning(ws, "/components/securitySchemes/cached/x-amazon-apigateway-authorizer/identityValidationExpression", "identityValidationExpression is ignored: it is read by REST API authorizers only") {
		t.Errorf("warnings %q", ws)
	}
}

func TestHTTPRouteSecurity(t *testing.T) {
	t.Parallel()
	const integ = `{type: http_proxy, httpMethod: ANY, uri: "https://example.com"}`
	src := httpHead + `security:
  - jwt: [read]
components:
  securitySchemes:
    jwt:
      type: oauth2
      x-amazon-apigateway-authorizer: {type: jwt, identitySource: "$request.header.Authorization", jwtConfiguration: {issuer: "https://issuer.example.com", audience: [a]}}
    lambda:
      type: apiKey
      name: Authorization
      in: header
      x-amazon-apigateway-authorizer:
        type: request
        authorizerUri: arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:123456789012:function:a/invocations
        authorizerPayloadFormatVersion: "2.0"
        identitySource: "$request.header.Authorization"
    sigv4: {type: apiKey, name: Authorization, in: header, x-amazon-apigateway-authtype: awsSigv4}
    key: {type: apiKey, name: x-api-key, in: header}
    bearer: {type: http, scheme: bearer}
paths:
  /inherit:
    get: {x-amazon-apigateway-integration: ` + integ + `}
  /open:
    get: {security: [], x-amazon-apigateway-integration: ` + integ + `}
  /lambda:
    get: {security: [{lambda: [ignored]}], x-amazon-apigateway-integration: ` + integ + `}
  /iam:
    get: {security: [], x-amazon-apigateway-auth: {type: aws_iam}, x-amazon-apigateway-integration: ` + integ + `}
  /sigv4:
    get: {security: [{sigv4: []}], x-amazon-apigateway-integration: ` + integ + `}
  /key:
    get: {security: [{key: []}], x-amazon-apigateway-integration: ` + integ + `}
  /bearer:
    get: {security: [{bearer: []}], x-amazon-apigateway-integration: ` + integ + `}
  /two:
    get: {security: [{jwt: []}, {lambda: []}], x-amazon-apigateway-integration: ` + integ + `}
  /and:
    get: {security: [{jwt: [], sigv4: []}], x-amazon-apigateway-integration: ` + integ + `}
  /iam-and-jwt:
    get: {x-amazon-apigateway-auth: {type: AWS_IAM}, x-amazon-apigateway-integration: ` + integ + `}
  /iam-jwt-listed:
    get: {x-amazon-apigateway-auth: {type: AWS_IAM}, security: [{jwt: []}], x-amazon-apigateway-integration: ` + integ + `}
  /scopes:
    get: {security: [{jwt: [s1, s2, s3, s4, s5, s6, s7, s8, s9, s10, s11]}], x-amazon-apigateway-integration: ` + integ + `}
  /undefined:
    get: {security: [{nope: []}], x-amazon-apigateway-integration: ` + integ + `}
`
	api, ws, msg := importHTTP(t, src)
	wantErrors(t, msg,
		"h.yaml:39: /paths/~1two/get/security: an HTTP API route has one authorization (IAM, a Lambda authorizer or a JWT authorizer), not 2: jwt, lambda",
		"h.yaml:41: /paths/~1and/get/security: an HTTP API route has one authorization (IAM, a Lambda authorizer or a JWT authorizer), not 2: jwt, sigv4",
		"h.yaml:45: /paths/~1iam-jwt-listed/get/security: an HTTP API route has one authorization (IAM, a Lambda authorizer or a JWT authorizer), not 2: x-amazon-apigateway-auth AWS_IAM, jwt",
		"h.yaml:47: /paths/~1scopes/get/security/0/jwt: a route has at most 10 authorization scopes, not 11",
		`h.yaml:49: /paths/~1undefined/get/security/0/nope: security scheme "nope" is not defined`,
	)
	if n := strings.Count(msg, "\n") + 1; n != 5 {
		t.Errorf("got %d errors, want 5:\n%s", n, msg)
	}
	type auth struct {
		Type       apidef.AuthorizationType
		Authorizer string
		Scopes     []string
	}
	got := map[string]auth{}
	for _, m := range api.Methods {
		got[m.Path] = auth{m.AuthorizationType, m.AuthorizerName, m.AuthorizationScopes}
	}
	want := map[string]auth{
		"/inherit":     {apidef.AuthJWT, "jwt", []string{"read"}},
		"/open":        {apidef.AuthNone, "", nil},
		"/lambda":      {apidef.AuthCustom, "lambda", nil},
		"/iam":         {apidef.AuthIAM, "", nil},
		"/iam-and-jwt": {apidef.AuthIAM, "", nil},
		"/sigv4":       {apidef.AuthIAM, "", nil},
		"/key":         {apidef.AuthNone, "", nil},
		"/bearer":      {apidef.AuthNone, "", nil},
	}
	for path, w := range want {
		if diff := cmp.Diff(w, got[path], cmpopts.EquateEmpty()); diff != "" {
			t.Errorf("%s (-want +got):\n%s", path, diff)
		}
	}
	for _, w := range []struct{ ptr, text string }{
		{"/paths/~1lambda/get/security/0/lambda", "authorization scopes are ignored: only JWT authorizers check scopes"},
		{"/paths/~1key/get/security/0/key", `security scheme "key" asks for an API key, which HTTP APIs do not have: the route has no authorization`},
		{"/paths/~1bearer/get/security/0/bearer", `security scheme "bearer" has no x-amazon-apigateway-authorizer and is not x-amazon-apigateway-authtype awsSigv4: the route has no authorization`},
	} {
		if !hasWarning(ws, w.ptr, w.text) {
			t.Errorf("missing warning %s: %s in %q", w.ptr, w.text, ws)
		}
	}
}

// TestHTTPRESTOnlyExtensions: every REST API extension in an HTTP API
// definition is listed as ignored, located; none stops the import.
func TestHTTPRESTOnlyExtensions(t *testing.T) {
	t.Parallel()
	src := httpHead + `x-amazon-apigateway-gateway-responses:
  DEFAULT_4XX: {statusCode: "400"}
x-amazon-apigateway-request-validators:
  all: {validateRequestBody: true}
x-amazon-apigateway-request-validator: all
x-amazon-apigateway-api-key-source: AUTHORIZER
x-amazon-apigateway-binary-media-types: ["image/png"]
x-amazon-apigateway-policy: {Version: "2012-10-17", Statement: []}
x-amazon-apigateway-minimum-compression-size: 0
x-amazon-apigateway-something-new: 1
paths:
  /a:
    post:
      x-amazon-apigateway-request-validator: all
      requestBody: {content: {application/json: {schema: {type: object}}}}
      x-amazon-apigateway-integration:
        type: http_proxy
        httpMethod: POST
        uri: "https://example.com"
        requestTemplates: {application/json: "{}"}
`
	_, ws, msg := importHTTP(t, src)
	if msg != "" {
		t.Fatal(msg)
	}
	want := []string{
		"/x-amazon-apigateway-gateway-responses: x-amazon-apigateway-gateway-responses is ignored: HTTP APIs have no gateway responses",
		"/x-amazon-apigateway-request-validators: x-amazon-apigateway-request-validators is ignored: HTTP APIs do not validate requests",
		"/x-amazon-apigateway-request-validator: x-amazon-apigateway-request-validator is ignored: HTTP APIs do not validate requests",
		"/x-amazon-apigateway-api-key-source: x-amazon-apigateway-api-key-source is ignored: HTTP APIs have no API keys",
		"/x-amazon-apigateway-binary-media-types: x-amazon-apigateway-binary-media-types is ignored: HTTP APIs pass binary payloads without binary media types",
		"/x-amazon-apigateway-policy: x-amazon-apigateway-policy is ignored: HTTP APIs have no resource policies",
		"/x-amazon-apigateway-minimum-compression-size: x-amazon-apigateway-minimum-compression-size is ignored: HTTP APIs do not compress responses",
		"/x-amazon-apigateway-something-new: x-amazon-apigateway-something-new is not read in an HTTP API definition and is ignored",
		"/paths/~1a/post/x-amazon-apigateway-request-validator: x-amazon-apigateway-request-validator is ignored: HTTP APIs do not validate requests",
		"/paths/~1a/post/x-amazon-apigateway-integration/requestTemplates: integration field requestTemplates is ignored: HTTP API integrations have no mapping templates, integration responses or caching",
	}
	if diff := cmp.Diff(want, ws); diff != "" {
		t.Errorf("warnings (-want +got):\n%s", diff)
	}
}

func TestHTTPImportExportVersion(t *testing.T) {
	t.Parallel()
	_, _, msg := importHTTP(t, "openapi: \"3.0.1\"\ninfo: {title: t, version: \"1\"}\nx-amazon-apigateway-importexport-version: \"2.0\"\npaths: {}\n")
	wantErrors(t, msg, `h.yaml:3: /x-amazon-apigateway-importexport-version: x-amazon-apigateway-importexport-version must be "1.0", not 2.0`)
	if _, _, msg := importHTTP(t, "openapi: \"3.0.1\"\ninfo: {title: t, version: \"1\"}\nx-amazon-apigateway-importexport-version: 1.0\npaths: {}\n"); msg != "" {
		t.Errorf("number 1.0: %s", msg)
	}
}

// TestAutoDetectsRESTShapedExports: a document with the HTTP API export
// marker but a REST API's integrations (as real templates copied from REST
// projects have) is imported as a REST API by auto detection, with a
// warning; an explicit HTTP import still refuses it.
func TestAutoDetectsRESTShapedExports(t *testing.T) {
	t.Parallel()
	src := "openapi: \"3.0.1\"\ninfo: {title: t, version: \"1\"}\nx-amazon-apigateway-importexport-version: \"1.0\"\npaths:\n  /a:\n    get:\n      x-amazon-apigateway-integration: {type: mock, requestTemplates: {application/json: '{\"statusCode\": 200}'}}\n"
	if p, err := Detect("r.yaml", []byte(src)); p != apidef.ProtocolREST || err != nil {
		t.Fatalf("Detect: %v %v", p, err)
	}
	api, err := ImportWith("r.yaml", []byte(src), Options{As: AsAuto})
	if err != nil || api.Protocol != apidef.ProtocolREST {
		t.Fatalf("auto import: %v %v", api, err)
	}
	found := false
	for _, w := range api.Unsupported {
		found = found || strings.Contains(w.Message, "GET /a has a mock integration: imported as a REST API")
	}
	if !found {
		t.Errorf("no warning in %+v", api.Unsupported)
	}
	if _, err := ImportWith("r.yaml", []byte(src), Options{As: AsHTTP}); err == nil || !strings.Contains(err.Error(), "integration type mock is for REST APIs") {
		t.Errorf("explicit HTTP import: %v", err)
	}
}

// TestHTTPBrokenFile: every problem of a file is reported at once, located.
func TestHTTPBrokenFile(t *testing.T) {
	t.Parallel()
	b, err := os.ReadFile("testdata/http/broken.yaml")
	if err != nil {
		t.Fatal(err)
	}
	// Its mock integration makes auto detection take it for a REST API
	// (see TestAutoDetectsRESTShapedExports); imported as an HTTP API,
	// every problem is reported.
	if p, _ := Detect("broken.yaml", b); p != apidef.ProtocolREST {
		t.Fatalf("detected %v", p)
	}
	_, err = LoadWith("testdata/http/broken.yaml", Options{As: AsHTTP})
	wantErrors(t, errText(err),
		"broken.yaml:6: /x-amazon-apigateway-cors/maxAge: maxAge must be -1 to 86400 seconds, not 100000",
		"broken.yaml:8: /paths/~1a~1{proxy+}~1b: route path \"/a/{proxy+}/b\": the greedy path variable {proxy+} must be the last part",
		"broken.yaml:15: /paths/~1mock/get/x-amazon-apigateway-integration/type: integration type mock is for REST APIs",
		"broken.yaml:22: /paths/~1lambda/get/x-amazon-apigateway-integration/timeoutInMillis: timeoutInMillis must be 50 to 30000 for HTTP APIs, not 30001",
		"broken.yaml:24: /paths/~1lambda/get/x-amazon-apigateway-integration/requestParameters/overwrite:header.Connection: header Connection is reserved",
		"broken.yaml:29: /components/securitySchemes/authz/x-amazon-apigateway-authorizer: AuthorizerPayloadFormatVersion is a required parameter for REQUEST authorizer",
	)
}

// TestRESTImportOfHTTPExtensions: in a REST import, the HTTP API parts are
// named as such.
func TestRESTImportOfHTTPExtensions(t *testing.T) {
	t.Parallel()
	src := `openapi: "3.0.1"
info: {title: t, version: "1"}
x-amazon-apigateway-cors: {allowOrigins: ["*"]}
tags: [{name: a, x-amazon-apigateway-tag-value: b}]
paths:
  /a:
    get:
      x-amazon-apigateway-integration: {type: aws_proxy, httpMethod: POST, payloadFormatVersion: "2.0", uri: "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:123456789012:function:f/invocations"}
  /b:
    post:
      x-amazon-apigateway-integration: {type: aws_proxy, integrationSubtype: SQS-SendMessage, requestParameters: {QueueUrl: q, MessageBody: b}}
`
	ws, _, err := importWarnings(t, src, Options{})
	wantErrors(t, errText(err), `w.yaml:11: /paths/~1b/post/x-amazon-apigateway-integration/integrationSubtype: integrationSubtype SQS-SendMessage is an HTTP API (API Gateway v2) AWS service integration; import the definition as an HTTP API`)
	for _, w := range []struct{ ptr, text string }{
		{"/x-amazon-apigateway-cors", "x-amazon-apigateway-cors is read by HTTP APIs only and is ignored in a REST API"},
		{"/tags/0/x-amazon-apigateway-tag-value", "x-amazon-apigateway-tag-value is not implemented by Portico and is ignored"},
		{"/paths/~1a/get/x-amazon-apigateway-integration/payloadFormatVersion", "payloadFormatVersion is read by HTTP APIs only and is ignored in a REST API"},
	} {
		if !hasWarning(ws, w.ptr, w.text) {
			t.Errorf("missing warning %s: %s in %q", w.ptr, w.text, ws)
		}
	}
}

// TestHTTPSAMDefaultRoute: SAM's $default path key draws no structure
// warning (it is no OpenAPI path, but it is how SAM writes the route).
func TestHTTPSAMDefaultRoute(t *testing.T) {
	t.Parallel()
	api, err := ImportWith("s.yaml", []byte(httpHead+`paths:
  $default:
    x-amazon-apigateway-any-method:
      responses: {default: {description: x}}
      x-amazon-apigateway-integration: {type: aws_proxy, httpMethod: POST, payloadFormatVersion: "2.0", uri: "arn:aws:lambda:us-east-1:123456789012:function:f"}
`), Options{As: AsAuto})
	if err != nil {
		t.Fatal(err)
	}
	if len(api.Unsupported) != 0 || len(api.Methods) != 1 || api.Methods[0].RouteKey() != "$default" {
		t.Errorf("warnings %+v, routes %+v", api.Unsupported, api.Methods)
	}
}
