package openapi

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// hasWarning reports whether the warnings include one at ptr containing text.
func hasWarning(ws []string, ptr, text string) bool {
	for _, w := range ws {
		if strings.HasPrefix(w, ptr+": ") && strings.Contains(w, text) {
			return true
		}
	}
	return false
}

func importWarnings(t *testing.T, src string, o Options) ([]string, map[string]string, error) {
	t.Helper()
	api, err := ImportWith("w.yaml", []byte(src), o)
	var ws []string
	uris := map[string]string{}
	if api != nil {
		for _, w := range api.Unsupported {
			ws = append(ws, w.Loc.Pointer+": "+w.Message)
		}
		for _, m := range api.Methods {
			if m.Integration != nil {
				uris[m.HTTPMethod+" "+m.Path] = m.Integration.URI
			}
		}
	}
	return ws, uris, err
}

func TestIdentitySourceFromScheme(t *testing.T) {
	t.Parallel()
	src := `openapi: "3.0.1"
info: {title: t, version: "1"}
components:
  securitySchemes:
    tok:
      type: apiKey
      name: X-Token
      in: header
      x-amazon-apigateway-authorizer:
        type: token
        authorizerUri: arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/F/invocations
    pool:
      type: apiKey
      name: TestHeaderAuth
      in: header
      x-amazon-apigateway-authorizer: {type: cognito_user_pools, providerARNs: ["arn:aws:cognito-idp:us-east-1:123456789012:userpool/us-east-1_x"]}
    explicit:
      type: apiKey
      name: Ignored
      in: header
      x-amazon-apigateway-authorizer:
        type: token
        identitySource: method.request.header.Authorization
        authorizerUri: arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/F/invocations
paths: {}
`
	api, err := Import("i.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for n, a := range api.Authorizers {
		got[n] = a.IdentitySource
	}
	want := map[string]string{"tok": "method.request.header.X-Token", "pool": "method.request.header.TestHeaderAuth", "explicit": "method.request.header.Authorization"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("identity sources (-want +got):\n%s", diff)
	}
}

func TestAWSVariables(t *testing.T) {
	t.Parallel()
	src := `openapi: "3.0.1"
info: {title: t, version: "1"}
paths:
  /a:
    get:
      responses: {"200": {description: x}}
      x-amazon-apigateway-integration:
        type: aws_proxy
        httpMethod: POST
        uri: arn:${AWS::Partition}:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/arn:${AWS::Partition}:lambda:${AWS::Region}:${AWS::AccountId}:function:F/invocations
  /b:
    get:
      responses: {"200": {description: x}}
      x-amazon-apigateway-integration:
        type: http_proxy
        httpMethod: GET
        uri: https://example.com/${AWS::StackName}
`
	for _, tc := range []struct{ region, account, wantA string }{
		{"", "", "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:123456789012:function:F/invocations"},
		{"cn-north-1", "111122223333", "arn:aws-cn:apigateway:cn-north-1:lambda:path/2015-03-31/functions/arn:aws-cn:lambda:cn-north-1:111122223333:function:F/invocations"},
		{"us-gov-west-1", "111122223333", "arn:aws-us-gov:apigateway:us-gov-west-1:lambda:path/2015-03-31/functions/arn:aws-us-gov:lambda:us-gov-west-1:111122223333:function:F/invocations"},
	} {
		ws, uris, err := importWarnings(t, src, Options{Region: tc.region, AccountID: tc.account})
		if err != nil {
			t.Fatalf("%s: %v", tc.region, err)
		}
		if uris["GET /a"] != tc.wantA {
			t.Errorf("%s: got %q, want %q", tc.region, uris["GET /a"], tc.wantA)
		}
		if uris["GET /b"] != "https://example.com/${AWS::StackName}" || !hasWarning(ws, "/paths/~1b/get/x-amazon-apigateway-integration/uri", "${AWS::StackName} is not an AWS variable") {
			t.Errorf("%s: unknown variable: uri %q, warnings %q", tc.region, uris["GET /b"], ws)
		}
	}
}

func TestPartition(t *testing.T) {
	t.Parallel()
	for region, want := range map[string]string{"us-east-1": "aws", "eu-west-3": "aws", "cn-northwest-1": "aws-cn", "us-gov-east-1": "aws-us-gov", "us-iso-east-1": "aws-iso", "us-isob-east-1": "aws-iso-b"} {
		if got := Partition(region); got != want {
			t.Errorf("%s: got %q, want %q", region, got, want)
		}
	}
}

