package deploy

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/portico-gw/portico/internal/apidef"
	"github.com/portico-gw/portico/internal/auth"
	"github.com/portico-gw/portico/internal/awslimits"
	"github.com/portico-gw/portico/internal/pipeline"
)

// httpAPIAuth holds an HTTP API's authorizers for one deployment. JWT
// authorizers keep no verdicts, so one serves every stage; closers are
// released when the snapshot is retired.
type httpAPIAuth struct {
	opts Options
	spec APISpec
	jwts map[string]*auth.HTTPJWTAuthorizer
}

// httpStageAuth is one stage's view: the API's JWT authorizers and the
// stage's own Lambda authorizers (each with its result cache, which AWS
// keeps per stage).
type httpStageAuth struct {
	*httpAPIAuth
	lambdas map[string]*auth.HTTPLambda
}

// forStage compiles the Lambda authorizers routes of the stage use.
func (sa *httpAPIAuth) forStage() (*httpStageAuth, error) {
	st := &httpStageAuth{httpAPIAuth: sa, lambdas: map[string]*auth.HTTPLambda{}}
	var errs []error
	for _, name := range sortedKeys(sa.spec.Def.Authorizers) {
		def := sa.spec.Def.Authorizers[name]
		if def.Type != apidef.AuthorizerRequest || !usedBy(sa.spec.Def, name) {
			continue
		}
		l, err := auth.NewHTTPLambdaAuthorizer(auth.HTTPLambdaConfig{Def: def, Invoker: sa.opts.Functions, Now: sa.opts.Auth.Now})
		if err != nil {
			errs = append(errs, fmt.Errorf("%s:%d: %w", def.Loc.File, def.Loc.Line, err))
			continue
		}
		st.lambdas[name] = l
	}
	return st, errors.Join(errs...)
}

// newHTTPAPIAuth loads the API's JWT authorizers (OpenID Connect discovery
// and the issuer's keys) and registers them for closing.
func newHTTPAPIAuth(spec APISpec, opts Options, closers *[]io.Closer) (*httpAPIAuth, error) {
	sa := &httpAPIAuth{opts: opts, spec: spec, jwts: map[string]*auth.HTTPJWTAuthorizer{}}
	for _, name := range sortedKeys(spec.Def.Authorizers) {
		def := spec.Def.Authorizers[name]
		if def.Type != apidef.AuthorizerJWT || !usedBy(spec.Def, name) {
			continue
		}
		az, err := auth.NewHTTPJWTAuthorizer(context.Background(), def, auth.HTTPJWTOptions{Now: opts.Auth.Now})
		if err != nil {
			return nil, fmt.Errorf("%s:%d: %w", def.Loc.File, def.Loc.Line, err)
		}
		*closers = append(*closers, az)
		sa.jwts[name] = az
	}
	return sa, nil
}

// usedBy reports whether any route uses the authorizer.
func usedBy(def *apidef.RestAPI, name string) bool {
	for _, m := range def.Methods {
		if m.AuthorizerName == name {
			return true
		}
	}
	return false
}

// steps returns a route's authorization step.
func (sa *httpStageAuth) steps(m *apidef.Method) ([]pipeline.Step, error) {
	switch m.AuthorizationType {
	case "", apidef.AuthNone:
		return nil, nil
	case apidef.AuthIAM:
		if sa.opts.Auth.IAM == nil {
			return nil, fmt.Errorf("the route uses AWS_IAM authorization but the settings have no iam.credentials")
		}
		return []pipeline.Step{auth.NewIAM(sa.opts.Auth.IAM)}, nil
	case apidef.AuthJWT:
		az, ok := sa.jwts[m.AuthorizerName]
		if !ok {
			return nil, fmt.Errorf("security scheme %q has no jwt x-amazon-apigateway-authorizer", m.AuthorizerName)
		}
		if len(m.AuthorizationScopes) > awslimits.JWTRouteScopes {
			return nil, fmt.Errorf("%d authorization scopes; a route may have at most %d", len(m.AuthorizationScopes), awslimits.JWTRouteScopes)
		}
		return []pipeline.Step{az.Step(m.AuthorizationScopes)}, nil
	case apidef.AuthCustom:
		l, ok := sa.lambdas[m.AuthorizerName]
		if !ok {
			return nil, fmt.Errorf("security scheme %q has no request x-amazon-apigateway-authorizer", m.AuthorizerName)
		}
		return []pipeline.Step{l}, nil
	}
	return nil, fmt.Errorf("authorizer %q of type %s", m.AuthorizerName, m.AuthorizationType)
}
