package app

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/apigateway"
	"github.com/aws/aws-sdk-go-v2/service/apigateway/types"
	"github.com/aws/smithy-go"
	"github.com/aws/smithy-go/middleware"
	smithyhttp "github.com/aws/smithy-go/transport/http"
	"go.yaml.in/yaml/v4"

	"github.com/portico-gw/portico/internal/admin"
)

// managed is a gateway whose admin listener (with the management API) and
// data plane are served in process.
type managed struct {
	logs  *lockedBuffer
	g     *Gateway
	admin *httptest.Server
	data  *httptest.Server
	c     *apigateway.Client
}

// startManaged starts a gateway from the settings in dir/portico.yaml
// (written when settings is not empty).
func startManaged(t *testing.T, dir, settings string) *managed {
	t.Helper()
	cfgPath := filepath.Join(dir, "portico.yaml")
	if settings != "" {
		if err := os.WriteFile(cfgPath, []byte(settings), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	logs := &lockedBuffer{}
	g, err := New(Source{ConfigPath: cfgPath, Getenv: os.Getenv}, Options{Logger: slog.New(slog.NewTextHandler(logs, nil))})
	if err != nil {
		t.Fatal(err)
	}
	m := &managed{g: g, logs: logs}
	m.admin = httptest.NewServer(admin.WithManagement(admin.Handler(g, g, g.LambdaAPI(), nil), g.ManagementAPI()))
	m.data = httptest.NewServer(g.Handler())
	m.c = sdkClient(m.admin.URL, "AKIDEXAMPLE", "secret")
	t.Cleanup(m.stop)
	return m
}

func (m *managed) stop() {
	if m.g == nil {
		return
	}
	m.admin.Close()
	m.data.Close()
	_ = m.g.Close()
	m.g = nil
}

func sdkClient(url, key, secret string) *apigateway.Client {
	return apigateway.New(apigateway.Options{Region: "us-east-1", BaseEndpoint: aws.String(url),
		Credentials: credentials.NewStaticCredentialsProvider(key, secret, ""), RetryMaxAttempts: 1})
}

// call sends GET path to a stage of a managed API on the data plane.
func (m *managed) call(t *testing.T, api, stage, path string) (int, string) {
	t.Helper()
	resp, err := http.Get(m.data.URL + "/restapis/" + api + "/" + stage + "/_user_request_" + path)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// wantAPIError checks err's AWS error code and message as the SDK parsed them.
func wantAPIError(t *testing.T, err error, code, message string) {
	t.Helper()
	var ae smithy.APIError
	if !errors.As(err, &ae) {
		t.Fatalf("want %s %q, got %v", code, message, err)
	}
	if ae.ErrorCode() != code || !strings.Contains(ae.ErrorMessage(), message) {
		t.Fatalf("want %s %q, got %s %q", code, message, ae.ErrorCode(), ae.ErrorMessage())
	}
}

const mockAPI = `openapi: "3.0.1"
info: {title: hello-api, description: says hello, version: "1.0"}
paths:
  /hello:
    get:
      responses: {"200": {description: ok}}
      x-amazon-apigateway-integration:
        type: mock
        requestTemplates: {application/json: '{"statusCode": 200}'}
        responses:
          default:
            statusCode: "200"
            responseTemplates: {application/json: '{"v": 1, "color": "$stageVariables.color"}'}
`

var awsID = regexp.MustCompile(`^[a-z0-9]{10}$`)

// TestManagementEndToEnd imports a MOCK API, deploys it, calls it on the
// data plane, changes it (served only after a redeploy), changes stage
// settings (served at once), exports it, and finds everything again after
// a restart on the same bbolt file.
func TestManagementEndToEnd(t *testing.T) {
	dir := t.TempDir()
	settings := "listen: 127.0.0.1:0\nadmin: {listen: 127.0.0.1:0}\n"
	m := startManaged(t, dir, settings)
	ctx := context.Background()

	imp, err := m.c.ImportRestApi(ctx, &apigateway.ImportRestApiInput{Body: []byte(mockAPI)})
	if err != nil {
		t.Fatal(err)
	}
	id := aws.ToString(imp.Id)
	if !awsID.MatchString(id) || aws.ToString(imp.Name) != "hello-api" || aws.ToString(imp.Description) != "says hello" || aws.ToString(imp.Version) != "1.0" ||
		!awsID.MatchString(aws.ToString(imp.RootResourceId)) || imp.CreatedDate == nil || imp.ApiKeySource != types.ApiKeySourceTypeHeader {
		t.Fatalf("import: %+v", imp)
	}
	if st, _ := m.call(t, id, "prod", "/hello"); st != http.StatusForbidden {
		t.Fatalf("before any deployment: status %d, want 403", st)
	}
	dep1, err := m.c.CreateDeployment(ctx, &apigateway.CreateDeploymentInput{RestApiId: &id, StageName: aws.String("prod"),
		Variables: map[string]string{"color": "red"}})
	if err != nil {
		t.Fatal(err)
	}
	if st, body := m.call(t, id, "prod", "/hello"); st != 200 || body != `{"v": 1, "color": "red"}` {
		t.Fatalf("after the deployment: %d %s", st, body)
	}

	// A change to the integration response is served only after a redeploy.
	res, err := m.c.GetResources(ctx, &apigateway.GetResourcesInput{RestApiId: &id})
	if err != nil {
		t.Fatal(err)
	}
	var hello string
	for _, r := range res.Items {
		if aws.ToString(r.Path) == "/hello" {
			hello = aws.ToString(r.Id)
		}
	}
	if _, err := m.c.UpdateIntegrationResponse(ctx, &apigateway.UpdateIntegrationResponseInput{RestApiId: &id, ResourceId: &hello, HttpMethod: aws.String("GET"),
		StatusCode: aws.String("200"), PatchOperations: []types.PatchOperation{{Op: types.OpReplace, Path: aws.String("/responseTemplates/application~1json"),
			Value: aws.String(`{"v": 2, "color": "$stageVariables.color"}`)}}}); err != nil {
		t.Fatal(err)
	}
	if st, body := m.call(t, id, "prod", "/hello"); st != 200 || body != `{"v": 1, "color": "red"}` {
		t.Fatalf("changed but not redeployed: %d %s", st, body)
	}
	dep2, err := m.c.CreateDeployment(ctx, &apigateway.CreateDeploymentInput{RestApiId: &id, StageName: aws.String("prod"), Description: aws.String("v2")})
	if err != nil {
		t.Fatal(err)
	}
	if st, body := m.call(t, id, "prod", "/hello"); st != 200 || body != `{"v": 2, "color": "red"}` {
		t.Fatalf("redeployed: %d %s", st, body)
	}

	// Pointing the stage at the first deployment rolls back at once, and forward again.
	for _, step := range []struct {
		dep  *string
		want string
	}{{dep1.Id, `{"v": 1, "color": "red"}`}, {dep2.Id, `{"v": 2, "color": "red"}`}} {
		if _, err := m.c.UpdateStage(ctx, &apigateway.UpdateStageInput{RestApiId: &id, StageName: aws.String("prod"), PatchOperations: []types.PatchOperation{
			{Op: types.OpReplace, Path: aws.String("/deploymentId"), Value: step.dep}}}); err != nil {
			t.Fatal(err)
		}
		if st, body := m.call(t, id, "prod", "/hello"); st != 200 || body != step.want {
			t.Fatalf("stage on deployment %s: %d %s", aws.ToString(step.dep), st, body)
		}
	}

	// Stage settings take effect at once.
	if _, err := m.c.UpdateStage(ctx, &apigateway.UpdateStageInput{RestApiId: &id, StageName: aws.String("prod"), PatchOperations: []types.PatchOperation{
		{Op: types.OpReplace, Path: aws.String("/variables/color"), Value: aws.String("blue")}}}); err != nil {
		t.Fatal(err)
	}
	if st, body := m.call(t, id, "prod", "/hello"); st != 200 || body != `{"v": 2, "color": "blue"}` {
		t.Fatalf("variable changed: %d %s", st, body)
	}
	// A second stage on the first deployment serves the first snapshot.
	if _, err := m.c.CreateStage(ctx, &apigateway.CreateStageInput{RestApiId: &id, StageName: aws.String("old"), DeploymentId: dep1.Id,
		Variables: map[string]string{"color": "green"}}); err != nil {
		t.Fatal(err)
	}
	if st, body := m.call(t, id, "old", "/hello"); st != 200 || body != `{"v": 1, "color": "green"}` {
		t.Fatalf("stage on the first deployment: %d %s", st, body)
	}
	_, err = m.c.DeleteDeployment(ctx, &apigateway.DeleteDeploymentInput{RestApiId: &id, DeploymentId: dep1.Id})
	wantAPIError(t, err, "BadRequestException", "Active stages pointing to this deployment must be moved or deleted")

	// Throttling at zero refuses every call at once.
	st, err := m.c.UpdateStage(ctx, &apigateway.UpdateStageInput{RestApiId: &id, StageName: aws.String("old"), PatchOperations: []types.PatchOperation{
		{Op: types.OpReplace, Path: aws.String("/*/*/throttling/rateLimit"), Value: aws.String("0")},
		{Op: types.OpReplace, Path: aws.String("/*/*/throttling/burstLimit"), Value: aws.String("0")}}})
	if err != nil {
		t.Fatal(err)
	}
	ms := st.MethodSettings["*/*"]
	if ms.ThrottlingRateLimit != 0 || ms.ThrottlingBurstLimit != 0 || ms.LoggingLevel == nil || *ms.LoggingLevel != "OFF" || ms.CacheTtlInSeconds != 300 ||
		!ms.RequireAuthorizationForCacheControl || ms.UnauthorizedCacheControlHeaderStrategy != types.UnauthorizedCacheControlHeaderStrategySucceedWithResponseHeader {
		t.Fatalf("method setting: %+v", ms)
	}
	if code, body := m.call(t, id, "old", "/hello"); code != http.StatusTooManyRequests || body != `{"message":"Too Many Requests"}` {
		t.Fatalf("throttled stage: %d %s", code, body)
	}
	if code, _ := m.call(t, id, "prod", "/hello"); code != 200 {
		t.Fatalf("other stage: %d", code)
	}

	// Export the prod stage (its second deployment).
	ex, err := m.c.GetExport(ctx, &apigateway.GetExportInput{RestApiId: &id, StageName: aws.String("prod"), ExportType: aws.String("oas30"),
		Parameters: map[string]string{"extensions": "integrations"}})
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		OpenAPI string `json:"openapi"`
		Info    struct{ Title string }
		Servers []struct {
			Variables struct {
				BasePath struct{ Default string } `json:"basePath"`
			}
		}
		Paths map[string]map[string]struct {
			Integration struct {
				Type      string
				Responses map[string]struct {
					ResponseTemplates map[string]string
				}
			} `json:"x-amazon-apigateway-integration"`
		}
	}
	if err := json.Unmarshal(ex.Body, &doc); err != nil {
		t.Fatalf("export: %v\n%s", err, ex.Body)
	}
	integ := doc.Paths["/hello"]["get"].Integration
	if doc.OpenAPI != "3.0.1" || doc.Info.Title != "hello-api" || len(doc.Servers) != 1 || doc.Servers[0].Variables.BasePath.Default != "prod" ||
		integ.Type != "mock" || integ.Responses["default"].ResponseTemplates["application/json"] != `{"v": 2, "color": "$stageVariables.color"}` ||
		aws.ToString(ex.ContentType) != "application/json" {
		t.Fatalf("export: %s", ex.Body)
	}
	// aws-sdk-go-v2 sets Accept: application/json on every apigateway
	// call, over GetExportInput.Accepts; put the asked type back.
	ey, err := m.c.GetExport(ctx, &apigateway.GetExportInput{RestApiId: &id, StageName: aws.String("old"), ExportType: aws.String("swagger"),
		Accepts: aws.String("application/yaml")}, apigateway.WithAPIOptions(func(st *middleware.Stack) error {
		return st.Build.Add(middleware.BuildMiddlewareFunc("accept", func(ctx context.Context, in middleware.BuildInput, next middleware.BuildHandler) (middleware.BuildOutput, middleware.Metadata, error) {
			in.Request.(*smithyhttp.Request).Header.Set("Accept", "application/yaml")
			return next.HandleBuild(ctx, in)
		}), middleware.After)
	}))
	if err != nil {
		t.Fatal(err)
	}
	var sw map[string]any
	if err := yaml.Unmarshal(ey.Body, &sw); err != nil || sw["swagger"] != "2.0" || sw["basePath"] != "/old" || aws.ToString(ey.ContentType) != "application/yaml" {
		t.Fatalf("swagger yaml export (%v): %s", err, ey.Body)
	}
	if strings.Contains(string(ey.Body), "x-amazon-apigateway-integration") {
		t.Errorf("an export without extensions has integrations:\n%s", ey.Body)
	}
	// The export imports again, and the copy serves the same answer.
	reimp, err := m.c.ImportRestApi(ctx, &apigateway.ImportRestApiInput{Body: ex.Body, FailOnWarnings: true})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := m.c.CreateDeployment(ctx, &apigateway.CreateDeploymentInput{RestApiId: reimp.Id, StageName: aws.String("copy"),
		Variables: map[string]string{"color": "teal"}}); err != nil {
		t.Fatal(err)
	}
	if code, body := m.call(t, aws.ToString(reimp.Id), "copy", "/hello"); code != 200 || body != `{"v": 2, "color": "teal"}` {
		t.Fatalf("re-imported export: %d %s", code, body)
	}

	// put-rest-api overwrite replaces the resources; the stage keeps serving
	// its deployment until the next one.
	over := strings.ReplaceAll(strings.ReplaceAll(mockAPI, "/hello", "/bye"), `"v": 1`, `"v": 3`)
	if _, err := m.c.PutRestApi(ctx, &apigateway.PutRestApiInput{RestApiId: &id, Mode: types.PutModeOverwrite, Body: []byte(over)}); err != nil {
		t.Fatal(err)
	}
	res, err = m.c.GetResources(ctx, &apigateway.GetResourcesInput{RestApiId: &id})
	if err != nil {
		t.Fatal(err)
	}
	var paths []string
	for _, r := range res.Items {
		paths = append(paths, aws.ToString(r.Path))
	}
	slices.Sort(paths)
	if !slices.Equal(paths, []string{"/", "/bye"}) {
		t.Fatalf("after overwrite: %v", paths)
	}
	if code, _ := m.call(t, id, "prod", "/hello"); code != 200 {
		t.Fatalf("overwritten, not redeployed: %d", code)
	}
	if _, err := m.c.CreateDeployment(ctx, &apigateway.CreateDeploymentInput{RestApiId: &id, StageName: aws.String("prod")}); err != nil {
		t.Fatal(err)
	}
	if code, body := m.call(t, id, "prod", "/bye"); code != 200 || body != `{"v": 3, "color": "blue"}` {
		t.Fatalf("overwrite redeployed: %d %s", code, body)
	}
	if code, _ := m.call(t, id, "prod", "/hello"); code != http.StatusForbidden {
		t.Fatalf("removed path still served: %d", code)
	}

	// Restart on the same file: everything is back and served.
	m.stop()
	m = startManaged(t, dir, "")
	got, err := m.c.GetRestApi(ctx, &apigateway.GetRestApiInput{RestApiId: &id})
	if err != nil || aws.ToString(got.Name) != "hello-api" {
		t.Fatalf("after restart: %+v %v", got, err)
	}
	deps, err := m.c.GetDeployments(ctx, &apigateway.GetDeploymentsInput{RestApiId: &id})
	if err != nil || len(deps.Items) != 3 {
		t.Fatalf("deployments after restart: %v %v", deps, err)
	}
	if code, body := m.call(t, id, "prod", "/bye"); code != 200 || body != `{"v": 3, "color": "blue"}` {
		t.Fatalf("prod after restart: %d %s", code, body)
	}
	if code, body := m.call(t, id, "old", "/hello"); code != http.StatusTooManyRequests {
		t.Fatalf("old after restart: %d %s", code, body)
	}
	d2, err := m.c.GetDeployment(ctx, &apigateway.GetDeploymentInput{RestApiId: &id, DeploymentId: dep2.Id, Embed: []string{"apisummary"}})
	if err != nil || aws.ToString(d2.Description) != "v2" || d2.ApiSummary["/hello"]["GET"].AuthorizationType == nil {
		t.Fatalf("deployment after restart: %+v %v", d2, err)
	}
	if _, err := os.Stat(filepath.Join(dir, "portico-data", managementFile)); err != nil {
		t.Fatalf("the management file: %v", err)
	}
}
