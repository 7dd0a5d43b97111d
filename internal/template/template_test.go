package template

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// write puts a template (and a code directory "code") in a temporary
// directory and returns the template's path.
func write(t testing.TB, body string) string {
	t.Helper()
	dir := t.TempDir()
	if err := os.Mkdir(filepath.Join(dir, "code"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "code", "app.js"), []byte("exports.handler = async () => ({statusCode: 200, body: 'ok'});\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(dir, "template.yaml")
	if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

const samHeader = "Transform: AWS::Serverless-2016-10-31\nResources:\n"

// TestLocatedErrors: what cannot be served locally is an error naming the
// template line, the JSON Pointer of the property and the resource.
func TestLocatedErrors(t *testing.T) {
	t.Parallel()
	cases := []struct{ name, body, want string }{
		{"code in S3", samHeader + `  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: nodejs20.x
      Handler: app.handler
      CodeUri: s3://bucket/fn.zip
`, "template.yaml:8: /Resources/Fn/Properties/CodeUri: function Fn: CodeUri s3://bucket/fn.zip is in S3; Portico runs local code: give a local directory"},
		{"imported API", samHeader + `  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: nodejs20.x
      Handler: app.handler
      CodeUri: code
      Events:
        E:
          Type: Api
          Properties:
            RestApiId: !ImportValue shared-api
            Path: /x
            Method: get
`, "template.yaml:13: /Resources/Fn/Properties/Events/E/Properties/RestApiId/Fn::ImportValue: "},
		{"API of another stack", samHeader + `  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: nodejs20.x
      Handler: app.handler
      CodeUri: code
      Events:
        E:
          Type: Api
          Properties:
            RestApiId: abc123
            Path: /x
            Method: get
`, "template.yaml:13: /Resources/Fn/Properties/Events/E/Properties/RestApiId: RestApiId must refer to an AWS::Serverless::Api of this template"},
		{"unknown authorizer", samHeader + `  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: nodejs20.x
      Handler: app.handler
      CodeUri: code
      Events:
        E:
          Type: Api
          Properties:
            Path: /x
            Method: get
            Auth:
              Authorizer: Missing
`, "template.yaml:16: /Resources/Fn/Properties/Events/E/Properties/Auth/Authorizer: authorizer \"Missing\" is not defined in the Auth of API ServerlessRestApi"},
		{"body in S3", `Resources:
  Api:
    Type: AWS::ApiGateway::RestApi
    Properties:
      BodyS3Location: {Bucket: b, Key: k}
`, "template.yaml:5: /Resources/Api/Properties/BodyS3Location: RestApi Api: the definition is in S3 (BodyS3Location); inline it as Body, or name a local file in the resource's Metadata aws:asset:path"},
		{"lambda code in S3", `Resources:
  Fn:
    Type: AWS::Lambda::Function
    Properties:
      Runtime: nodejs20.x
      Handler: app.handler
      Code: {S3Bucket: b, S3Key: k}
`, "template.yaml:7: /Resources/Fn/Properties/Code: function Fn: the code is only in S3 (or an image); give Code as a local directory, or the aws:asset:path metadata of a CDK asset"},
		{"method of an unknown API", `Resources:
  M:
    Type: AWS::ApiGateway::Method
    Properties:
      RestApiId: x1y2z3
      ResourceId: r
      HttpMethod: GET
`, "template.yaml:5: /Resources/M/Properties/RestApiId: AWS::ApiGateway::Method M: RestApiId x1y2z3 is not an AWS::ApiGateway::RestApi of this template"},
		{"REST API without a stage", `Resources:
  Api:
    Type: AWS::ApiGateway::RestApi
    Properties:
      Name: x
`, "template.yaml:2: /Resources/Api: REST API Api has no stage: add an AWS::ApiGateway::Stage, or a StageName on its AWS::ApiGateway::Deployment"},
		{"layer ARN", samHeader + `  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: nodejs20.x
      Handler: app.handler
      CodeUri: code
      Layers:
        - arn:aws:lambda:us-east-1:123456789012:layer:shared:3
`, "template.yaml:10: /Resources/Fn/Properties/Layers/0: function Fn: layer arn:aws:lambda:us-east-1:123456789012:layer:shared:3 is not a layer of this template"},
		{"authorizer that is not a function", samHeader + `  Api:
    Type: AWS::Serverless::Api
    Properties:
      StageName: dev
      Auth:
        Authorizers:
          Q:
            FunctionArn: !GetAtt Queue.Arn
  Queue:
    Type: AWS::SQS::Queue
`, "template.yaml:10: /Resources/Api/Properties/Auth/Authorizers/Q/FunctionArn: Queue is of type AWS::SQS::Queue, not a function of this template with local code"},
		{"SAM type without the transform", `Resources:
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: code
`, "template.yaml:3: /Resources/Fn/Type: AWS::Serverless::Function needs Transform: AWS::Serverless-2016-10-31"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			_, err := Load(write(t, c.body), Options{})
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("error %v\nwant it to contain %q", err, c.want)
			}
		})
	}
}

// TestEnvVarsAndNotes: --env-vars overrides declared variables only
// (Parameters first, then the function's own); ignored resources are one
// note; FunctionName names the local function and its integrations.
func TestEnvVarsAndNotes(t *testing.T) {
	t.Parallel()
	p := write(t, samHeader+`  Fn:
    Type: AWS::Serverless::Function
    Properties:
      FunctionName: hello-fn
      Runtime: nodejs20.x
      Handler: app.handler
      CodeUri: code
      Environment:
        Variables: {A: template, B: template, C: template}
      Events:
        E: {Type: Api, Properties: {Path: /x, Method: get}}
        Tick: {Type: Schedule, Properties: {Schedule: rate(1 minute)}}
  Queue:
    Type: AWS::SQS::Queue
  Topic:
    Type: AWS::SNS::Topic
`)
	env := filepath.Join(filepath.Dir(p), "env.json")
	if err := os.WriteFile(env, []byte(`{"Parameters": {"A": "all", "B": "all", "D": "all"}, "Fn": {"B": "fn", "E": "fn"}}`), 0o644); err != nil {
		t.Fatal(err)
	}
	res, err := Load(p, Options{EnvVars: env})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Functions) != 1 {
		t.Fatalf("functions: %+v", res.Functions)
	}
	fn := res.Functions[0]
	got, _ := json.Marshal(fn.Environment)
	if fn.Name != "hello-fn" || string(got) != `{"A":"all","B":"fn","C":"template"}` {
		t.Errorf("function %s environment %s", fn.Name, got)
	}
	if !strings.Contains(string(res.APIs[0].Body), "function:hello-fn/invocations") {
		t.Errorf("the integration does not name hello-fn: %s", res.APIs[0].Body)
	}
	var notes []string
	for _, n := range res.Notes {
		notes = append(notes, n.Message)
	}
	want := []string{"event Tick of function Fn has type Schedule, which is not served locally (only Api and HttpApi events are); the function is still invocable through Lambda's Invoke API on the admin listener",
		"ignored 2 resource(s) that are neither APIs nor functions: Queue (AWS::SQS::Queue), Topic (AWS::SNS::Topic)"}
	if strings.Join(notes, "\n") != strings.Join(want, "\n") {
		t.Errorf("notes %q, want %q", notes, want)
	}
	if !strings.HasSuffix(res.Files[0], "template.yaml") || !strings.HasSuffix(res.Files[1], "env.json") || len(res.Files) != 2 {
		t.Errorf("watched files %v", res.Files)
	}
}

