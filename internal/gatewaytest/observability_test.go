package gatewaytest

import (
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

func scrape(t testing.TB, g *Gateway) string {
	t.Helper()
	rec := httptest.NewRecorder()
	g.App.MetricsHandler().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	return rec.Body.String()
}

func hit(t testing.TB, g *Gateway, method, path string, n int) {
	t.Helper()
	for range n {
		req, _ := http.NewRequest(method, g.URL+path, nil)
		resp := g.Do(t, req)
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
	}
}

// TestMetricsCountEveryOutcome runs a scripted set of requests and checks
// the exact counts a scrape of /metrics reports, labelled by the resource
// template (never the raw path).
func TestMetricsCountEveryOutcome(t *testing.T) {
	g := Start(t, Options{Definition: "../../testdata/parity/gateway-responses/defaults-api.yaml", Extra: "store: {type: memory}\n"})
	hit(t, g, "GET", "/dev/keyed", 2)              // 403 INVALID_API_KEY
	hit(t, g, "GET", "/dev/nowhere/1", 3)          // 403 MISSING_AUTHENTICATION_TOKEN
	hit(t, g, "GET", "/dev/nowhere/2", 1)          // same, another raw path
	hit(t, g, "GET", "/dev/mock/unmatched", 1)     // 500 API_CONFIGURATION_ERROR
	hit(t, g, "POST", "/dev/when-no-templates", 2) // 200
	body := scrape(t, g)
	for _, want := range []string{
		`portico_requests_total{api="testapi",method="POST",resource="/when-no-templates",stage="dev"} 2`,
		`portico_requests_total{api="testapi",method="GET",resource="/keyed",stage="dev"} 2`,
		`portico_4xx_errors_total{api="testapi",method="GET",resource="/keyed",stage="dev"} 2`,
		`portico_requests_total{api="testapi",method="",resource="",stage="dev"} 4`,
		`portico_4xx_errors_total{api="testapi",method="",resource="",stage="dev"} 4`,
		`portico_5xx_errors_total{api="testapi",method="GET",resource="/mock/unmatched",stage="dev"} 1`,
		`portico_rejections_total{api="testapi",response_type="MISSING_AUTHENTICATION_TOKEN",stage="dev"} 4`,
		`portico_rejections_total{api="testapi",response_type="INVALID_API_KEY",stage="dev"} 2`,
		`portico_rejections_total{api="testapi",response_type="API_CONFIGURATION_ERROR",stage="dev"} 1`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("scrape lacks %s", want)
		}
	}
	if strings.Contains(body, "/nowhere") {
		t.Error("a raw request path became a label")
	}
	if t.Failed() {
		t.Logf("scrape:\n%s", grepLines(body, "portico_"))
	}
}

func grepLines(s, sub string) string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if strings.Contains(l, sub) && !strings.HasPrefix(l, "#") {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}

// TestStageLogging: a stage's CLF access log goes to its file, the INFO
// execution log explains each failure class, and debugErrors adds the
// reason header.
func TestStageLogging(t *testing.T) {
	logFile := filepath.Join(t.TempDir(), "access.log")
	stage := "accessLogSettings:\n  format: '$context.identity.sourceIp $context.identity.caller $context.identity.user [$context.requestTime] \"$context.httpMethod $context.resourcePath $context.protocol\" $context.status $context.responseLength $context.requestId'\n  destination: " + logFile + "\nloggingLevel: INFO\ndebugErrors: true\n"
	g := Start(t, Options{Definition: "../../testdata/parity/gateway-responses/defaults-api.yaml", Extra: "store: {type: memory}\n", StageExtra: stage})
	req, _ := http.NewRequest("GET", g.URL+"/dev/mock/unmatched", nil)
	resp := g.Do(t, req)
	resp.Body.Close()
	if got := resp.Header.Get("X-Portico-Error-Reason"); !strings.Contains(got, "No match for output mapping") {
		t.Errorf("x-portico-error-reason: %q", got)
	}
	hit(t, g, "GET", "/dev/slow", 1)
	hit(t, g, "POST", "/dev/when-no-templates", 1)
	logs := g.Logs()
	for _, want := range []string{
		"Execution failed due to configuration error: No match for output mapping and no default output mapping configured. Endpoint Response Status Code: 404",
		"Execution failed due to a timeout error",
		"Method completed with status: 200",
		"Method request path: ",
	} {
		if !strings.Contains(logs, want) {
			t.Errorf("execution log lacks %q", want)
		}
	}
	if err := g.App.Close(); err != nil {
		t.Logf("close: %v", err)
	}
	data, err := os.ReadFile(logFile)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(data)), "\n")
	if len(lines) != 3 {
		t.Fatalf("got %d access lines, want 3:\n%s", len(lines), data)
	}
	if !regexp.MustCompile(`^127\.0\.0\.1 - - \[\d\d/\w{3}/\d{4}:\d\d:\d\d:\d\d \+0000\] "GET /mock/unmatched HTTP/1\.1" 500 36 [0-9a-f-]{36}$`).MatchString(lines[0]) {
		t.Errorf("CLF line: %q", lines[0])
	}
}

