package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func runCmd(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code := run(context.Background(), args, func(string) string { return "" }, &out, &errOut, nil)
	return code, out.String(), errOut.String()
}

func TestValidateExample(t *testing.T) {
	t.Parallel()
	code, out, _ := runCmd(t, "validate", "--config", "../../examples/petstore/portico.yaml")
	if code != exitOK || !strings.HasPrefix(out, "ok: 1 API(s), ") || !strings.Contains(out, " 0 warning(s)") {
		t.Errorf("exit %d, output %q", code, out)
	}
}

func TestValidateReportsLocatedProblems(t *testing.T) {
	t.Parallel()
	code, out, _ := runCmd(t, "validate", "--api", "../../internal/openapi/testdata/broken.yaml")
	if code != exitInvalid {
		t.Fatalf("exit %d, want %d", code, exitInvalid)
	}
	for _, want := range []string{
		"broken.yaml:3: /x-amazon-apigateway-api-key-source:",
		"broken.yaml:5: /x-amazon-apigateway-minimum-compression-size: warning: x-amazon-apigateway-minimum-compression-size is not implemented",
		"invalid: ",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
}

func TestValidateDeployProblem(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	def := filepath.Join(dir, "api.yaml")
	src := "openapi: 3.0.1\ninfo: {title: t, version: \"1\"}\npaths:\n  /a:\n    get:\n      responses: {\"200\": {description: x}}\n      x-amazon-apigateway-integration:\n        type: mock\n        requestTemplates: {application/json: '#if($x == 1){\"statusCode\": 200}'}\n"
	if err := os.WriteFile(def, []byte(src), 0o600); err != nil {
		t.Fatal(err)
	}
	code, out, _ := runCmd(t, "validate", "--api", def)
	if code != exitInvalid || !strings.Contains(out, "api.yaml:5: stage dev: GET /a:") {
		t.Errorf("exit %d, output %q", code, out)
	}
}

func TestUsageErrors(t *testing.T) {
	t.Parallel()
	for _, args := range [][]string{{}, {"bogus"}, {"serve"}, {"serve", "--config", "a", "--api", "b"}, {"validate", "--nope"}} {
		if code, _, _ := runCmd(t, args...); code != exitInvalid {
			t.Errorf("%v: exit %d, want %d", args, code, exitInvalid)
		}
	}
	if code, out, _ := runCmd(t, "version"); code != exitOK || !strings.HasPrefix(out, "portico ") {
		t.Errorf("version: %d %q", code, out)
	}
}

func TestServeRefusesBadConfig(t *testing.T) {
	t.Parallel()
	code, _, errOut := runCmd(t, "serve", "--config", "does-not-exist.yaml")
	if code != exitInvalid || !strings.Contains(errOut, "does-not-exist.yaml") {
		t.Errorf("exit %d, stderr %q", code, errOut)
	}
}
