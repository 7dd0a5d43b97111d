package gatewaytest

import (
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// functionsGateway boots a gateway whose /slow AWS_PROXY route runs the
// sleeper function with the given reserved concurrency.
func functionsGateway(t *testing.T, reserved int) *Gateway {
	t.Helper()
	fns, err := filepath.Abs("../../testdata/functions")
	if err != nil {
		t.Fatal(err)
	}
	extra := fmt.Sprintf("store: {type: memory}\nfunctions:\n  - {name: Sleeper, build: %q, reservedConcurrency: %d, timeout: 10s}\n", fns+"/sleeper", reserved)
	def := filepath.Join(t.TempDir(), "api.yaml")
	src := `openapi: "3.0.1"
info: {title: functions, version: "1"}
paths:
  /slow:
    get:
      responses: {"200": {description: x}}
      x-amazon-apigateway-integration:
        type: aws_proxy
        httpMethod: POST
        uri: arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:123456789012:function:Sleeper/invocations
`
	if err := os.WriteFile(def, []byte(src), 0o600); err != nil {
		t.Fatal(err)
	}
	return Start(t, Options{Definition: def, Extra: extra})
}

// TestReservedConcurrency: at reservedConcurrency 20, 20 concurrent calls
// succeed and the 21st gets 429 THROTTLED at once; afterwards no function
// process is left.
func TestReservedConcurrency(t *testing.T) {
	g := functionsGateway(t, 20)
	const n = 20
	get := func(ms int) (int, http.Header, string) {
		resp, err := http.Get(g.URL + "/dev/slow?ms=" + strconv.Itoa(ms))
		if err != nil {
			t.Error(err)
			return 0, nil, ""
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, resp.Header, string(b)
	}
	// Warm the pool so the 20 calls below overlap for sure.
	if s, _, _ := get(0); s != 200 {
		t.Fatalf("warm-up got %d", s)
	}
	var wg sync.WaitGroup
	statuses := make([]int, n)
	started := make(chan struct{}, n)
	for i := range n {
		wg.Go(func() {
			started <- struct{}{}
			// Long enough that no call ends before the 21st arrives, even
			// when the 20 cold starts are slow on a busy machine.
			statuses[i], _, _ = get(5000)
		})
	}
	for range n {
		<-started
	}
	// Wait until all 20 are inside the function, then the 21st is refused.
	waitUntil(t, func() bool { return len(functionPIDs(t)) >= n })
	status, hdr, body := get(0)
	wg.Wait()
	if status != http.StatusTooManyRequests || body != `{"message":"Too Many Requests"}` || hdr.Get("Retry-After") == "" {
		t.Errorf("21st call: got %d %q (Retry-After %q), want 429 Too Many Requests", status, body, hdr.Get("Retry-After"))
	}
	for i, s := range statuses {
		if s != http.StatusOK {
			t.Errorf("call %d: got %d, want 200", i, s)
		}
	}
	pids := functionPIDs(t)
	if err := g.App.Close(); err != nil {
		t.Fatal(err)
	}
	for _, pid := range pids {
		if _, err := os.Stat("/proc/" + strconv.Itoa(pid)); err == nil {
			if st, _ := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat"); !strings.Contains(string(st), ") Z ") {
				t.Errorf("function process %d outlived the gateway", pid)
			}
		}
	}
}

// functionPIDs lists live function processes: children of this test
// process running a built function (cache/<hash>/bootstrap).
func functionPIDs(t *testing.T) []int {
	entries, err := os.ReadDir("/proc")
	if err != nil {
		t.Fatal(err)
	}
	self := strconv.Itoa(os.Getpid())
	var out []int
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		cmd, err := os.ReadFile("/proc/" + e.Name() + "/cmdline")
		if err != nil || !strings.Contains(string(cmd), "bootstrap") {
			continue
		}
		st, _ := os.ReadFile("/proc/" + e.Name() + "/stat")
		fields := strings.Fields(string(st[strings.LastIndexByte(string(st), ')')+1:]))
		if len(fields) < 2 || fields[0] == "Z" || fields[1] != self {
			continue
		}
		out = append(out, pid)
	}
	return out
}

