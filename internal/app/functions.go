package app

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"strings"

	"github.com/portico-gw/portico/internal/auth/sigv4"
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
//
// Functions made through Lambda's control plane (function.Controls) are
// started too: with the embedded store their records and code live in
// store.path/functions and survive restarts; with memory or redis they
// live in a temporary directory removed at Close (on redis each replica
// has its own).
func openFunctions(cfg *config.File, log *slog.Logger) (*function.Manager, *function.Controls, error) {
	ct := &function.Controls{Fixed: map[string]bool{}}
	for _, f := range cfg.Functions {
		ct.Fixed[f.Name] = true
	}
	if cfg.Store.Type == "embedded" || cfg.Store.Type == "" {
		ct.Dir = filepath.Join(cfg.Store.Path, "functions")
	} else {
		dir, err := os.MkdirTemp("", "portico-functions-")
		if err != nil {
			return nil, nil, fmt.Errorf("functions: %w", err)
		}
		ct.Dir, ct.Temporary = dir, true
	}
	fail := func(err error) (*function.Manager, *function.Controls, error) {
		if ct.Temporary {
			_ = os.RemoveAll(ct.Dir)
		}
		return nil, nil, fmt.Errorf("functions: %w", err)
	}
	if err := os.MkdirAll(ct.Dir, 0o700); err != nil {
		return fail(err)
	}
	managed, err := ct.Load(cfg.Region, cfg.AccountID)
	if err != nil {
		return fail(err)
	}
	m, err := function.NewManager(append(functionConfigs(cfg), managed...), functionOptions(cfg, log))
	if err != nil {
		return fail(err)
	}
	return m, ct, nil
}

// lambdaAPI serves Lambda's Invoke API as before (unsigned) and its
// control plane, whose calls must carry a SigV4 signature for service
// "lambda" from admin.credentials (any key when there are none, as for
// the management API): they make code that runs.
func lambdaAPI(m *function.Manager, ct *function.Controls, cfg *config.File) (http.Handler, error) {
	creds := make([]sigv4.Credential, 0, len(cfg.Admin.Credentials))
	for _, c := range cfg.Admin.Credentials {
		creds = append(creds, sigv4.Credential{AccessKeyID: c.AccessKeyID, SecretAccessKey: c.SecretAccessKey,
			ARN: "arn:aws:iam::" + cfg.AccountID + ":user/" + c.AccessKeyID})
	}
	v, err := sigv4.New(sigv4.Config{Credentials: creds, Region: cfg.Region, Service: "lambda", AcceptAnyKey: len(creds) == 0})
	if err != nil {
		return nil, fmt.Errorf("lambda API: %w", err)
	}
	api := function.NewLambdaAPIWithControls(m, ct)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost && strings.HasSuffix(r.URL.Path, "/invocations") {
			api.ServeHTTP(w, r)
			return
		}
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, 70<<20))
		if err != nil {
			writeLambdaAuthError(w, http.StatusRequestEntityTooLarge, "RequestEntityTooLargeException", "Request must be smaller than 69905067 bytes")
			return
		}
		if _, err := v.Verify(r, body); err != nil {
			typ := "AccessDeniedException"
			var typed interface{ ErrorType() string }
			if errors.As(err, &typed) {
				typ = typed.ErrorType()
			}
			writeLambdaAuthError(w, http.StatusForbidden, typ, err.Error())
			return
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		api.ServeHTTP(w, r)
	}), nil
}

func writeLambdaAuthError(w http.ResponseWriter, status int, typ, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("X-Amzn-Errortype", typ)
	w.WriteHeader(status)
	b, _ := json.Marshal(map[string]string{"Type": "User", "message": msg})
	_, _ = w.Write(b)
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
