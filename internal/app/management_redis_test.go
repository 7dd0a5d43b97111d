package app

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/apigateway"
	"github.com/aws/aws-sdk-go-v2/service/apigateway/types"

	"github.com/portico-gw/portico/internal/store/redistest"
)

// servedWithin polls a stage until it answers want with body and returns
// how long that took; it fails the test after 10 s.
func servedWithin(t *testing.T, m *managed, api, stage, path, key string, want int, body string) time.Duration {
	t.Helper()
	start := time.Now()
	for {
		if st, b := m.callKey(t, api, stage, path, key); st == want && b == body {
			return time.Since(start)
		}
		if time.Since(start) > 10*time.Second {
			st, b := m.callKey(t, api, stage, path, key)
			t.Fatalf("%s/%s%s did not answer %d %s within 10 s: %d %s", api, stage, path, want, body, st, b)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestManagementSharedThroughRedis: three gateways on one real Redis share
// the management state. A deployment made through replica A is served by
// B and C; a key and plan made through B admit the key on A and C; an API
// deleted through C stops being served by A and B; a replica started
// later finds everything.
func TestManagementSharedThroughRedis(t *testing.T) {
	rs := redistest.Start(t)
	settings := fmt.Sprintf("listen: 127.0.0.1:0\nadmin: {listen: 127.0.0.1:0}\nstore: {type: redis, url: %q, keyPrefix: shared}\n", rs.URL())
	a := startManaged(t, t.TempDir(), settings)
	b := startManaged(t, t.TempDir(), settings)
	c := startManaged(t, t.TempDir(), settings)
	ctx := context.Background()

	id := keyedAPI(t, a.c) // imported and deployed through A
	var slowest time.Duration
	for _, r := range []*managed{b, c} {
		slowest = max(slowest, servedWithin(t, r, id, "prod", "/nope", "", 403, `{"message":"Missing Authentication Token"}`))
	}
	t.Logf("a deployment through A was served by B and C after %v", slowest)
	if got, err := c.c.GetRestApi(ctx, &apigateway.GetRestApiInput{RestApiId: &id}); err != nil || aws.ToString(got.Name) != "hello-api" {
		t.Fatalf("C reads the API: %+v %v", got, err)
	}

	const value = "shared-0123456789abcdefghij"
	key, err := b.c.CreateApiKey(ctx, &apigateway.CreateApiKeyInput{Name: aws.String("shared"), Value: aws.String(value), Enabled: true})
	if err != nil {
		t.Fatal(err)
	}
	plan, err := b.c.CreateUsagePlan(ctx, &apigateway.CreateUsagePlanInput{Name: aws.String("shared"), ApiStages: []types.ApiStage{{ApiId: &id, Stage: aws.String("prod")}}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := b.c.CreateUsagePlanKey(ctx, &apigateway.CreateUsagePlanKeyInput{UsagePlanId: plan.Id, KeyId: key.Id, KeyType: aws.String("API_KEY")}); err != nil {
		t.Fatal(err)
	}
	for _, r := range []*managed{a, c} {
		slowest = max(slowest, servedWithin(t, r, id, "prod", "/hello", value, 200, `{"v": 1, "color": ""}`))
	}
	_, err = a.c.CreateApiKey(ctx, &apigateway.CreateApiKeyInput{Value: aws.String(value)})
	wantAPIError(t, err, "ConflictException", "API Key already exists")

	// A replica started now loads everything at start.
	d := startManaged(t, t.TempDir(), settings)
	if st, body := d.callKey(t, id, "prod", "/hello", value); st != 200 {
		t.Fatalf("a new replica: %d %s", st, body)
	}

	if _, err := c.c.DeleteRestApi(ctx, &apigateway.DeleteRestApiInput{RestApiId: &id}); err != nil {
		t.Fatal(err)
	}
	for _, r := range []*managed{a, b, d} {
		slowest = max(slowest, servedWithin(t, r, id, "prod", "/hello", value, 403, `{"message":"Forbidden"}`))
	}
	t.Logf("slowest propagation: %v", slowest)
}
