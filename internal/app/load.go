package app

import (
	"errors"
	"fmt"

	"github.com/portico-gw/portico/internal/apidef"
	"github.com/portico-gw/portico/internal/config"
	"github.com/portico-gw/portico/internal/deploy"
	"github.com/portico-gw/portico/internal/openapi"
	"github.com/portico-gw/portico/internal/source"
	"github.com/portico-gw/portico/internal/telemetry"
	"github.com/portico-gw/portico/internal/validate"
)

// Loaded is the result of reading every definition of a settings file.
type Loaded struct {
	Specs    []deploy.APISpec
	Warnings []apidef.Warning
	// Files are the config and definition files, for change watching.
	Files []string
}

// Load imports every API definition named in cfg. Warnings (unimplemented
// x-amazon-apigateway-* keys) are returned with the specs; the error joins
// every problem of every file.
func Load(cfg *config.File) (*Loaded, error) {
	l := &Loaded{}
	if cfg.Path() != "" {
		l.Files = append(l.Files, cfg.Path())
	}
	l.Files = append(l.Files, cfg.TemplateFiles...)
	var errs []error
	for i, a := range cfg.APIs {
		if a.Body == nil {
			l.Files = append(l.Files, a.Definition)
		}
		def, err := importDefinition(cfg, a)
		if def != nil {
			l.Warnings = append(l.Warnings, def.Unsupported...)
			l.Warnings = append(l.Warnings, deploy.Lint(def, lintEnv(cfg))...)
		}
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if merrs := modelErrors(def); len(merrs) > 0 {
			errs = append(errs, merrs...)
			continue
		}
		l.Warnings = append(l.Warnings, awsServiceWarning(cfg, def)...)
		spec := deploy.APISpec{ID: a.ID, Def: def}
		stages := a.Stages
		if len(stages) == 0 && def.Protocol == apidef.ProtocolREST {
			if a.DefaultStage == "" {
				errs = append(errs, &source.Error{File: cfg.Path(), Pointer: fmt.Sprintf("/apis/%d/stages", i), Message: "a REST API needs at least one stage"})
				continue
			}
			stages = []config.Stage{{Name: a.DefaultStage}}
		}
		if err := stageKindErrors(cfg, i, def, stages); err != nil {
			errs = append(errs, err)
			continue
		}
		for j, s := range stages {
			ss := deploy.StageSpec{Name: s.Name, Variables: s.Variables, Root: a.TemplateRoot && j == 0}
			if s.AccessLogSettings != nil {
				al, err := telemetry.CompileAccessLog(s.AccessLogSettings.Format)
				if err != nil {
					errs = append(errs, &source.Error{File: cfg.Path(), Pointer: fmt.Sprintf("/apis/%d/stages/%d/accessLogSettings/format", i, j), Message: err.Error()})
					continue
				}
				ss.Telemetry.AccessLog = al
			}
			ss.Telemetry.DebugErrors = s.DebugErrors
			for _, ms := range s.MethodSettings {
				ss.MethodSettings = append(ss.MethodSettings, deploy.MethodSetting{ResourcePath: ms.ResourcePath, HTTPMethod: ms.HTTPMethod,
					RateLimit: ms.ThrottlingRateLimit, BurstLimit: ms.ThrottlingBurstLimit, Caching: methodCaching(ms.MethodCacheSettings)})
			}
			ss.Cache = stageCache(s.Cache)
			if d := s.DefaultRouteSettings; d != nil {
				ss.DefaultRouteSettings = &deploy.RouteSetting{RateLimit: d.ThrottlingRateLimit, BurstLimit: d.ThrottlingBurstLimit}
			}
			for k, rs := range s.RouteSettings {
				if ss.RouteSettings == nil {
					ss.RouteSettings = map[string]deploy.RouteSetting{}
				}
				ss.RouteSettings[k] = deploy.RouteSetting{RateLimit: rs.ThrottlingRateLimit, BurstLimit: rs.ThrottlingBurstLimit}
			}
			spec.Stages = append(spec.Stages, ss)
		}
		l.Specs = append(l.Specs, spec)
	}
	l.Warnings = append(l.Warnings, templateWarnings(cfg, l.Specs)...)
	return l, errors.Join(errs...)
}

