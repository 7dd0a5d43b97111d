package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"github.com/portico-gw/portico/internal/cache"
	"github.com/portico-gw/portico/internal/config"
	"github.com/portico-gw/portico/internal/dashboard"
	"github.com/portico-gw/portico/internal/deploy"
	"github.com/portico-gw/portico/internal/function"
	"github.com/portico-gw/portico/internal/httpserver"
	"github.com/portico-gw/portico/internal/integration"
	"github.com/portico-gw/portico/internal/mgmt"
	"github.com/portico-gw/portico/internal/store/fallback"
	"github.com/portico-gw/portico/internal/telemetry"
	"github.com/portico-gw/portico/internal/tlsedge"
	"github.com/portico-gw/portico/internal/usage"
)

// Source says where settings come from: a file, or quick mode.
type Source struct {
	// ConfigPath is the settings file; empty in quick mode.
	ConfigPath string
	// Quick builds settings in code when ConfigPath is empty.
	Quick func() (*config.File, error)
	// Getenv expands ${env:NAME} in the settings file.
	Getenv func(string) string
}

// load reads the settings.
func (s Source) load() (*config.File, error) {
	var cfg *config.File
	var err error
	if s.ConfigPath != "" {
		cfg, err = config.Load(s.ConfigPath, s.Getenv)
	} else {
		cfg, err = s.Quick()
	}
	if err != nil {
		return nil, err
	}
	return cfg, expandTemplates(cfg)
}

// Options configures a Gateway.
type Options struct {
	Logger *slog.Logger
	// AccessLog receives one JSON line per request; nil disables it.
	AccessLog io.Writer
}

// Gateway is a loaded, deployable gateway.
type Gateway struct {
	src       Source
	log       *slog.Logger
	edge      *httpserver.Edge
	cfg       *config.File
	files     []string
	transport *integration.Transport
	insecure  *integration.Transport
	store     counters
	functions *function.Manager
	controls  *function.Controls
	lambda    http.Handler
	tokens    *tokenVerifiers
	obs       *observability
	health    *storeHealth
	// storeClosed is store.onError closed, as the store was opened.
	storeClosed bool
	registry    atomic.Pointer[usage.Registry]
	// caches are the stages' response caches, kept across reloads.
	caches *cache.Provider
	// mgmt is the management API; its deployed stages join every build.
	mgmt *mgmt.Service
	// certs are the data plane's TLS certificates; nil without listen.tls.
	certs *tlsedge.Store
	// dash is the admin dashboard (nil with the admin listener off).
	dash    *dashboard.Board
	dashSrc *dashboardSource
	// stamps are the watched files as the last build read them (guarded by
	// mu once serving), so a change made at any time after that is seen.
	stamps map[string]stamp
	mu     sync.Mutex
	// profiling is admin.profiling as the last successful build read it.
	profiling atomic.Bool
}

