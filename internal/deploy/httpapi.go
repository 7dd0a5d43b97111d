package deploy

import (
	"errors"
	"fmt"
	"io"

	"github.com/portico-gw/portico/internal/apidef"
	"github.com/portico-gw/portico/internal/awslimits"
	"github.com/portico-gw/portico/internal/cors"
	"github.com/portico-gw/portico/internal/pipeline"
	"github.com/portico-gw/portico/internal/router"
	"github.com/portico-gw/portico/internal/telemetry"
	"github.com/portico-gw/portico/internal/throttle"
)

// buildHTTPAPI compiles an HTTP API (API Gateway v2): routes instead of a
// resource tree, the $default route and stage, route throttles, and no
// gateway responses, keys, plans, validators or mapping templates
// (docs/aws-behaviour.md#http-apis).
func buildHTTPAPI(spec APISpec, opts Options, closers *[]io.Closer) (*API, error) {
	a := &API{ID: spec.ID, Def: spec.Def, Responses: resolveResponses(nil), stages: map[string]*Stage{}}
	policy, err := cors.Compile(spec.Def.CORS)
	if err != nil {
		return nil, err
	}
	a.CORS = policy
	stages := spec.Stages
	if len(stages) == 0 {
		stages = []StageSpec{{Name: DefaultStage}}
	}
	sa, err := newHTTPAPIAuth(spec, opts, closers)
	if err != nil {
		return nil, err
	}
	var errs []error
	for _, ss := range stages {
		st := &Stage{Name: ss.Name, Variables: ss.Variables, DeploymentID: deploymentID(spec.ID, ss.Name), tree: router.NewRoutes[*Method](),
			Telemetry: ss.Telemetry}
		stageAuth, err := sa.forStage()
		if err != nil {
			errs = append(errs, fmt.Errorf("stage %s: %w", ss.Name, err))
			continue
		}
		for _, m := range spec.Def.Methods {
			cm, err := buildRoute(spec, ss, stageAuth, m, opts)
			switch {
			case err != nil:
			case m.DefaultRoute && st.defaultRoute != nil:
				err = errors.New("the $default route is defined twice")
			case m.DefaultRoute:
				st.defaultRoute = cm
			default:
				err = st.tree.Add(m.Path, m.HTTPMethod, cm)
			}
			if err != nil {
				errs = append(errs, fmt.Errorf("%s:%d: stage %s: route %s: %w", m.Loc.File, m.Loc.Line, ss.Name, m.RouteKey(), err))
			}
		}
		a.stages[ss.Name] = st
	}
	return a, errors.Join(errs...)
}

// buildRoute compiles one HTTP API route for one stage: the route
// throttle, then authorization, then the integration.
func buildRoute(spec APISpec, ss StageSpec, sa *httpStageAuth, m *apidef.Method, opts Options) (*Method, error) {
	integ, err := buildHTTPIntegration(spec, ss, m, opts)
	if err != nil {
		return nil, err
	}
	var steps []pipeline.Step
	l := opts.Limits
	if st := throttle.NewStep(throttle.StepConfig{Buckets: l.Buckets, MethodKey: spec.ID + "/" + ss.Name + "/" + m.RouteKey(),
		Method: routeLimit(ss, m), Account: l.Account, Errors: l.Errors, Now: l.Now}); st != nil {
		steps = append(steps, st)
	}
	as, err := sa.steps(m)
	if err != nil {
		return nil, err
	}
	steps = append(steps, as...)
	var mm *telemetry.MethodMetrics
	if opts.Metrics != nil {
		mm = opts.Metrics.Method(spec.ID, ss.Name, m.HTTPMethod, m.Path)
	}
	return &Method{
		Metrics:    mm,
		ResourceID: resourceID(spec.ID, m.RouteKey()),
		Resource:   m.Path,
		HTTPMethod: m.HTTPMethod,
		RouteKey:   m.RouteKey(),
		Def:        m,
		Pipeline:   pipeline.New(steps, integ),
	}, nil
}

// routeLimit resolves a route's throttle: its routeSettings entry over the
// stage's defaultRouteSettings, field by field; unset fields take the
// account's limits. nil means neither applies.
func routeLimit(ss StageSpec, m *apidef.Method) *throttle.Limit {
	var rate *float64
	var burst *int
	apply := func(s *RouteSetting) {
		if s == nil {
			return
		}
		if s.RateLimit != nil {
			rate = s.RateLimit
		}
		if s.BurstLimit != nil {
			burst = s.BurstLimit
		}
	}
	apply(ss.DefaultRouteSettings)
	if s, ok := ss.RouteSettings[m.RouteKey()]; ok {
		apply(&s)
	}
	if rate == nil && burst == nil {
		return nil
	}
	lim := throttle.Limit{Rate: awslimits.AccountRateLimit, Burst: awslimits.AccountBurstLimit}
	if rate != nil {
		lim.Rate = *rate
	}
	if burst != nil {
		lim.Burst = *burst
	}
	return &lim
}
