package httpserver

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"testing"

	"github.com/portico-gw/portico/internal/fault"
	"github.com/portico-gw/portico/internal/telemetry"
)

// TestExecLogClasses: the execution log's ERROR line is chosen by the typed
// cause of the fault, not by its text.
func TestExecLogClasses(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name string
		f    *fault.Error
		want string // "" for no ERROR line
	}{
		{"function error", fault.BadGateway(&fault.FunctionFailure{Status: 200, Reason: "boom. Lambda request id: r1"}),
			"Lambda execution failed with status 200 due to customer function error: boom. Lambda request id: r1"},
		{"configuration error", fault.ConfigurationError(fault.Misconfigured("Invalid endpoint address")),
			"Execution failed due to configuration error: Invalid endpoint address"},
		{"malformed proxy answer", fault.BadGateway(fault.Misconfigured("%w", errors.New("bad json"))),
			"Execution failed due to configuration error: bad json"},
		{"authorizer", fault.AuthorizerConfiguration(fault.Misconfigured("authorizer a: %w", errors.New("no such function"))),
			"Execution failed due to configuration error: authorizer a: no such function"},
		{"the text alone is no class", fault.Reject(fault.BadRequestBody, errors.New("Execution failed due to configuration error: x")), ""},
		{"timeout", fault.TimedOut(errors.New("slow")), "Execution failed due to a timeout error"},
		{"other 5xx", fault.IntegrationFailed(errors.New("refused")), "Execution failed due to configuration error: refused"},
		{"4xx", fault.Reject(fault.Unauthorized, errors.New("no token")), ""},
	}
	for _, c := range cases {
		var buf bytes.Buffer
		ex := telemetry.NewExecLog(telemetry.ExecLogConfig{Logger: slog.New(slog.NewTextHandler(&buf, nil)), Level: telemetry.LogError})
		execLog(context.Background(), ex, &exchange{c: newTestCall(), status: 500, fault: c.f})
		got := buf.String()
		if c.want == "" {
			if got != "" {
				t.Errorf("%s: logged %q", c.name, got)
			}
			continue
		}
		if !strings.Contains(got, "level=ERROR") || !strings.Contains(got, fmt.Sprintf("msg=%q", c.want)) {
			t.Errorf("%s: got %q, want the line %q", c.name, got, c.want)
		}
	}
}
