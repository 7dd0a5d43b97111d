package app

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/apigateway"
	"github.com/aws/aws-sdk-go-v2/service/apigateway/types"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	ltypes "github.com/aws/aws-sdk-go-v2/service/lambda/types"
)

// pythonHandler answers API Gateway's proxy event with its version.
func pythonHandler(version string) string {
	return `import json

def handler(event, context):
    return {"statusCode": 200, "headers": {"Content-Type": "application/json"},
            "body": json.dumps({"version": "` + version + `", "path": event.get("path"), "function": context.function_name})}
`
}

// zipOf zips files (name → content).
func zipOf(t *testing.T, files map[string]string) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for name, content := range files {
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write([]byte(content)); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func lambdaClient(url string) *lambda.Client {
	return lambda.New(lambda.Options{Region: "us-east-1", BaseEndpoint: aws.String(url),
		Credentials: credentials.NewStaticCredentialsProvider("AKIDEXAMPLE", "secret", ""), RetryMaxAttempts: 1})
}

func wantLambdaError[E error](t *testing.T, err error, message string) {
	t.Helper()
	var e E
	if !errors.As(err, &e) || !strings.Contains(err.Error(), message) {
		t.Fatalf("want %T %q, got %v", e, message, err)
	}
}

// TestLambdaControlPlane creates a Python function from a zip through
// Lambda's API (aws-sdk-go-v2), invokes it directly and through a managed
// API's AWS_PROXY integration, updates its code, records a permission,
// creates one from a local directory, deletes one, and finds the others
// again after a restart on the same store.path.
func TestLambdaControlPlane(t *testing.T) {
	if _, err := exec.LookPath("python3"); err != nil {
		t.Skip("SKIPPED: python3 is not installed")
	}
	dir := t.TempDir()
	settings := "listen: 127.0.0.1:0\nadmin: {listen: 127.0.0.1:0}\nstore: {type: embedded, path: " + filepath.Join(dir, "data") + "}\n"
	m := startManaged(t, dir, settings)
	ctx := context.Background()
	lc := lambdaClient(m.admin.URL)

	created, err := lc.CreateFunction(ctx, &lambda.CreateFunctionInput{FunctionName: aws.String("hello"), Runtime: ltypes.RuntimePython312,
		Handler: aws.String("app.handler"), Role: aws.String("arn:aws:iam::123456789012:role/r"), Timeout: aws.Int32(10),
		Code: &ltypes.FunctionCode{ZipFile: zipOf(t, map[string]string{"app.py": pythonHandler("1")})}})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(created.FunctionArn) != "arn:aws:lambda:us-east-1:123456789012:function:hello" || aws.ToInt32(created.Timeout) != 10 ||
		aws.ToString(created.CodeSha256) == "" || created.State != ltypes.StateActive {
		t.Fatalf("create: %+v", created)
	}
	_, err = lc.CreateFunction(ctx, &lambda.CreateFunctionInput{FunctionName: aws.String("hello"), Runtime: ltypes.RuntimePython312, Handler: aws.String("app.handler"),
		Role: aws.String("r"), Code: &ltypes.FunctionCode{ZipFile: zipOf(t, map[string]string{"app.py": ""})}})
	wantLambdaError[*ltypes.ResourceConflictException](t, err, "Function already exist: hello")
	_, err = lc.CreateFunction(ctx, &lambda.CreateFunctionInput{FunctionName: aws.String("broken"), Runtime: ltypes.RuntimePython312, Handler: aws.String("app.handler"),
		Role: aws.String("r"), Code: &ltypes.FunctionCode{ZipFile: []byte("not a zip")}})
	wantLambdaError[*ltypes.InvalidParameterValueException](t, err, "Could not unzip uploaded file")
	_, err = lc.CreateFunction(ctx, &lambda.CreateFunctionInput{FunctionName: aws.String("s3"), Runtime: ltypes.RuntimePython312, Handler: aws.String("app.handler"),
		Role: aws.String("r"), Code: &ltypes.FunctionCode{S3Bucket: aws.String("bucket"), S3Key: aws.String("k.zip")}})
	wantLambdaError[*ltypes.InvalidParameterValueException](t, err, "Portico runs local code only")

	// The control plane needs a signature (the Invoke API does not).
	resp, err := http.Post(m.admin.URL+"/2015-03-31/functions", "application/json", strings.NewReader(`{"FunctionName":"x"}`))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 403 || resp.Header.Get("X-Amzn-Errortype") != "MissingAuthenticationTokenException" {
		t.Fatalf("unsigned create: %d %v", resp.StatusCode, resp.Header)
	}

	invoke := func(name, want string) {
		t.Helper()
		out, err := lc.Invoke(ctx, &lambda.InvokeInput{FunctionName: aws.String(name), Payload: []byte(`{"path":"/direct"}`)})
		if err != nil || out.FunctionError != nil || !strings.Contains(string(out.Payload), want) {
			t.Fatalf("invoke %s: %v %s %v", name, aws.ToString(out.FunctionError), out.Payload, err)
		}
	}
	invoke("hello", `\"version\": \"1\"`)

	// A managed API whose GET / is an AWS_PROXY integration to it.
	c := m.c
	api, err := c.CreateRestApi(ctx, &apigateway.CreateRestApiInput{Name: aws.String("fn")})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.PutMethod(ctx, &apigateway.PutMethodInput{RestApiId: api.Id, ResourceId: api.RootResourceId, HttpMethod: aws.String("GET"), AuthorizationType: aws.String("NONE")}); err != nil {
		t.Fatal(err)
	}
	uri := "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/" + aws.ToString(created.FunctionArn) + "/invocations"
	if _, err := c.PutIntegration(ctx, &apigateway.PutIntegrationInput{RestApiId: api.Id, ResourceId: api.RootResourceId, HttpMethod: aws.String("GET"),
		Type: types.IntegrationTypeAwsProxy, IntegrationHttpMethod: aws.String("POST"), Uri: aws.String(uri)}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.CreateDeployment(ctx, &apigateway.CreateDeploymentInput{RestApiId: api.Id, StageName: aws.String("prod")}); err != nil {
		t.Fatal(err)
	}
	if st, body := m.call(t, aws.ToString(api.Id), "prod", "/"); st != 200 || body != `{"version": "1", "path": "/", "function": "hello"}` {
		t.Fatalf("through API Gateway: %d %s", st, body)
	}

	// New code serves the next invocation, on both paths.
	upd, err := lc.UpdateFunctionCode(ctx, &lambda.UpdateFunctionCodeInput{FunctionName: aws.String("hello"), ZipFile: zipOf(t, map[string]string{"app.py": pythonHandler("2")})})
	if err != nil || aws.ToString(upd.CodeSha256) == aws.ToString(created.CodeSha256) {
		t.Fatalf("update code: %+v %v", upd, err)
	}
	invoke("hello", `\"version\": \"2\"`)
	if st, body := m.call(t, aws.ToString(api.Id), "prod", "/"); st != 200 || !strings.Contains(body, `"version": "2"`) {
		t.Fatalf("through API Gateway after the update: %d %s", st, body)
	}

	got, err := lc.GetFunction(ctx, &lambda.GetFunctionInput{FunctionName: aws.String("hello")})
	if err != nil || aws.ToString(got.Configuration.Handler) != "app.handler" || aws.ToString(got.Configuration.CodeSha256) != aws.ToString(upd.CodeSha256) {
		t.Fatalf("get function: %+v %v", got, err)
	}
	_, err = lc.GetFunction(ctx, &lambda.GetFunctionInput{FunctionName: aws.String("nope")})
	wantLambdaError[*ltypes.ResourceNotFoundException](t, err, "Function not found: arn:aws:lambda:us-east-1:123456789012:function:nope")

	perm, err := lc.AddPermission(ctx, &lambda.AddPermissionInput{FunctionName: aws.String("hello"), StatementId: aws.String("apigw"),
		Action: aws.String("lambda:InvokeFunction"), Principal: aws.String("apigateway.amazonaws.com"), SourceArn: aws.String("arn:aws:execute-api:us-east-1:123456789012:abc/*")})
	if err != nil {
		t.Fatal(err)
	}
	var st map[string]any
	if err := json.Unmarshal([]byte(aws.ToString(perm.Statement)), &st); err != nil || st["Sid"] != "apigw" || st["Resource"] != aws.ToString(created.FunctionArn) {
		t.Fatalf("add permission: %s %v", aws.ToString(perm.Statement), err)
	}
	_, err = lc.AddPermission(ctx, &lambda.AddPermissionInput{FunctionName: aws.String("hello"), StatementId: aws.String("apigw"),
		Action: aws.String("lambda:InvokeFunction"), Principal: aws.String("apigateway.amazonaws.com")})
	wantLambdaError[*ltypes.ResourceConflictException](t, err, "The statement id (apigw) provided already exists")
	if pol, err := lc.GetPolicy(ctx, &lambda.GetPolicyInput{FunctionName: aws.String("hello")}); err != nil || !strings.Contains(aws.ToString(pol.Policy), `"Sid":"apigw"`) {
		t.Fatalf("get policy: %+v %v", pol, err)
	}

	// A function run in place from a local directory.
	code := filepath.Join(dir, "code")
	if err := os.MkdirAll(code, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(code, "app.py"), []byte(pythonHandler("dir")), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := lc.CreateFunction(ctx, &lambda.CreateFunctionInput{FunctionName: aws.String("fromdir"), Runtime: ltypes.RuntimePython312, Handler: aws.String("app.handler"),
		Role: aws.String("r"), Code: &ltypes.FunctionCode{S3Bucket: aws.String("portico-local"), S3Key: aws.String(code)}}); err != nil {
		t.Fatal(err)
	}
	invoke("fromdir", `\"version\": \"dir\"`)
	if _, err := lc.CreateFunction(ctx, &lambda.CreateFunctionInput{FunctionName: aws.String("doomed"), Runtime: ltypes.RuntimePython312, Handler: aws.String("app.handler"),
		Role: aws.String("r"), Code: &ltypes.FunctionCode{ZipFile: zipOf(t, map[string]string{"app.py": pythonHandler("x")})}}); err != nil {
		t.Fatal(err)
	}
	list, err := lc.ListFunctions(ctx, &lambda.ListFunctionsInput{})
	if err != nil || len(list.Functions) != 3 {
		t.Fatalf("list: %+v %v", list, err)
	}
	if _, err := lc.DeleteFunction(ctx, &lambda.DeleteFunctionInput{FunctionName: aws.String("doomed")}); err != nil {
		t.Fatal(err)
	}
	_, err = lc.Invoke(ctx, &lambda.InvokeInput{FunctionName: aws.String("doomed")})
	wantLambdaError[*ltypes.ResourceNotFoundException](t, err, "Function not found")

	// After a restart the functions made through the API are back.
	m.stop()
	m = startManaged(t, dir, "")
	lc = lambdaClient(m.admin.URL)
	invoke("hello", `\"version\": \"2\"`)
	invoke("fromdir", `\"version\": \"dir\"`)
	if st, body := m.call(t, aws.ToString(api.Id), "prod", "/"); st != 200 || !strings.Contains(body, `"version": "2"`) {
		t.Fatalf("through API Gateway after a restart: %d %s", st, body)
	}
	if _, err := lc.GetFunction(ctx, &lambda.GetFunctionInput{FunctionName: aws.String("doomed")}); err == nil {
		t.Fatal("a deleted function came back")
	}
}

// TestManagementAuthorizerServed: a TOKEN authorizer made through the
// management API, backed by a function made through Lambda's API, guards a
// method once deployed.
func TestManagementAuthorizerServed(t *testing.T) {
	if _, err := exec.LookPath("python3"); err != nil {
		t.Skip("SKIPPED: python3 is not installed")
	}
	m := startManaged(t, t.TempDir(), "listen: 127.0.0.1:0\nadmin: {listen: 127.0.0.1:0}\nstore: {type: memory}\n")
	ctx := context.Background()
	authorizer := `def handler(event, context):
    if event.get("authorizationToken") != "allow":
        raise Exception("Unauthorized")
    return {"principalId": "user", "policyDocument": {"Version": "2012-10-17",
            "Statement": [{"Action": "execute-api:Invoke", "Effect": "Allow", "Resource": event["methodArn"]}]}}
`
	fn, err := lambdaClient(m.admin.URL).CreateFunction(ctx, &lambda.CreateFunctionInput{FunctionName: aws.String("tokens"), Runtime: ltypes.RuntimePython312,
		Handler: aws.String("auth.handler"), Role: aws.String("r"), Code: &ltypes.FunctionCode{ZipFile: zipOf(t, map[string]string{"auth.py": authorizer})}})
	if err != nil {
		t.Fatal(err)
	}
	c := m.c
	api, err := c.CreateRestApi(ctx, &apigateway.CreateRestApiInput{Name: aws.String("guarded")})
	if err != nil {
		t.Fatal(err)
	}
	a, err := c.CreateAuthorizer(ctx, &apigateway.CreateAuthorizerInput{RestApiId: api.Id, Name: aws.String("tok"), Type: types.AuthorizerTypeToken,
		AuthorizerUri:                aws.String("arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/" + aws.ToString(fn.FunctionArn) + "/invocations"),
		IdentitySource:               aws.String("method.request.header.Authorization"),
		AuthorizerResultTtlInSeconds: aws.Int32(0)})
	if err != nil {
		t.Fatal(err)
	}
	get := aws.String("GET")
	if _, err := c.PutMethod(ctx, &apigateway.PutMethodInput{RestApiId: api.Id, ResourceId: api.RootResourceId, HttpMethod: get, AuthorizationType: aws.String("CUSTOM"), AuthorizerId: a.Id}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.PutIntegration(ctx, &apigateway.PutIntegrationInput{RestApiId: api.Id, ResourceId: api.RootResourceId, HttpMethod: get, Type: types.IntegrationTypeMock,
		RequestTemplates: map[string]string{"application/json": `{"statusCode": 200}`}}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.PutIntegrationResponse(ctx, &apigateway.PutIntegrationResponseInput{RestApiId: api.Id, ResourceId: api.RootResourceId, HttpMethod: get, StatusCode: aws.String("200"),
		ResponseTemplates: map[string]string{"application/json": `{"principal": "$context.authorizer.principalId"}`}}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.CreateDeployment(ctx, &apigateway.CreateDeploymentInput{RestApiId: api.Id, StageName: aws.String("prod")}); err != nil {
		t.Fatal(err)
	}
	call := func(token string) (int, string) {
		req, _ := http.NewRequest(http.MethodGet, m.data.URL+"/restapis/"+aws.ToString(api.Id)+"/prod/_user_request_/", nil)
		if token != "" {
			req.Header.Set("Authorization", token)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var buf bytes.Buffer
		_, _ = buf.ReadFrom(resp.Body)
		return resp.StatusCode, buf.String()
	}
	for _, c := range []struct {
		token, body string
		status      int
	}{
		{"", `{"message":"Unauthorized"}`, 401},
		{"deny", `{"message":"Unauthorized"}`, 401},
		{"allow", `{"principal": "user"}`, 200},
	} {
		if st, body := call(c.token); st != c.status || body != c.body {
			t.Errorf("token %q: %d %s, want %d %s", c.token, st, body, c.status, c.body)
		}
	}
}