// TestIntegrationOddValues: non-string values never reject the API.
func TestIntegrationOddValues(t *testing.T) {
	t.Parallel()
	src := `openapi: "3.0.1"
info: {title: t, version: "1"}
paths:
  /cfn:
    get:
      responses: {"200": {description: x}}
      x-amazon-apigateway-integration:
        type: aws
        httpMethod: POST
        credentials: {"Fn::GetAtt": [Role, Arn]}
        uri: {"Fn::Sub": "arn:aws:apigateway:${AWS::Region}:dynamodb:action/GetItem"}
        requestTemplates:
          application/json: {"Fn::Sub": "{\"TableName\": \"${Table}\"}"}
  /param:
    get:
      responses: {"200": {description: x}}
      x-amazon-apigateway-integration:
        type: http
        httpMethod: GET
        uri: https://example.com/
        requestParameters:
          integration.request.header.nothing: true
          integration.request.header.kept: method.request.header.kept
  /stream:
    post:
      responses: {"200": {description: x}}
      x-amazon-apigateway-integration:
        type: aws_proxy
        httpMethod: POST
        uri: arn:aws:apigateway:us-east-1:lambda:path/2021-11-15/functions/arn:aws:lambda:us-east-1:123456789012:function:Streamer/response-streaming-invocations
  /svc:
    post:
      responses: {"200": {description: x}}
      x-amazon-apigateway-integration:
        type: aws
        httpMethod: POST
        credentials: arn:aws:iam::123456789012:role/r
        uri: arn:aws:apigateway:us-east-1:sqs:path/123456789012/queue
        requestParameters: {integration.request.header.Content-Type: "'application/x-www-form-urlencoded'"}
        requestTemplates: {application/json: "Action=SendMessage&MessageBody=$input.body"}
`
	api, err := Import("o.yaml", []byte(src))
	if err != nil {
		t.Fatalf("the API was rejected: %v", err)
	}
	r := byRoute(api)
	cfn := r["GET /cfn"].Integration
	if cfn.Invalid == "" || !strings.Contains(cfn.Invalid, "Fn::Sub") || cfn.Credentials != "" {
		t.Errorf("cfn: invalid %q credentials %q", cfn.Invalid, cfn.Credentials)
	}
	if got := r["GET /param"].Integration.RequestParameters; !cmp.Equal(got, map[string]string{"integration.request.header.kept": "method.request.header.kept"}) || r["GET /param"].Integration.Invalid != "" {
		t.Errorf("param: %v", got)
	}
	if !r["POST /stream"].Integration.ResponseStreaming {
		t.Error("stream: ResponseStreaming not set")
	}
	if got := r["POST /stream"].Integration.URI; got != "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:123456789012:function:Streamer/invocations" {
		t.Errorf("stream: %q", got)
	}
	svc := r["POST /svc"].Integration
	if svc.Invalid != "" || svc.URI != "arn:aws:apigateway:us-east-1:sqs:path/123456789012/queue" || svc.Credentials != "arn:aws:iam::123456789012:role/r" ||
		svc.RequestTemplates["application/json"] == "" || svc.RequestParameters["integration.request.header.Content-Type"] == "" {
		t.Errorf("svc: %+v", svc)
	}
	var ws []string
	for _, w := range api.Unsupported {
		ws = append(ws, w.Loc.Pointer+": "+w.Message)
	}
	for ptr, text := range map[string]string{
		"/paths/~1cfn/get/x-amazon-apigateway-integration/uri":                                                    "Fn::Sub",
		"/paths/~1cfn/get/x-amazon-apigateway-integration/credentials":                                            "Fn::GetAtt",
		"/paths/~1cfn/get/x-amazon-apigateway-integration/requestTemplates/application~1json":                     "Fn::Sub",
		"/paths/~1param/get/x-amazon-apigateway-integration/requestParameters/integration.request.header.nothing": "but got 'true'; the mapping is dropped",
		"/paths/~1stream/post/x-amazon-apigateway-integration/uri":                                                "streaming is not reproduced",
	} {
		if !hasWarning(ws, ptr, text) {
			t.Errorf("no warning at %s containing %q in:\n%s", ptr, text, strings.Join(ws, "\n"))
		}
	}
}

