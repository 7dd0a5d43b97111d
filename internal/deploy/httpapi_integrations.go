package deploy

import (
	"errors"
	"fmt"
	"time"

	"github.com/portico-gw/portico/internal/apidef"
	"github.com/portico-gw/portico/internal/awsservice"
	"github.com/portico-gw/portico/internal/integration"
	"github.com/portico-gw/portico/internal/lambdaevent"
	"github.com/portico-gw/portico/internal/pipeline"
)

// buildHTTPIntegration compiles an HTTP API route's integration: Lambda
// (payload 1.0 or 2.0), HTTP_PROXY with its parameter mappings, or an AWS
// service integration (integrationSubtype), each with its response
// mappings. As for REST APIs, a definition AWS accepts but that fails on
// every call (a function that is not configured) compiles into a failing
// integration, so the API still deploys.
func buildHTTPIntegration(spec APISpec, ss StageSpec, m *apidef.Method, opts Options) (pipeline.Integration, error) {
	in := m.Integration
	if in == nil {
		return nil, fmt.Errorf("no integration")
	}
	if in.Invalid != "" {
		return &integration.Failing{Kind: in.Type, Err: integration.ConfigError("%s", in.Invalid)}, nil
	}
	timeout, err := integration.HTTPAPITimeout(in.TimeoutInMillis)
	if err != nil {
		return nil, err
	}
	out, err := httpIntegration(ss, m, in, timeout, opts)
	if err != nil || out == nil {
		return out, err
	}
	if _, failing := out.(*integration.Failing); failing {
		return out, nil
	}
	wrapped, err := integration.WithResponseMappings(out, in.ResponseMappings)
	if err != nil {
		return nil, locateMappingErrors(err)
	}
	return wrapped, nil
}

func httpIntegration(ss StageSpec, m *apidef.Method, in *apidef.Integration, timeout time.Duration, opts Options) (pipeline.Integration, error) {
	uri, missing := substituteStageVars(in.URI, ss.Variables)
	transport := opts.Transport
	if in.InsecureSkipVerification && opts.InsecureTransport != nil {
		transport = opts.InsecureTransport
	}
	switch {
	case in.Subtype != "":
		return awsservice.NewSubtype(opts.AWSServices, awsservice.SubtypeSpec{Subtype: in.Subtype, RequestParameters: in.RequestParameters,
			TimeoutInMillis: in.TimeoutInMillis, Transport: transport, Loc: in.Loc})
	case in.Type == apidef.TypeAWSProxy:
		if missing != "" {
			return &integration.Failing{Kind: in.Type, Err: integration.ConfigError("Invalid function ARN: stage variable %s is not set", missing)}, nil
		}
		name, ok := lambdaevent.FunctionName(uri)
		if !ok {
			return nil, fmt.Errorf("integration URI %q is not a Lambda function", uri)
		}
		if opts.Functions == nil || !opts.Functions.Has(name) {
			// As on AWS when the function does not exist: every call answers 500.
			return &integration.Failing{Kind: in.Type, Err: integration.ConfigError("function %q is not configured", name)}, nil
		}
		format := in.PayloadFormatVersion
		if format == "" {
			format = integration.PayloadFormat2
		}
		return integration.NewAWSProxy(integration.LambdaConfig{Function: name, Timeout: timeout, Invoker: opts.Functions, Method: m,
			Integration: in, PayloadFormatVersion: format}), nil
	case in.Type == apidef.TypeHTTPProxy:
		if missing != "" || !validEndpoint(uri) {
			return &integration.Failing{Kind: in.Type, Err: integration.ConfigError("Invalid endpoint address")}, nil
		}
		p, err := integration.NewHTTPAPIProxy(integration.HTTPAPIProxyConfig{URI: uri, HTTPMethod: in.HTTPMethod, TimeoutInMillis: in.TimeoutInMillis,
			ParameterMappings: in.ParameterMappings, Transport: transport})
		if err != nil {
			return nil, locateMappingErrors(err)
		}
		return p, nil
	}
	return nil, fmt.Errorf("integration type %s is not available on HTTP APIs (use AWS_PROXY or HTTP_PROXY)", in.Type)
}

// locateMappingErrors names the requestParameters or responseParameters
// key of every mapping problem.
func locateMappingErrors(err error) error {
	var out []error
	for _, e := range flatten(err) {
		if me, ok := errors.AsType[*integration.MappingError](e); ok {
			where := "requestParameters/" + me.Key
			if me.Status != "" {
				where = "responseParameters/" + me.Status + "/" + me.Key
			}
			out = append(out, fmt.Errorf("%s: %s", where, me.Msg))
			continue
		}
		out = append(out, e)
	}
	return errors.Join(out...)
}

// flatten lists the errors joined in err.
func flatten(err error) []error {
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		var out []error
		for _, e := range j.Unwrap() {
			out = append(out, flatten(e)...)
		}
		return out
	}
	return []error{err}
}
