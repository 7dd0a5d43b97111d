package function

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/lambda/messages"
	"github.com/google/go-cmp/cmp"
)

// TestInvokeOutcomes runs each kind of answer a function can give.
func TestInvokeOutcomes(t *testing.T) {
	skipUnlessLinux(t)
	cfg := func(name string) Config { return Config{Name: name, Command: []string{fnBin(t, name)}} }
	m := newTestManager(t, Options{}, cfg("echo"), cfg("errormsg"), cfg("panic"), cfg("malformed"), cfg("crash"))

	tests := []struct {
		name, function, payload string
		wantPayload             string // exact, when set
		wantFunctionError       bool
		wantErrorDoc            *messages.InvokeResponse_Error // compared without stack
		wantErr                 func(error) bool
	}{
		{name: "echo", function: "echo", payload: `{"hello":"world"}`, wantPayload: `{"hello":"world"}`},
		{name: "echo string", function: "echo", payload: `"x"`, wantPayload: `"x"`},
		{name: "error with message", function: "errormsg", payload: `{"message":"table pets missing"}`,
			wantFunctionError: true, wantErrorDoc: &messages.InvokeResponse_Error{Message: "table pets missing", Type: "errorString"}},
		{name: "panic", function: "panic", payload: `{"message":"boom"}`,
			wantFunctionError: true, wantErrorDoc: &messages.InvokeResponse_Error{Message: "boom", Type: "string"}},
		{name: "after panic the process is replaced", function: "panic", payload: `{"message":"again"}`,
			wantFunctionError: true, wantErrorDoc: &messages.InvokeResponse_Error{Message: "again", Type: "string"}},
		{name: "malformed non-JSON answer passes through", function: "malformed", payload: `{"mode":"raw"}`,
			wantPayload: "this is not JSON {"},
		{name: "malformed proxy answer passes through", function: "malformed", payload: `{}`,
			wantPayload: `{"statusCode":200,"wrongValue":"value"}`},
		{name: "crash mid-invocation", function: "crash", payload: `{"code":7}`, wantErr: func(err error) bool {
			ce, ok := errors.AsType[*CrashError](err)
			return ok && !ce.Init && ce.Reason == "exit status 7" && strings.Contains(ce.Output, "crashing now with code 7") &&
				ce.RequestID != ""
		}},
		{name: "unknown function", function: "nope", payload: `{}`, wantErr: func(err error) bool {
			nf, ok := errors.AsType[*NotFoundError](err)
			return ok && nf.Error() == "Function not found: arn:aws:lambda:us-east-1:123456789012:function:nope"
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, err := m.invoke(t, tt.function, tt.payload)
			if tt.wantErr != nil {
				if err == nil || !tt.wantErr(err) {
					t.Fatalf("got %v (%#v), want a matching error", err, err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := resp.FunctionError != ""; got != tt.wantFunctionError {
				t.Errorf("FunctionError = %q, want set=%v", resp.FunctionError, tt.wantFunctionError)
			}
			if tt.wantFunctionError && resp.FunctionError != "Unhandled" {
				t.Errorf("FunctionError = %q, want Unhandled", resp.FunctionError)
			}
			if tt.wantPayload != "" && string(resp.Payload) != tt.wantPayload {
				t.Errorf("payload = %s, want %s", resp.Payload, tt.wantPayload)
			}
			if tt.wantErrorDoc != nil {
				var got messages.InvokeResponse_Error
				if err := json.Unmarshal(resp.Payload, &got); err != nil {
					t.Fatalf("error payload %s: %v", resp.Payload, err)
				}
				got.StackTrace = nil
				if d := cmp.Diff(*tt.wantErrorDoc, got); d != "" {
					t.Errorf("error document (-want +got):\n%s", d)
				}
			}
		})
	}
}

// TestEnvironment checks what a function sees: the Lambda environment, the
// configured variables, the invocation metadata and its working directory.
func TestEnvironment(t *testing.T) {
	skipUnlessLinux(t)
	bin := fnBin(t, "envdump")
	t.Setenv("PORTICO_TEST_NOT_PASSED", "1")
	m := newTestManager(t, Options{}, Config{
		Name: "Pets-Fn_1", Command: []string{bin}, Timeout: 7 * time.Second, MemorySize: 256,
		Region: "eu-west-1", AccountID: "111122223333",
		Environment: map[string]string{"TABLE": "pets", "DB_PASSWORD": "s3cr3t-value"},
	})
	before := time.Now()
	resp, err := m.Invoke(t.Context(), "Pets-Fn_1", []byte(`{"print":"hello from the function"}`), InvokeOptions{
		RequestID: "11111111-2222-3333-4444-555555555555", TraceID: "Root=1-abc-def;Sampled=1",
		ClientContext:   `{"custom":{"k":"v"}}`,
		CognitoIdentity: `{"cognitoIdentityId":"us-east-1:42","cognitoIdentityPoolId":"us-east-1:pool"}`,
	})
	if err != nil {
		t.Fatal(err)
	}
	var got struct {
		Env           map[string]string `json:"env"`
		RequestID     string            `json:"requestId"`
		FunctionARN   string            `json:"functionArn"`
		DeadlineMs    int64             `json:"deadlineMs"`
		TraceID       string            `json:"traceId"`
		ClientContext map[string]string `json:"clientContext"`
		CognitoID     string            `json:"cognitoIdentityId"`
		Cwd           string            `json:"cwd"`
	}
	if err := json.Unmarshal(resp.Payload, &got); err != nil {
		t.Fatalf("%s: %v", resp.Payload, err)
	}
	if resp.RequestID != "11111111-2222-3333-4444-555555555555" || got.RequestID != resp.RequestID {
		t.Errorf("request id: response %q, function saw %q", resp.RequestID, got.RequestID)
	}
	if want := "arn:aws:lambda:eu-west-1:111122223333:function:Pets-Fn_1"; got.FunctionARN != want {
		t.Errorf("ARN = %q, want %q", got.FunctionARN, want)
	}
	if got.TraceID != "Root=1-abc-def;Sampled=1" {
		t.Errorf("trace id = %q", got.TraceID)
	}
	if got.ClientContext["k"] != "v" {
		t.Errorf("client context = %v", got.ClientContext)
	}
	if got.CognitoID != "us-east-1:42" {
		t.Errorf("cognito identity id = %q", got.CognitoID)
	}
	deadline := time.UnixMilli(got.DeadlineMs)
	if deadline.Before(before.Add(6*time.Second)) || deadline.After(time.Now().Add(7*time.Second)) {
		t.Errorf("deadline %v is not about 7 s after %v", deadline, before)
	}
	want := map[string]string{
		"AWS_LAMBDA_FUNCTION_NAME":        "Pets-Fn_1",
		"AWS_LAMBDA_FUNCTION_VERSION":     "$LATEST",
		"AWS_LAMBDA_FUNCTION_MEMORY_SIZE": "256",
		"AWS_REGION":                      "eu-west-1",
		"AWS_DEFAULT_REGION":              "eu-west-1",
		"AWS_LAMBDA_LOG_GROUP_NAME":       "/aws/lambda/Pets-Fn_1",
		"_HANDLER":                        "envdump",
		"LAMBDA_TASK_ROOT":                got.Cwd,
		"TZ":                              ":UTC",
		"TABLE":                           "pets",
		"PATH":                            got.Env["PATH"],
	}
	for k, v := range want {
		if got.Env[k] != v {
			t.Errorf("env %s = %q, want %q", k, got.Env[k], v)
		}
	}
	if got.Env["PATH"] == "" {
		t.Error("PATH was not passed through")
	}
	if home, ok := os.LookupEnv("HOME"); ok && got.Env["HOME"] != home {
		t.Errorf("HOME = %q, want %q", got.Env["HOME"], home)
	}
	if _, ok := got.Env["PORTICO_TEST_NOT_PASSED"]; ok {
		t.Error("Portico's environment leaked into the function beyond PATH and HOME")
	}
	if !strings.HasPrefix(got.Env["AWS_LAMBDA_RUNTIME_API"], "127.0.0.1:") {
		t.Errorf("AWS_LAMBDA_RUNTIME_API = %q", got.Env["AWS_LAMBDA_RUNTIME_API"])
	}
	if s := got.Env["AWS_LAMBDA_LOG_STREAM_NAME"]; !strings.Contains(s, "/[$LATEST]") || len(s) != len("2006/01/02/[$LATEST]")+32 {
		t.Errorf("log stream name = %q", s)
	}
	if got.Cwd != strings.TrimSuffix(bin, "/envdump") {
		t.Errorf("cwd = %q, want the binary's directory", got.Cwd)
	}

	// The output is logged line by line with the function and request id;
	// the environment (with its secret) is not.
	waitFor(t, "function output in the log", 5*time.Second, func() bool {
		return strings.Count(m.logs.String(), "hello from the function") == 2
	})
	for line := range strings.Lines(m.logs.String()) {
		if strings.Contains(line, "hello from the function") &&
			(!strings.Contains(line, "function=Pets-Fn_1") || !strings.Contains(line, "requestId=11111111-2222-3333-4444-555555555555")) {
			t.Errorf("log line lacks function or request id: %s", line)
		}
	}
	if strings.Contains(m.logs.String(), "s3cr3t-value") {
		t.Error("an environment value was logged")
	}
}

// TestConfigErrors checks that bad configurations are all reported.
func TestConfigErrors(t *testing.T) {
	_, err := NewManager([]Config{
		{Name: "bad name"},
		{Name: "two", Command: []string{"/bin/true"}, Build: "/tmp/x"},
		{Name: "rel", CodeURI: "dist/x"},
		{Name: "env", Command: []string{"/bin/true"}, Environment: map[string]string{"AWS_REGION": "x"}},
		{Name: "dup", Command: []string{"/bin/true"}},
		{Name: "dup", Command: []string{"/bin/true"}},
	}, Options{})
	if err == nil {
		t.Fatal("no error")
	}
	for _, want := range []string{`"bad name": name`, `"two": exactly one`, `"rel": codeUri "dist/x" is not absolute`,
		`"env": environment variable AWS_REGION is reserved`, `"dup": defined twice`} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error lacks %q:\n%v", want, err)
		}
	}
}

// TestInitFailure covers runtimes that fail before asking for work.
func TestInitFailure(t *testing.T) {
	skipUnlessLinux(t)
	bin := fnBin(t, "crash")
	m := newTestManager(t, Options{},
		Config{Name: "exits", Command: []string{bin}, Environment: map[string]string{"CRASH_AT_INIT": "exit"}},
		Config{Name: "reports", Command: []string{bin}, Environment: map[string]string{"CRASH_AT_INIT": "report"}},
		Config{Name: "missing", Command: []string{"/nonexistent/bootstrap"}},
	)
	tests := []struct {
		function, reason, output string
	}{
		{"exits", "exit status 3", "cannot load configuration: missing TABLE"},
		{"reports", "InitFailure: database unreachable", "reporting init error"},
	}
	for _, tt := range tests {
		t.Run(tt.function, func(t *testing.T) {
			_, err := m.invoke(t, tt.function, `{}`)
			ce, ok := errors.AsType[*CrashError](err)
			if !ok {
				t.Fatalf("got %v, want *CrashError", err)
			}
			if !ce.Init || ce.Reason != tt.reason || !strings.Contains(ce.Output, tt.output) || ce.RequestID == "" {
				t.Errorf("got %+v, want init failure %q with output %q", ce, tt.reason, tt.output)
			}
			if m.processes(tt.function) != 0 {
				t.Error("a failed process is still in the pool")
			}
		})
	}
	if _, err := m.invoke(t, "missing", `{}`); err == nil || !strings.Contains(err.Error(), "/nonexistent/bootstrap") {
		t.Errorf("got %v, want a start error", err)
	}
}

// TestTimeout checks that a function past its timeout is killed, reported
// with Lambda's message, and replaced.
func TestTimeout(t *testing.T) {
	skipUnlessLinux(t)
	m := newTestManager(t, Options{}, Config{Name: "slow", Command: []string{fnBin(t, "slow")}, Timeout: time.Second})
	if _, err := m.invoke(t, "slow", `{"sleepMs":0}`); err != nil {
		t.Fatal(err)
	}
	pid := m.pids.last(t)
	_, err := m.invoke(t, "slow", `{"sleepMs":10000}`)
	te, ok := errors.AsType[*TimeoutError](err)
	if !ok {
		t.Fatalf("got %v, want *TimeoutError", err)
	}
	if te.Error() != "Task timed out after 1.00 seconds" {
		t.Errorf("message = %q", te.Error())
	}
	var doc messages.InvokeResponse_Error
	if err := json.Unmarshal(te.Payload(), &doc); err != nil || doc.Type != "Sandbox.Timedout" ||
		doc.Message != "RequestId: "+te.RequestID+" Error: Task timed out after 1.00 seconds" {
		t.Errorf("payload = %s", te.Payload())
	}
	waitFor(t, "the timed-out process to be reaped", 5*time.Second, func() bool { return !isOurChild(pid) })
	waitFor(t, "a warm replacement", 10*time.Second, func() bool { return m.idle("slow") == 1 })
	resp, err := m.invoke(t, "slow", `{"sleepMs":1}`)
	if err != nil || string(resp.Payload) != `{"sleptMs":1}` {
		t.Fatalf("after a timeout: %v %s", err, resp.Payload)
	}
	if pids := m.pids.list(); len(pids) != 2 || pids[1] == pid {
		t.Errorf("started %v, want the first process and one replacement", pids)
	}
}

// TestWarmReuse checks that sequential invocations share one process.
func TestWarmReuse(t *testing.T) {
	skipUnlessLinux(t)
	m := newTestManager(t, Options{}, Config{Name: "echo", Command: []string{fnBin(t, "echo")}})
	for i := range 5 {
		if _, err := m.invoke(t, "echo", `{}`); err != nil {
			t.Fatalf("invocation %d: %v", i, err)
		}
	}
	if n := len(m.pids.list()); n != 1 {
		t.Errorf("%d processes started, want 1", n)
	}
}

// TestCancelKeepsSlot checks that a caller giving up returns at once while
// the invocation keeps its concurrency slot until it ends.
func TestCancelKeepsSlot(t *testing.T) {
	skipUnlessLinux(t)
	m := newTestManager(t, Options{}, Config{Name: "slow", Command: []string{fnBin(t, "slow")}, ReservedConcurrency: 1})
	ctx, cancel := context.WithCancel(context.Background())
	errc := make(chan error, 1)
	go func() {
		_, err := m.Invoke(ctx, "slow", []byte(`{"sleepMs":1500}`), InvokeOptions{})
		errc <- err
	}()
	waitFor(t, "the invocation to start", 10*time.Second, func() bool { return m.busy("slow") == 1 })
	cancel()
	if err := <-errc; !errors.Is(err, context.Canceled) {
		t.Fatalf("got %v, want context.Canceled", err)
	}
	if _, err := m.invoke(t, "slow", `{}`); !isThrottled(err) {
		t.Errorf("while the abandoned invocation runs: got %v, want *ThrottledError", err)
	}
	waitFor(t, "the slot to be released", 10*time.Second, func() bool { return m.pools["slow"].inFlight.Load() == 0 })
	if _, err := m.invoke(t, "slow", `{}`); err != nil {
		t.Errorf("after the abandoned invocation: %v", err)
	}
	if n := len(m.pids.list()); n != 1 {
		t.Errorf("%d processes started, want the one reused", n)
	}
}

func isThrottled(err error) bool {
	_, ok := errors.AsType[*ThrottledError](err)
	return ok
}