// A definition naming functions, user pools or IAM credentials that are
// not configured still loads (AWS imports it too): the start warns, the
// integration answers 500 API_CONFIGURATION_ERROR and a TOKEN authorizer
// 500 AUTHORIZER_CONFIGURATION_ERROR, as AWS does when the function does
// not exist; with nothing to verify against, Cognito refuses every token
// (401) and AWS_IAM every signature (403).
func TestUnconfiguredBackendsLoadAndFailClosed(t *testing.T) {
	def := filepath.Join(t.TempDir(), "api.yaml")
	src := `openapi: "3.0.1"
info: {title: missing, version: "1"}
paths:
  /fn:
    get:
      responses: {"200": {description: x}}
      x-amazon-apigateway-integration:
        type: aws_proxy
        httpMethod: POST
        uri: arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:123456789012:function:Nowhere/invocations
  /iam:
    get:
      x-amazon-apigateway-auth: {type: AWS_IAM}
      responses: {"200": {description: x}}
      x-amazon-apigateway-integration:
        type: mock
        requestTemplates: {application/json: '{"statusCode": 200}'}
        responses: {default: {statusCode: "200"}}
  /pool:
    get:
      security: [{pool: []}]
      responses: {"200": {description: x}}
      x-amazon-apigateway-integration:
        type: mock
        requestTemplates: {application/json: '{"statusCode": 200}'}
        responses: {default: {statusCode: "200"}}
  /guarded:
    get:
      security: [{tok: []}]
      responses: {"200": {description: x}}
      x-amazon-apigateway-integration:
        type: mock
        requestTemplates: {application/json: '{"statusCode": 200}'}
        responses: {default: {statusCode: "200"}}
components:
  securitySchemes:
    pool:
      type: apiKey
      name: Authorization
      in: header
      x-amazon-apigateway-authtype: cognito_user_pools
      x-amazon-apigateway-authorizer:
        type: cognito_user_pools
        providerARNs: [arn:aws:cognito-idp:us-east-1:123456789012:userpool/us-east-1_nowhere]
    tok:
      type: apiKey
      name: Authorization
      in: header
      x-amazon-apigateway-authtype: custom
      x-amazon-apigateway-authorizer:
        type: token
        identitySource: method.request.header.Authorization
        authorizerUri: arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:123456789012:function:NoAuthorizer/invocations
`
	if err := os.WriteFile(def, []byte(src), 0o600); err != nil {
		t.Fatal(err)
	}
	g := Start(t, Options{Definition: def, Extra: "store: {type: memory}\n"})
	for _, c := range []struct {
		path, auth string
		status     int
		body       string
	}{
		{"/dev/fn", "", 500, `{"message": "Internal server error"}`},
		{"/dev/guarded", "Bearer x", 500, `{"message": null}`},
		{"/dev/pool", "eyJhbGciOiJSUzI1NiJ9.e30.c2ln", 401, `{"message":"Unauthorized"}`},
		{"/dev/iam", "signed", 403, `{"message":"The security token included in the request is invalid."}`},
	} {
		req, _ := http.NewRequest("GET", g.URL+c.path, nil)
		if c.auth == "signed" {
			req = signed(t, "GET", g.URL+c.path, "", "AKIDNOTCONFIGURED", "secret", time.Now())
		} else if c.auth != "" {
			req.Header.Set("Authorization", c.auth)
		}
		resp := g.Do(t, req)
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != c.status || string(b) != c.body {
			t.Errorf("%s: %d %s, want %d %s", c.path, resp.StatusCode, b, c.status, c.body)
		}
	}
	for _, want := range []string{`invokes function \"Nowhere\", which is not configured`, `authorizer tok invokes function \"NoAuthorizer\", which is not configured`,
		`user pool arn:aws:cognito-idp:us-east-1:123456789012:userpool/us-east-1_nowhere is not in the settings' cognitoUserPools`, `the settings have no iam.credentials`} {
		if !strings.Contains(g.Logs(), want) {
			t.Errorf("logs lack %s:\n%s", want, g.Logs())
		}
	}
}
