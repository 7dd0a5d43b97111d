package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
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
	// The example has Node.js and Python functions: validate needs node
	// and python3 (.ci/run installs them and sets PORTICO_REQUIRE_RUNTIMES).
	for _, cmd := range []string{"node", "python3"} {
		if _, err := exec.LookPath(cmd); err != nil {
			if os.Getenv("PORTICO_REQUIRE_RUNTIMES") == "1" {
				t.Fatalf("%s is not installed and PORTICO_REQUIRE_RUNTIMES=1", cmd)
			}
			t.Skipf("SKIP: %s is not installed: the example's functions cannot be checked", cmd)
		}
	}
	code, out, _ := runCmd(t, "validate", "--config", "../../examples/petstore/portico.yaml")
	// The only warnings allowed say that the local node or python3 is
	// another version than the example's runtime asks for.
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	versionWarnings := 0
	for _, l := range lines[:len(lines)-1] {
		if !strings.Contains(l, "/runtime: warning: runtime ") {
			t.Errorf("unexpected output line %q", l)
		}
		versionWarnings++
	}
	if code != exitOK || !strings.HasPrefix(lines[len(lines)-1], "ok: 1 API(s), ") ||
		!strings.HasSuffix(lines[len(lines)-1], fmt.Sprintf(" %d warning(s)", versionWarnings)) {
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
		"broken.yaml:41: /paths/~1lambda/post/x-amazon-apigateway-documentation: warning: x-amazon-apigateway-documentation is not implemented",
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

// Quick-mode flags are refused with --config, naming the setting to use.
func TestQuickOnlyFlagsNeedQuickMode(t *testing.T) {
	t.Parallel()
	code, _, errOut := runCmd(t, "serve", "--config", "../../examples/petstore/portico.yaml", "--admin-listen", "off", "--function", "F=x", "--pprof")
	if code != exitInvalid || !strings.Contains(errOut, "--admin-listen is for quick mode (--api); with --config set admin.listen") ||
		!strings.Contains(errOut, "--function is for quick mode") || !strings.Contains(errOut, "--pprof is for quick mode (--api); with --config set admin.profiling") {
		t.Errorf("exit %d, stderr %q", code, errOut)
	}
}

// quickLambdaDef is a definition whose one method invokes function F.
const quickLambdaDef = `openapi: 3.0.1
info: {title: t, version: "1"}
paths:
  /a:
    get:
      responses: {"200": {description: x}}
      x-amazon-apigateway-integration:
        type: aws_proxy
        httpMethod: POST
        uri: arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:123456789012:function:F/invocations
`

// In quick mode a definition invoking a function is served with the
// function named by --function; without it, validate warns and says how to
// name it.
func TestQuickModeFunctions(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	def := filepath.Join(dir, "api.yaml")
	if err := os.WriteFile(def, []byte(quickLambdaDef), 0o600); err != nil {
		t.Fatal(err)
	}
	code, out, _ := runCmd(t, "validate", "--api", def)
	if code != exitOK || !strings.Contains(out, `warning: GET /a: integration invokes function "F", which is not configured`) || !strings.Contains(out, "--function F=PATH") {
		t.Errorf("without --function: exit %d, output %q", code, out)
	}
	code, out, _ = runCmd(t, "validate", "--api", def, "--function", "F=../../testdata/functions/proxyecho")
	if code != exitOK || strings.Contains(out, "warning:") {
		t.Errorf("with --function: exit %d, output %q", code, out)
	}
}

// validate builds Go functions as serve would, so a function that does not
// compile is reported by validate, with go's output, beside the other
// problems.
func TestValidateBuildsFunctions(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	fn := filepath.Join(dir, "fn")
	if err := os.Mkdir(fn, 0o755); err != nil {
		t.Fatal(err)
	}
	files := map[string]string{
		filepath.Join(fn, "go.mod"):        "module broken\n\ngo 1.21\n",
		filepath.Join(fn, "main.go"):       "package main\n\nfunc main() { notDefined() }\n",
		filepath.Join(dir, "api.yaml"):     quickLambdaDef,
		filepath.Join(dir, "portico.yaml"): "apis:\n  - id: a\n    definition: api.yaml\n    stages: [{name: dev}]\nfunctions:\n  - {name: F, build: ./fn}\n",
	}
	for p, body := range files {
		if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	code, out, _ := runCmd(t, "validate", "--config", filepath.Join(dir, "portico.yaml"))
	if code != exitInvalid || !strings.Contains(out, "function F: go build") || !strings.Contains(out, "undefined: notDefined") {
		t.Errorf("exit %d, output %q", code, out)
	}
}

// validate reports, in one run, every problem a call would trip over: an
// invalid selection pattern (error) beside mappings from undeclared
// parameters, an endpoint placeholder nothing fills and an AWS_PROXY
// integration that is not POST (warnings).
func TestValidateReportsEverythingAtOnce(t *testing.T) {
	t.Parallel()
	def := filepath.Join(t.TempDir(), "api.yaml")
	src := `openapi: 3.0.1
info: {title: t, version: "1"}
paths:
  /a/{id}:
    get:
      x-amazon-apigateway-integration:
        type: http
        httpMethod: GET
        uri: http://127.0.0.1:1/items/{item}/{id}
        requestParameters:
          integration.request.querystring.q: method.request.querystring.missing
        responses:
          "(4\\d{2": {statusCode: "400"}
          default: {statusCode: "200"}
  /b:
    post:
      x-amazon-apigateway-integration:
        type: aws_proxy
        httpMethod: GET
        uri: arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:123456789012:function:F/invocations
`
	if err := os.WriteFile(def, []byte(src), 0o600); err != nil {
		t.Fatal(err)
	}
	code, out, _ := runCmd(t, "validate", "--api", def)
	if code != exitInvalid {
		t.Errorf("exit %d, want %d", code, exitInvalid)
	}
	for _, want := range []string{
		`api.yaml:13: /paths/~1a~1{id}/get/x-amazon-apigateway-integration/responses/(4\d{2: selection pattern "(4\\d{2" is not a valid regular expression`,
		"/requestParameters/integration.request.querystring.q: warning: GET /a/{id}: method.request.querystring.missing is not a declared method request parameter",
		"/uri: warning: GET /a/{id}: endpoint URI placeholder {item} has no integration.request.path.item mapping",
		`/paths/~1b/post/x-amazon-apigateway-integration/httpMethod: warning: POST /b: an AWS_PROXY integration must use httpMethod POST, not "GET"`,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
}
