package gatewaytest

import (
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// BenchmarkAWSProxyWarm measures a warm AWS_PROXY request through the whole
// gateway (HTTP in, event, Runtime API round trip, response rules, HTTP
// out). Compare it with internal/function's BenchmarkWarmInvoke (the
// runtime alone) and BenchmarkMockRoute (the gateway without a function)
// in the same run to see what each layer adds.
func BenchmarkAWSProxyWarm(b *testing.B) {
	fns, err := filepath.Abs("../../testdata/functions")
	if err != nil {
		b.Fatal(err)
	}
	def := filepath.Join(b.TempDir(), "api.yaml")
	src := `openapi: "3.0.1"
info: {title: bench, version: "1"}
paths:
  /fn:
    post:
      responses: {"200": {description: x}}
      x-amazon-apigateway-integration:
        type: aws_proxy
        httpMethod: POST
        uri: arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/Echo/invocations
  /mock:
    get:
      responses: {"200": {description: x}}
      x-amazon-apigateway-integration:
        type: mock
        requestTemplates: {application/json: '{"statusCode": 200}'}
        responses: {default: {statusCode: "200", responseTemplates: {application/json: '{"ok":true}'}}}
`
	if err := os.WriteFile(def, []byte(src), 0o600); err != nil {
		b.Fatal(err)
	}
	// The account throttle is raised: at AWS's 10,000 requests per second
	// a fast loop is throttled (429) and the benchmark fails.
	extra := "store: {type: memory}\naccount: {throttle: {rateLimit: 1000000000, burstLimit: 1000000000}}\nfunctions:\n  - {name: Echo, build: \"" + fns + "/proxyecho\"}\n"
	// With Dashboard, every request also feeds the admin dashboard's
	// traffic series and live tail (the edge's RequestTap).
	for _, dash := range []bool{false, true} {
		g := Start(b, Options{Definition: def, Extra: extra, Dashboard: dash})
		client := &http.Client{}
		run := func(b *testing.B, method, path, body string) {
			for b.Loop() {
				req, _ := http.NewRequest(method, g.URL+path, strings.NewReader(body))
				resp, err := client.Do(req)
				if err != nil {
					b.Fatal(err)
				}
				_, _ = io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if resp.StatusCode != 200 {
					b.Fatalf("status %d", resp.StatusCode)
				}
			}
		}
		suffix := ""
		if dash {
			suffix = "Dashboard"
		}
		b.Run("AWSProxy"+suffix, func(b *testing.B) { run(b, http.MethodPost, "/dev/fn", `{"statusCode":200,"body":"hi"}`) })
		b.Run("MockRoute"+suffix, func(b *testing.B) { run(b, http.MethodGet, "/dev/mock", "") })
	}
}
