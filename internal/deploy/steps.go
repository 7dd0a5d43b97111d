package deploy

import (
	"github.com/portico-gw/portico/internal/apidef"
	"github.com/portico-gw/portico/internal/auth"
	"github.com/portico-gw/portico/internal/awslimits"
	"github.com/portico-gw/portico/internal/pipeline"
	"github.com/portico-gw/portico/internal/throttle"
	"github.com/portico-gw/portico/internal/usage"
	"github.com/portico-gw/portico/internal/validate"
)

// methodSteps lists a method's steps in API Gateway's order (docs/architecture.md#pipeline-order,
// docs/architecture.md#pipeline-order):
//
//  1. throttle: the stage's methodSettings bucket, then the account bucket;
//  2. resource policy;
//  3. authorization (AWS_IAM, Cognito, Lambda authorizers), preceded by
//     the refusal of repeated Authorization and x-api-key headers on any
//     method that authorizes or needs a key;
//  4. API key, then the usage plan's throttle, then its quota;
//  5. request validation: parameters, then body;
//
// then the integration (request mapping, call, response mapping). Routing
// and the edge's limits run before this list, in httpserver. Steps a method
// does not need are left out, so unconfigured features cost nothing.
func methodSteps(spec APISpec, ss StageSpec, sa *stageAuth, m *apidef.Method, opts Options) ([]pipeline.Step, error) {
	var steps []pipeline.Step
	l := opts.Limits
	if st := throttle.NewStep(throttle.StepConfig{Buckets: l.Buckets, MethodKey: spec.ID + "/" + ss.Name + usage.MethodKey(m.Path, m.HTTPMethod),
		Method: stageLimit(ss.MethodSettings, m), Account: l.Account, Errors: l.Errors, Now: l.Now,
		// The key step takes the throttle's tokens with its own in one
		// call when the store combines them (a Redis round trip, not two).
		Defer: m.APIKeyRequired}); st != nil {
		steps = append(steps, st)
	}
	as, err := authSteps(spec, sa, m, opts)
	if err != nil {
		return nil, err
	}
	if m.APIKeyRequired || usesAuthorizer(m, opts) {
		steps = append(steps, auth.NewDuplicateIdentity(spec.Def.Authorizers[m.AuthorizerName].IdentitySource))
	}
	steps = append(steps, as...)
	if m.APIKeyRequired {
		steps = append(steps, usage.NewStep(usage.StepConfig{APIID: spec.ID, Stage: ss.Name, Resource: m.Path, HTTPMethod: m.HTTPMethod,
			KeySource: spec.Def.APIKeySource, Registry: l.Registry, Buckets: l.Buckets, Quotas: l.Quotas, Errors: l.Errors, Now: l.Now}))
	}
	v, err := validate.New(spec.Def, m)
	if err != nil {
		return nil, err
	}
	if v != nil {
		steps = append(steps, v)
	}
	return steps, nil
}

// usesAuthorizer reports whether the method has an authorization step that
// reads a credential (AWS_IAM, Cognito, a Lambda or JWT authorizer).
func usesAuthorizer(m *apidef.Method, opts Options) bool {
	if _, ok := jwtRequirement(m, opts); ok {
		return true
	}
	return m.AuthorizationType.Secured()
}

// stageLimit resolves the stage methodSettings throttle of a method: the
// entry for the method's own resource and method overrides the "/*" "*"
// entry field by field; unset fields take AWS's defaults (10000 and 5000).
// nil means no entry applies.
func stageLimit(settings []MethodSetting, m *apidef.Method) *throttle.Limit {
	var rate *float64
	var burst *int
	found := false
	apply := func(s MethodSetting) {
		found = true
		if s.RateLimit != nil {
			rate = s.RateLimit
		}
		if s.BurstLimit != nil {
			burst = s.BurstLimit
		}
	}
	for _, s := range settings {
		if s.ResourcePath == "/*" && s.HTTPMethod == "*" {
			apply(s)
		}
	}
	for _, s := range settings {
		if s.ResourcePath == m.Path && (s.HTTPMethod == m.HTTPMethod || s.HTTPMethod == "*") {
			apply(s)
		}
	}
	if !found || (rate == nil && burst == nil) {
		return nil
	}
	l := throttle.Limit{Rate: awslimits.AccountRateLimit, Burst: awslimits.AccountBurstLimit}
	if rate != nil {
		l.Rate = *rate
	}
	if burst != nil {
		l.Burst = *burst
	}
	return &l
}
