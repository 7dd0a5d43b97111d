package deploy

import (
	"fmt"
	"strings"

	"github.com/portico-gw/portico/internal/apidef"
	"github.com/portico-gw/portico/internal/auth"
	"github.com/portico-gw/portico/internal/auth/jwt"
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
		// A function that is not configured fails each call with
		// AUTHORIZER_CONFIGURATION_ERROR, as on AWS when the function does
		// not exist; Lint warns at load.
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
		p, err := auth.NewResourcePolicy(spec.Def.Policy, opts.Region, opts.AccountID, spec.ID, m.AuthorizationType == apidef.AuthIAM)
		if err != nil {
			return nil, err
		}
		pol = p
	}
	var authz pipeline.Step
	if name, ok := jwtRequirement(m, opts); ok {
		t, err := auth.NewToken(auth.TokenConfig{Name: name, Verifiers: []*jwt.Verifier{opts.Auth.JWT[name]},
			Options: jwt.VerifyOptions{Scopes: m.Security[name]}, WWWAuthenticate: true})
		if err != nil {
			return nil, err
		}
		return appendSteps(nil, pol, t), nil
	}
	switch m.AuthorizationType {
	case "", apidef.AuthNone:
	case apidef.AuthCustom:
		l, ok := sa.lambdas[m.AuthorizerName]
		if !ok {
			return nil, fmt.Errorf("security scheme %q has no token or request x-amazon-apigateway-authorizer", m.AuthorizerName)
		}
		authz = l
	case apidef.AuthCognito:
		t, err := cognitoStep(spec, m, opts)
		if err != nil {
			return nil, err
		}
		authz = t
	case apidef.AuthIAM:
		if opts.Auth.IAM == nil {
			return nil, fmt.Errorf("the method uses AWS_IAM authorization but the settings have no iam.credentials")
		}
		authz = auth.NewIAM(opts.Auth.IAM)
	default: // a JWT authorizer in the definition without a settings entry
		return nil, fmt.Errorf("security scheme %q is a %s authorizer; define it in the settings' jwtAuthorizers (issuer, audiences, jwks)", m.AuthorizerName, m.AuthorizationType)
	}
	var steps []pipeline.Step
	if m.AuthorizationType == apidef.AuthIAM {
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

// jwtRequirement finds a security requirement of the method that names a
// settings-defined JWT authorizer.
func jwtRequirement(m *apidef.Method, opts Options) (string, bool) {
	for name := range m.Security {
		if _, ok := opts.Auth.JWT[name]; ok {
			return name, true
		}
	}
	return "", false
}

// cognitoStep builds a Cognito user-pool authorizer: the token comes from
// the identity-source header and is verified against the authorizer's
// pools; method scopes make it an access-token check.
func cognitoStep(spec APISpec, m *apidef.Method, opts Options) (pipeline.Step, error) {
	def, ok := spec.Def.Authorizers[m.AuthorizerName]
	if !ok {
		return nil, fmt.Errorf("security scheme %q has no cognito_user_pools authorizer", m.AuthorizerName)
	}
	// A pool missing from the settings verifies nothing: with none left,
	// every token is refused with 401 (Lint warns at load).
	var vs []*jwt.Verifier
	for _, arn := range def.ProviderARNs {
		if v, ok := opts.Auth.CognitoPools[arn]; ok {
			vs = append(vs, v)
		}
	}
	return auth.NewToken(auth.TokenConfig{Name: def.Name, Header: strings.TrimPrefix(def.IdentitySource, "method.request.header."),
		Verifiers: vs, Options: jwt.CognitoOptions(m.AuthorizationScopes, def.IdentityValidationExpression)})
}
