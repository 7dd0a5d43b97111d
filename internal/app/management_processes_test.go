package app

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/apigateway"

	"github.com/portico-gw/portico/internal/store/redistest"
)

// TestManagementAcrossProcesses: three `portico serve` processes on one
// real Redis; an API imported and deployed through the first one's
// management API is served by the other two, and a redeployment made
// through the third reaches the first (docs/management-api.md).
func TestManagementAcrossProcesses(t *testing.T) {
	if testing.Short() {
		t.Skip("starts three gateway processes")
	}
	rs := redistest.Start(t)
	bin := buildPortico(t)
	dir := t.TempDir()
	cfg := fmt.Sprintf("listen: 127.0.0.1:0\nadmin: {listen: 127.0.0.1:0}\nstore: {type: redis, url: %q, keyPrefix: mgmtprocs}\n", rs.URL())
	cfgPath := filepath.Join(dir, "portico.yaml")
	if err := os.WriteFile(cfgPath, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	type replica struct{ data, admin string }
	var rs3 []replica
	for range 3 {
		d, a := startReplicaAddrs(t, bin, cfgPath)
		rs3 = append(rs3, replica{d, a})
	}
	ctx := context.Background()
	first := sdkClient("http://"+rs3[0].admin, "AKIDEXAMPLE", "secret")
	imp, err := first.ImportRestApi(ctx, &apigateway.ImportRestApiInput{Body: []byte(mockAPI)})
	if err != nil {
		t.Fatal(err)
	}
	id := aws.ToString(imp.Id)
	if _, err := first.CreateDeployment(ctx, &apigateway.CreateDeploymentInput{RestApiId: &id, StageName: aws.String("prod"),
		Variables: map[string]string{"color": "red"}}); err != nil {
		t.Fatal(err)
	}
	answer := func(r replica) string {
		resp, err := http.Get("http://" + r.data + "/restapis/" + id + "/prod/_user_request_/hello")
		if err != nil {
			return err.Error()
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return fmt.Sprintf("%d %s", resp.StatusCode, b)
	}
	red := `200 {"v": 1, "color": "red"}`
	for _, r := range rs3[1:] {
		waitFor(t, func() bool { return answer(r) == red })
	}
	third := sdkClient("http://"+rs3[2].admin, "AKIDEXAMPLE", "secret")
	if _, err := third.CreateDeployment(ctx, &apigateway.CreateDeploymentInput{RestApiId: &id, StageName: aws.String("prod"),
		Variables: map[string]string{"color": "blue"}}); err != nil {
		t.Fatal(err)
	}
	waitFor(t, func() bool { return answer(rs3[0]) == `200 {"v": 1, "color": "blue"}` })
}
