package auth

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
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

// DefaultTTL is authorizerResultTtlInSeconds when a definition leaves it out.
const DefaultTTL = awslimits.AuthorizerTTL

// authorizerTimeout bounds an authorizer invocation (API Gateway's
// integration limit); the function's own timeout usually ends it first.
const authorizerTimeout = awslimits.IntegrationTimeout

// Lambda is one Lambda authorizer (TOKEN or REQUEST) of one API stage,
// shared by every method that uses it, with its result cache.
type Lambda struct {
	def         apidef.Authorizer
	function    string
	invoker     lambdaevent.FunctionInvoker
	validate    *regexp.Regexp
	sources     []string
	cache       *cache
	denyMessage string
	now         func() time.Time
}

// LambdaConfig configures a Lambda authorizer.
type LambdaConfig struct {
	Def     apidef.Authorizer
	Invoker lambdaevent.FunctionInvoker
	// ExplicitDenyMessage is the ACCESS_DENIED text for an explicit Deny.
	ExplicitDenyMessage string
	Now                 func() time.Time
}

// NewLambda compiles an authorizer; it fails when the URI names no
// configured function.
func NewLambda(cfg LambdaConfig) (*Lambda, error) {
	name, ok := lambdaevent.FunctionName(cfg.Def.AuthorizerURI)
	if !ok {
		return nil, fmt.Errorf("authorizer %s: authorizerUri %q does not name a Lambda function", cfg.Def.Name, cfg.Def.AuthorizerURI)
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	ttl := DefaultTTL
	if cfg.Def.ResultTTLSeconds >= 0 {
		ttl = time.Duration(cfg.Def.ResultTTLSeconds) * time.Second
	}
	l := &Lambda{def: cfg.Def, function: name, invoker: cfg.Invoker, cache: newCache(ttl), denyMessage: cfg.ExplicitDenyMessage, now: cfg.Now}
	if l.denyMessage == "" {
		l.denyMessage = "User is not authorized to access this resource with an explicit deny"
	}
	if e := cfg.Def.IdentityValidationExpression; e != "" && cfg.Def.Type == apidef.AuthorizerToken {
		re, err := regexp.Compile(`^(?:` + e + `)$`)
		if err != nil {
			return nil, fmt.Errorf("authorizer %s: identityValidationExpression: %w", cfg.Def.Name, err)
		}
		l.validate = re
	}
	for _, s := range strings.Split(cfg.Def.IdentitySource, ",") {
		if s = strings.TrimSpace(s); s != "" {
			l.sources = append(l.sources, s)
		}
	}
	if len(l.sources) == 0 {
		l.cache = nil // nothing to key a cache by: every call asks the function
	}
	return l, nil
}

// Function names the authorizer's function, for deploy's checks.
func (l *Lambda) Function() string { return l.function }

// Name implements pipeline.Named.
func (l *Lambda) Name() string { return "authorize" }

// DeferSafe implements pipeline.DeferSafe: a cached answer only reads and
// enriches the Call; the function is invoked after Call.Settle.
func (*Lambda) DeferSafe() {}

// Run authorizes the call: identity sources, cache, function, policy.
func (l *Lambda) Run(ctx context.Context, c *pipeline.Call) error {
	return runCached(ctx, l, l.cache, l.now(), c)
}

// identity reads the identity sources; a missing or empty one, or a token
// failing the validation expression, is 401 without invoking the function.
func (l *Lambda) identity(c *pipeline.Call) ([]string, error) {
	values := make([]string, 0, len(l.sources))
	for _, s := range l.sources {
		v, ok := contextvars.Resolve(c, nil, s)
		if !ok || strings.TrimSpace(v) == "" {
			return nil, fault.Reject(fault.Unauthorized, fmt.Errorf("authorizer %s: identity source %s is missing", l.def.Name, s))
		}
		values = append(values, v)
	}
	if l.validate != nil && !l.validate.MatchString(values[0]) {
		return nil, fault.Reject(fault.Unauthorized, fmt.Errorf("authorizer %s: the token does not match identityValidationExpression", l.def.Name))
	}
	return values, nil
}

// call invokes the function with the TOKEN or REQUEST event.
func (l *Lambda) call(ctx context.Context, c *pipeline.Call, values []string) (*output, error) {
	arn := MethodARN(c)
	var ev []byte
	var err error
	if l.def.Type == apidef.AuthorizerToken {
		ev, err = lambdaevent.AuthorizerTokenEvent(values[0], arn)
	} else {
		ev, err = lambdaevent.AuthorizerRequestEvent(ctx, c, arn)
	}
	if err != nil {
		return nil, configFault(l.def.Name, err)
	}
	payload, err := invokeAuthorizer(ctx, l.invoker, l.function, l.def.Name, authorizerTimeout, ev, c)
	if err != nil {
		return nil, err
	}
	out, err := parseOutput(payload)
	if err != nil {
		return nil, configFault(l.def.Name, err)
	}
	return out, nil
}

// decide evaluates the (possibly cached) policy against this method's ARN
// and publishes principalId, context and usageIdentifierKey.
func (l *Lambda) decide(c *pipeline.Call, out *output) error {
	arn := MethodARN(c)
	switch out.policy.Evaluate(policy.Request{Action: "execute-api:Invoke", Resource: arn}) {
	case policy.ExplicitDeny:
		return fault.Denied(l.denyMessage, fmt.Errorf("authorizer %s: explicit Deny for %s", l.def.Name, arn))
	case policy.ImplicitDeny:
		return fault.Denied("User is not authorized to access this resource", fmt.Errorf("authorizer %s: no Allow for %s", l.def.Name, arn))
	}
	c.Authorizer = out.authorizer
	if out.usageIdentifierKey != "" {
		c.Identity.APIKey = out.usageIdentifierKey
	}
	return nil
}

// configFault is 500 AUTHORIZER_CONFIGURATION_ERROR {"message": null}.
// invokeAuthorizer runs an authorizer function under timeout and returns
// its answer: a function failing with exactly "Unauthorized" is a 401
// (UNAUTHORIZED), any other failure an AUTHORIZER_CONFIGURATION_ERROR.
func invokeAuthorizer(ctx context.Context, invoker lambdaevent.FunctionInvoker, function, name string, timeout time.Duration,
	ev []byte, c *pipeline.Call) ([]byte, error) {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	res, err := invoker.InvokeFunction(ctx, function, ev, c.RequestID, c.TraceID)
	if err != nil {
		return nil, configFault(name, fmt.Errorf("Authorizer error: %w", err))
	}
	if res.FunctionError != "" {
		var e struct {
			ErrorMessage string `json:"errorMessage"`
		}
		_ = json.Unmarshal(res.Payload, &e)
		if e.ErrorMessage == "Unauthorized" {
			return nil, fault.Reject(fault.Unauthorized, fmt.Errorf("authorizer %s answered Unauthorized", name))
		}
		return nil, configFault(name, fmt.Errorf("Authorizer error: function error: %s", e.ErrorMessage))
	}
	return res.Payload, nil
}

func configFault(name string, err error) error {
	if f, ok := errors.AsType[*fault.Error](err); ok && f.Type == fault.AuthorizerConfigurationError {
		return f
	}
	return fault.AuthorizerConfiguration(fault.Misconfigured("authorizer %s: %w", name, err))
}

// cacheKey is the SHA-256 of the length-prefixed identity values: entries
// stay small whatever the tokens' size, and no two different value lists
// share a key.
func cacheKey(values []string) [sha256.Size]byte {
	var buf [512]byte
	b := buf[:0]
	for _, v := range values {
		b = binary.BigEndian.AppendUint64(b, uint64(len(v)))
		b = append(b, v...)
	}
	return sha256.Sum256(b)
}