// New loads the settings and definitions, deploys them and returns a
// gateway ready to serve. Warnings are logged; errors are returned joined.
func New(src Source, opts Options) (*Gateway, error) {
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	g := &Gateway{src: src, log: opts.Logger, transport: integration.NewTransport(false), insecure: integration.NewTransport(true),
		health: &storeHealth{log: opts.Logger}}
	first, err := src.load()
	if err != nil {
		return nil, err
	}
	if g.obs, err = newObservability(first); err != nil {
		return nil, err
	}
	g.health.metrics, g.health.storeType = g.obs.metrics, first.Store.Type
	g.dash, g.dashSrc = newDashboard(g, first)
	g.storeClosed = first.Store.OnError == "closed"
	if g.store, err = openStore(first.Store, opts.Logger, g.health.report); err != nil {
		_ = g.obs.Close()
		return nil, err
	}
	g.caches = newCaches(g.store)
	if g.mgmt, err = openManagement(first, opts.Logger); err != nil {
		_ = g.store.Close()
		return nil, err
	}
	if g.functions, g.controls, err = openFunctions(first, opts.Logger); err != nil {
		_ = g.store.Close()
		_ = g.mgmt.Close()
		return nil, err
	}
	if g.lambda, err = lambdaAPI(g.functions, g.controls, first); err != nil {
		_ = g.Close()
		return nil, err
	}
	if g.tokens, err = openVerifiers(first, opts.Logger); err != nil {
		_ = g.Close()
		return nil, err
	}
	if g.certs, err = openCerts(first); err != nil {
		_ = g.Close()
		return nil, err
	}
	cfg, snap, files, err := g.build()
	if err != nil {
		_ = g.Close()
		return nil, err
	}
	g.cfg, g.files = cfg, files
	g.profiling.Store(cfg.Admin.Profiling)
	applyGC(cfg.Server.GC, g.log)
	eo := httpserver.Options{Region: cfg.Region, AccountID: cfg.AccountID,
		MaxBodyBytes: cfg.Server.MaxBodyBytes, ReadTimeout: cfg.Server.ReadTimeout.D(), MaxHeaderBytes: cfg.Server.MaxHeaderBytes,
		RejectLogBurst: cfg.Server.RejectionLog.Burst, RejectLogInterval: cfg.Server.RejectionLog.Interval.D(), Logger: opts.Logger, AccessLog: opts.AccessLog, Metrics: g.obs.metrics}
	if cfg.Tracing.Enabled {
		eo.Tracer = g.obs.tracer.Tracer("portico")
	}
	if g.certs != nil {
		eo.ClientCert = clientCert
	}
	if g.dash != nil {
		eo.Tap = g.dash
	}
	g.edge = httpserver.New(snap, eo)
	g.edge.SetDomains(g.domains(cfg, snap))
	g.mgmt.SetOnDeploy(g.Reload)
	g.mgmt.SetUsageCounts(managedUsage{g})
	g.controls.OnChange = func() {
		if err := g.Reload(); err != nil {
			g.log.Error("a function was created or deleted, but the gateway could not redeploy", "error", err)
		}
	}
	return g, nil
}

// build loads everything and deploys a snapshot, logging each warning.
func (g *Gateway) build() (*config.File, *deploy.Snapshot, []string, error) {
	cfg, err := g.src.load()
	if err != nil {
		g.stamps = stampFiles(g.files) // a broken file is reported once, not at every check
		return nil, nil, nil, err
	}
	l, err := Load(cfg)
	g.stamps = stampFiles(l.Files)
	for _, w := range l.Warnings {
		g.log.Warn(w.Message, "file", w.Loc.File, "line", w.Loc.Line, "pointer", w.Loc.Pointer)
	}
	if err != nil {
		return nil, nil, l.Files, err
	}
	logTemplateRoutes(g.log, cfg, l.Specs)
	g.mgmt.SetFileAPIs(l.Specs)
	domainNames := make([]string, 0, len(cfg.Domains))
	for _, d := range cfg.Domains {
		domainNames = append(domainNames, d.Name)
	}
	g.mgmt.SetFileDomains(domainNames)
	l.Specs = append(l.Specs, g.mgmt.Specs()...)
	if err := g.attachLogs(cfg, l); err != nil {
		return nil, nil, l.Files, err
	}
	lim, err := limits(cfg, g.store, g.health, g.mgmt, g.log)
	if err != nil {
		return nil, nil, l.Files, err
	}
	iam, err := iamVerifier(cfg)
	if err != nil {
		return nil, nil, l.Files, err
	}
	snap, err := Deploy(cfg, l, deploy.Options{Transport: g.transport, InsecureTransport: g.insecure, Compile: Compiler(), Limits: lim,
		Metrics: g.obs.metrics, Caches: g.caches, CacheErrors: g.cacheErrors, Functions: functions{m: g.functions, metrics: g.obs.metrics}, Auth: deploy.AuthOptions{ExplicitDenyMessage: cfg.Authorization.ExplicitDenyMessage,
			IAM: iam, CognitoPools: g.tokens.cognito, JWT: g.tokens.jwt}})
	if err != nil {
		return nil, nil, l.Files, err
	}
	g.registry.Store(lim.Registry) // every successful build is swapped in by its caller
	g.dashboardDeployed(cfg, l)
	return cfg, snap, l.Files, nil
}

