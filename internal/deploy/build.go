package deploy

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/portico-gw/portico/internal/apidef"
	"github.com/portico-gw/portico/internal/auth/jwt"
	"github.com/portico-gw/portico/internal/auth/sigv4"
	"github.com/portico-gw/portico/internal/awsservice"
	"github.com/portico-gw/portico/internal/cache"
	"github.com/portico-gw/portico/internal/integration"
	"github.com/portico-gw/portico/internal/lambdaevent"
	"github.com/portico-gw/portico/internal/pipeline"
	"github.com/portico-gw/portico/internal/router"
	"github.com/portico-gw/portico/internal/store/memory"
	"github.com/portico-gw/portico/internal/telemetry"
	"github.com/portico-gw/portico/internal/throttle"
	"github.com/portico-gw/portico/internal/usage"
)

// APISpec is one API to deploy with its stages.
type APISpec struct {
	ID     string
	Def    *apidef.RestAPI
	Stages []StageSpec
}

// StageSpec is one stage to deploy.
type StageSpec struct {
	Name      string
	Variables map[string]string
	// Root also serves the stage at the listener's root, as sam local
	// start-api serves a template's APIs (docs/templates.md#root-mount).
	Root bool
	// MethodSettings are the stage's per-method throttles, in order (REST).
	MethodSettings []MethodSetting
	// DefaultRouteSettings and RouteSettings are an HTTP API stage's
	// throttles, for every route and by route key.
	DefaultRouteSettings *RouteSetting
	RouteSettings        map[string]RouteSetting
	// Telemetry is the stage's logging setup.
	Telemetry StageTelemetry
	// Def, when set, is the definition this stage serves instead of the
	// API's (a management-API stage serves its own deployment's snapshot;
	// the API's gateway responses still come from APISpec.Def).
	Def *apidef.RestAPI
	// DeploymentID, when set, is $context.deploymentId; default derived
	// from the API id and stage name.
	DeploymentID string
	// Cache is the stage's response cache; nil means none (REST).
	Cache *StageCache
}

// StageTelemetry is a stage's access log, execution log and debugging.
type StageTelemetry struct {
	// AccessLog and AccessWriter replace the default access line when set.
	AccessLog    *telemetry.AccessLog
	AccessWriter *telemetry.AccessLogWriter
	// Exec is the execution log (nil when loggingLevel is OFF).
	Exec *telemetry.ExecLog
	// DebugErrors adds x-portico-error-reason to gateway responses.
	DebugErrors bool
}

// MethodSetting is one stage methodSettings throttle entry; nil fields are
// unset. ResourcePath "/*" with HTTPMethod "*" applies to every method.
type MethodSetting struct {
	ResourcePath, HTTPMethod string
	RateLimit                *float64
	BurstLimit               *int
	// Caching holds the entry's caching fields (cache.go).
	Caching MethodCaching
}

// RouteSetting is an HTTP API route throttle; nil fields are unset.
type RouteSetting struct {
	RateLimit  *float64
	BurstLimit *int
}

// Limits are the shared services of throttling, keys and plans.
type Limits struct {
	Registry *usage.Registry
	Buckets  throttle.Buckets
	Quotas   throttle.Quotas
	Errors   throttle.StoreErrors
	// Account is the account-level bucket; nil means none.
	Account *throttle.Limit
	Now     func() time.Time
}

// Options are the shared services a deploy wires into pipelines.
type Options struct {
	// Region and AccountID appear in ARNs and $context.
	Region, AccountID string
	// Transport is the keep-alive transport shared by HTTP integrations.
	Transport http.RoundTripper
	// InsecureTransport is used by integrations with insecureSkipVerification.
	InsecureTransport http.RoundTripper
	// Compile compiles mapping templates; nil accepts only static templates.
	Compile integration.Compiler
	// Now stamps the snapshot; nil means time.Now.
	Now func() time.Time
	// Limits wires throttling, API keys and usage plans; nil means a
	// memory store with no keys and no account limit.
	Limits *Limits
	// Functions runs the local functions AWS and AWS_PROXY integrations
	// name; nil means no functions are configured.
	Functions Functions
	// Auth configures authorization.
	Auth AuthOptions
	// AWSServices says where AWS service integrations (DynamoDB, SQS, ...)
	// send their requests; nil means nowhere, so they answer 500.
	AWSServices *awsservice.Config
	// Metrics, when set, gives every method its pre-resolved metric handle.
	Metrics *telemetry.Metrics
	// Caches holds the stages' response caches across deployments; nil
	// gives each deployment fresh in-memory caches.
	Caches *cache.Provider
	// CacheErrors reports response-cache store failures (nil ignores them).
	CacheErrors func(error)
}

// AuthOptions are authorization's shared settings.
type AuthOptions struct {
	// ExplicitDenyMessage is the ACCESS_DENIED text for an authorizer's
	// explicit Deny.
	ExplicitDenyMessage string
	// Now is the authorizer caches' clock; nil means time.Now.
	Now func() time.Time
	// IAM verifies AWS_IAM signatures; nil means no credentials are
	// configured, so every AWS_IAM call is refused.
	IAM *sigv4.Verifier
	// CognitoPools verifies Cognito user-pool tokens, by user pool ARN.
	CognitoPools map[string]*jwt.Verifier
	// JWT verifies tokens of settings-defined JWT authorizers, by name.
	JWT map[string]*jwt.Verifier
}

