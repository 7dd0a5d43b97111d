package app

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/apigateway"
	"github.com/aws/aws-sdk-go-v2/service/apigateway/types"
)

// TestManagementStageCache: a stage's cache cluster and the caching patch
// paths of the management API drive the same stage cache as the settings
// file (docs/aws-behaviour.md#response-caching): a second GET is served
// without calling the back end, and cacheClusterStatus reads AVAILABLE.
func TestManagementStageCache(t *testing.T) {
	var calls atomic.Int64
	backend := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		n := calls.Add(1)
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"call":` + strconv.FormatInt(n, 10) + `}`))
	}))
	t.Cleanup(backend.Close)
	api := `openapi: 3.0.1
info: {title: cached, version: "1"}
paths:
  /items:
    get:
      x-amazon-apigateway-integration: {type: http_proxy, httpMethod: GET, uri: "` + backend.URL + `/items"}
`
	m := startManaged(t, t.TempDir(), "listen: 127.0.0.1:0\nadmin: {listen: 127.0.0.1:0}\nstore: {type: memory}\n")
	ctx := context.Background()
	imp, err := m.c.ImportRestApi(ctx, &apigateway.ImportRestApiInput{Body: []byte(api)})
	if err != nil {
		t.Fatal(err)
	}
	id := aws.ToString(imp.Id)
	if _, err := m.c.CreateDeployment(ctx, &apigateway.CreateDeploymentInput{RestApiId: &id, StageName: aws.String("prod"),
		CacheClusterEnabled: aws.Bool(true), CacheClusterSize: types.CacheClusterSize("0.5")}); err != nil {
		t.Fatal(err)
	}
	// A cluster alone caches nothing.
	m.call(t, id, "prod", "/items")
	m.call(t, id, "prod", "/items")
	if n := calls.Load(); n != 2 {
		t.Fatalf("before cachingEnabled: %d back-end calls, want 2", n)
	}
	st, err := m.c.UpdateStage(ctx, &apigateway.UpdateStageInput{RestApiId: &id, StageName: aws.String("prod"), PatchOperations: []types.PatchOperation{
		{Op: types.OpReplace, Path: aws.String("/*/*/caching/enabled"), Value: aws.String("true")}}})
	if err != nil {
		t.Fatal(err)
	}
	if st.CacheClusterStatus != types.CacheClusterStatusAvailable || !st.CacheClusterEnabled {
		t.Errorf("stage %+v", st)
	}
	_, first := m.call(t, id, "prod", "/items")
	_, second := m.call(t, id, "prod", "/items")
	if calls.Load() != 3 || first != second || !strings.Contains(first, `"call":3`) {
		t.Errorf("with caching: %d back-end calls, answers %s and %s", calls.Load(), first, second)
	}
	_, err = m.c.UpdateStage(ctx, &apigateway.UpdateStageInput{RestApiId: &id, StageName: aws.String("prod"), PatchOperations: []types.PatchOperation{
		{Op: types.OpReplace, Path: aws.String("/cacheClusterSize"), Value: aws.String("0.7")}}})
	wantAPIError(t, err, "BadRequestException", `Invalid cache cluster size "0.7": use 0.5, 1.6, 6.1, 13.5, 28.4, 58.2, 118 or 237`)
}