// importAs maps the settings' API type onto the importer's choice: an
// explicit type wins, none means detected from the definition.
func importAs(t string) openapi.ImportAs {
	switch t {
	case config.APITypeREST:
		return openapi.AsREST
	case config.APITypeHTTP:
		return openapi.AsHTTP
	}
	return openapi.AsAuto
}

// stageKindErrors refuses stage settings of the other kind of API, once
// the definition has said which kind it is (the settings may leave the
// type out): $default and routeSettings belong to HTTP APIs, methodSettings
// to REST APIs.
func stageKindErrors(cfg *config.File, i int, def *apidef.RestAPI, stages []config.Stage) error {
	var errs []error
	for j, s := range stages {
		p := fmt.Sprintf("/apis/%d/stages/%d", i, j)
		locate := func(ptr, msg string) {
			errs = append(errs, &source.Error{File: cfg.Path(), Pointer: ptr, Message: msg})
		}
		if def.Protocol == apidef.ProtocolHTTP {
			if len(s.MethodSettings) > 0 {
				locate(p+"/methodSettings", "HTTP APIs take defaultRouteSettings and routeSettings, not methodSettings")
			}
			if s.Cache != nil {
				locate(p+"/cache", "HTTP APIs have no stage cache (a REST API setting)")
			}
			for k := range s.RouteSettings {
				if !hasRoute(def, k) {
					locate(p+"/routeSettings/"+source.Escape(k), fmt.Sprintf("the API has no route %q", k))
				}
			}
			continue
		}
		if s.Name == deploy.DefaultStage {
			locate(p+"/name", "$default is a stage of HTTP APIs only")
		}
		if len(s.RouteSettings) > 0 || s.DefaultRouteSettings != nil {
			locate(p+"/routeSettings", "REST APIs take methodSettings, not routeSettings")
		}
	}
	return errors.Join(errs...)
}

// hasRoute reports whether the HTTP API defines the route key.
func hasRoute(def *apidef.RestAPI, key string) bool {
	for _, m := range def.Methods {
		if m.RouteKey() == key {
			return true
		}
	}
	return false
}

// lintEnv tells deploy.Lint what the settings provide.
func lintEnv(cfg *config.File) deploy.LintEnv {
	pools := map[string]bool{}
	for _, p := range cfg.CognitoUserPools {
		pools[p.ARN] = true
	}
	return deploy.LintEnv{HasFunction: declaredFunctions(cfg).Has, HasUserPool: func(arn string) bool { return pools[arn] },
		IAMCredentials: len(cfg.IAM.Credentials) > 0}
}

// Deploy builds a snapshot from loaded specs.
func Deploy(cfg *config.File, l *Loaded, opts deploy.Options) (*deploy.Snapshot, error) {
	opts.Region, opts.AccountID = cfg.Region, cfg.AccountID
	opts.AWSServices = awsServices(cfg)
	snap, err := deploy.Build(l.Specs, opts)
	if err != nil {
		return nil, fmt.Errorf("deploy: %w", err)
	}
	return snap, nil
}

// modelErrors compiles every model of the API and locates each problem at
// the model's definition plus the JSON path inside it.
func modelErrors(def *apidef.RestAPI) []error {
	var out []error
	for _, err := range validate.CheckModels(def) {
		me, ok := errors.AsType[*validate.ModelError](err)
		if !ok {
			out = append(out, err)
			continue
		}
		loc := def.ModelLocs[me.Model]
		out = append(out, &source.Error{File: def.Source.File, Line: loc.Line, Pointer: loc.Pointer + me.Pointer, Message: me.Err.Error()})
	}
	return out
}
