package app

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/portico-gw/portico/internal/apidef"
)

const awsDef = `openapi: "3.0.1"
info: {title: t, version: "1"}
paths:
  /a:
    post:
      x-amazon-apigateway-integration:
        type: aws
        httpMethod: POST
        uri: arn:aws:apigateway:us-east-1:dynamodb:action/PutItem
        responses: {default: {statusCode: "200"}}
  /b:
    post:
      x-amazon-apigateway-integration:
        type: aws
        httpMethod: POST
        uri: arn:aws:apigateway:us-east-1:sqs:path/123456789012/q
        responses: {default: {statusCode: "200"}}
  /c:
    post:
      x-amazon-apigateway-integration:
        type: aws
        httpMethod: POST
        uri: arn:aws:apigateway:us-east-1:dynamodb:action/GetItem
        responses: {default: {statusCode: "200"}}
`

// TestValidateWarnsOnceWithoutAWSEndpoint: an API whose AWS service
// integrations have nowhere to go validates, with one warning for the API
// located at the first such integration; configuring the endpoint of
// every service it uses silences it.
func TestValidateWarnsOnceWithoutAWSEndpoint(t *testing.T) {
	dir := t.TempDir()
	def := filepath.Join(dir, "api.yaml")
	if err := os.WriteFile(def, []byte(awsDef), 0o600); err != nil {
		t.Fatal(err)
	}
	run := func(extra string) Report {
		t.Helper()
		cfg := filepath.Join(dir, "portico.yaml")
		body := "apis:\n  - id: a\n    definition: ./api.yaml\n    stages: [{name: dev}]\n  - id: b\n    definition: ./api.yaml\n    stages: [{name: dev}]\n" + extra
		if err := os.WriteFile(cfg, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
		rep, err := Validate(Source{ConfigPath: cfg, Getenv: func(string) string { return "" }})
		if err != nil {
			t.Fatalf("validate: %v", err)
		}
		var ws []apidef.Warning
		for _, w := range rep.Warnings {
			if strings.Contains(w.Message, "AWS services") {
				ws = append(ws, w)
			}
		}
		rep.Warnings = ws
		return rep
	}
	rep := run("")
	if len(rep.Warnings) != 2 {
		t.Fatalf("want one warning per API, got %+v", rep.Warnings)
	}
	w := rep.Warnings[0]
	if !strings.Contains(w.Message, "3 method(s) call AWS services (dynamodb, sqs) with no endpoint configured") ||
		w.Loc.Line != 6 || w.Loc.Pointer != "/paths/~1a/post/x-amazon-apigateway-integration" {
		t.Errorf("warning %+v", w)
	}
	rep = run("awsServices:\n  endpoints: {dynamodb: \"http://127.0.0.1:8000\"}\n")
	if len(rep.Warnings) != 2 || !strings.Contains(rep.Warnings[0].Message, "1 method(s) call AWS services (sqs)") {
		t.Errorf("with a dynamodb endpoint: %+v", rep.Warnings)
	}
	if rep = run("awsServices: {endpoint: \"http://127.0.0.1:5000\"}\n"); len(rep.Warnings) != 0 {
		t.Errorf("with an endpoint: %+v", rep.Warnings)
	}
}
