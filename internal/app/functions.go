package app

import (
	"context"
	"errors"
	"fmt"
	"log/slog"

	"github.com/portico-gw/portico/internal/config"
	"github.com/portico-gw/portico/internal/fault"
	"github.com/portico-gw/portico/internal/function"
	"github.com/portico-gw/portico/internal/lambdaevent"
	"github.com/portico-gw/portico/internal/telemetry"
)

// functions adapts the function runtime to what integrations need, turning
// its typed errors into AWS's outcomes: a timeout or a crash is a function
// error (502 through AWS_PROXY, errorMessage for AWS selection patterns);
// reserved concurrency is 429 THROTTLED (docs/differences.md#deliberate-differences); a payload over
// 6 MB is 413 Request Too Long.
type functions struct {
	m       *function.Manager
	metrics *telemetry.Metrics
}

// openFunctions starts the runtime for the configured functions (builds Go
// sources once; processes start on first use). It starts background work
// that Close stops.
func openFunctions(cfg *config.File, log *slog.Logger) (*function.Manager, error) {
	m, err := function.NewManager(functionConfigs(cfg), functionOptions(cfg, log))
	if err != nil {
		return nil, fmt.Errorf("functions: %w", err)
	}
	return m, nil
}

// functionOptions is the runtime's view of the functionRuntime section.
func functionOptions(cfg *config.File, log *slog.Logger) function.Options {
	o := function.Options{Logger: log, MemoryLimit: cfg.FunctionRuntime.MemoryLimit,
		CodeCheckInterval: cfg.FunctionRuntime.CodeCheckInterval.Every.D()}
	if cfg.FunctionRuntime.CodeCheckInterval.Off {
		o.CodeCheckInterval = -1 // never
	}
	return o
}

// functionConfigs is the runtime's view of the settings' functions.
func functionConfigs(cfg *config.File) []function.Config {
	cfgs := make([]function.Config, 0, len(cfg.Functions))
	for _, f := range cfg.Functions {
		cfgs = append(cfgs, function.Config{Name: f.Name, Command: f.Command, Build: f.Build, CodeURI: f.CodeURI,
			Runtime: f.Runtime, Handler: f.Handler, Layers: f.Layers,
			Timeout: f.Timeout.D(), MemorySize: f.MemorySize, ReservedConcurrency: f.ReservedConcurrency,
			Environment: f.Environment, IdleTimeout: f.IdleTimeout.D(), Region: cfg.Region, AccountID: cfg.AccountID})
	}
	return cfgs
}

// Has implements deploy.Functions.
func (f functions) Has(name string) bool { return f.m.Has(name) }

// InvokeFunctionAsync implements lambdaevent.AsyncInvoker: the invocation
// runs in the background and its outcome is only logged.
func (f functions) InvokeFunctionAsync(name string, payload []byte, requestID, traceID string) error {
	return f.m.InvokeAsync(name, payload, function.InvokeOptions{RequestID: requestID, TraceID: traceID})
}

// InvokeFunction implements lambdaevent.FunctionInvoker.
func (f functions) InvokeFunction(ctx context.Context, name string, payload []byte, _, traceID string) (lambdaevent.FunctionResult, error) {
	var fm *telemetry.FunctionMetrics
	if f.metrics != nil {
		fm = f.metrics.Function(name)
		fm.Start(false)
	}
	resp, err := f.m.Invoke(ctx, name, payload, function.InvokeOptions{TraceID: traceID})
	if fm != nil {
		if resp != nil && resp.ColdStart {
			fm.MarkCold()
		}
		fm.Finish(err != nil || (resp != nil && resp.FunctionError != ""))
	}
	if err == nil {
		return lambdaevent.FunctionResult{Payload: resp.Payload, FunctionError: resp.FunctionError, RequestID: resp.RequestID}, nil
	}
	if ctx.Err() != nil {
		return lambdaevent.FunctionResult{}, ctx.Err()
	}
	if te, ok := errors.AsType[*function.TimeoutError](err); ok {
		return lambdaevent.FunctionResult{Payload: te.Payload(), FunctionError: "Unhandled", RequestID: te.RequestID}, nil
	}
	if ce, ok := errors.AsType[*function.CrashError](err); ok {
		return lambdaevent.FunctionResult{Payload: ce.Payload(), FunctionError: "Unhandled", RequestID: ce.RequestID}, nil
	}
	if _, ok := errors.AsType[*function.ThrottledError](err); ok {
		return lambdaevent.FunctionResult{}, fault.TooManyRequests("1", err)
	}
	if _, ok := errors.AsType[*function.RequestTooLargeError](err); ok {
		return lambdaevent.FunctionResult{}, fault.PayloadTooLarge(err)
	}
	// Lambda rejecting the invoke (not found, closed, ...) is 500 on AWS.
	return lambdaevent.FunctionResult{}, fault.InvokeRejected(fmt.Errorf("Lambda invoke failed: %w", err))
}
