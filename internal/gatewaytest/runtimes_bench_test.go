package gatewaytest

import (
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// BenchmarkRuntimesWarm measures a warm AWS_PROXY request through the whole
// gateway for the same echo handler in Go (aws-lambda-go), Node.js and
// Python, next to a MOCK route. Besides ns/op it reports the median
// (p50-µs) of the iterations:
//
//	go test ./internal/gatewaytest -run '^$' -bench BenchmarkRuntimesWarm -benchtime 2000x
func BenchmarkRuntimesWarm(b *testing.B) {
	fns, err := filepath.Abs("../../testdata/functions")
	if err != nil {
		b.Fatal(err)
	}
	def := filepath.Join(b.TempDir(), "api.yaml")
	var src strings.Builder
	src.WriteString("openapi: \"3.0.1\"\ninfo: {title: bench, version: \"1\"}\npaths:\n")
	for _, fn := range []string{"GoEcho", "NodeEcho", "PythonEcho"} {
		src.WriteString("  /" + fn + ":\n    post:\n      responses: {\"200\": {description: x}}\n      x-amazon-apigateway-integration:\n" +
			"        type: aws_proxy\n        httpMethod: POST\n        uri: arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/" + fn + "/invocations\n")
	}
	src.WriteString(`  /mock:
    post:
      responses: {"200": {description: x}}
      x-amazon-apigateway-integration:
        type: mock
        requestTemplates: {application/json: '{"statusCode": 200}'}
        responses: {default: {statusCode: "200", responseTemplates: {application/json: '{"ok":true}'}}}
`)
	if err := os.WriteFile(def, []byte(src.String()), 0o600); err != nil {
		b.Fatal(err)
	}
	extra := "store: {type: memory}\nfunctions:\n" +
		"  - {name: GoEcho, build: \"" + fns + "/proxyecho\"}\n" +
		"  - {name: NodeEcho, runtime: nodejs20.x, handler: app.echo, codeUri: \"" + fns + "/node\", layers: [\"" + fns + "/layers/shared\"]}\n" +
		"  - {name: PythonEcho, runtime: python3.12, handler: app.echo, codeUri: \"" + fns + "/python\", layers: [\"" + fns + "/layers/shared\"]}\n"
	g := Start(b, Options{Definition: def, Extra: extra})
	client := &http.Client{}
	body := `{"statusCode":200,"body":"hi"}`
	run := func(b *testing.B, path string) {
		call := func() {
			resp, err := client.Post(g.URL+path, "application/json", strings.NewReader(body))
			if err != nil {
				b.Fatal(err)
			}
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode != 200 {
				b.Fatalf("status %d", resp.StatusCode)
			}
		}
		call() // cold start, untimed
		var lat []time.Duration
		for b.Loop() {
			start := time.Now()
			call()
			lat = append(lat, time.Since(start))
		}
		slices.Sort(lat)
		b.ReportMetric(float64(lat[len(lat)/2].Nanoseconds())/1e3, "p50-µs")
	}
	b.Run("Go", func(b *testing.B) { run(b, "/dev/GoEcho") })
	b.Run("Node", func(b *testing.B) {
		if _, err := exec.LookPath("node"); err != nil {
			b.Skip("node is not installed")
		}
		run(b, "/dev/NodeEcho")
	})
	b.Run("Python", func(b *testing.B) {
		if _, err := exec.LookPath("python3"); err != nil {
			b.Skip("python3 is not installed")
		}
		run(b, "/dev/PythonEcho")
	})
	b.Run("Mock", func(b *testing.B) { run(b, "/dev/mock") })
}
