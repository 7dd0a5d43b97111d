package auth

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/portico-gw/portico/internal/apidef"
	"github.com/portico-gw/portico/internal/auth/policy"
	"github.com/portico-gw/portico/internal/awslimits"
	"github.com/portico-gw/portico/internal/contextvars"
	"github.com/portico-gw/portico/internal/fault"
	"github.com/portico-gw/portico/internal/lambdaevent"
	"github.com/portico-gw/portico/internal/pipeline"
)

// HTTPAuthorizerTimeout bounds an HTTP API Lambda authorizer's invocation:
// API Gateway waits 10 seconds
// (docs/aws-behaviour.md#http-api-lambda-authorizers).
const HTTPAuthorizerTimeout = 10 * time.Second

// HTTPLambdaConfig configures an HTTP API Lambda authorizer.
type HTTPLambdaConfig struct {
	// Def is the authorizer: Type REQUEST, PayloadFormatVersion "1.0" or
	// "2.0", EnableSimpleResponses, IdentitySources (or, when that is
	// empty, the comma-separated IdentitySource), ResultTTLSeconds (-1 for
	// the default) and AuthorizerURI.
	Def     apidef.Authorizer
	Invoker lambdaevent.FunctionInvoker
	// Function is the function to invoke; when empty, the one
	// Def.AuthorizerURI names.
	Function string
	// Timeout bounds an invocation; zero means HTTPAuthorizerTimeout.
	Timeout time.Duration
	// Now is the clock of the result cache; nil means time.Now.
	Now func() time.Time
}

// HTTPLambda is one HTTP API Lambda authorizer (REQUEST, payload format
// 1.0 or 2.0) of one API stage, shared by every route that uses it, with
// its result cache (docs/aws-behaviour.md#http-api-lambda-authorizers).
type HTTPLambda struct {
	def      apidef.Authorizer
	function string
	invoker  lambdaevent.FunctionInvoker
	v2       bool
	simple   bool
	sources  []identitySource
	cache    *cache
	timeout  time.Duration
	now      func() time.Time
}

var _ pipeline.Step = (*HTTPLambda)(nil)

// identitySource is one parsed $request.header.X, $request.querystring.x,
// $context.x or $stageVariables.x.
type identitySource struct {
	expr string
	kind byte // 'h' header, 'q' query, 'c' context, 's' stage variable
	name string
}

// NewHTTPLambdaAuthorizer compiles an HTTP API Lambda authorizer. It fails
// on a payload format other than 1.0 and 2.0, simple responses with 1.0,
// an identity source it cannot read, a TTL outside 0–3600 seconds, or a
// URI that names no function.
func NewHTTPLambdaAuthorizer(cfg HTTPLambdaConfig) (*HTTPLambda, error) {
	d := cfg.Def
	l := &HTTPLambda{def: d, function: cfg.Function, invoker: cfg.Invoker, simple: d.EnableSimpleResponses, timeout: cfg.Timeout, now: cfg.Now}
	if l.function == "" {
		name, ok := lambdaevent.FunctionName(d.AuthorizerURI)
		if !ok {
			return nil, fmt.Errorf("authorizer %s: authorizerUri %q does not name a Lambda function", d.Name, d.AuthorizerURI)
		}
		l.function = name
	}
	switch d.PayloadFormatVersion {
	case "2.0":
		l.v2 = true
	case "1.0":
		if d.EnableSimpleResponses {
			return nil, fmt.Errorf("authorizer %s: enableSimpleResponses needs authorizerPayloadFormatVersion 2.0", d.Name)
		}
	default:
		return nil, fmt.Errorf("authorizer %s: authorizerPayloadFormatVersion %q is not 1.0 or 2.0", d.Name, d.PayloadFormatVersion)
	}
	sources := d.IdentitySources
	if len(sources) == 0 && d.IdentitySource != "" {
		// OpenAPI's x-amazon-apigateway-authorizer spells them as one
		// comma-separated string.
		for s := range strings.SplitSeq(d.IdentitySource, ",") {
			if s = strings.TrimSpace(s); s != "" {
				sources = append(sources, s)
			}
		}
	}
	for _, s := range sources {
		s = strings.TrimSpace(s)
		src, err := parseIdentitySource(s)
		if err != nil {
			return nil, fmt.Errorf("authorizer %s: %w", d.Name, err)
		}
		l.sources = append(l.sources, src)
	}
	ttl := DefaultTTL
	if d.ResultTTLSeconds >= 0 {
		ttl = time.Duration(d.ResultTTLSeconds) * time.Second
	}
	if ttl > awslimits.MaxAuthorizerTTL {
		return nil, fmt.Errorf("authorizer %s: authorizerResultTtlInSeconds %d is over %d", d.Name, d.ResultTTLSeconds, int(awslimits.MaxAuthorizerTTL/time.Second))
	}
	if len(l.sources) > 0 {
		l.cache = newCache(ttl) // nil when ttl is 0
	}
	if l.timeout <= 0 {
		l.timeout = HTTPAuthorizerTimeout
	}
	if l.now == nil {
		l.now = time.Now
	}
	return l, nil
}