// TestLenientStructure: shapes AWS's import tolerates are warnings, and the
// AWS extensions are still read.
func TestLenientStructure(t *testing.T) {
	t.Parallel()
	for name, tc := range map[string]struct {
		src       string
		ptr, text string
	}{
		"swagger number": {"swagger: 2.0\ninfo: {title: t, version: 1}\npaths:\n  /a: {get: {responses: {\"200\": {description: x}}, x-amazon-apigateway-integration: {type: mock}}}\n",
			"/swagger", "is a number"},
		"info.version number": {"openapi: 3.0.1\ninfo: {title: t, version: 1.0}\npaths:\n  /a: {get: {responses: {\"200\": {description: x}}, x-amazon-apigateway-integration: {type: mock}}}\n",
			"", ""},
		"info.version timestamp": {"swagger: \"2.0\"\ninfo: {title: t, version: 2016-09-02T22:37:24Z}\npaths:\n  /a: {get: {responses: {\"200\": {description: x}}, x-amazon-apigateway-integration: {type: mock}}}\n",
			"", ""},
		"info.title intrinsic": {"openapi: 3.0.1\ninfo: {title: {Ref: AppName}, version: \"1\"}\npaths:\n  /a: {get: {responses: {\"200\": {description: x}}, x-amazon-apigateway-integration: {type: mock}}}\n",
			"/info/title", "CloudFormation intrinsic (Ref"},
		"servers mapping": {"openapi: 3.0.1\ninfo: {title: t, version: \"1\"}\nservers: {variables: {basePath: {default: /v1}}}\npaths:\n  /a: {get: {responses: {\"200\": {description: x}}, x-amazon-apigateway-integration: {type: mock}}}\n",
			"/servers", "not a list"},
		"server without url": {"openapi: 3.0.1\ninfo: {title: t, version: \"1\"}\nservers: [{x-amazon-apigateway-endpoint-configuration: {disableExecuteApiEndpoint: true}}]\npaths:\n  /a: {get: {responses: {\"200\": {description: x}}, x-amazon-apigateway-integration: {type: mock}}}\n",
			"/servers/0/url", "needs a url"},
		"several body parameters": {"swagger: \"2.0\"\ninfo: {title: t, version: \"1\"}\npaths:\n  /a:\n    put:\n      parameters:\n        - {name: a, in: body, schema: {$ref: \"#/definitions/A\"}}\n        - {name: b, in: body, schema: {$ref: \"#/definitions/B\"}}\n      responses: {\"200\": {description: x}}\n      x-amazon-apigateway-integration: {type: mock}\ndefinitions:\n  A: {type: object}\n  B: {type: object}\n",
			"/paths/~1a/put/parameters/1", "one body parameter"},
	} {
		api, err := Import(name+".yaml", []byte(tc.src))
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if len(api.Methods) != 1 || api.Methods[0].Integration == nil || api.Methods[0].Integration.Type != "MOCK" {
			t.Errorf("%s: methods %+v", name, api.Methods)
		}
		var ws []string
		for _, w := range api.Unsupported {
			ws = append(ws, w.Loc.Pointer+": "+w.Message)
		}
		if tc.ptr != "" && !hasWarning(ws, tc.ptr, tc.text) {
			t.Errorf("%s: no warning at %s containing %q in:\n%s", name, tc.ptr, tc.text, strings.Join(ws, "\n"))
		}
		if name == "several body parameters" && api.Methods[0].RequestModels["application/json"] != "A" {
			t.Errorf("%s: request models %v, want the first body parameter's", name, api.Methods[0].RequestModels)
		}
	}
}

// TestUnresolvedRefLocated reports each broken $ref at its own line and
// pointer, and the other problems of the document too.
func TestUnresolvedRefLocated(t *testing.T) {
	t.Parallel()
	src := `openapi: 3.0.1
info: {title: t, version: "1"}
paths:
  /a:
    post:
      requestBody:
        content:
          application/json:
            schema:
              $ref: "#/components/schemas/Missing"
      responses:
        "200":
          description: x
          content: {application/json: {schema: {$ref: "#/components/schemas/AlsoMissing"}}}
      x-amazon-apigateway-integration: {type: mock, passthroughBehavior: sometimes}
components:
  schemas:
    Present: {type: object}
`
	_, err := Import("r.yaml", []byte(src))
	if err == nil {
		t.Fatal("no error")
	}
	for _, want := range []string{
		`r.yaml:10: /paths/~1a/post/requestBody/content/application~1json/schema/$ref: reference "#/components/schemas/Missing" does not resolve`,
		`r.yaml:14: /paths/~1a/post/responses/200/content/application~1json/schema/$ref: reference "#/components/schemas/AlsoMissing" does not resolve`,
		`r.yaml:15: /paths/~1a/post/x-amazon-apigateway-integration/passthroughBehavior: must be`,
	} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("missing %q in:\n%v", want, err)
		}
	}
	if n := strings.Count(err.Error(), "schemas/Missing\" does not resolve"); n != 1 {
		t.Errorf("the broken request model reference is reported %d times:\n%v", n, err)
	}
}
