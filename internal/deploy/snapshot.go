package deploy

import (
	"errors"
	"io"
	"time"

	"github.com/portico-gw/portico/internal/apidef"
	"github.com/portico-gw/portico/internal/cors"
	"github.com/portico-gw/portico/internal/pipeline"
	"github.com/portico-gw/portico/internal/router"
	"github.com/portico-gw/portico/internal/telemetry"
)

// Snapshot is everything the data plane serves, immutable once built.
type Snapshot struct {
	apis    map[string]*API
	only    *API
	roots   []rootMount
	Created time.Time
	// closers release what the snapshot owns (JWT key refreshers).
	closers []io.Closer
}

// Close releases what the snapshot owns once it is no longer served;
// requests still running on it keep working (keys stay cached).
func (s *Snapshot) Close() error {
	var errs []error
	for _, c := range s.closers {
		errs = append(errs, c.Close())
	}
	s.closers = nil
	return errors.Join(errs...)
}

// API is one deployed REST API.
type API struct {
	// ID is the apiId.
	ID string
	// Def is the definition it was built from (read only).
	Def *apidef.RestAPI
	// Responses is the resolved gateway-response table.
	Responses *Responses
	// CORS is an HTTP API's CORS policy; nil when it has none.
	CORS   *cors.Policy
	stages map[string]*Stage
}

// Stage is one deployed stage of an API.
type Stage struct {
	Name         string
	DeploymentID string
	Variables    map[string]string
	// Telemetry is the stage's logging setup.
	Telemetry StageTelemetry
	tree      *router.Tree[*Method]
	// defaultRoute is an HTTP API's $default route; nil when none.
	defaultRoute *Method
}

// Method is one compiled method of a stage.
type Method struct {
	// ResourceID identifies the resource ($context.resourceId).
	ResourceID string
	// Resource is the resource path template.
	Resource string
	// HTTPMethod is the method as defined (GET, ..., ANY).
	HTTPMethod string
	// RouteKey is an HTTP API's route key ("GET /pets/{id}", "$default");
	// "" on REST APIs.
	RouteKey string
	// Def is the method definition.
	Def *apidef.Method
	// Pipeline runs the method.
	Pipeline *pipeline.Pipeline
	// Metrics is the method's metric handle (nil without metrics).
	Metrics *telemetry.MethodMetrics
}

// API returns the API with id.
func (s *Snapshot) API(id string) (*API, bool) {
	a, ok := s.apis[id]
	return a, ok
}

// Only returns the single API when exactly one is deployed.
func (s *Snapshot) Only() (*API, bool) { return s.only, s.only != nil }

// APIs returns every deployed API.
func (s *Snapshot) APIs() []*API {
	out := make([]*API, 0, len(s.apis))
	for _, a := range s.apis {
		out = append(out, a)
	}
	return out
}

// Stage returns the stage named name.
func (a *API) Stage(name string) (*Stage, bool) {
	st, ok := a.stages[name]
	return st, ok
}

// Lookup matches a method and escaped path (after the stage). On an HTTP
// API a request no route matches goes to the $default route, if any.
func (st *Stage) Lookup(httpMethod, escapedPath string) (router.Match[*Method], bool) {
	m, ok := st.tree.Lookup(httpMethod, escapedPath)
	if !ok && st.defaultRoute != nil {
		return router.Match[*Method]{Value: st.defaultRoute, Resource: "$default"}, true
	}
	return m, ok
}

// HTTP reports whether the API is an HTTP API (API Gateway v2).
func (a *API) HTTP() bool { return a.Def.Protocol == apidef.ProtocolHTTP }

// DefaultStage is the stage HTTP APIs serve without a stage prefix.
const DefaultStage = "$default"
