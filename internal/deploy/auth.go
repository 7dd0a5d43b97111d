package deploy

import (
	"fmt"

	"github.com/portico-gw/portico/internal/apidef"
	"github.com/portico-gw/portico/internal/auth"
	"github.com/portico-gw/portico/internal/fault"
	"github.com/portico-gw/portico/internal/pipeline"
)

// stageAuth holds one stage's authorizers, each shared by the methods that
// use it (with its cache), so no cache is shared across stages or APIs.
type stageAuth struct {
	lambdas map[string]*auth.Lambda
}

// newStageAuth compiles the API's Lambda authorizers for one stage.
func newStageAuth(spec APISpec, opts Options) (*stageAuth, error) {
	sa := &stageAuth{lambdas: map[string]*auth.Lambda{}}
	for name, def := range spec.Def.Authorizers {
		if def.Type != apidef.AuthorizerToken && def.Type != apidef.AuthorizerRequest {
			continue
		}
		l, err := auth.NewLambda(auth.LambdaConfig{Def: def, Invoker: opts.Functions, ExplicitDenyMessage: opts.Auth.ExplicitDenyMessage, Now: opts.Auth.Now})
		if err != nil {
			return nil, fmt.Errorf("%s:%d: %w", def.Loc.File, def.Loc.Line, err)
		}
		if opts.Functions == nil || !opts.Functions.Has(l.Function()) {
			return nil, fmt.Errorf("%s:%d: authorizer %s invokes function %q, which is not in the settings' functions", def.Loc.File, def.Loc.Line, name, l.Function())
		}
		sa.lambdas[name] = l
	}
	return sa, nil
}

// authSteps returns the resource-policy and authorization steps of a
// method, in order: for AWS_IAM the signature is verified first, since the
// policy needs the caller; otherwise the policy runs before the authorizer.
func authSteps(spec APISpec, sa *stageAuth, m *apidef.Method, opts Options) ([]pipeline.Step, error) {
	var pol pipeline.Step
	if spec.Def.Policy != nil {
		p, err := auth.NewResourcePolicy(spec.Def.Policy, opts.Region, opts.AccountID, spec.ID, m.AuthorizationType == "AWS_IAM")
		if err != nil {
			return nil, err
		}
		pol = p
	}
	var authz pipeline.Step
	switch m.AuthorizationType {
	case "", "NONE":
	case "CUSTOM":
		l, ok := sa.lambdas[m.AuthorizerName]
		if !ok {
			return nil, fmt.Errorf("security scheme %q has no token or request x-amazon-apigateway-authorizer", m.AuthorizerName)
		}
		authz = l
	case "AWS_IAM":
		if opts.Auth.IAM == nil {
			return nil, fmt.Errorf("the method uses AWS_IAM authorization but the settings have no iam.credentials")
		}
		authz = auth.NewIAM(opts.Auth.IAM)
	default:
		authz = &refuse{name: "authorize", f: &fault.Error{Type: fault.AuthorizerConfigurationError,
			Cause: fmt.Errorf("authorization type %s is not enforced by this build; the method refuses every call", m.AuthorizationType)}}
	}
	var steps []pipeline.Step
	if m.AuthorizationType == "AWS_IAM" {
		return appendSteps(steps, authz, pol), nil
	}
	return appendSteps(steps, pol, authz), nil
}

func appendSteps(steps []pipeline.Step, more ...pipeline.Step) []pipeline.Step {
	for _, s := range more {
		if s != nil {
			steps = append(steps, s)
		}
	}
	return steps
}