func parseIdentitySource(s string) (identitySource, error) {
	for _, p := range []struct {
		prefix string
		kind   byte
	}{{"$request.header.", 'h'}, {"$request.querystring.", 'q'}, {"$context.", 'c'}, {"$stageVariables.", 's'}} {
		if name, ok := strings.CutPrefix(s, p.prefix); ok && name != "" {
			return identitySource{expr: s, kind: p.kind, name: name}, nil
		}
	}
	return identitySource{}, fmt.Errorf("identity source %q is not $request.header.<name>, $request.querystring.<name>, $context.<variable> or $stageVariables.<name>", s)
}

// Function names the authorizer's function, for deploy's checks.
func (l *HTTPLambda) Function() string { return l.function }

// Name implements pipeline.Named.
func (l *HTTPLambda) Name() string { return "authorize" }

// Run authorizes the call: identity sources, cache, function, decision.
// On success c.Authorizer is {"lambda": context}.
func (l *HTTPLambda) Run(ctx context.Context, c *pipeline.Call) error {
	return runCached(ctx, l, l.cache, l.now(), c)
}

// identity reads the identity sources in order; a missing or empty one is
// 401 without invoking the function. Repeated headers and query parameters
// are joined with commas.
func (l *HTTPLambda) identity(c *pipeline.Call) ([]string, error) {
	values := make([]string, 0, len(l.sources))
	for _, s := range l.sources {
		var v string
		switch s.kind {
		case 'h':
			v = strings.Join(c.Header.Values(s.name), ",")
		case 'q':
			v = strings.Join(c.Query[s.name], ",")
		case 's':
			v = c.StageVariables[s.name]
		case 'c':
			v, _ = contextvars.Value(c, nil, s.name)
		}
		if strings.TrimSpace(v) == "" {
			return nil, fault.Reject(fault.Unauthorized, fmt.Errorf("authorizer %s: identity source %s is missing", l.def.Name, s.expr))
		}
		values = append(values, v)
	}
	return values, nil
}

// call invokes the function with the payload 2.0 or 1.0 event and parses
// its answer.
func (l *HTTPLambda) call(ctx context.Context, c *pipeline.Call, values []string) (*output, error) {
	arn := MethodARN(c)
	var ev []byte
	var err error
	if l.v2 {
		ev, err = lambdaevent.AuthorizerEventV2(ctx, c, arn, values)
	} else {
		ev, err = lambdaevent.AuthorizerEventHTTPAPIV1(ctx, c, arn, values)
	}
	if err != nil {
		return nil, configFault(l.def.Name, err)
	}
	payload, err := invokeAuthorizer(ctx, l.invoker, l.function, l.def.Name, l.timeout, ev, c)
	if err != nil {
		return nil, err
	}
	var out *output
	switch {
	case l.simple:
		out, err = parseSimpleOutput(payload)
	case l.v2:
		out, err = parsePolicyOutputV2(payload)
	default:
		out, err = parseOutput(payload)
		if err == nil {
			out.lambdaContext = make(map[string]any, len(out.context))
			for k, v := range out.context {
				out.lambdaContext[k] = v
			}
		}
	}
	if err != nil {
		return nil, configFault(l.def.Name, err)
	}
	return out, nil
}