// Reload rebuilds the snapshot and swaps it in; on any problem the old
// snapshot keeps serving and the error is returned (and logged by the caller).
func (g *Gateway) Reload() error {
	g.mu.Lock()
	defer g.mu.Unlock()
	cfg, snap, files, err := g.build()
	g.obs.metrics.Reloaded(err)
	if len(files) > 0 {
		g.files = files
	}
	if err != nil {
		return fmt.Errorf("reload rejected, the previous deployment keeps serving: %w", err)
	}
	if !sameServing(cfg, g.cfg) {
		g.log.Warn("listen.tls, listen.http2 or a domain's certificate setting changed; they take effect on restart (changed certificate files reload by themselves)")
	}
	if cfg.Listen != g.cfg.Listen || cfg.Admin.Listen != g.cfg.Admin.Listen {
		g.log.Warn("listen addresses changed; they take effect on restart", "listen", cfg.Listen, "admin", cfg.Admin.Listen)
	}
	if cfg.Store != g.cfg.Store {
		g.log.Warn("store settings changed; they take effect on restart")
	}
	if !sameFunctions(cfg.Functions, g.cfg.Functions) || cfg.FunctionRuntime != g.cfg.FunctionRuntime {
		g.log.Warn("function settings changed; they take effect on restart")
	}
	if fmt.Sprint(cfg.CognitoUserPools, cfg.JWTAuthorizers) != fmt.Sprint(g.cfg.CognitoUserPools, g.cfg.JWTAuthorizers) {
		g.log.Warn("cognitoUserPools and jwtAuthorizers changes take effect on restart")
	}
	g.profiling.Store(cfg.Admin.Profiling)
	applyGC(cfg.Server.GC, g.log)
	old := g.edge.Snapshot()
	g.edge.SetDomains(g.domains(cfg, snap))
	g.edge.Swap(snap)
	if old != nil {
		_ = old.Close() // requests still on it keep their cached keys
	}
	return nil
}

// Handler is the data-plane handler (for in-process tests and Run).
func (g *Gateway) Handler() http.Handler { return g.edge }

// Config returns the settings the gateway started with.
func (g *Gateway) Config() *config.File { return g.cfg }

// Files returns the config and definition files watched for changes.
func (g *Gateway) Files() []string {
	g.mu.Lock()
	defer g.mu.Unlock()
	return append([]string(nil), g.files...)
}

// Close releases idle upstream connections, stops every function process
// and closes the store (the embedded store flushes its counts first).
func (g *Gateway) Close() error {
	g.transport.CloseIdleConnections()
	g.insecure.CloseIdleConnections()
	var errs []error
	if g.edge != nil {
		if snap := g.edge.Snapshot(); snap != nil {
			errs = append(errs, snap.Close())
		}
		errs = append(errs, g.edge.Close())
	}
	if g.functions != nil {
		errs = append(errs, g.functions.Close())
	}
	if g.controls != nil && g.controls.Temporary {
		errs = append(errs, os.RemoveAll(g.controls.Dir))
	}
	errs = append(errs, g.tokens.Close(), g.obs.Close())
	if g.store != nil {
		errs = append(errs, g.store.Close())
	}
	if g.mgmt != nil {
		errs = append(errs, g.mgmt.Close())
	}
	return errors.Join(errs...)
}

// LambdaAPI is Lambda's Invoke API over the gateway's functions and its
// control plane (create, update code, get, list, delete, add permission),
// for the admin listener.
func (g *Gateway) LambdaAPI() http.Handler { return g.lambda }

