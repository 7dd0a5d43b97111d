package deploy

import (
	"context"
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
func (sa *httpAPIAuth) steps(m *apidef.Method) ([]pipeline.Step, error) {
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
	}
	return nil, fmt.Errorf("authorizer %q of type %s", m.AuthorizerName, m.AuthorizationType)
}
