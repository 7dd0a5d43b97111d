package deploy

import (
	"fmt"

	"github.com/portico-gw/portico/internal/apidef"
	"github.com/portico-gw/portico/internal/auth"
	"github.com/portico-gw/portico/internal/pipeline"
)

// httpStageAuth holds one HTTP API stage's authorizers.
type httpStageAuth struct {
	opts Options
	spec APISpec
}

func newHTTPStageAuth(spec APISpec, opts Options) (*httpStageAuth, error) {
	return &httpStageAuth{opts: opts, spec: spec}, nil
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
	}
	return nil, fmt.Errorf("authorizer %q of type %s", m.AuthorizerName, m.AuthorizationType)
}
