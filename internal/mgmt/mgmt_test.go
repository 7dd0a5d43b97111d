package mgmt_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/apigateway"
	"github.com/aws/aws-sdk-go-v2/service/apigateway/types"
	"github.com/aws/smithy-go"

	"github.com/portico-gw/portico/internal/apidef"
	"github.com/portico-gw/portico/internal/deploy"
	"github.com/portico-gw/portico/internal/mgmt"
)

func serve(t *testing.T, s *mgmt.Service) *apigateway.Client {
	t.Helper()
	srv := httptest.NewServer(s.Handler())
	t.Cleanup(srv.Close)
	return apigateway.New(apigateway.Options{Region: "us-east-1", BaseEndpoint: aws.String(srv.URL),
		Credentials: credentials.NewStaticCredentialsProvider("AKID", "secret", ""), RetryMaxAttempts: 1})
}

func open(t *testing.T, st mgmt.Store) *mgmt.Service {
	t.Helper()
	s, err := mgmt.New(context.Background(), mgmt.Options{Store: st, Region: "us-east-1", AccountID: "123456789012"})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// mockMethod gives the API a GET / with a MOCK integration.
func mockMethod(t *testing.T, c *apigateway.Client, api *apigateway.CreateRestApiOutput) {
	t.Helper()
	ctx := context.Background()
	if _, err := c.PutMethod(ctx, &apigateway.PutMethodInput{RestApiId: api.Id, ResourceId: api.RootResourceId, HttpMethod: aws.String("GET"), AuthorizationType: aws.String("NONE")}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.PutIntegration(ctx, &apigateway.PutIntegrationInput{RestApiId: api.Id, ResourceId: api.RootResourceId, HttpMethod: aws.String("GET"), Type: types.IntegrationTypeMock}); err != nil {
		t.Fatal(err)
	}
}

// TestBoltPersistence: what one Service stored, a Service opened on the
// same file finds, deployments and stages included; Specs serves them.
func TestBoltPersistence(t *testing.T) {
	path := filepath.Join(t.TempDir(), "management.db")
	st, err := mgmt.OpenBolt(path)
	if err != nil {
		t.Fatal(err)
	}
	s := open(t, st)
	c := serve(t, s)
	ctx := context.Background()
	api, err := c.CreateRestApi(ctx, &apigateway.CreateRestApiInput{Name: aws.String("kept")})
	if err != nil {
		t.Fatal(err)
	}
	mockMethod(t, c, api)
	dep, err := c.CreateDeployment(ctx, &apigateway.CreateDeploymentInput{RestApiId: api.Id, StageName: aws.String("v1"), Variables: map[string]string{"k": "v"}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := mgmt.OpenBolt(path); err == nil {
		t.Fatal("a second opener got the file while the first has it")
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	st, err = mgmt.OpenBolt(path)
	if err != nil {
		t.Fatal(err)
	}
	s = open(t, st)
	defer s.Close()
	c = serve(t, s)
	got, err := c.GetStage(ctx, &apigateway.GetStageInput{RestApiId: api.Id, StageName: aws.String("v1")})
	if err != nil || aws.ToString(got.DeploymentId) != aws.ToString(dep.Id) || got.Variables["k"] != "v" {
		t.Fatalf("stage after reopen: %+v %v", got, err)
	}
	specs := s.Specs()
	if len(specs) != 1 || specs[0].ID != aws.ToString(api.Id) || len(specs[0].Stages) != 1 || specs[0].Stages[0].DeploymentID != aws.ToString(dep.Id) ||
		len(specs[0].Def.Methods) != 1 || specs[0].Def.Methods[0].Path != "/" || specs[0].Def.Methods[0].Integration.Type != "MOCK" {
		t.Fatalf("specs: %+v", specs)
	}
}

// TestRedeployFailureUndoes: when the gateway cannot deploy a change, the
// change is refused and nothing of it stays.
func TestRedeployFailureUndoes(t *testing.T) {
	st := mgmt.NewMemoryStore()
	s := open(t, st)
	fail := true
	s.SetOnDeploy(func() error {
		if fail {
			return errors.New("stage x: template does not compile")
		}
		return nil
	})
	c := serve(t, s)
	ctx := context.Background()
	api, err := c.CreateRestApi(ctx, &apigateway.CreateRestApiInput{Name: aws.String("a")})
	if err != nil {
		t.Fatal(err)
	}
	mockMethod(t, c, api)
	_, err = c.CreateDeployment(ctx, &apigateway.CreateDeploymentInput{RestApiId: api.Id, StageName: aws.String("s")})
	var br *types.BadRequestException
	if !errors.As(err, &br) || aws.ToString(br.Message) != "the change was not applied: the gateway could not deploy it: stage x: template does not compile" {
		t.Fatalf("got %v", err)
	}
	deps, _ := c.GetDeployments(ctx, &apigateway.GetDeploymentsInput{RestApiId: api.Id})
	stages, _ := c.GetStages(ctx, &apigateway.GetStagesInput{RestApiId: api.Id})
	if len(deps.Items) != 0 || len(stages.Item) != 0 || len(s.Specs()) != 0 {
		t.Fatalf("left behind: %d deployments, %d stages", len(deps.Items), len(stages.Item))
	}
	raw, _ := st.LoadAll(ctx)
	var doc struct{ Deployments map[string]any }
	if err := json.Unmarshal(raw[aws.ToString(api.Id)], &doc); err != nil || len(doc.Deployments) != 0 {
		t.Fatalf("stored: %v %s", err, raw[aws.ToString(api.Id)])
	}
	fail = false
	if _, err := c.CreateDeployment(ctx, &apigateway.CreateDeploymentInput{RestApiId: api.Id, StageName: aws.String("s")}); err != nil {
		t.Fatal(err)
	}
	if len(s.Specs()) != 1 {
		t.Fatal("deployed but not in Specs")
	}
}

// TestWireShapes: resources without embed list their methods as empty
// objects, timestamps are epoch seconds, unknown routes are answered.
func TestWireShapes(t *testing.T) {
	now := time.Date(2026, 3, 4, 5, 6, 7, 0, time.UTC)
	s, err := mgmt.New(context.Background(), mgmt.Options{Region: "us-east-1", AccountID: "123456789012", Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	c := serve(t, s)
	ctx := context.Background()
	api, err := c.CreateRestApi(ctx, &apigateway.CreateRestApiInput{Name: aws.String("a")})
	if err != nil || !api.CreatedDate.Equal(now) {
		t.Fatalf("created %v: %v", api.CreatedDate, err)
	}
	mockMethod(t, c, api)
	rs, err := c.GetResources(ctx, &apigateway.GetResourcesInput{RestApiId: api.Id})
	if err != nil || len(rs.Items) != 1 {
		t.Fatal(err)
	}
	if m, ok := rs.Items[0].ResourceMethods["GET"]; !ok || m.HttpMethod != nil || m.MethodIntegration != nil {
		t.Fatalf("without embed: %+v", rs.Items[0].ResourceMethods)
	}
	rs, _ = c.GetResources(ctx, &apigateway.GetResourcesInput{RestApiId: api.Id, Embed: []string{"methods"}})
	if m := rs.Items[0].ResourceMethods["GET"]; aws.ToString(m.HttpMethod) != "GET" || m.MethodIntegration == nil {
		t.Fatalf("with embed: %+v", m)
	}
	_, err = c.GetExport(ctx, &apigateway.GetExportInput{RestApiId: api.Id, StageName: aws.String("none"), ExportType: aws.String("oas30")})
	var ae smithy.APIError
	if !errors.As(err, &ae) || ae.ErrorCode() != "NotFoundException" {
		t.Fatalf("export of a missing stage: %v", err)
	}
	_, err = c.GetDocumentationParts(ctx, &apigateway.GetDocumentationPartsInput{RestApiId: api.Id})
	if !errors.As(err, &ae) || ae.ErrorCode() != "UnknownOperationException" {
		t.Fatalf("an operation of a later phase: %v", err)
	}
}

// signed sends a SigV4-signed request (service apigateway) with body.
func signed(t *testing.T, url, method, body string) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256([]byte(body))
	if err := v4.NewSigner().SignHTTP(context.Background(), aws.Credentials{AccessKeyID: "AKID", SecretAccessKey: "s"}, req,
		hex.EncodeToString(sum[:]), "apigateway", "us-east-1", time.Now()); err != nil {
		t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

// TestErrorWire: the exact status, x-amzn-ErrorType and body of errors.
func TestErrorWire(t *testing.T) {
	s := open(t, nil)
	srv := httptest.NewServer(s.Handler())
	defer srv.Close()
	cases := []struct {
		method, path, body string
		status             int
		typ, message       string
	}{
		{"GET", "/restapis/abc", "", 404, "NotFoundException", "Invalid API identifier specified 123456789012:abc"},
		{"POST", "/restapis", "{bad", 400, "SerializationException", "the request body is not valid JSON: invalid character 'b' looking for beginning of object key string"},
		{"POST", "/restapis", `{"name": 5}`, 400, "SerializationException", "field name: expected string, got number"},
		{"POST", "/restapis", `{}`, 400, "BadRequestException", "Invalid REST API name specified: the name is required"},
		{"POST", "/restapis?mode=clone", `{}`, 400, "BadRequestException", `Invalid mode "clone": POST /restapis accepts only mode=import`},
		{"GET", "/restapis?limit=0", "", 400, "BadRequestException", `Invalid limit "0": it must be an integer from 1 to 500`},
		{"GET", "/restapis/abc/documentation/parts", "", 404, "UnknownOperationException", "no management operation is GET /restapis/abc/documentation/parts"},
		{"GET", "/restapis/abc/authorizers", "", 404, "NotFoundException", "Invalid API identifier specified 123456789012:abc"},
		{"GET", "/restapis/abc/gatewayresponses/NOPE", "", 400, "ValidationException", "1 validation error detected: Value 'NOPE' at 'responseType' failed to satisfy constraint: Member must satisfy enum value set: [DEFAULT_4XX, DEFAULT_5XX, RESOURCE_NOT_FOUND, UNAUTHORIZED, INVALID_API_KEY, ACCESS_DENIED, AUTHORIZER_FAILURE, AUTHORIZER_CONFIGURATION_ERROR, INVALID_SIGNATURE, EXPIRED_TOKEN, MISSING_AUTHENTICATION_TOKEN, INTEGRATION_FAILURE, INTEGRATION_TIMEOUT, API_CONFIGURATION_ERROR, UNSUPPORTED_MEDIA_TYPE, BAD_REQUEST_PARAMETERS, BAD_REQUEST_BODY, REQUEST_TOO_LARGE, THROTTLED, QUOTA_EXCEEDED, WAF_FILTERED]"},
		{"GET", "/apikeys/nope", "", 404, "NotFoundException", "Invalid API Key identifier specified"},
		{"GET", "/usageplans/nope", "", 404, "NotFoundException", "Invalid Usage Plan ID specified"},
		{"POST", "/usageplans", `{"name":"p","apiStages":[{"apiId":"abc","stage":"dev"}]}`, 400, "BadRequestException", "Invalid API Stage {api: %s, stage: %s} specified for usageplan %s"},
		{"POST", "/apikeys", `{"value":"x"}`, 400, "BadRequestException", "API Key value should be at least 20 characters"},
		{"POST", "/apikeys?mode=import", "name,key\n", 400, "ValidationException", "1 validation error detected: Value '' at 'format' failed to satisfy constraint: Member must satisfy enum value set: [csv]"},
	}
	for _, c := range cases {
		resp, body := signed(t, srv.URL+c.path, c.method, c.body)
		want, _ := json.Marshal(map[string]string{"message": c.message})
		if resp.StatusCode != c.status || resp.Header.Get("x-amzn-ErrorType") != c.typ || body != string(want) || resp.Header.Get("Content-Type") != "application/json" {
			t.Errorf("%s %s: got %d %q %s", c.method, c.path, resp.StatusCode, resp.Header.Get("x-amzn-ErrorType"), body)
		}
	}
	resp, body := signed(t, srv.URL+"/restapis", "POST", `{"name":"n"}`)
	var api map[string]any
	if err := json.Unmarshal([]byte(body), &api); err != nil || resp.StatusCode != 201 || resp.Header.Get("x-amzn-RequestId") == "" {
		t.Fatalf("create: %d %s", resp.StatusCode, body)
	}
	if _, isNumber := api["createdDate"].(float64); !isNumber || api["apiKeySource"] != "HEADER" || api["disableExecuteApiEndpoint"] != false {
		t.Errorf("create: %s", body)
	}
	resp, body = signed(t, srv.URL+"/restapis/"+api["id"].(string), "DELETE", "")
	if resp.StatusCode != 202 || body != "" {
		t.Errorf("delete: %d %q", resp.StatusCode, body)
	}
}

// TestFileAPIs: the settings file's REST APIs are listed read-only; its
// HTTP APIs are not listed (they belong to apigatewayv2) but their ids stay
// taken.
func TestFileAPIs(t *testing.T) {
	s := open(t, nil)
	c := serve(t, s)
	ctx := context.Background()
	rest := &apidef.RestAPI{Title: "rest", Methods: []*apidef.Method{{Path: "/a", HTTPMethod: "GET", Integration: &apidef.Integration{Type: apidef.TypeMock}}}}
	httpAPI := &apidef.RestAPI{Title: "http", Protocol: apidef.ProtocolHTTP}
	s.SetFileAPIs([]deploy.APISpec{{ID: "restapi", Def: rest, Stages: []deploy.StageSpec{{Name: "s"}}}, {ID: "httpapi", Def: httpAPI}})
	list, err := c.GetRestApis(ctx, &apigateway.GetRestApisInput{})
	if err != nil || len(list.Items) != 1 || aws.ToString(list.Items[0].Id) != "restapi" || aws.ToString(list.Items[0].Name) != "rest" {
		t.Fatalf("list: %+v %v", list, err)
	}
	_, err = c.GetRestApi(ctx, &apigateway.GetRestApiInput{RestApiId: aws.String("httpapi")})
	var nf *types.NotFoundException
	if !errors.As(err, &nf) {
		t.Fatalf("the HTTP API: %v", err)
	}
	res, err := c.GetResources(ctx, &apigateway.GetResourcesInput{RestApiId: aws.String("restapi"), Embed: []string{"methods"}})
	if err != nil || len(res.Items) != 2 {
		t.Fatalf("resources: %+v %v", res, err)
	}
	_, err = c.DeleteStage(ctx, &apigateway.DeleteStageInput{RestApiId: aws.String("restapi"), StageName: aws.String("s")})
	var br *types.BadRequestException
	if !errors.As(err, &br) || aws.ToString(br.Message) != "REST API restapi comes from the settings file and is read-only here; change its definition or stages in the settings file" {
		t.Fatalf("delete stage: %v", err)
	}
	if len(s.Specs()) != 0 {
		t.Fatal("settings-file APIs are served by the settings file, not by Specs")
	}
}

// TestKeysAndPlansPersist: keys and usage plans are stored beside the
// APIs and found again by a Service opened on the same file.
func TestKeysAndPlansPersist(t *testing.T) {
	path := filepath.Join(t.TempDir(), "management.db")
	st, err := mgmt.OpenBolt(path)
	if err != nil {
		t.Fatal(err)
	}
	s := open(t, st)
	deploys := 0
	s.SetOnDeploy(func() error { deploys++; return nil })
	c := serve(t, s)
	ctx := context.Background()
	key, err := c.CreateApiKey(ctx, &apigateway.CreateApiKeyInput{Name: aws.String("k"), Value: aws.String("persisted-0123456789abc"), Enabled: true})
	if err != nil {
		t.Fatal(err)
	}
	plan, err := c.CreateUsagePlan(ctx, &apigateway.CreateUsagePlanInput{Name: aws.String("p"), Quota: &types.QuotaSettings{Limit: 5, Period: types.QuotaPeriodTypeWeek}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.CreateUsagePlanKey(ctx, &apigateway.CreateUsagePlanKeyInput{UsagePlanId: plan.Id, KeyId: key.Id, KeyType: aws.String("API_KEY")}); err != nil {
		t.Fatal(err)
	}
	if deploys != 3 {
		t.Fatalf("each change must rebuild the data plane: %d rebuilds", deploys)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	st, err = mgmt.OpenBolt(path)
	if err != nil {
		t.Fatal(err)
	}
	s = open(t, st)
	defer s.Close()
	keys, plans := s.KeysAndPlans()
	if len(keys) != 1 || keys[0].Value != "persisted-0123456789abc" || !keys[0].Enabled || len(plans) != 1 ||
		plans[0].ID != aws.ToString(plan.Id) || len(plans[0].KeyIDs) != 1 || plans[0].KeyIDs[0] != aws.ToString(key.Id) || plans[0].Quota.Period != "WEEK" {
		t.Fatalf("after reopen: %+v %+v", keys, plans)
	}
	if len(s.Specs()) != 0 {
		t.Fatal("the keys document was read as an API")
	}
	// Without counters, usage is refused with a clear message.
	today := time.Now().UTC().Format("2006-01-02")
	_, err = serve(t, s).GetUsage(ctx, &apigateway.GetUsageInput{UsagePlanId: plan.Id, StartDate: &today, EndDate: &today})
	var br *types.BadRequestException
	if !errors.As(err, &br) || aws.ToString(br.Message) != "usage is not available: the gateway has no counter store" {
		t.Fatalf("usage without counters: %v", err)
	}
}
