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

// TestLambdaEventInvocation: an AWS (non-proxy) Lambda integration that
// maps integration.request.header.X-Amz-Invocation-Type to 'Event' answers
// 200 with an empty body through its default integration response while
// the function is still running, and the function does receive the
// payload; without the mapping the call waits for the function's answer.
// Both answers carry X-Amzn-Trace-Id, as AWS (non-proxy) answers do
// (recorded AWS response, LocalStack snapshot
// test_apigateway_header_remapping_aws[AWS]).
func TestLambdaEventInvocation(t *testing.T) {
	t.Parallel()
	fns, err := filepath.Abs("../../testdata/functions")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	record, release := filepath.Join(dir, "record"), filepath.Join(dir, "release")
	extra := fmt.Sprintf("store: {type: memory}\nfunctions:\n  - {name: Recorder, build: %q, timeout: 60s, environment: {RECORD_FILE: %q, RELEASE_FILE: %q}}\n",
		fns+"/recorder", record, release)
	def := filepath.Join(dir, "api.yaml")
	src := `openapi: "3.0.1"
info: {title: async, version: "1"}
x-fn: &fn
  type: aws
  httpMethod: POST
  uri: arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:123456789012:function:Recorder/invocations
paths:
  /async:
    post:
      responses: {"200": {description: x}}
      x-amazon-apigateway-integration:
        <<: *fn
        requestParameters:
          integration.request.header.X-Amz-Invocation-Type: "'Event'"
        responses: {default: {statusCode: "200"}}
  /choose:
    post:
      parameters: [{name: InvocationType, in: header, schema: {type: string}}]
      responses: {"200": {description: x}}
      x-amazon-apigateway-integration:
        <<: *fn
        requestParameters:
          integration.request.header.X-Amz-Invocation-Type: method.request.header.InvocationType
        responses: {default: {statusCode: "200"}}
  /sync:
    post:
      responses: {"200": {description: x}}
      x-amazon-apigateway-integration:
        <<: *fn
        responses: {default: {statusCode: "200"}}
`
	if err := os.WriteFile(def, []byte(src), 0o600); err != nil {
		t.Fatal(err)
	}
	g := Start(t, Options{Definition: def, Extra: extra})
	post := func(path, body string, hdr ...string) (int, http.Header, string) {
		req, err := http.NewRequest("POST", g.URL+path, strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Content-Type", "application/json")
		for i := 0; i+1 < len(hdr); i += 2 {
			req.Header.Set(hdr[i], hdr[i+1])
		}
		req.Header.Set("X-Amzn-Trace-Id", "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1")
		resp := g.Do(t, req)
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, resp.Header, string(b)
	}

	// The function is held until release exists: the answer comes first.
	status, hdr, body := post("/dev/async", `{"n":1}`)
	if status != 200 || body != "" || hdr.Get("Content-Type") != "application/json" ||
		hdr.Get("X-Amzn-Trace-Id") != "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1" {
		t.Fatalf("Event invocation: got %d %q %v, want 200, empty body, application/json and the trace id", status, body, hdr)
	}
	if _, err := os.Stat(record); err == nil {
		t.Fatal("the function finished before it was released: the call was not asynchronous")
	}
	if err := os.WriteFile(release, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	waitUntil(t, func() bool {
		b, _ := os.ReadFile(record)
		return string(b) == "{\"n\":1}\n"
	})

	// Without the mapping the function's answer is the body.
	status, hdr, body = post("/dev/sync", `{"n":2}`)
	if status != 200 || body != `{"recorded":true}` || hdr.Get("X-Amzn-Trace-Id") == "" {
		t.Errorf("RequestResponse invocation: got %d %q %v, want 200 {\"recorded\":true} with X-Amzn-Trace-Id", status, body, hdr)
	}
	b, _ := os.ReadFile(record)
	if string(b) != "{\"n\":1}\n{\"n\":2}\n" {
		t.Errorf("record: got %q", b)
	}

	// The client chooses through a mapped method request header, as in
	// AWS's asynchronous-invocation guide.
	status, _, body = post("/dev/choose", `{"n":3}`, "InvocationType", "Event")
	if status != 200 || body != "" {
		t.Errorf("chosen Event invocation: got %d %q, want 200 and an empty body", status, body)
	}
	waitUntil(t, func() bool {
		b, _ := os.ReadFile(record)
		return strings.HasSuffix(string(b), "{\"n\":3}\n")
	})
	status, _, body = post("/dev/choose", `{"n":4}`, "InvocationType", "RequestResponse")
	if status != 200 || body != `{"recorded":true}` {
		t.Errorf("chosen RequestResponse invocation: got %d %q, want 200 {\"recorded\":true}", status, body)
	}
}
