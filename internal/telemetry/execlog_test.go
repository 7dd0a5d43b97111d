package telemetry

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

type logLine struct {
	Level     string `json:"level"`
	Msg       string `json:"msg"`
	RequestID string `json:"requestId"`
	APIID     string `json:"apiId"`
	Stage     string `json:"stage"`
}

func execLogFor(t *testing.T, level LogLevel, dataTrace bool) (*ExecLog, *bytes.Buffer) {
	t.Helper()
	var buf bytes.Buffer
	l := slog.New(slog.NewJSONHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
	return NewExecLog(ExecLogConfig{Logger: l, Level: level, DataTrace: dataTrace, API: "petstore", Stage: "prod"}), &buf
}

func readLines(t *testing.T, buf *bytes.Buffer) []logLine {
	t.Helper()
	var out []logLine
	for _, raw := range strings.Split(strings.TrimSpace(buf.String()), "\n") {
		if raw == "" {
			continue
		}
		var l logLine
		if err := json.Unmarshal([]byte(raw), &l); err != nil {
			t.Fatalf("%q: %v", raw, err)
		}
		out = append(out, l)
	}
	return out
}

// play logs one request's worth of lines.
func play(e *ExecLog) {
	ctx := context.Background()
	e.MethodRequest(ctx, "r1", map[string]string{"petId": "1", "a": "x"},
		url.Values{"limit": {"5"}, "tag": {"a", "b"}, "access_token": {"SECRETQUERYTOKEN"}, "X-Amz-Security-Token": {"SESSIONTOKENVALUE"}},
		http.Header{"Authorization": {"Bearer eyJhbGciOi"}, "X-Api-Key": {"alice-0123456789abcdefghij"}, "Accept": {"*/*"}},
		[]byte(`{"name":"rex"}`))
	e.EndpointRequest(ctx, "r1", "https://backend.example/pets/1")
	e.ConfigurationError(ctx, "r1", "No match for output mapping and no default output mapping")
	e.Timeout(ctx, "r1")
	e.FunctionError(ctx, "r1", 200, `{"errorMessage":"boom"}`)
	e.Completed(ctx, "r1", 502)
}

func TestExecLogInfo(t *testing.T) {
	e, buf := execLogFor(t, LogInfo, true)
	play(e)
	want := []struct{ level, msg string }{
		{"INFO", "Method request path: {a=x, petId=1}"},
		{"INFO", "Method request query string: {X-Amz-Security-Token=****ALUE, access_token=****OKEN, limit=5, tag=a,b}"},
		{"INFO", "Method request headers: {Accept=*/*, Authorization=****ciOi, X-Api-Key=****ghij}"},
		{"INFO", `Method request body before transformations: {"name":"rex"}`},
		{"INFO", "Endpoint request URI: https://backend.example/pets/1"},
		{"ERROR", "Execution failed due to configuration error: No match for output mapping and no default output mapping"},
		{"ERROR", "Execution failed due to a timeout error"},
		{"ERROR", `Lambda execution failed with status 200 due to customer function error: {"errorMessage":"boom"}`},
		{"INFO", "Method completed with status: 502"},
	}
	got := readLines(t, buf)
	if len(got) != len(want) {
		t.Fatalf("got %d lines, want %d:\n%s", len(got), len(want), buf)
	}
	for i, w := range want {
		g := got[i]
		if g.Level != w.level || g.Msg != w.msg {
			t.Errorf("line %d: got %s %q, want %s %q", i, g.Level, g.Msg, w.level, w.msg)
		}
		if g.RequestID != "r1" || g.APIID != "petstore" || g.Stage != "prod" {
			t.Errorf("line %d: attributes %+v", i, g)
		}
	}
	if strings.Contains(buf.String(), "eyJhbGciOi") || strings.Contains(buf.String(), "0123456789") {
		t.Error("a credential reached the log")
	}
}

func TestExecLogLevels(t *testing.T) {
	e, buf := execLogFor(t, LogError, true)
	play(e)
	got := readLines(t, buf)
	if len(got) != 3 {
		t.Fatalf("ERROR level: got %d lines, want the 3 failures:\n%s", len(got), buf)
	}
	for _, l := range got {
		if l.Level != "ERROR" {
			t.Errorf("ERROR level wrote %s %q", l.Level, l.Msg)
		}
	}
	e, buf = execLogFor(t, LogInfo, false)
	play(e)
	if strings.Contains(buf.String(), "body before transformations") {
		t.Error("a body was logged without data tracing")
	}
	if e := NewExecLog(ExecLogConfig{Logger: slog.Default(), Level: LogOff}); e != nil || e.Enabled(LogError) {
		t.Error("OFF gave a live log")
	}
	play(nil) // a nil log is silent and safe
}

func TestParseLogLevelAndMask(t *testing.T) {
	for in, want := range map[string]LogLevel{"OFF": LogOff, "error": LogError, "INFO": LogInfo} {
		if got, err := ParseLogLevel(in); err != nil || got != want {
			t.Errorf("ParseLogLevel(%q) = %d, %v", in, got, err)
		}
	}
	if _, err := ParseLogLevel("DEBUG"); err == nil {
		t.Error("DEBUG accepted")
	}
	for in, want := range map[string]string{"": "****", "abcd": "****", "abcdefgh": "****", "abcdefghij": "****ghij"} {
		if got := MaskSecret(in); got != want {
			t.Errorf("MaskSecret(%q) = %q, want %q", in, got, want)
		}
	}
	long := strings.Repeat("x", 2000)
	if got := truncateBody([]byte(long)); len(got) != 1024+len(" [TRUNCATED]") {
		t.Errorf("truncated body has %d bytes", len(got))
	}
}