// TestTraceHeader pins docs/aws-behaviour.md#trace-header: AWS_PROXY answers carry
// X-Amzn-Trace-Id (a client Root;Parent echoed, a Root alone given a new
// Parent), MOCK answers and errors carry none, and HTTP back ends receive it.
func TestTraceHeader(t *testing.T) {
	fns, _ := filepath.Abs("../../testdata/functions")
	g := Start(t, Options{Definition: "../../testdata/parity/lambda/api.yaml", Stages: map[string]map[string]string{"dev": {"dumper": "EventDump"}},
		Extra: "store: {type: memory}\nfunctions:\n  - {name: ProxyEcho, build: \"" + fns + "/proxyecho\"}\n  - {name: EventDump, build: \"" + fns + "/eventdump\"}\n  - {name: Selector, build: \"" + fns + "/selector\"}\n  - {name: Sleeper, build: \"" + fns + "/sleeper\"}\n  - {name: ShortSleeper, build: \"" + fns + "/sleeper\"}\n"})
	send := func(trace string) http.Header {
		req, _ := http.NewRequest("POST", g.URL+"/dev/proxy/x", strings.NewReader(`{"statusCode":200}`))
		if trace != "" {
			req.Header.Set("X-Amzn-Trace-Id", trace)
		}
		resp := g.Do(t, req)
		resp.Body.Close()
		return resp.Header
	}
	full := "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1"
	if got := send(full).Get("X-Amzn-Trace-Id"); got != full {
		t.Errorf("Root;Parent;Sampled: got %q, want it echoed", got)
	}
	got := send("Root=1-5759e988-bd862e3fe1be46a994272793").Get("X-Amzn-Trace-Id")
	if !regexp.MustCompile(`^Root=1-5759e988-bd862e3fe1be46a994272793;Parent=[0-9a-f]{16}`).MatchString(got) {
		t.Errorf("Root only: got %q, want the Root kept and a new Parent", got)
	}
	if got := send("").Get("X-Amzn-Trace-Id"); !strings.HasPrefix(got, "Root=1-") {
		t.Errorf("no trace header: got %q, want a generated one", got)
	}
	req, _ := http.NewRequest("GET", g.URL+"/dev/nowhere", nil)
	req.Header.Set("X-Amzn-Trace-Id", full)
	resp := g.Do(t, req)
	resp.Body.Close()
	if got := resp.Header.Get("X-Amzn-Trace-Id"); got != "" {
		t.Errorf("a gateway error carries X-Amzn-Trace-Id %q", got)
	}
}

// TestExecutionLogFunctionError: at loggingLevel ERROR a function error is
// logged with AWS's line, and INFO lines are not.
func TestExecutionLogFunctionError(t *testing.T) {
	fns, _ := filepath.Abs("../../testdata/functions")
	g := Start(t, Options{Definition: "../../testdata/parity/lambda/api.yaml", Stages: map[string]map[string]string{"dev": {"dumper": "EventDump"}},
		StageExtra: "loggingLevel: ERROR\n",
		Extra:      "store: {type: memory}\nfunctions:\n  - {name: ProxyEcho, build: \"" + fns + "/proxyecho\"}\n  - {name: EventDump, build: \"" + fns + "/eventdump\"}\n  - {name: Selector, build: \"" + fns + "/selector\"}\n  - {name: Sleeper, build: \"" + fns + "/sleeper\"}\n  - {name: ShortSleeper, build: \"" + fns + "/sleeper\"}\n"})
	hit(t, g, "POST", "/dev/proxy/x", 1) // no body: the function fails
	logs := g.Logs()
	if !strings.Contains(logs, "Lambda execution failed with status 200 due to customer function error: the JSON object must be str") {
		t.Errorf("function error not in the execution log:\n%s", logs)
	}
	if strings.Contains(logs, "Method completed with status") {
		t.Error("INFO lines written at loggingLevel ERROR")
	}
}
