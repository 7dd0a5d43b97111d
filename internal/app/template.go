package app

import (
	"errors"
	"fmt"
	"log/slog"

	"github.com/portico-gw/portico/internal/apidef"
	"github.com/portico-gw/portico/internal/config"
	"github.com/portico-gw/portico/internal/deploy"
	"github.com/portico-gw/portico/internal/openapi"
	"github.com/portico-gw/portico/internal/source"
	"github.com/portico-gw/portico/internal/template"
)

// expandTemplates translates the settings' SAM and CloudFormation
// templates (internal/template) and adds their functions, APIs, keys,
// plans and custom domains to the settings.
func expandTemplates(cfg *config.File) error {
	if len(cfg.Templates) == 0 {
		return nil
	}
	var fns []config.Function
	var apis []config.API
	var keys []config.APIKey
	var plans []config.UsagePlan
	var domains []config.Domain
	var errs []error
	for i, tp := range cfg.Templates {
		res, err := template.Load(tp.Path, template.Options{Region: cfg.Region, AccountID: cfg.AccountID,
			ParameterOverrides: tp.Overrides, Parameters: tp.ParameterOverrides, EnvVars: tp.EnvVars, Index: i})
		if res != nil {
			cfg.TemplateFiles = append(cfg.TemplateFiles, res.Files...)
			cfg.Notes = append(cfg.Notes, res.Notes...)
			for name, o := range res.Origins {
				if cfg.FunctionOrigins == nil {
					cfg.FunctionOrigins = map[string]config.Note{}
				}
				cfg.FunctionOrigins[name] = o
			}
		}
		if err != nil {
			errs = append(errs, err)
			continue
		}
		fns, apis = append(fns, res.Functions...), append(apis, res.APIs...)
		keys, plans = append(keys, res.APIKeys...), append(plans, res.UsagePlans...)
		domains = append(domains, res.Domains...)
	}
	if err := errors.Join(errs...); err != nil {
		return err
	}
	if err := cfg.Expand(fns, apis, keys, plans, domains); err != nil {
		return fmt.Errorf("settings with the templates' APIs: %w", err)
	}
	return nil
}

// importDefinition imports an API's definition: its file, or the body a
// template generated.
func importDefinition(cfg *config.File, a config.API) (*apidef.RestAPI, error) {
	o := openapi.Options{Region: cfg.Region, AccountID: cfg.AccountID, As: importAs(a.Type)}
	if a.Body == nil {
		return openapi.LoadWith(a.Definition, o)
	}
	def, err := openapi.ImportWith(a.Definition, a.Body, o)
	if a.Locate == nil {
		return def, err
	}
	// A definition written in the template: locate its problems there.
	relocate := func(l *apidef.Location) {
		if l.File == a.Definition {
			l.File, l.Line, l.Pointer = a.Locate(l.Pointer)
		}
	}
	if def != nil {
		for i := range def.Unsupported {
			relocate(&def.Unsupported[i].Loc)
		}
		for _, m := range def.Methods {
			relocate(&m.Loc)
		}
		for k, l := range def.ModelLocs {
			relocate(&l)
			def.ModelLocs[k] = l
		}
		for k, az := range def.Authorizers {
			relocate(&az.Loc)
			def.Authorizers[k] = az
		}
		for k, gr := range def.GatewayResponses {
			relocate(&gr.Loc)
			def.GatewayResponses[k] = gr
		}
		relocate(&def.PolicyLoc)
	}
	return def, relocateErrors(err, a)
}

// relocateErrors rewrites the located problems of a template's definition
// to the template's file, line and pointer.
func relocateErrors(err error, a config.API) error {
	if err == nil {
		return nil
	}
	var errs []error
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		errs = j.Unwrap()
	} else {
		errs = []error{err}
	}
	out := make([]error, len(errs))
	for i, e := range errs {
		if se, ok := e.(*source.Error); ok && se.File == a.Definition {
			c := *se
			c.File, c.Line, c.Pointer = a.Locate(se.Pointer)
			out[i] = &c
			continue
		}
		out[i] = e
	}
	return errors.Join(out...)
}

// templateWarnings are the templates' notes, and a warning for each route
// a later root-mounted API shares with an earlier one: the earlier API
// serves it at the root (docs/templates.md#root-mount).
func templateWarnings(cfg *config.File, specs []deploy.APISpec) []apidef.Warning {
	var out []apidef.Warning
	for _, n := range cfg.Notes {
		out = append(out, apidef.Warning{Message: n.Message, Loc: apidef.Location{File: n.File, Line: n.Line, Pointer: n.Pointer}})
	}
	root := map[string]bool{}
	for _, a := range cfg.APIs {
		root[a.ID] = a.TemplateRoot
	}
	owner := map[string]string{}
	for _, s := range specs {
		if !root[s.ID] {
			continue
		}
		for _, m := range s.Def.Methods {
			key := m.RouteKey()
			if first, ok := owner[key]; ok {
				out = append(out, apidef.Warning{Message: fmt.Sprintf("route %s of API %s is also a route of API %s: at the listener's root, %s serves it (%s keeps it under its own stage)", key, s.ID, first, first, s.ID),
					Loc: apidef.Location{File: s.Def.Source.File}})
				continue
			}
			owner[key] = s.ID
		}
	}
	return out
}

// logTemplateRoutes logs, as sam local start-api does when it mounts
// functions, each route a template's API serves at the listener's root.
func logTemplateRoutes(log *slog.Logger, cfg *config.File, specs []deploy.APISpec) {
	root := map[string]string{}
	for _, a := range cfg.APIs {
		if a.TemplateRoot && len(a.Stages) > 0 {
			root[a.ID] = a.Stages[0].Name
		}
	}
	for _, s := range specs {
		stage, ok := root[s.ID]
		if !ok {
			continue
		}
		for _, m := range s.Def.Methods {
			log.Info("template route", "route", m.RouteKey(), "api", s.ID, "stage", stage)
		}
	}
}
