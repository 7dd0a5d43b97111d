package deploy

import (
	"fmt"
	"time"

	"github.com/portico-gw/portico/internal/apidef"
	"github.com/portico-gw/portico/internal/awslimits"
	"github.com/portico-gw/portico/internal/integration"
	"github.com/portico-gw/portico/internal/lambdaevent"
	"github.com/portico-gw/portico/internal/pipeline"
)

// buildHTTPIntegration compiles an HTTP API route's integration: Lambda
// (payload 1.0 or 2.0) or HTTP_PROXY, with its response mappings. As for
// REST APIs, a definition AWS accepts but that fails on every call (a
// function that is not configured) compiles into a failing integration.
func buildHTTPIntegration(spec APISpec, ss StageSpec, m *apidef.Method, opts Options) (pipeline.Integration, error) {
	in := m.Integration
	if in == nil {
		return nil, fmt.Errorf("no integration")
	}
	if in.Invalid != "" {
		return &integration.Failing{Kind: in.Type, Err: integration.ConfigError("%s", in.Invalid)}, nil
	}
	uri, missing := substituteStageVars(in.URI, ss.Variables)
	timeout := awslimits.HTTPAPIIntegrationTimeout
	if in.TimeoutInMillis > 0 {
		timeout = time.Duration(in.TimeoutInMillis) * time.Millisecond
	}
	var out pipeline.Integration
	switch {
	case in.Subtype != "":
		return nil, fmt.Errorf("AWS service integrations (integrationSubtype %s) are not supported yet", in.Subtype)
	case in.Type == apidef.TypeAWSProxy:
		if missing != "" {
			return &integration.Failing{Kind: in.Type, Err: integration.ConfigError("Invalid function ARN: stage variable %s is not set", missing)}, nil
		}
		name, ok := lambdaevent.FunctionName(uri)
		if !ok {
			return nil, fmt.Errorf("integration URI %q is not a Lambda function", uri)
		}
		if opts.Functions == nil || !opts.Functions.Has(name) {
			return &integration.Failing{Kind: in.Type, Err: integration.ConfigError("function %q is not configured", name)}, nil
		}
		out = integration.NewAWSProxy(integration.LambdaConfig{Function: name, Timeout: timeout, Invoker: opts.Functions, Method: m, Integration: in})
	case in.Type == apidef.TypeHTTPProxy:
		if missing != "" || !validEndpoint(uri) {
			return &integration.Failing{Kind: in.Type, Err: integration.ConfigError("Invalid endpoint address")}, nil
		}
		transport := opts.Transport
		if in.InsecureSkipVerification && opts.InsecureTransport != nil {
			transport = opts.InsecureTransport
		}
		out = integration.NewProxy(integration.ProxyConfig{URI: uri, HTTPMethod: in.HTTPMethod, Timeout: timeout, Transport: transport})
	default:
		return nil, fmt.Errorf("integration type %s is not available on HTTP APIs (use AWS_PROXY or HTTP_PROXY)", in.Type)
	}
	return out, nil
}
