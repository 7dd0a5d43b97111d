package gatewaytest

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// requireInterpreter skips the test, loudly, when the local interpreter for
// a runtime is missing, unless PORTICO_REQUIRE_RUNTIMES=1 (set by .ci/run)
// makes that a failure.
func requireInterpreter(t testing.TB, cmd, pkg string) {
	t.Helper()
	if _, err := exec.LookPath(cmd); err == nil {
		return
	}
	msg := fmt.Sprintf("%s is not installed (Debian package %s): the %s runtime tests do not run", cmd, pkg, cmd)
	if os.Getenv("PORTICO_REQUIRE_RUNTIMES") == "1" {
		t.Fatal(msg + " and PORTICO_REQUIRE_RUNTIMES=1")
	}
	t.Log("SKIP: " + msg)
	t.Skip(msg)
}

// runtimeRoute is one route of a runtime test gateway and the function
// behind it.
type runtimeRoute struct {
	path, function, runtime, codeURI, handler string
	// aws makes the route a non-proxy (AWS) integration selecting 409 on
	// errorMessage "Conflict...".
	aws bool
	// timeout is the function timeout; default 3s.
	timeout string
}

// runtimesGateway boots a gateway with an AWS_PROXY (or AWS) GET route per
// runtime function; functions get testdata/functions/layers/shared as a
// layer. The stage logs at level ERROR, so function errors reach the
// execution log.
func runtimesGateway(t *testing.T, routes []runtimeRoute) *Gateway {
	t.Helper()
	fns, err := filepath.Abs("../../testdata/functions")
	if err != nil {
		t.Fatal(err)
	}
	var def, extra strings.Builder
	def.WriteString("openapi: \"3.0.1\"\ninfo: {title: runtimes, version: \"1\"}\npaths:\n")
	extra.WriteString("store: {type: memory}\nfunctions:\n")
	for _, r := range routes {
		typ := "aws_proxy"
		if r.aws {
			typ = "aws"
		}
		fmt.Fprintf(&def, `  %s:
    get:
      responses: {"200": {description: x}, "409": {description: conflict}}
      x-amazon-apigateway-integration:
        type: %s
        httpMethod: POST
        uri: arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:123456789012:function:%s/invocations
`, r.path, typ, r.function)
		if r.aws {
			def.WriteString("        responses:\n          \".*Conflict.*\": {statusCode: \"409\"}\n          default: {statusCode: \"200\"}\n")
		}
		timeout := r.timeout
		if timeout == "" {
			timeout = "3s"
		}
		fmt.Fprintf(&extra, "  - {name: %s, runtime: %s, handler: %q, codeUri: %q, timeout: %s, layers: [%q]}\n",
			r.function, r.runtime, r.handler, filepath.Join(fns, r.codeURI), timeout, filepath.Join(fns, "layers/shared"))
	}
	path := filepath.Join(t.TempDir(), "api.yaml")
	if err := os.WriteFile(path, []byte(def.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	return Start(t, Options{Definition: path, Extra: extra.String(), StageExtra: "loggingLevel: ERROR\n"})
}

// get calls the gateway and returns the status and body.
func get(t *testing.T, g *Gateway, path string) (int, string) {
	t.Helper()
	resp, err := http.Get(g.URL + path)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// runtimeCase is a request and the outcome it must have.
type runtimeCase struct {
	path   string
	status int
	// body must equal the answer when set; contains must all be in it.
	body     string
	contains []string
	// log must appear in the gateway's log (execution log and function
	// output).
	log []string
}

func checkRuntimeCases(t *testing.T, g *Gateway, cases []runtimeCase) {
	t.Helper()
	for _, c := range cases {
		status, body := get(t, g, c.path)
		if status != c.status || (c.body != "" && body != c.body) {
			t.Errorf("GET %s: got %d %s, want %d %s", c.path, status, body, c.status, c.body)
		}
		for _, want := range c.contains {
			if !strings.Contains(body, want) {
				t.Errorf("GET %s: body %s lacks %s", c.path, body, want)
			}
		}
		logs := g.Logs()
		for _, want := range c.log {
			if !strings.Contains(logs, want) {
				t.Errorf("GET %s: the log lacks %s:\n%s", c.path, want, logs)
			}
		}
	}
}

const internalError = `{"message": "Internal server error"}`

// TestNodeRuntime runs Node.js handlers unchanged behind AWS_PROXY and AWS
// routes: CommonJS, ES modules (.mjs and "type": "module" in a nested
// directory), callback handlers, node_modules from the code directory and
// a layer, and every failure Lambda reports in its own shape.
func TestNodeRuntime(t *testing.T) {
	requireInterpreter(t, "node", "nodejs")
	g := runtimesGateway(t, []runtimeRoute{
		{path: "/cjs", function: "NodeCJS", runtime: "nodejs20.x", codeURI: "node", handler: "app.handler"},
		{path: "/esm", function: "NodeESM", runtime: "nodejs20.x", codeURI: "node", handler: "esm.handler"},
		{path: "/esmpkg", function: "NodeESMPkg", runtime: "nodejs20.x", codeURI: "node", handler: "esmpkg/src/app.lambdaHandler"},
		{path: "/callback", function: "NodeCallback", runtime: "nodejs20.x", codeURI: "node", handler: "callback.handler"},
		{path: "/nowait", function: "NodeNoWait", runtime: "nodejs20.x", codeURI: "node", handler: "callback.noWait", timeout: "2s"},
		{path: "/cbfail", function: "NodeCallbackFail", runtime: "nodejs20.x", codeURI: "node", handler: "callback.fail"},
		{path: "/fail", function: "NodeFail", runtime: "nodejs20.x", codeURI: "node", handler: "app.fail"},
		{path: "/slow", function: "NodeSlow", runtime: "nodejs20.x", codeURI: "node", handler: "app.slow", timeout: "1s"},
		{path: "/circular", function: "NodeCircular", runtime: "nodejs20.x", codeURI: "node", handler: "app.circular"},
		{path: "/missing", function: "NodeMissing", runtime: "nodejs20.x", codeURI: "node", handler: "missing.handler"},
		{path: "/nohandler", function: "NodeNoHandler", runtime: "nodejs20.x", codeURI: "node", handler: "app.nope"},
		{path: "/notfn", function: "NodeNotFunction", runtime: "nodejs20.x", codeURI: "node", handler: "app.notAFunction"},
		{path: "/conflict", function: "NodeConflict", runtime: "nodejs20.x", codeURI: "node", handler: "app.conflict", aws: true},
		{path: "/uncaught", function: "NodeUncaught", runtime: "nodejs20.x", codeURI: "node", handler: "callback.uncaught"},
		{path: "/unhandled", function: "NodeUnhandled", runtime: "nodejs20.x", codeURI: "node", handler: "callback.unhandled"},
		{path: "/aws-ok", function: "NodeAWS", runtime: "nodejs20.x", codeURI: "node", handler: "esm.handler", aws: true},
	})
	checkRuntimeCases(t, g, []runtimeCase{
		{path: "/dev/cjs?name=pets", status: 200,
			body: `{"module":"cjs","greeting":"HELLO PETS!","method":"GET","path":"/cjs","invocations":1,"context":{"awsRequestId":"string",` +
				`"functionName":"NodeCJS","functionVersion":"$LATEST","invokedFunctionArn":"arn:aws:lambda:us-east-1:123456789012:function:NodeCJS",` +
				`"memoryLimitInMB":"128","logGroupName":"/aws/lambda/NodeCJS","logStreamName":true,"remaining":true,"callbackWaitsForEmptyEventLoop":true}}`,
			log: []string{`\tINFO\thandling /cjs`, "START RequestId: ", "END RequestId: ", "Billed Duration: ", `Memory Size: 128 MB\tMax Memory Used: `, "Init Duration: "}},
		// The process stays warm: module state survives.
		{path: "/dev/cjs", status: 200, contains: []string{`"greeting":"HELLO WORLD!"`, `"invocations":2`}},
		{path: "/dev/esm", status: 201, contains: []string{`"module":"esm","started":"ready","requestId":"`}},
		{path: "/dev/esmpkg", status: 200, body: `{"module":"esm-type-module","sep":"/","resource":"/esmpkg"}`},
		{path: "/dev/callback", status: 200, body: `{"module":"callback","waits":true}`},
		{path: "/dev/nowait", status: 200, body: `"did not wait"`},
		{path: "/dev/cbfail", status: 502, body: internalError,
			log: []string{"customer function error: callback failure"}},
		{path: "/dev/fail", status: 502, body: internalError,
			log: []string{"customer function error: the pet store is closed", `\tERROR\tInvoke Error {\"errorType\":\"TypeError\",\"errorMessage\":\"the pet store is closed\"`}},
		{path: "/dev/slow", status: 502, body: internalError, log: []string{"Task timed out after 1.00 seconds"}},
		{path: "/dev/circular", status: 502, body: internalError, log: []string{"customer function error: Unable to stringify response body"}},
		{path: "/dev/missing", status: 502, body: internalError, log: []string{"customer function error: Error: Cannot find module '"}},
		{path: "/dev/nohandler", status: 502, body: internalError, log: []string{"customer function error: app.nope is undefined or not exported"}},
		{path: "/dev/notfn", status: 502, body: internalError, log: []string{"customer function error: app.notAFunction is not a function"}},
		{path: "/dev/conflict", status: 409, contains: []string{`{"errorType":"Error","errorMessage":"Conflict: pet 7 already exists","trace":["Error: Conflict: pet 7 already exists","    at `}},
		{path: "/dev/uncaught", status: 502, body: internalError,
			log: []string{"customer function error: uncaught boom", `\tERROR\tUncaught Exception {\"errorType\":\"RangeError\"`}},
		// The process exited; a new one answers the next call the same way.
		{path: "/dev/uncaught", status: 502, body: internalError},
		{path: "/dev/unhandled", status: 502, body: internalError,
			log: []string{"customer function error: Error: nobody caught this", `Unhandled Promise Rejection {\"errorType\":\"Runtime.UnhandledPromiseRejection\"`}},
		{path: "/dev/aws-ok", status: 200, contains: []string{`{"statusCode":201,"body":"{\"module\":\"esm\"`}},
	})
	// callbackWaitsForEmptyEventLoop: the timer the callback handler set
	// fires before its invocation ends.
	logs := g.Logs()
	m := regexp.MustCompile(`([0-9a-f-]{36})\\tINFO\\ttimer fired`).FindStringSubmatchIndex(logs)
	if m == nil {
		t.Fatalf("the callback handler's timer did not fire:\n%s", logs)
	}
	if end := strings.Index(logs, "END RequestId: "+logs[m[2]:m[3]]); end < m[0] {
		t.Errorf("the callback handler's invocation ended before its timer fired:\n%s", logs)
	}
}

// TestNodeRuntimeErrorDocuments pins the error documents themselves, as
// Lambda's Invoke API returns them, through non-proxy routes that pass the
// function error through: an import error and a missing handler.
func TestNodeRuntimeErrorDocuments(t *testing.T) {
	requireInterpreter(t, "node", "nodejs")
	g := runtimesGateway(t, []runtimeRoute{
		{path: "/missing", function: "NodeMissing", runtime: "nodejs18.x", codeURI: "node", handler: "missing.handler", aws: true},
		{path: "/nohandler", function: "NodeNoHandler", runtime: "nodejs22.x", codeURI: "node", handler: "app.nope", aws: true},
		{path: "/fail", function: "NodeFail", runtime: "nodejs20.x", codeURI: "node", handler: "callback.fail", aws: true},
		{path: "/esm-dep", function: "NodeESMDep", runtime: "nodejs20.x", codeURI: "node", handler: "esmpkg/src/broken.handler", aws: true},
		{path: "/cjs-dep", function: "NodeCJSDep", runtime: "nodejs20.x", codeURI: "node", handler: "broken.handler", aws: true},
	})
	doc := func(path string) map[string]any {
		status, body := get(t, g, path)
		var d map[string]any
		if status != 200 || json.Unmarshal([]byte(body), &d) != nil {
			t.Fatalf("GET %s: got %d %s, want 200 and the error document", path, status, body)
		}
		return d
	}
	d := doc("/dev/missing")
	if d["errorType"] != "Runtime.ImportModuleError" || !regexp.MustCompile(`^Error: Cannot find module '/.*/testdata/functions/node/missing'\nRequire stack:\n- /`).MatchString(fmt.Sprint(d["errorMessage"])) {
		t.Errorf("import error: got %v", d)
	}
	if _, ok := d["trace"].([]any); !ok {
		t.Errorf("import error lacks its trace: %v", d)
	}
	d = doc("/dev/nohandler")
	if d["errorType"] != "Runtime.HandlerNotFound" || d["errorMessage"] != "app.nope is undefined or not exported" {
		t.Errorf("missing handler: got %v", d)
	}
	// A dependency the code does not have is an import error too.
	d = doc("/dev/esm-dep")
	if d["errorType"] != "Runtime.ImportModuleError" || !strings.HasPrefix(fmt.Sprint(d["errorMessage"]), "Error [ERR_MODULE_NOT_FOUND]: Cannot find package 'not-installed-pkg' imported from /") {
		t.Errorf("ESM dependency: got %v", d)
	}
	d = doc("/dev/cjs-dep")
	if d["errorType"] != "Runtime.ImportModuleError" || !strings.HasPrefix(fmt.Sprint(d["errorMessage"]), "Error: Cannot find module 'not-installed-pkg'\nRequire stack:\n- /") {
		t.Errorf("CommonJS dependency: got %v", d)
	}
	d = doc("/dev/fail")
	if d["errorType"] != "Error" || d["errorMessage"] != "callback failure" || len(d) != 3 {
		t.Errorf("callback error: got %v", d)
	}
}

// TestPythonRuntime runs Python handlers unchanged: module.function and
// pkg/module.function with the code directory on sys.path, a layer's
// python directory on PYTHONPATH, and Lambda's error documents.
func TestPythonRuntime(t *testing.T) {
	requireInterpreter(t, "python3", "python3")
	g := runtimesGateway(t, []runtimeRoute{
		{path: "/app", function: "PyApp", runtime: "python3.12", codeURI: "python", handler: "app.lambda_handler"},
		{path: "/tool", function: "PyTool", runtime: "python3.12", codeURI: "python", handler: "app.tool"},
		{path: "/pkg", function: "PyPkg", runtime: "python3.12", codeURI: "python", handler: "pkg/handlers.handler"},
		{path: "/fail", function: "PyFail", runtime: "python3.12", codeURI: "python", handler: "app.fail"},
		{path: "/slow", function: "PySlow", runtime: "python3.12", codeURI: "python", handler: "app.slow", timeout: "1s"},
		{path: "/marshal", function: "PyMarshal", runtime: "python3.12", codeURI: "python", handler: "app.unserializable"},
		{path: "/missing", function: "PyMissing", runtime: "python3.12", codeURI: "python", handler: "nomodule.handler"},
		{path: "/nohandler", function: "PyNoHandler", runtime: "python3.12", codeURI: "python", handler: "app.nope"},
		{path: "/conflict", function: "PyConflict", runtime: "python3.12", codeURI: "python", handler: "app.conflict", aws: true},
		{path: "/missing-doc", function: "PyMissingDoc", runtime: "python3.9", codeURI: "python", handler: "nomodule.handler", aws: true},
		{path: "/nohandler-doc", function: "PyNoHandlerDoc", runtime: "python3.13", codeURI: "python", handler: "app.nope", aws: true},
		{path: "/marshal-doc", function: "PyMarshalDoc", runtime: "python3.12", codeURI: "python", handler: "app.unserializable", aws: true},
	})
	checkRuntimeCases(t, g, []runtimeCase{
		{path: "/dev/app?name=pets", status: 200,
			body: `{"module": "python", "greeting": "HELLO PETS!", "method": "GET", "invocations": 1, "context": {"aws_request_id": "str", ` +
				`"function_name": "PyApp", "function_version": "$LATEST", "invoked_function_arn": "arn:aws:lambda:us-east-1:123456789012:function:PyApp", ` +
				`"memory_limit_in_mb": "128", "log_group_name": "/aws/lambda/PyApp", "remaining": true}}`,
			log: []string{"msg=\"handling /app\"", "START RequestId: ", "END RequestId: ", `Memory Size: 128 MB\tMax Memory Used: `, "Init Duration: "}},
		{path: "/dev/app", status: 200, contains: []string{`"greeting": "HELLO WORLD!"`, `"invocations": 2`}},
		{path: "/dev/tool", status: 200, body: "layer tool ran\n"},
		{path: "/dev/pkg", status: 200, body: `{"module": "pkg.handlers", "resource": "/pkg"}`},
		{path: "/dev/fail", status: 502, body: internalError,
			log: []string{"customer function error: the pet store is closed", "[ERROR] ValueError: the pet store is closed"}},
		{path: "/dev/slow", status: 502, body: internalError, log: []string{"Task timed out after 1.00 seconds"}},
		{path: "/dev/marshal", status: 502, body: internalError,
			log: []string{"customer function error: Unable to marshal response: Object of type set is not JSON serializable"}},
		{path: "/dev/missing", status: 502, body: internalError,
			log: []string{"customer function error: Unable to import module 'nomodule': No module named 'nomodule'"}},
		{path: "/dev/nohandler", status: 502, body: internalError,
			log: []string{"customer function error: Handler 'nope' missing on module 'app'"}},
		{path: "/dev/conflict", status: 409, contains: []string{`{"errorMessage": "Conflict: pet 7 already exists", "errorType": "Exception", "requestId": "`,
			`"stackTrace": ["  File \"`}},
		{path: "/dev/missing-doc", status: 200,
			body: `{"errorMessage": "Unable to import module 'nomodule': No module named 'nomodule'", "errorType": "Runtime.ImportModuleError", "requestId": "", "stackTrace": []}`},
		{path: "/dev/nohandler-doc", status: 200,
			body: `{"errorMessage": "Handler 'nope' missing on module 'app'", "errorType": "Runtime.HandlerNotFound", "requestId": "", "stackTrace": []}`},
		{path: "/dev/marshal-doc", status: 200, contains: []string{
			`{"errorMessage": "Unable to marshal response: Object of type set is not JSON serializable", "errorType": "Runtime.MarshalError", "requestId": "`}},
	})
}