// decide turns the (possibly cached) answer into the outcome for this
// route: a simple answer's isAuthorized, or the policy evaluated against
// the route's ARN. Any denial is 403 {"message":"Forbidden"}.
func (l *HTTPLambda) decide(c *pipeline.Call, out *output) error {
	if out.simple {
		if !out.authorized {
			return fault.Denied("Forbidden", fmt.Errorf("authorizer %s: isAuthorized is false", l.def.Name))
		}
	} else {
		arn := MethodARN(c)
		switch out.policy.Evaluate(policy.Request{Action: "execute-api:Invoke", Resource: arn}) {
		case policy.ExplicitDeny:
			return fault.Denied("Forbidden", fmt.Errorf("authorizer %s: explicit Deny for %s", l.def.Name, arn))
		case policy.ImplicitDeny:
			return fault.Denied("Forbidden", fmt.Errorf("authorizer %s: no Allow for %s", l.def.Name, arn))
		}
	}
	lc := out.lambdaContext
	if lc == nil {
		lc = map[string]any{}
	}
	c.Authorizer = map[string]any{"lambda": lc}
	return nil
}

// parseSimpleOutput validates a simple response {"isAuthorized": bool,
// "context": {...}}: isAuthorized must be a boolean, context an object
// whose values may be any JSON.
func parseSimpleOutput(payload []byte) (*output, error) {
	var raw struct {
		IsAuthorized *bool           `json:"isAuthorized"`
		Context      json.RawMessage `json:"context"`
	}
	if err := json.Unmarshal(payload, &raw); err != nil {
		return nil, fmt.Errorf("authorizer output is not a simple response: %w", err)
	}
	if raw.IsAuthorized == nil {
		return nil, errors.New("authorizer output has no boolean isAuthorized")
	}
	ctx, err := anyContext(raw.Context)
	if err != nil {
		return nil, err
	}
	return &output{simple: true, authorized: *raw.IsAuthorized, lambdaContext: ctx}, nil
}

// parsePolicyOutputV2 validates a payload 2.0 IAM policy answer
// {"principalId", "policyDocument", "context"}: the policy must parse; the
// context values may be any JSON.
func parsePolicyOutputV2(payload []byte) (*output, error) {
	var raw struct {
		PrincipalID    any             `json:"principalId"`
		PolicyDocument json.RawMessage `json:"policyDocument"`
		Context        json.RawMessage `json:"context"`
	}
	if err := json.Unmarshal(payload, &raw); err != nil {
		return nil, fmt.Errorf("authorizer output is not a JSON object: %w", err)
	}
	if len(raw.PolicyDocument) == 0 || string(raw.PolicyDocument) == "null" {
		return nil, errors.New("authorizer output has no policyDocument")
	}
	doc, err := policy.Parse(raw.PolicyDocument)
	if err != nil {
		return nil, fmt.Errorf("Could not parse policy: %w", err)
	}
	ctx, err := anyContext(raw.Context)
	if err != nil {
		return nil, err
	}
	out := &output{policy: doc, lambdaContext: ctx}
	if p, ok := raw.PrincipalID.(string); ok {
		out.principalID = p
	} else if raw.PrincipalID != nil {
		out.principalID = fmt.Sprint(raw.PrincipalID)
	}
	return out, nil
}

// anyContext decodes a payload 2.0 context: absent or null is empty, an
// object keeps its values as they are (numbers exactly as written), and
// anything else is invalid.
func anyContext(raw json.RawMessage) (map[string]any, error) {
	if len(raw) == 0 || string(raw) == "null" {
		return nil, nil
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var m map[string]any
	if err := dec.Decode(&m); err != nil {
		return nil, errors.New("authorizer context is not an object")
	}
	return m, nil
}
