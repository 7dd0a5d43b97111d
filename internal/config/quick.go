package config

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// QuickOptions are quick mode's command-line choices
// (`portico serve --api FILE`). Empty fields keep their defaults.
type QuickOptions struct {
	// API is the definition file.
	API string
	// Stage is the one stage's name (default: dev for a REST API, $default
	// for an HTTP API).
	Stage string
	// Listen and AdminListen are the data-plane and admin addresses
	// (defaults 127.0.0.1:8080 and 127.0.0.1:9090; AdminListen "off"
	// disables the admin listener).
	Listen, AdminListen string
	// Profiling serves Go's runtime profiles on the admin listener
	// (--pprof, admin.profiling).
	Profiling bool
	// Functions are NAME=PATH pairs (--function): PATH is a Go main package
	// directory (built), a directory holding an executable bootstrap, or an
	// executable file.
	Functions []string
	// Template serves a SAM or CloudFormation template instead of API
	// (--template), with ParameterOverrides (SAM's Key=Value syntax) and
	// EnvVars (sam local's JSON file); the default listener is then
	// 127.0.0.1:3000, sam local start-api's.
	Template, ParameterOverrides, EnvVars string
}

// maxAPIID is the longest API id the settings accept.
const maxAPIID = 64

// Quick returns settings for quick mode: one API whose id is derived from
// the file name, one stage, the functions named on the command line, an
// in-memory store and defaults for everything else. Every problem with
// the options is reported at once.
func Quick(o QuickOptions) (*File, error) {
	if o.Template != "" {
		return quickTemplate(o)
	}
	f := Default()
	if o.Listen != "" {
		f.Listen = o.Listen
	}
	if o.AdminListen != "" {
		f.Admin.Listen = o.AdminListen
	}
	f.Admin.Profiling = o.Profiling
	abs, err := filepath.Abs(o.API)
	if err != nil {
		return nil, err
	}
	// Without --stage, a REST API gets the stage dev and an HTTP API its
	// $default stage (served without a prefix); the type is detected when
	// the definition is imported.
	api := API{ID: quickAPIID(abs), Definition: abs, DefaultStage: "dev"}
	if o.Stage != "" {
		api.Stages = []Stage{{Name: o.Stage}}
	}
	f.APIs = []API{api}
	f.Store.Type = "memory"
	var errs []error
	for _, spec := range o.Functions {
		fn, err := quickFunction(spec)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		f.Functions = append(f.Functions, fn)
	}
	f.applyDefaults(filepath.Dir(abs))
	if err := errors.Join(append(errs, f.Validate(nil))...); err != nil {
		return nil, err
	}
	return &f, nil
}

// quickAPIID derives a valid API id from the definition's file name: the
// base name without extension, other characters than letters, digits, '-'
// and '_' replaced by '-', cut to 64 characters ("api" when nothing is
// left). The id only names the API in logs, ARNs and the
// /restapis/{id}/... layout, so a long file name must never refuse it.
func quickAPIID(path string) string {
	id := strings.TrimSuffix(filepath.Base(path), filepath.Ext(path))
	id = strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_' {
			return r
		}
		return '-'
	}, id)
	if len(id) > maxAPIID {
		id = id[:maxAPIID]
	}
	if strings.Trim(id, "-_") == "" {
		return "api"
	}
	return id
}

// quickFunction turns one --function NAME=PATH into a function, telling
// the three kinds of source apart by what PATH is.
func quickFunction(spec string) (Function, error) {
	name, path, ok := strings.Cut(spec, "=")
	if !ok || name == "" || path == "" {
		return Function{}, fmt.Errorf("--function %q: want NAME=PATH (a Go main package directory, a directory with an executable bootstrap, or an executable file)", spec)
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return Function{}, fmt.Errorf("--function %s: %w", name, err)
	}
	fi, err := os.Stat(abs)
	if err != nil {
		return Function{}, fmt.Errorf("--function %s: %w", name, err)
	}
	if !fi.IsDir() {
		if fi.Mode()&0o111 == 0 {
			return Function{}, fmt.Errorf("--function %s: %s is not executable", name, path)
		}
		return Function{Name: name, Command: []string{abs}}, nil
	}
	if b, err := os.Stat(filepath.Join(abs, "bootstrap")); err == nil && !b.IsDir() && b.Mode()&0o111 != 0 {
		return Function{Name: name, CodeURI: abs}, nil
	}
	if gos, _ := filepath.Glob(filepath.Join(abs, "*.go")); len(gos) > 0 {
		return Function{Name: name, Build: abs}, nil
	}
	return Function{}, fmt.Errorf("--function %s: directory %s holds neither an executable bootstrap nor a Go main package", name, path)
}
