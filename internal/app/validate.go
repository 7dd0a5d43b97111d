package app

import (
	"context"
	"errors"
	"fmt"

	"github.com/portico-gw/portico/internal/apidef"
	"github.com/portico-gw/portico/internal/auth/jwt"
	"github.com/portico-gw/portico/internal/config"
	"github.com/portico-gw/portico/internal/deploy"
	"github.com/portico-gw/portico/internal/function"
	"github.com/portico-gw/portico/internal/integration"
	"github.com/portico-gw/portico/internal/lambdaevent"
)

// Report summarizes a validation run.
type Report struct {
	APIs, Methods int
	Warnings      []apidef.Warning
}

// Validate loads the settings and definitions and deploys them without
// serving, so every problem a start would hit is reported, each located.
func Validate(src Source) (Report, error) {
	var rep Report
	cfg, err := src.load()
	if err != nil {
		return rep, err
	}
	l, err := Load(cfg)
	rep.Warnings = l.Warnings
	for _, s := range l.Specs {
		rep.APIs++
		rep.Methods += len(s.Def.Methods)
	}
	if err != nil {
		return rep, err
	}
	t := integration.NewTransport(false)
	defer t.CloseIdleConnections()
	iam, err := iamVerifier(cfg)
	if err != nil {
		return rep, err
	}
	// Key sets are not fetched here: the verifiers are only declared, so
	// validate works offline and checks that every pool and JWT authorizer
	// a definition names is configured.
	pools, jwts := map[string]*jwt.Verifier{}, map[string]*jwt.Verifier{}
	for _, p := range cfg.CognitoUserPools {
		pools[p.ARN] = nil
	}
	for _, a := range cfg.JWTAuthorizers {
		jwts[a.Name] = nil
	}
	// Functions are checked as serve would start them: sources resolved and
	// Go sources built (into the cache a later serve reuses).
	fnErr := function.Check(functionConfigs(cfg), function.Options{})
	if fnErr != nil {
		fnErr = fmt.Errorf("functions: %w", fnErr)
	}
	for i, f := range cfg.Functions {
		if w := function.RuntimeWarning(f.Runtime); w != "" {
			loc := apidef.Location{File: cfg.Path(), Line: f.RuntimeLine(), Pointer: fmt.Sprintf("/functions/%d/runtime", i)}
			if o, ok := cfg.FunctionOrigins[f.Name]; ok {
				loc = apidef.Location{File: o.File, Line: o.Line, Pointer: o.Pointer}
			}
			rep.Warnings = append(rep.Warnings, apidef.Warning{Message: w, Loc: loc})
		}
	}
	_, err = Deploy(cfg, l, deploy.Options{Transport: t, InsecureTransport: t, Compile: Compiler(), Functions: declaredFunctions(cfg),
		Auth: deploy.AuthOptions{ExplicitDenyMessage: cfg.Authorization.ExplicitDenyMessage, IAM: iam, CognitoPools: pools, JWT: jwts}})
	return rep, errors.Join(fnErr, err)
}

// declaredFunctions knows which functions the settings name, without
// starting any: validate checks integration URIs against it.
func declaredFunctions(cfg *config.File) functionSet {
	fs := functionSet{}
	for _, f := range cfg.Functions {
		fs[f.Name] = true
	}
	return fs
}

// functionSet is the deploy.Functions validate uses.
type functionSet map[string]bool

func (fs functionSet) Has(name string) bool { return fs[name] }

func (fs functionSet) InvokeFunction(context.Context, string, []byte, string, string) (lambdaevent.FunctionResult, error) {
	return lambdaevent.FunctionResult{}, errors.New("validate does not run functions")
}