// TestCloudFormationHTTPAPIAndKeys: an HTTP API from ApiGatewayV2
// resources, a CDK asset function, and keys and plans from ApiGateway
// resources.
func TestCloudFormationHTTPAPIAndKeys(t *testing.T) {
	t.Parallel()
	p := write(t, `Resources:
  Fn:
    Type: AWS::Lambda::Function
    Metadata:
      aws:asset:path: code
    Properties:
      Runtime: nodejs20.x
      Handler: app.handler
      Code: {S3Bucket: cdk-assets, S3Key: abc.zip}
      MemorySize: 256
      Timeout: 10
  Http:
    Type: AWS::ApiGatewayV2::Api
    Properties: {Name: h, ProtocolType: HTTP}
  Integ:
    Type: AWS::ApiGatewayV2::Integration
    Properties:
      ApiId: !Ref Http
      IntegrationType: AWS_PROXY
      IntegrationUri: !GetAtt Fn.Arn
      PayloadFormatVersion: "2.0"
  Jwt:
    Type: AWS::ApiGatewayV2::Authorizer
    Properties:
      ApiId: !Ref Http
      AuthorizerType: JWT
      Name: jwt
      IdentitySource: [$request.header.Authorization]
      JwtConfiguration: {Issuer: "https://issuer.example.com", Audience: [aud]}
  Route:
    Type: AWS::ApiGatewayV2::Route
    Properties:
      ApiId: !Ref Http
      RouteKey: GET /items/{id}
      Target: !Sub integrations/${Integ}
      AuthorizationType: JWT
      AuthorizerId: !Ref Jwt
      AuthorizationScopes: [read]
  Stage:
    Type: AWS::ApiGatewayV2::Stage
    Properties:
      ApiId: !Ref Http
      StageName: $default
      DefaultRouteSettings: {ThrottlingRateLimit: 10, ThrottlingBurstLimit: 5}
  Rest:
    Type: AWS::ApiGateway::RestApi
    Properties:
      Body:
        swagger: "2.0"
        info: {title: r, version: "1"}
        paths: {}
  RestStage:
    Type: AWS::ApiGateway::Stage
    Properties: {RestApiId: !Ref Rest, StageName: prod, DeploymentId: d}
  Key:
    Type: AWS::ApiGateway::ApiKey
    Properties: {Name: partner, Value: partner-key-0123456789abcdef, Enabled: true}
  Plan:
    Type: AWS::ApiGateway::UsagePlan
    Properties:
      ApiStages: [{ApiId: !Ref Rest, Stage: !Ref RestStage}]
      Quota: {Limit: 1000, Period: MONTH}
      Throttle: {RateLimit: 20, BurstLimit: 40}
  PlanKey:
    Type: AWS::ApiGateway::UsagePlanKey
    Properties: {KeyId: !Ref Key, KeyType: API_KEY, UsagePlanId: !Ref Plan}
`)
	res, err := Load(p, Options{})
	if err != nil {
		t.Fatal(err)
	}
	fn := res.Functions[0]
	if fn.Name != "Fn" || !strings.HasSuffix(fn.CodeURI, "/code") || fn.MemorySize != 256 || fn.Timeout.D().Seconds() != 10 {
		t.Errorf("function %+v", fn)
	}
	if len(res.APIs) != 2 || res.APIs[0].ID != "http" || res.APIs[0].Type != "http" || res.APIs[1].ID != "rest" || res.APIs[1].Stages[0].Name != "prod" {
		t.Fatalf("APIs %+v", res.APIs)
	}
	var doc map[string]any
	if err := json.Unmarshal(res.APIs[0].Body, &doc); err != nil {
		t.Fatal(err)
	}
	op := doc["paths"].(map[string]any)["/items/{id}"].(map[string]any)["get"].(map[string]any)
	sec, _ := json.Marshal(op["security"])
	in, _ := json.Marshal(op["x-amazon-apigateway-integration"])
	if string(sec) != `[{"Jwt":["read"]}]` || string(in) != `{"httpMethod":"POST","payloadFormatVersion":"2.0","type":"aws_proxy","uri":"arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:123456789012:function:Fn/invocations"}` {
		t.Errorf("route security %s integration %s", sec, in)
	}
	if st := res.APIs[0].Stages[0]; st.Name != "$default" || *st.DefaultRouteSettings.ThrottlingRateLimit != 10 {
		t.Errorf("HTTP stage %+v", st)
	}
	if len(res.APIKeys) != 1 || res.APIKeys[0].Name != "partner" || res.APIKeys[0].Value != "partner-key-0123456789abcdef" {
		t.Errorf("keys %+v", res.APIKeys)
	}
	pl := res.UsagePlans[0]
	if len(res.UsagePlans) != 1 || pl.APIStages[0].API != "rest" || pl.APIStages[0].Stage != "prod" || pl.Quota.Limit != 1000 || pl.Throttle.BurstLimit != 40 || pl.APIKeys[0] != "partner" {
		t.Errorf("plans %+v", res.UsagePlans)
	}
}

