// Package functiontest runs real functions for the tests of the packages
// that invoke them (integrations, authorizers): a Go main package is built
// and run as its own process speaking the Lambda Runtime API, behind the
// lambdaevent.FunctionInvoker contract those packages use. Only tests
// import it.
package functiontest

import (
	"context"
	"testing"
	"time"

	"github.com/portico-gw/portico/internal/function"
	"github.com/portico-gw/portico/internal/lambdaevent"
)

// Invoker runs the functions of a function.Manager.
type Invoker struct{ M *function.Manager }

// InvokeFunction implements lambdaevent.FunctionInvoker.
func (p Invoker) InvokeFunction(ctx context.Context, name string, payload []byte, _, traceID string) (lambdaevent.FunctionResult, error) {
	resp, err := p.M.Invoke(ctx, name, payload, function.InvokeOptions{TraceID: traceID})
	if err != nil {
		return lambdaevent.FunctionResult{}, err
	}
	return lambdaevent.FunctionResult{Payload: resp.Payload, FunctionError: resp.FunctionError, RequestID: resp.RequestID}, nil
}

// Build starts a manager with one function, name, built from the Go main
// package in dir (an absolute path); it is closed at the end of the test.
func Build(t testing.TB, name, dir string) Invoker {
	t.Helper()
	m, err := function.NewManager([]function.Config{{Name: name, Build: dir, Timeout: 10 * time.Second}},
		function.Options{CacheDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = m.Close() })
	return Invoker{M: m}
}
