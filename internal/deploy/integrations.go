package deploy

import (
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/portico-gw/portico/internal/apidef"
	"github.com/portico-gw/portico/internal/awsheaders"
	"github.com/portico-gw/portico/internal/awslimits"
	"github.com/portico-gw/portico/internal/awsservice"
	"github.com/portico-gw/portico/internal/integration"
	"github.com/portico-gw/portico/internal/lambdaevent"
	"github.com/portico-gw/portico/internal/pipeline"
)

// DefaultTimeout is API Gateway's default integration timeout (29 s).
const DefaultTimeout = awslimits.IntegrationTimeout

// stageVarRef is a ${stageVariables.x} reference, compiled on first use, like every pattern of this package (docs/architecture.md#memory).
var stageVarRef = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`\$\{stageVariables\.([A-Za-z0-9_]+)\}`) })

// StaticOnly compiles templates that contain no Velocity references or
// directives; anything else needs the VTL engine.
func StaticOnly(name, src string) (integration.Template, error) {
	if integration.IsStatic(src) {
		return integration.Static(src), nil
	}
	return nil, fmt.Errorf("%s uses Velocity ($ or #) and needs the VTL engine", name)
}

// buildIntegration compiles the method's integration for one stage. A
// definition AWS accepts but that fails on every call compiles into an
// integration.Failing with AWS's error, so the API still deploys.
func buildIntegration(spec APISpec, ss StageSpec, m *apidef.Method, opts Options) (pipeline.Integration, error) {
	in := m.Integration
	if in == nil {
		return nil, fmt.Errorf("no integration")
	}
	if in.Invalid != "" {
		return &integration.Failing{Kind: in.Type, Err: integration.ConfigError("%s", in.Invalid)}, nil
	}
	if f := illegalMapping(in); f != nil {
		return f, nil
	}
	uri, missing := substituteStageVars(in.URI, ss.Variables)
	timeout := DefaultTimeout
	if in.TimeoutInMillis > 0 {
		timeout = time.Duration(in.TimeoutInMillis) * time.Millisecond
	}
	transport := opts.Transport
	if in.InsecureSkipVerification && opts.InsecureTransport != nil {
		transport = opts.InsecureTransport
	}
	switch in.Type {
	case apidef.TypeHTTPProxy, apidef.TypeHTTP:
		if missing != "" || !validEndpoint(uri) {
			return &integration.Failing{Kind: in.Type, Err: integration.ConfigError("Invalid endpoint address")}, nil
		}
		if in.Type == apidef.TypeHTTPProxy {
			return integration.NewProxy(integration.ProxyConfig{URI: uri, HTTPMethod: in.HTTPMethod, Timeout: timeout,
				RequestParameters: in.RequestParameters, Transport: transport}), nil
		}
		return integration.NewHTTP(integration.HTTPConfig{URI: uri, HTTPMethod: in.HTTPMethod, Timeout: timeout, APIID: spec.ID,
			Method: m, Integration: in, Transport: transport, Compile: opts.Compile, BinaryMediaTypes: spec.Def.BinaryMediaTypes})
	case apidef.TypeMock:
		return integration.NewMock(m, in, opts.Compile)
	case apidef.TypeAWS, apidef.TypeAWSProxy:
		if in.Type == apidef.TypeAWS && awsservice.IsService(in.URI) {
			return awsservice.New(opts.AWSServices, awsservice.Spec{APIID: spec.ID, Method: m, URI: uri, Missing: missing, Timeout: timeout,
				Transport: transport, Compile: opts.Compile, BinaryMediaTypes: spec.Def.BinaryMediaTypes})
		}
		return lambdaIntegration(spec, m, uri, missing, timeout, opts)
	}
	return nil, fmt.Errorf("unknown integration type %q", in.Type)
}

// lambdaIntegration compiles AWS and AWS_PROXY integrations with Lambda.
// An AWS_PROXY integration whose httpMethod is not POST fails every call
// with 500, as on AWS [REC]; so does a URI whose stage variable the stage
// lacks, and one naming a function that is not configured.
func lambdaIntegration(spec APISpec, m *apidef.Method, uri, missing string, timeout time.Duration, opts Options) (pipeline.Integration, error) {
	in := m.Integration
	if in.Type == apidef.TypeAWSProxy && in.HTTPMethod != "POST" {
		return &integration.Failing{Kind: in.Type, Err: integration.ConfigError("AWS_PROXY integrations must use httpMethod POST, not %q", in.HTTPMethod)}, nil
	}
	if missing != "" {
		return &integration.Failing{Kind: in.Type, Err: integration.ConfigError("Invalid function ARN: stage variable %s is not set", missing)}, nil
	}
	name, ok := lambdaevent.FunctionName(uri)
	if !ok {
		return nil, fmt.Errorf("%s integration URI %q is not a Lambda function invocation (other AWS services are not supported)", in.Type, uri)
	}
	if opts.Functions == nil || !opts.Functions.Has(name) {
		// As on AWS when the function does not exist, the API deploys and
		// every call answers 500; Lint warns at load.
		return &integration.Failing{Kind: in.Type, Err: integration.ConfigError("function %q is not configured", name)}, nil
	}
	cfg := integration.LambdaConfig{Function: name, Timeout: timeout, BinaryMediaTypes: spec.Def.BinaryMediaTypes,
		Invoker: opts.Functions, Method: m, Integration: in, Compile: opts.Compile}
	if in.Type == apidef.TypeAWSProxy {
		return integration.NewAWSProxy(cfg), nil
	}
	return integration.NewAWSLambda(cfg)
}

// illegalMapping returns a Failing integration when a request parameter maps
// onto a header API Gateway refuses to set (docs/aws-behaviour.md#illegal-header-mappings).
func illegalMapping(in *apidef.Integration) pipeline.Integration {
	lambda := in.Type == apidef.TypeAWS || in.Type == apidef.TypeAWSProxy
	for k := range in.RequestParameters {
		h, ok := strings.CutPrefix(k, "integration.request.header.")
		if !ok || !awsheaders.IllegalMappedHeader(h, lambda) {
			continue
		}
		return &integration.Failing{Kind: in.Type, Err: integration.ConfigError("illegal header mapping %s", k)}
	}
	return nil
}

// substituteStageVars replaces ${stageVariables.x}; missing names the first
// variable the stage does not define.
func substituteStageVars(uri string, vars map[string]string) (out, missing string) {
	out = stageVarRef().ReplaceAllStringFunc(uri, func(m string) string {
		name := stageVarRef().FindStringSubmatch(m)[1]
		v, ok := vars[name]
		if !ok && missing == "" {
			missing = name
		}
		return v
	})
	return out, missing
}

func validEndpoint(uri string) bool {
	u, err := url.Parse(strings.NewReplacer("{", "", "}", "").Replace(uri))
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != "" && u.Hostname() != ""
}