// sameFunctions reports whether two function lists are identical.
func sameFunctions(a, b []config.Function) bool {
	return fmt.Sprint(a) == fmt.Sprint(b)
}

// Ready implements admin.Status. A failing store makes the node not ready
// only with store.onError closed, when it answers 500 to limited requests;
// with onError open it still serves, and Info says the store is failing.
func (g *Gateway) Ready() error {
	if g.edge.Snapshot() == nil {
		return errors.New("no deployment")
	}
	if h, ok := g.storeHealth(); ok && h.Failing && g.storeClosed {
		return fmt.Errorf("store failing since %s and store.onError is closed: %v", h.Since.UTC().Format(time.RFC3339), h.Err)
	}
	return nil
}

// storeHealth is the shared store's health; false for the local stores,
// which do not fail that way.
func (g *Gateway) storeHealth() (fallback.Health, bool) {
	fs, ok := g.store.(*fallback.Store)
	if !ok {
		return fallback.Health{}, false
	}
	return fs.Health(context.Background()), true
}

// Info implements admin.Status.
func (g *Gateway) Info() map[string]any {
	snap := g.edge.Snapshot()
	var apis []string
	for _, a := range snap.APIs() {
		apis = append(apis, a.ID)
	}
	info := map[string]any{"apis": apis, "deployedAt": snap.Created.UTC().Format("2006-01-02T15:04:05Z"),
		"storeFailures": g.health.failures.Load()}
	if h, ok := g.storeHealth(); ok {
		st := map[string]any{"status": "ok"}
		if h.Failing {
			st = map[string]any{"status": "failing", "error": h.Err.Error(), "since": h.Since.UTC().Format(time.RFC3339)}
		}
		info["store"] = st
	}
	return info
}

// Compiler returns the mapping-template compiler deploys use: Velocity.
func Compiler() integration.Compiler { return integration.VTL }

// UsageReport implements admin.Usage over the current keys and plans.
func (g *Gateway) UsageReport(ctx context.Context, plan, key string, from, to time.Time) (any, error) {
	return usage.Report(ctx, g.registry.Load(), g.store, plan, key, from, to, time.Now())
}

// attachLogs gives each stage its execution log and, when it has
// accessLogSettings, the writer of its destination. Stages that bring their
// own access-log format (the management API's) write to stdout.
func (g *Gateway) attachLogs(cfg *config.File, l *Loaded) error {
	for i := range l.Specs {
		spec := &l.Specs[i]
		for _, a := range cfg.APIs {
			if a.ID != spec.ID {
				continue
			}
			for j := range spec.Stages {
				st, sc := &spec.Stages[j], a.Stages[j]
				if lvl, err := telemetry.ParseLogLevel(sc.LoggingLevel); err == nil && sc.LoggingLevel != "" {
					st.Telemetry.Exec = telemetry.NewExecLog(telemetry.ExecLogConfig{Logger: g.execLogger(), Level: lvl, DataTrace: sc.DataTraceEnabled, API: a.ID, Stage: sc.Name})
				}
				if st.Telemetry.AccessLog != nil {
					w, err := g.obs.writer(sc.AccessLogSettings.Destination)
					if err != nil {
						return err
					}
					st.Telemetry.AccessWriter = w
				}
			}
		}
	}
	for i := range l.Specs {
		for j := range l.Specs[i].Stages {
			if st := &l.Specs[i].Stages[j]; st.Telemetry.AccessLog != nil && st.Telemetry.AccessWriter == nil {
				w, err := g.obs.writer("stdout")
				if err != nil {
					return err
				}
				st.Telemetry.AccessWriter = w
			}
		}
	}
	return nil
}

// MetricsHandler serves /metrics for the admin listener.
func (g *Gateway) MetricsHandler() http.Handler { return telemetry.MetricsHandler(g.obs.reg) }
