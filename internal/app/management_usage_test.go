package app

import (
	"context"
	"io"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/apigateway"
	"github.com/aws/aws-sdk-go-v2/service/apigateway/types"
)

// callKey sends GET path with x-api-key (when not empty) to a stage of a
// managed API on the data plane.
func (m *managed) callKey(t *testing.T, api, stage, path, key string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, m.data.URL+"/restapis/"+api+"/"+stage+"/_user_request_"+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	if key != "" {
		req.Header.Set("x-api-key", key)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// keyedAPI imports mockAPI, makes GET /hello require an API key and
// deploys it to stage prod. It returns the API id.
func keyedAPI(t *testing.T, c *apigateway.Client) string {
	t.Helper()
	ctx := context.Background()
	api, err := c.ImportRestApi(ctx, &apigateway.ImportRestApiInput{Body: []byte(mockAPI)})
	if err != nil {
		t.Fatal(err)
	}
	res, err := c.GetResources(ctx, &apigateway.GetResourcesInput{RestApiId: api.Id})
	if err != nil {
		t.Fatal(err)
	}
	var hello string
	for _, r := range res.Items {
		if aws.ToString(r.Path) == "/hello" {
			hello = aws.ToString(r.Id)
		}
	}
	if _, err := c.UpdateMethod(ctx, &apigateway.UpdateMethodInput{RestApiId: api.Id, ResourceId: &hello, HttpMethod: aws.String("GET"),
		PatchOperations: []types.PatchOperation{patch(types.OpReplace, "/apiKeyRequired", "true")}}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.CreateDeployment(ctx, &apigateway.CreateDeploymentInput{RestApiId: api.Id, StageName: aws.String("prod")}); err != nil {
		t.Fatal(err)
	}
	return aws.ToString(api.Id)
}

var generatedKey = regexp.MustCompile(`^[A-Za-z0-9]{40}$`)

// TestManagementKeysAndPlans drives API keys, usage plans, usage plan keys
// and usage through aws-sdk-go-v2, and checks that a key created this way
// is enforced on the data plane as a settings-file key is: admitted,
// throttled (429 Too Many Requests) and stopped by its quota (429 Limit
// Exceeded), with GetUsage counting its requests.
func TestManagementKeysAndPlans(t *testing.T) {
	m := startManaged(t, t.TempDir(), "listen: 127.0.0.1:0\nadmin: {listen: 127.0.0.1:0}\nstore: {type: memory}\n")
	ctx := context.Background()
	c := m.c
	id := keyedAPI(t, c)
	const value = "alice-0123456789abcdefghij"

	// Keys.
	key, err := c.CreateApiKey(ctx, &apigateway.CreateApiKeyInput{Name: aws.String("alice"), Value: aws.String(value), Enabled: true,
		Description: aws.String("first"), CustomerId: aws.String("cust-1")})
	if err != nil {
		t.Fatal(err)
	}
	keyID := aws.ToString(key.Id)
	if !awsID.MatchString(keyID) || aws.ToString(key.Value) != value || !key.Enabled || aws.ToString(key.CustomerId) != "cust-1" || key.CreatedDate == nil {
		t.Fatalf("create key: %+v", key)
	}
	gen, err := c.CreateApiKey(ctx, &apigateway.CreateApiKeyInput{Name: aws.String("generated")})
	if err != nil || !generatedKey.MatchString(aws.ToString(gen.Value)) || gen.Enabled {
		t.Fatalf("generated key: %+v %v", gen, err)
	}
	_, err = c.CreateApiKey(ctx, &apigateway.CreateApiKeyInput{Name: aws.String("again"), Value: aws.String(value)})
	wantAPIError(t, err, "ConflictException", "API Key already exists")
	_, err = c.CreateApiKey(ctx, &apigateway.CreateApiKeyInput{Value: aws.String("short")})
	wantAPIError(t, err, "BadRequestException", "API Key value should be at least 20 characters")
	_, err = c.CreateApiKey(ctx, &apigateway.CreateApiKeyInput{Value: aws.String(strings.Repeat("k", 129))})
	wantAPIError(t, err, "BadRequestException", "API Key value exceeds maximum size of 128 characters")
	_, err = c.CreateApiKey(ctx, &apigateway.CreateApiKeyInput{Name: aws.String(strings.Repeat("n", 1025))})
	wantAPIError(t, err, "BadRequestException", "Invalid API Key name, can be at most 1024 characters.")
	got, err := c.GetApiKey(ctx, &apigateway.GetApiKeyInput{ApiKey: &keyID})
	if err != nil || got.Value != nil || aws.ToString(got.Name) != "alice" {
		t.Fatalf("get key without includeValue: %+v %v", got, err)
	}
	got, err = c.GetApiKey(ctx, &apigateway.GetApiKeyInput{ApiKey: &keyID, IncludeValue: aws.Bool(true)})
	if err != nil || aws.ToString(got.Value) != value {
		t.Fatalf("get key with includeValue: %+v %v", got, err)
	}
	_, err = c.GetApiKey(ctx, &apigateway.GetApiKeyInput{ApiKey: aws.String("missing")})
	wantAPIError(t, err, "NotFoundException", "Invalid API Key identifier specified")
	keys, err := c.GetApiKeys(ctx, &apigateway.GetApiKeysInput{NameQuery: aws.String("ali"), IncludeValues: aws.Bool(true)})
	if err != nil || len(keys.Items) != 1 || aws.ToString(keys.Items[0].Value) != value {
		t.Fatalf("get keys by name: %+v %v", keys, err)
	}
	keys, err = c.GetApiKeys(ctx, &apigateway.GetApiKeysInput{})
	if err != nil || len(keys.Items) != 2 || keys.Items[0].Value != nil || keys.Items[1].Value != nil {
		t.Fatalf("get keys: %+v %v", keys, err)
	}
	upd, err := c.UpdateApiKey(ctx, &apigateway.UpdateApiKeyInput{ApiKey: gen.Id, PatchOperations: []types.PatchOperation{
		patch(types.OpReplace, "/name", "renamed"), patch(types.OpReplace, "/description", "d2"), patch(types.OpReplace, "/enabled", "true")}})
	if err != nil || aws.ToString(upd.Name) != "renamed" || aws.ToString(upd.Description) != "d2" || !upd.Enabled {
		t.Fatalf("update key: %+v %v", upd, err)
	}
	_, err = c.UpdateApiKey(ctx, &apigateway.UpdateApiKeyInput{ApiKey: gen.Id, PatchOperations: []types.PatchOperation{patch(types.OpReplace, "/value", "x")}})
	wantAPIError(t, err, "BadRequestException", "Invalid patch path  '/value' specified for op 'replace'. Must be one of: [/name, /description, /enabled, /customerId]")

	// Usage plans.
	_, err = c.CreateUsagePlan(ctx, &apigateway.CreateUsagePlanInput{Name: aws.String("p"), ApiStages: []types.ApiStage{{ApiId: &id, Stage: aws.String("nope")}}})
	wantAPIError(t, err, "BadRequestException", "Invalid API Stage {api: %s, stage: %s} specified for usageplan %s")
	_, err = c.CreateUsagePlan(ctx, &apigateway.CreateUsagePlanInput{Name: aws.String("p"), Quota: &types.QuotaSettings{Limit: 1, Period: "YEAR"}})
	wantAPIError(t, err, "ValidationException", "Member must satisfy enum value set: [DAY, WEEK, MONTH]")
	plan, err := c.CreateUsagePlan(ctx, &apigateway.CreateUsagePlanInput{Name: aws.String("basic"), Description: aws.String("three a day"),
		ApiStages: []types.ApiStage{{ApiId: &id, Stage: aws.String("prod")}},
		Throttle:  &types.ThrottleSettings{BurstLimit: 100, RateLimit: 50}, Quota: &types.QuotaSettings{Limit: 3, Period: types.QuotaPeriodTypeDay}})
	if err != nil {
		t.Fatal(err)
	}
	planID := aws.ToString(plan.Id)
	if !awsID.MatchString(planID) || len(plan.ApiStages) != 1 || plan.Quota.Limit != 3 || plan.Throttle.BurstLimit != 100 {
		t.Fatalf("create plan: %+v", plan)
	}
	_, err = c.GetUsagePlan(ctx, &apigateway.GetUsagePlanInput{UsagePlanId: aws.String("missing")})
	wantAPIError(t, err, "NotFoundException", "Invalid Usage Plan ID specified")

	// A key in no plan for the stage is refused, as a missing one.
	if st, body := m.callKey(t, id, "prod", "/hello", value); st != 403 || body != `{"message":"Forbidden"}` {
		t.Fatalf("key in no plan: %d %s", st, body)
	}
	pk, err := c.CreateUsagePlanKey(ctx, &apigateway.CreateUsagePlanKeyInput{UsagePlanId: &planID, KeyId: &keyID, KeyType: aws.String("API_KEY")})
	if err != nil || aws.ToString(pk.Id) != keyID || aws.ToString(pk.Type) != "API_KEY" || aws.ToString(pk.Name) != "alice" {
		t.Fatalf("create plan key: %+v %v", pk, err)
	}
	_, err = c.CreateUsagePlanKey(ctx, &apigateway.CreateUsagePlanKeyInput{UsagePlanId: &planID, KeyId: aws.String("missing"), KeyType: aws.String("API_KEY")})
	wantAPIError(t, err, "NotFoundException", "Invalid API Key identifier specified")
	_, err = c.CreateUsagePlanKey(ctx, &apigateway.CreateUsagePlanKeyInput{UsagePlanId: &planID, KeyId: &keyID, KeyType: aws.String("API_KEY")})
	wantAPIError(t, err, "ConflictException", "")
	if _, err := c.GetUsagePlanKey(ctx, &apigateway.GetUsagePlanKeyInput{UsagePlanId: &planID, KeyId: &keyID}); err != nil {
		t.Fatal(err)
	}
	_, err = c.GetUsagePlanKey(ctx, &apigateway.GetUsagePlanKeyInput{UsagePlanId: &planID, KeyId: gen.Id})
	wantAPIError(t, err, "NotFoundException", "Invalid Usage Plan Key identifier specified")
	pks, err := c.GetUsagePlanKeys(ctx, &apigateway.GetUsagePlanKeysInput{UsagePlanId: &planID})
	if err != nil || len(pks.Items) != 1 || aws.ToString(pks.Items[0].Value) != value {
		t.Fatalf("plan keys: %+v %v", pks, err)
	}
	byKey, err := c.GetUsagePlans(ctx, &apigateway.GetUsagePlansInput{KeyId: &keyID})
	if err != nil || len(byKey.Items) != 1 || aws.ToString(byKey.Items[0].Id) != planID {
		t.Fatalf("plans of key: %+v %v", byKey, err)
	}
	if none, err := c.GetUsagePlans(ctx, &apigateway.GetUsagePlansInput{KeyId: gen.Id}); err != nil || len(none.Items) != 0 {
		t.Fatalf("plans of a key in none: %+v %v", none, err)
	}

	// The quota: three requests a day, then 429 Limit Exceeded.
	for i := range 3 {
		if st, body := m.callKey(t, id, "prod", "/hello", value); st != 200 || body != `{"v": 1, "color": ""}` {
			t.Fatalf("call %d: %d %s", i, st, body)
		}
	}
	if st, body := m.callKey(t, id, "prod", "/hello", value); st != 429 || body != `{"message":"Limit Exceeded"}` {
		t.Fatalf("over the quota: %d %s", st, body)
	}
	if st, _ := m.callKey(t, id, "prod", "/hello", ""); st != 403 {
		t.Fatalf("no key: %d", st)
	}
	today := time.Now().UTC().Format("2006-01-02")
	use, err := c.GetUsage(ctx, &apigateway.GetUsageInput{UsagePlanId: &planID, StartDate: &today, EndDate: &today})
	if err != nil || aws.ToString(use.StartDate) != today || len(use.Items[keyID]) != 1 || !slices.Equal(use.Items[keyID][0], []int64{3, 0}) {
		t.Fatalf("get usage: %+v %v", use, err)
	}
	_, err = c.GetUsage(ctx, &apigateway.GetUsageInput{UsagePlanId: &planID, StartDate: aws.String("tomorrow"), EndDate: &today})
	wantAPIError(t, err, "BadRequestException", "Invalid startDate")

	// UpdateUsage gives two more requests in this period.
	uu, err := c.UpdateUsage(ctx, &apigateway.UpdateUsageInput{UsagePlanId: &planID, KeyId: &keyID,
		PatchOperations: []types.PatchOperation{patch(types.OpReplace, "/keyId:"+keyID+"/remaining", "2")}})
	if err != nil || !slices.Equal(uu.Items[keyID][0], []int64{3, 2}) {
		t.Fatalf("update usage: %+v %v", uu, err)
	}
	_, err = c.UpdateUsage(ctx, &apigateway.UpdateUsageInput{UsagePlanId: &planID, KeyId: &keyID,
		PatchOperations: []types.PatchOperation{patch(types.OpReplace, "/remaining", "2")}})
	wantAPIError(t, err, "BadRequestException", "Invalid patch path  '/remaining'")
	for i := range 2 {
		if st, body := m.callKey(t, id, "prod", "/hello", value); st != 200 {
			t.Fatalf("granted call %d: %d %s", i, st, body)
		}
	}
	if st, body := m.callKey(t, id, "prod", "/hello", value); st != 429 || body != `{"message":"Limit Exceeded"}` {
		t.Fatalf("over the granted quota: %d %s", st, body)
	}
	use, err = c.GetUsage(ctx, &apigateway.GetUsageInput{UsagePlanId: &planID, KeyId: &keyID, StartDate: &today, EndDate: &today})
	if err != nil || !slices.Equal(use.Items[keyID][0], []int64{5, 0}) {
		t.Fatalf("usage after the grant: %+v %v", use, err)
	}

	// The throttle: raise the quota, then a burst of zero refuses every
	// request with 429 Too Many Requests.
	up, err := c.UpdateUsagePlan(ctx, &apigateway.UpdateUsagePlanInput{UsagePlanId: &planID, PatchOperations: []types.PatchOperation{
		patch(types.OpReplace, "/quota/limit", "1000"), patch(types.OpReplace, "/throttle/burstLimit", "0"), patch(types.OpReplace, "/name", "throttled")}})
	if err != nil || up.Quota.Limit != 1000 || up.Throttle.BurstLimit != 0 || aws.ToString(up.Name) != "throttled" {
		t.Fatalf("update plan: %+v %v", up, err)
	}
	if st, body := m.callKey(t, id, "prod", "/hello", value); st != 429 || body != `{"message":"Too Many Requests"}` {
		t.Fatalf("throttled: %d %s", st, body)
	}
	// A per-method throttle overrides the plan's.
	up, err = c.UpdateUsagePlan(ctx, &apigateway.UpdateUsagePlanInput{UsagePlanId: &planID, PatchOperations: []types.PatchOperation{
		patch(types.OpReplace, "/apiStages/"+id+":prod/throttle/~1hello/GET/burstLimit", "10"),
		patch(types.OpReplace, "/apiStages/"+id+":prod/throttle/~1hello/GET/rateLimit", "5")}})
	if err != nil || up.ApiStages[0].Throttle["/hello/GET"].BurstLimit != 10 {
		t.Fatalf("per-method throttle: %+v %v", up, err)
	}
	if st, body := m.callKey(t, id, "prod", "/hello", value); st != 200 {
		t.Fatalf("per-method throttle admits: %d %s", st, body)
	}
	_, err = c.UpdateUsagePlan(ctx, &apigateway.UpdateUsagePlanInput{UsagePlanId: &planID, PatchOperations: []types.PatchOperation{patch(types.OpAdd, "/apiStages", id+":nope")}})
	wantAPIError(t, err, "BadRequestException", "Invalid API Stage {api: %s, stage: %s} specified for usageplan %s")
	_, err = c.UpdateUsagePlan(ctx, &apigateway.UpdateUsagePlanInput{UsagePlanId: &planID, PatchOperations: []types.PatchOperation{patch(types.OpRemove, "/apiStages", id+":other")}})
	wantAPIError(t, err, "NotFoundException", "Invalid API Stage {api: "+id+", stage: other} specified for usageplan "+planID)
	_, err = c.UpdateUsagePlan(ctx, &apigateway.UpdateUsagePlanInput{UsagePlanId: &planID, PatchOperations: []types.PatchOperation{patch(types.OpReplace, "/nope", "1")}})
	wantAPIError(t, err, "BadRequestException", "Invalid patch path  '/nope' specified for op 'replace'")

	// A disabled key is refused; enabled again it passes.
	for _, on := range []string{"false", "true"} {
		if _, err := c.UpdateApiKey(ctx, &apigateway.UpdateApiKeyInput{ApiKey: &keyID, PatchOperations: []types.PatchOperation{patch(types.OpReplace, "/enabled", on)}}); err != nil {
			t.Fatal(err)
		}
		want := map[string]int{"false": 403, "true": 200}[on]
		if st, _ := m.callKey(t, id, "prod", "/hello", value); st != want {
			t.Fatalf("enabled=%s: %d, want %d", on, st, want)
		}
	}

	// Removing the key from the plan, then the plan, then the key.
	if _, err := c.DeleteUsagePlanKey(ctx, &apigateway.DeleteUsagePlanKeyInput{UsagePlanId: &planID, KeyId: &keyID}); err != nil {
		t.Fatal(err)
	}
	if st, _ := m.callKey(t, id, "prod", "/hello", value); st != 403 {
		t.Fatalf("after delete-usage-plan-key: %d", st)
	}
	if _, err := c.DeleteUsagePlan(ctx, &apigateway.DeleteUsagePlanInput{UsagePlanId: &planID}); err != nil {
		t.Fatal(err)
	}
	_, err = c.DeleteUsagePlan(ctx, &apigateway.DeleteUsagePlanInput{UsagePlanId: &planID})
	wantAPIError(t, err, "NotFoundException", "Invalid Usage Plan ID specified")
	if _, err := c.DeleteApiKey(ctx, &apigateway.DeleteApiKeyInput{ApiKey: &keyID}); err != nil {
		t.Fatal(err)
	}
	_, err = c.DeleteApiKey(ctx, &apigateway.DeleteApiKeyInput{ApiKey: &keyID})
	wantAPIError(t, err, "NotFoundException", "Invalid API Key identifier specified")
}

// TestManagementImportAPIKeys: ImportApiKeys reads AWS's API key file
// (CSV, columns in any order and case), adds keys to usage plans, and
// warns about (or with failonwarnings refuses) an unknown plan; a second
// import of a value updates that key.
func TestManagementImportAPIKeys(t *testing.T) {
	m := startManaged(t, t.TempDir(), "listen: 127.0.0.1:0\nadmin: {listen: 127.0.0.1:0}\nstore: {type: memory}\n")
	ctx := context.Background()
	c := m.c
	id := keyedAPI(t, c)
	plan, err := c.CreateUsagePlan(ctx, &apigateway.CreateUsagePlanInput{Name: aws.String("imported"), ApiStages: []types.ApiStage{{ApiId: &id, Stage: aws.String("prod")}}})
	if err != nil {
		t.Fatal(err)
	}
	planID := aws.ToString(plan.Id)
	file := "Name,key,description,Enabled,usageplanIds\n" +
		"first,apikey1234abcdefghij0123456789,An imported key,TRUE," + planID + "\n" +
		"second,apikey1234abcdefghij9876543210,,false,\"" + planID + ",zzzzzz\"\n"
	_, err = c.ImportApiKeys(ctx, &apigateway.ImportApiKeysInput{Body: []byte(file), Format: types.ApiKeysFormatCsv, FailOnWarnings: true})
	wantAPIError(t, err, "BadRequestException", "Invalid usage plan ID zzzzzz specified for API key at line 3")
	if keys, _ := c.GetApiKeys(ctx, &apigateway.GetApiKeysInput{}); len(keys.Items) != 0 {
		t.Fatalf("a refused import left keys: %+v", keys.Items)
	}
	out, err := c.ImportApiKeys(ctx, &apigateway.ImportApiKeysInput{Body: []byte(file), Format: types.ApiKeysFormatCsv})
	if err != nil || len(out.Ids) != 2 || len(out.Warnings) != 1 {
		t.Fatalf("import: %+v %v", out, err)
	}
	first, err := c.GetApiKey(ctx, &apigateway.GetApiKeyInput{ApiKey: &out.Ids[0], IncludeValue: aws.Bool(true)})
	if err != nil || aws.ToString(first.Name) != "first" || !first.Enabled || aws.ToString(first.Description) != "An imported key" ||
		aws.ToString(first.Value) != "apikey1234abcdefghij0123456789" {
		t.Fatalf("first: %+v %v", first, err)
	}
	if st, _ := m.callKey(t, id, "prod", "/hello", "apikey1234abcdefghij0123456789"); st != 200 {
		t.Fatalf("imported key: %d", st)
	}
	if st, _ := m.callKey(t, id, "prod", "/hello", "apikey1234abcdefghij9876543210"); st != 403 {
		t.Fatalf("imported disabled key: %d", st)
	}
	again, err := c.ImportApiKeys(ctx, &apigateway.ImportApiKeysInput{Body: []byte("KEY,NAME\napikey1234abcdefghij9876543210,second-renamed\n"), Format: types.ApiKeysFormatCsv})
	if err != nil || len(again.Ids) != 1 || again.Ids[0] != out.Ids[1] {
		t.Fatalf("re-import: %+v %v", again, err)
	}
	second, _ := c.GetApiKey(ctx, &apigateway.GetApiKeyInput{ApiKey: &out.Ids[1]})
	if aws.ToString(second.Name) != "second-renamed" || !second.Enabled {
		t.Fatalf("re-imported key: %+v", second)
	}
	if st, _ := m.callKey(t, id, "prod", "/hello", "apikey1234abcdefghij9876543210"); st != 200 {
		t.Fatalf("re-imported enabled key: %d", st)
	}
	_, err = c.ImportApiKeys(ctx, &apigateway.ImportApiKeysInput{Body: []byte("name,description\nx,y\n"), Format: types.ApiKeysFormatCsv})
	wantAPIError(t, err, "BadRequestException", "Invalid API key file: the header row has no Key column")
	_, err = c.ImportApiKeys(ctx, &apigateway.ImportApiKeysInput{Body: []byte("name,key\nx,short\n"), Format: types.ApiKeysFormatCsv})
	wantAPIError(t, err, "BadRequestException", "Invalid API key file: line 2: API Key value should be at least 20 characters")
}
