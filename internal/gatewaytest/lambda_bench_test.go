package gatewaytest

import (
	"net/http"
	"os/exec"
	"path/filepath"
	"testing"
)

// BenchmarkLambdaProxy measures a warm AWS_PROXY request to the Node.js
// handler of the load benchmark's Lambda scenario (bench/lambda/handler.js,
// run by Portico's own Node.js runtime client) next to a MOCK method, so
// the difference is what the function round trip costs. The cold start is
// left out of the timing.
//
//	go test ./internal/gatewaytest -run '^$' -bench LambdaProxy -benchtime 2000x
func BenchmarkLambdaProxy(b *testing.B) {
	code, err := filepath.Abs("../../bench/lambda")
	if err != nil {
		b.Fatal(err)
	}
	def := benchDefinition(b, `openapi: "3.0.1"
info: {title: bench lambda, version: "1"}
paths:
  /lambda:
    get:
      responses: {"200": {description: x}}
      x-amazon-apigateway-integration:
        type: aws_proxy
        httpMethod: POST
        uri: arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/Bench/invocations
  /mock:
    get:
      responses: {"200": {description: x}}
      x-amazon-apigateway-integration:
        type: mock
        requestTemplates: {application/json: '{"statusCode": 200}'}
        responses: {default: {statusCode: "200", responseTemplates: {application/json: '{"id":1,"type":"dog","price":249.99}'}}}
`)
	g := Start(b, Options{Definition: def,
		Extra: "store: {type: memory}\naccount: {throttle: {rateLimit: 1000000000, burstLimit: 1000000000}}\n" +
			"functions:\n  - {name: Bench, runtime: nodejs20.x, handler: handler.handler, codeUri: \"" + code + "\"}\n"})
	client := &http.Client{}
	b.Run("Node", func(b *testing.B) {
		if _, err := exec.LookPath("node"); err != nil {
			b.Skip("node is not installed")
		}
		warm(b, client, http.MethodGet, g.URL+"/dev/lambda", "", nil)
		benchRequests(b, client, http.MethodGet, g.URL+"/dev/lambda", "")
	})
	b.Run("Mock", func(b *testing.B) { benchRequests(b, client, http.MethodGet, g.URL+"/dev/mock", "") })
}