// Functions is the local function runtime as deploy sees it.
type Functions interface {
	lambdaevent.FunctionInvoker
	// Has reports whether a function is configured.
	Has(name string) bool
}

// Build compiles every API and stage into a Snapshot, or returns every
// problem joined.
func Build(specs []APISpec, opts Options) (*Snapshot, error) {
	if opts.Compile == nil {
		opts.Compile = StaticOnly
	}
	if opts.Caches == nil {
		opts.Caches = cache.NewMemoryProvider(opts.Now)
	}
	if opts.Limits == nil {
		reg, _ := usage.NewRegistry(nil, nil)
		st := memory.New(memory.Options{})
		opts.Limits = &Limits{Registry: reg, Buckets: st, Quotas: st}
	}
	now := time.Now
	if opts.Now != nil {
		now = opts.Now
	}
	s := &Snapshot{apis: map[string]*API{}, Created: now()}
	var errs []error
	for _, spec := range specs {
		a, err := buildAPI(spec, opts, &s.closers)
		if err != nil {
			errs = append(errs, fmt.Errorf("api %s: %w", spec.ID, err))
			continue
		}
		s.apis[spec.ID] = a
		for _, ss := range spec.Stages {
			if st, ok := a.stages[ss.Name]; ok && ss.Root {
				s.roots = append(s.roots, rootMount{api: a, stage: st})
			}
		}
	}
	if len(errs) > 0 {
		_ = s.Close()
		return nil, errors.Join(errs...)
	}
	cached := map[string]bool{}
	for _, spec := range specs {
		for _, ss := range spec.Stages {
			if ss.Cache != nil {
				cached[spec.ID+"/"+ss.Name] = true
			}
		}
	}
	opts.Caches.Retain(cached)
	if len(s.apis) == 1 {
		for _, a := range s.apis {
			s.only = a
		}
	}
	return s, nil
}

func buildAPI(spec APISpec, opts Options, closers *[]io.Closer) (*API, error) {
	if spec.Def.Protocol == apidef.ProtocolHTTP {
		return buildHTTPAPI(spec, opts, closers)
	}
	a := &API{ID: spec.ID, Def: spec.Def, Responses: resolveResponses(spec.Def.GatewayResponses), stages: map[string]*Stage{}}
	var errs []error
	errs = append(errs, checkLimitKeys(spec, opts.Limits)...)
	for _, ss := range spec.Stages {
		spec := spec
		if ss.Def != nil {
			spec.Def = ss.Def
		}
		depID := ss.DeploymentID
		if depID == "" {
			depID = deploymentID(spec.ID, ss.Name)
		}
		st := &Stage{Name: ss.Name, Variables: ss.Variables, DeploymentID: depID, tree: router.New[*Method](),
			Telemetry: ss.Telemetry}
		sa, err := newStageAuth(spec, opts)
		if err != nil {
			errs = append(errs, fmt.Errorf("stage %s: %w", ss.Name, err))
			continue
		}
		for _, m := range spec.Def.Methods {
			cm, err := buildMethod(spec, ss, sa, m, opts)
			if err == nil {
				err = st.tree.Add(m.Path, m.HTTPMethod, cm)
			}
			if err != nil {
				errs = append(errs, fmt.Errorf("%s:%d: stage %s: %s %s: %w", m.Loc.File, m.Loc.Line, ss.Name, m.HTTPMethod, m.Path, err))
			}
		}
		a.stages[ss.Name] = st
	}
	return a, errors.Join(errs...)
}

// buildMethod compiles one method for one stage.
func buildMethod(spec APISpec, ss StageSpec, sa *stageAuth, m *apidef.Method, opts Options) (*Method, error) {
	integ, err := buildIntegration(spec, ss, m, opts)
	if err != nil {
		return nil, err
	}
	if integ, err = withCache(spec, ss, m, integ, opts); err != nil {
		return nil, err
	}
	steps, err := methodSteps(spec, ss, sa, m, opts)
	if err != nil {
		return nil, err
	}
	var mm *telemetry.MethodMetrics
	if opts.Metrics != nil {
		mm = opts.Metrics.Method(spec.ID, ss.Name, m.HTTPMethod, m.Path)
	}
	return &Method{
		Metrics:    mm,
		ResourceID: resourceID(spec.ID, m.Path),
		Resource:   m.Path,
		HTTPMethod: m.HTTPMethod,
		Def:        m,
		Pipeline:   pipeline.New(steps, integ),
	}, nil
}

// resourceID derives a stable 10-character resource id from the path, in
// the shape of AWS's ids.
func resourceID(apiID, path string) string {
	sum := sha256.Sum256([]byte(apiID + "\x00" + path))
	return hex.EncodeToString(sum[:5])
}

func deploymentID(apiID, stage string) string {
	sum := sha256.Sum256([]byte(apiID + "\x00" + stage + "\x00deployment"))
	return hex.EncodeToString(sum[:3])
}