// FuzzParse: no template, however malformed, panics the translation.
func FuzzParse(f *testing.F) {
	for _, name := range append(samTemplates, "cfnrest") {
		data, err := os.ReadFile(filepath.Join("testdata", name, "template.yaml"))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte(samHeader + "  A: {Type: AWS::Serverless::Api, Properties: {StageName: s, Auth: {Authorizers: {X: {}}}, Cors: 3}}\n"))
	f.Add([]byte("Resources:\n  M: {Type: AWS::ApiGateway::Method, Properties: {RestApiId: !Ref M, ResourceId: !Ref M}}\n"))
	f.Setenv("XDG_CACHE_HOME", f.TempDir()) // InlineCode is written under the cache directory
	f.Setenv("HOME", f.TempDir())
	file := filepath.Join(f.TempDir(), "template.yaml")
	f.Fuzz(func(t *testing.T, data []byte) {
		_, _ = Parse(file, data, Options{})
	})
}

// BenchmarkLoad: reading, resolving and translating the REST auth template.
func BenchmarkLoad(b *testing.B) {
	for b.Loop() {
		if _, err := Load("testdata/restauth/template.yaml", Options{}); err != nil {
			b.Fatal(err)
		}
	}
}

// TestStageCache: a SAM Api's and a CloudFormation Stage's cache cluster
// and caching method settings become the stage's cache settings
// (docs/aws-behaviour.md#response-caching).
func TestStageCache(t *testing.T) {
	t.Parallel()
	p := write(t, samHeader+`  Api:
    Type: AWS::Serverless::Api
    Properties:
      StageName: prod
      CacheClusterEnabled: true
      CacheClusterSize: "1.6"
      MethodSettings:
        - {ResourcePath: "/*", HttpMethod: "*", CachingEnabled: true, CacheTtlInSeconds: 60, ThrottlingBurstLimit: 5}
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: nodejs20.x
      Handler: app.handler
      CodeUri: code
      Events:
        E: {Type: Api, Properties: {Path: /x, Method: get, RestApiId: !Ref Api}}
`)
	res, err := Load(p, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.APIs) != 1 || len(res.APIs[0].Stages) != 1 {
		t.Fatalf("apis %+v", res.APIs)
	}
	st := res.APIs[0].Stages[0]
	if st.Cache == nil || !st.Cache.Enabled || st.Cache.Size != 1.6 {
		t.Errorf("cache %+v", st.Cache)
	}
	if len(st.MethodSettings) != 1 {
		t.Fatalf("method settings %+v", st.MethodSettings)
	}
	ms := st.MethodSettings[0]
	if ms.CachingEnabled == nil || !*ms.CachingEnabled || ms.CacheTTLInSeconds == nil || *ms.CacheTTLInSeconds != 60 || *ms.ThrottlingBurstLimit != 5 {
		t.Errorf("method setting %+v", ms)
	}
	for _, n := range res.Notes {
		if strings.Contains(n.Message, "CacheClusterEnabled") {
			t.Errorf("the cache is still noted as ignored: %s", n.Message)
		}
	}
}
