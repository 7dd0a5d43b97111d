package gatewaytest

import (
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestFunctionOutOfMemory: an AWS_PROXY function allocating beyond its
// memorySize is killed; the client gets 502 and the execution log carries
// Lambda's Runtime.OutOfMemory message. The next call runs on a new
// process.
func TestFunctionOutOfMemory(t *testing.T) {
	// The memhog test function of the function package: {"allocMb": N,
	// "holdMs": M} allocates N MB and keeps them M ms.
	hog, err := filepath.Abs("../function/testdata/functions/memhog")
	if err != nil {
		t.Fatal(err)
	}
	def := filepath.Join(t.TempDir(), "api.yaml")
	src := `openapi: "3.0.1"
info: {title: memory, version: "1"}
paths:
  /hog:
    post:
      responses: {"200": {description: x}}
      x-amazon-apigateway-integration:
        type: aws
        httpMethod: POST
        uri: arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:123456789012:function:Hog/invocations
        responses: {default: {statusCode: "200"}}
  /proxyhog:
    post:
      responses: {"200": {description: x}}
      x-amazon-apigateway-integration:
        type: aws_proxy
        httpMethod: POST
        uri: arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:123456789012:function:Hog/invocations
`
	if err := os.WriteFile(def, []byte(src), 0o600); err != nil {
		t.Fatal(err)
	}
	g := Start(t, Options{Definition: def, StageExtra: "loggingLevel: ERROR\n",
		Extra: fmt.Sprintf("store: {type: memory}\nfunctions:\n  - {name: Hog, build: %q, memorySize: 128, timeout: 60s}\n", hog)})
	post := func(path, body string) (int, string) {
		resp, err := http.Post(g.URL+path, "application/json", strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	if status, body := post("/dev/hog", `{"allocMb":4}`); status != 200 || body != `{"allocatedMb":4}` {
		t.Fatalf("4 MB: got %d %s", status, body)
	}
	if status, body := post("/dev/proxyhog", `{"allocMb":4}`); status != 200 || body != `{"allocatedMb":4}` {
		t.Fatalf("AWS_PROXY, 4 MB: got %d %s", status, body)
	}
	if status, body := post("/dev/proxyhog", `{"allocMb":400,"holdMs":60000}`); status != 502 || body != `{"message": "Internal server error"}` {
		t.Errorf("AWS_PROXY over memorySize: got %d %s, want 502 Internal server error", status, body)
	}
	// AWS (non-proxy) with no error mapping: the default response passes the
	// error document through with 200, as on AWS.
	status, body := post("/dev/hog", `{"allocMb":400,"holdMs":60000}`)
	if status != 200 || !strings.Contains(body, `"errorType":"Runtime.OutOfMemory"`) || !strings.Contains(body, `Error: Runtime exited with error: signal: killed"`) {
		t.Errorf("AWS over memorySize: got %d %s, want the Runtime.OutOfMemory document", status, body)
	}
	logs := g.Logs()
	if strings.Count(logs, "function process exceeded its memory size; killed") != 2 {
		t.Errorf("the two kills are not logged:\n%s", logs)
	}
	if !strings.Contains(logs, "Lambda execution failed with status 200 due to customer function error: RequestId: ") ||
		!strings.Contains(logs, " Error: Runtime exited with error: signal: killed") {
		t.Errorf("the execution log lacks the function error:\n%s", logs)
	}
	if status, body := post("/dev/hog", `{"allocMb":4}`); status != 200 || body != `{"allocatedMb":4}` {
		t.Fatalf("after the kill: got %d %s", status, body)
	}
}
