package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestValidateTemplate: portico validate --template, as sam local users
// type it, with parameter overrides; and the flag rules.
func TestValidateTemplate(t *testing.T) {
	t.Parallel()
	code, out, _ := runCmd(t, "validate", "--template", "../../internal/template/testdata/node/template.yaml")
	if code != exitOK || out != "ok: 1 API(s), 1 method(s), 0 warning(s)\n" {
		t.Errorf("exit %d, output %q", code, out)
	}
	dir := t.TempDir()
	tpl := filepath.Join(dir, "template.yaml")
	body := `Transform: AWS::Serverless-2016-10-31
Parameters:
  Stage: {Type: String, AllowedValues: [dev, prod]}
Resources:
  Api:
    Type: AWS::Serverless::Api
    Properties:
      StageName: !Ref Stage
      DefinitionBody:
        swagger: "2.0"
        info: {title: t, version: "1"}
        paths:
          /ping:
            get:
              responses: {"200": {description: ok}}
              x-amazon-apigateway-integration: {type: mock, requestTemplates: {application/json: '{"statusCode": 200}'}, responses: {default: {statusCode: "200"}}}
`
	if err := os.WriteFile(tpl, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	code, out, _ = runCmd(t, "validate", "--template", tpl, "--parameter-overrides", "Stage=prod")
	if code != exitOK || out != "ok: 1 API(s), 1 method(s), 0 warning(s)\n" {
		t.Errorf("with overrides: exit %d, output %q", code, out)
	}
	code, out, _ = runCmd(t, "validate", "--template", tpl, "--parameter-overrides", "Stage=qa")
	if code != exitInvalid || !strings.Contains(out, "template.yaml:3: /Parameters/Stage") || !strings.HasSuffix(out, "invalid: 1 problem(s), 0 warning(s)\n") {
		t.Errorf("bad override: exit %d, output %q", code, out)
	}
	// A problem of a DefinitionBody is located in the template.
	bad := strings.Replace(body, "requestTemplates:", "passthroughBehavior: sometimes, requestTemplates:", 1)
	if err := os.WriteFile(tpl, []byte(bad), 0o600); err != nil {
		t.Fatal(err)
	}
	code, out, _ = runCmd(t, "validate", "--template", tpl, "--parameter-overrides", "Stage=dev")
	if want := "error: " + tpl + ":16: /Resources/Api/Properties/DefinitionBody/paths/~1ping/get/x-amazon-apigateway-integration/passthroughBehavior: must be when_no_match, when_no_templates or never, not \"SOMETIMES\"\n"; code != exitInvalid || !strings.HasPrefix(out, want) {
		t.Errorf("bad body: exit %d, output %q\nwant it to start with %q", code, out, want)
	}
	for _, args := range [][]string{
		{"validate", "--template", tpl, "--api", tpl},
		{"validate", "--api", tpl, "--env-vars", "env.json"},
		{"serve", "--template", tpl, "--stage", "dev"},
		{"serve", "--config", tpl, "--parameter-overrides", "A=B"},
	} {
		if code, _, errOut := runCmd(t, args...); code != exitInvalid || errOut == "" {
			t.Errorf("%v: exit %d, stderr %q", args, code, errOut)
		}
	}
}
