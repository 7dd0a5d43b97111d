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
	var errs []error
	for i, a := range cfg.APIs {
		l.Files = append(l.Files, a.Definition)
		def, err := openapi.LoadWith(a.Definition, openapi.Options{Region: cfg.Region, AccountID: cfg.AccountID})
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
		for j, s := range a.Stages {
			ss := deploy.StageSpec{Name: s.Name, Variables: s.Variables}
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
					RateLimit: ms.ThrottlingRateLimit, BurstLimit: ms.ThrottlingBurstLimit})
			}
			spec.Stages = append(spec.Stages, ss)
		}
		l.Specs = append(l.Specs, spec)
	}
	return l, errors.Join(errs...)
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
