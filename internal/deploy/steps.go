package deploy

import (
	"context"
	"fmt"

	"github.com/portico-gw/portico/internal/apidef"
	"github.com/portico-gw/portico/internal/fault"
	"github.com/portico-gw/portico/internal/pipeline"
)

// methodSteps lists a method's steps in API Gateway's order (design.md §4,
// aws-recordings.md §2 and §8):
//
//  1. throttle: account and stage methodSettings token buckets;
//  2. resource policy;
//  3. authorization (AWS_IAM, Cognito, Lambda authorizers);
//  4. API key, usage-plan throttle and quota;
//  5. request validation: parameters, then body;
//
// then the integration (request mapping, call, response mapping). Routing
// and the edge's limits run before this list, in httpserver. Steps a method
// does not need are left out, so unconfigured features cost nothing.
func methodSteps(spec APISpec, m *apidef.Method, _ Options) ([]pipeline.Step, error) {
	var steps []pipeline.Step
	if m.AuthorizationType != "" && m.AuthorizationType != "NONE" {
		steps = append(steps, &refuse{name: "authorize", f: &fault.Error{Type: fault.AuthorizerConfigurationError,
			Cause: fmt.Errorf("authorization type %s is not enforced by this build; the method refuses every call", m.AuthorizationType)}})
	}
	if m.APIKeyRequired {
		steps = append(steps, &refuse{name: "apikey", f: &fault.Error{Type: fault.InvalidAPIKey,
			Cause: fmt.Errorf("API key not in a usage plan for %s: no API keys are configured", spec.ID)}})
	}
	return steps, nil
}

// refuse is a step that rejects every call: the fail-closed answer for a
// method whose protection Portico cannot enforce, so a protected method is
// never served unprotected.
type refuse struct {
	name string
	f    *fault.Error
}

var _ pipeline.Step = (*refuse)(nil)

func (r *refuse) Name() string { return r.name }

func (r *refuse) Run(context.Context, *pipeline.Call) error { return r.f }
