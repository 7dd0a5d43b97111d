package awsservice

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"

	"github.com/portico-gw/portico/internal/apidef"
	"github.com/portico-gw/portico/internal/awslimits"
	"github.com/portico-gw/portico/internal/fault"
	"github.com/portico-gw/portico/internal/integration"
	"github.com/portico-gw/portico/internal/pipeline"
)

// HTTP APIs' AWS service integrations ("first-class integrations",
// https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-integrations-aws-services.html):
// an integrationSubtype names one service action, and the integration's
// request parameters give that action's parameters, each a static value or
// a mapping value ($request.header.x, $request.body.a, $context.x,
// $stageVariables.x). The parameters of each subtype are AWS's "Integration
// subtype reference"
// (https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-integrations-aws-services-reference.html).
// The service's answer (status, Content-Type, body) goes back as it is.

// paramKind is how a parameter's text becomes part of the service request.
type paramKind uint8

const (
	kindString paramKind = iota
	kindInt              // a JSON number (query protocol: text)
	kindBlob             // base64-encoded (JSON protocol blobs)
	kindList             // a JSON array of strings, or comma-separated text
	kindJSON             // a JSON value, as written
	kindAny              // a JSON value when the text is one, else a string
)

// subParam is one parameter of a subtype.
type subParam struct {
	name     string
	required bool
	kind     paramKind
	field    string // the name in the service request when it differs
}

// subtype is one integrationSubtype: the service action and its
// parameters. Region, accepted by every subtype, picks the signing region.
type subtype struct {
	service, action string
	params          []subParam
	// wrap, when set, nests the JSON parameters (EventBridge's Entries).
	wrap func(fields map[string]any) any
}

// subtypes are the supported integrationSubtype values. AppConfig-GetConfiguration
// (a REST-JSON API) and StepFunctions-StartSyncExecution (the sync-states
// endpoint) deploy as integrations that fail with a configuration error.
var subtypes = map[string]subtype{
	"EventBridge-PutEvents": {service: "events", action: "PutEvents", params: []subParam{
		{name: "Detail", required: true}, {name: "DetailType", required: true}, {name: "Source", required: true},
		{name: "Time", kind: kindAny}, {name: "EventBusName"}, {name: "Resources", kind: kindList}, {name: "TraceHeader"},
	}, wrap: func(f map[string]any) any { return map[string]any{"Entries": []any{f}} }},
	"SQS-SendMessage": {service: "sqs", action: "SendMessage", params: []subParam{
		{name: "QueueUrl", required: true}, {name: "MessageBody", required: true}, {name: "DelaySeconds", kind: kindInt},
		{name: "MessageAttributes", kind: kindJSON}, {name: "MessageDeduplicationId"}, {name: "MessageGroupId"},
		{name: "MessageSystemAttributes", kind: kindJSON},
	}},
	"SQS-ReceiveMessage": {service: "sqs", action: "ReceiveMessage", params: []subParam{
		{name: "QueueUrl", required: true}, {name: "AttributeNames", kind: kindList}, {name: "MaxNumberOfMessages", kind: kindInt},
		{name: "MessageAttributeNames", kind: kindList}, {name: "ReceiveRequestAttemptId"}, {name: "VisibilityTimeout", kind: kindInt},
		{name: "WaitTimeSeconds", kind: kindInt},
	}},
	"SQS-DeleteMessage": {service: "sqs", action: "DeleteMessage", params: []subParam{
		{name: "ReceiptHandle", required: true}, {name: "QueueUrl", required: true},
	}},
	"SQS-PurgeQueue": {service: "sqs", action: "PurgeQueue", params: []subParam{{name: "QueueUrl", required: true}}},
	"Kinesis-PutRecord": {service: "kinesis", action: "PutRecord", params: []subParam{
		{name: "StreamName", required: true}, {name: "Data", required: true, kind: kindBlob}, {name: "PartitionKey", required: true},
		{name: "SequenceNumberForOrdering"}, {name: "ExplicitHashKey"},
	}},
	"StepFunctions-StartExecution": {service: "states", action: "StartExecution", params: []subParam{
		{name: "StateMachineArn", required: true, field: "stateMachineArn"}, {name: "Name", field: "name"},
		{name: "Input", field: "input"}, {name: "TraceHeader", field: "traceHeader"},
	}},
	"StepFunctions-StopExecution": {service: "states", action: "StopExecution", params: []subParam{
		{name: "ExecutionArn", required: true, field: "executionArn"}, {name: "Cause", field: "cause"}, {name: "Error", field: "error"},
	}},
}

// unsupportedSubtypes are subtypes AWS offers that Portico does not call.
var unsupportedSubtypes = map[string]bool{"AppConfig-GetConfiguration": true, "StepFunctions-StartSyncExecution": true}

// SubtypeSpec is one HTTP API AWS service integration.
type SubtypeSpec struct {
	// Subtype is the integrationSubtype ("SQS-SendMessage").
	Subtype string
	// RequestParameters are the action's parameters by name ("QueueUrl":
	// "$request.header.queueUrl").
	RequestParameters map[string]string
	// TimeoutInMillis is the integration's timeoutInMillis (0: 30,000).
	TimeoutInMillis int
	// Transport is the shared keep-alive transport.
	Transport http.RoundTripper
	// Loc is where the integration is defined, for errors.
	Loc apidef.Location
}

// NewSubtype compiles an HTTP API AWS service integration. An unknown
// subtype, a missing required parameter, an unknown parameter or a bad
// value is an error naming it. A subtype AWS supports that cannot be
// served here (one Portico does not call, or a service with no endpoint in
// the settings) compiles into an integration.Failing answering 500 with
// the reason in the execution log.
func NewSubtype(cfg *Config, s SubtypeSpec) (pipeline.Integration, error) {
	st, ok := subtypes[s.Subtype]
	if !ok {
		if unsupportedSubtypes[s.Subtype] {
			return &integration.Failing{Kind: apidef.TypeAWSProxy, Err: integration.ConfigError("integration subtype %s is not supported by Portico", s.Subtype)}, nil
		}
		names := sortedNames(subtypes)
		return nil, fmt.Errorf("%s: unknown integrationSubtype %q (one of %s)", where(s.Loc), s.Subtype, strings.Join(names, ", "))
	}
	timeout, err := integration.HTTPAPITimeout(s.TimeoutInMillis)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", where(s.Loc), err)
	}
	known := map[string]subParam{"Region": {name: "Region"}}
	for _, p := range st.params {
		known[p.name] = p
	}
	in := &subtypeIntegration{st: st, cfg: cfg, timeout: timeout, transport: s.Transport, values: map[string]*integration.MappingValue{}}
	var errs []error
	for _, name := range sortedNames(s.RequestParameters) {
		if _, ok := known[name]; !ok {
			errs = append(errs, fmt.Errorf("%s: requestParameters %q: %s has no parameter %s", where(s.Loc), name, s.Subtype, name))
			continue
		}
		v, err := integration.CompileMappingValue(s.RequestParameters[name])
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: requestParameters %q: %w", where(s.Loc), name, err))
			continue
		}
		in.values[name] = v
	}
	for _, p := range st.params {
		if _, ok := s.RequestParameters[p.name]; p.required && !ok {
			errs = append(errs, fmt.Errorf("%s: requestParameters: %s requires %s", where(s.Loc), s.Subtype, p.name))
		}
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	if _, ok := cfg.endpoint(st.service, ""); !ok {
		return &integration.Failing{Kind: apidef.TypeAWSProxy, Err: integration.ConfigError(
			"no endpoint is configured for AWS service %s (set awsServices.endpoint or awsServices.endpoints.%s in the settings)", st.service, st.service)}, nil
	}
	return in, nil
}

func where(l apidef.Location) string {
	if l.File == "" {
		return "integration"
	}
	return fmt.Sprintf("%s:%d: %s", l.File, l.Line, l.Pointer)
}

func sortedNames[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// subtypeIntegration calls one service action.
type subtypeIntegration struct {
	st        subtype
	cfg       *Config
	timeout   time.Duration
	transport http.RoundTripper
	values    map[string]*integration.MappingValue
}

// Name implements pipeline.Named.
func (s *subtypeIntegration) Name() string { return "integration:AWS_PROXY" }

// Invoke builds, signs and sends the action request and returns the
// service's answer.
func (s *subtypeIntegration) Invoke(ctx context.Context, c *pipeline.Call) (*pipeline.Result, error) {
	vals := make(map[string]string, len(s.values))
	for name, v := range s.values {
		val, ok, err := v.Resolve(c)
		if err != nil {
			return nil, integration.ClassifyBackendError(ctx, err, s.st.service)
		}
		if ok {
			vals[name] = val
		}
	}
	for _, p := range s.st.params {
		if _, ok := vals[p.name]; p.required && !ok {
			return nil, badRequest(fmt.Errorf("parameter %s has no value (its source gave none)", p.name))
		}
	}
	region := vals["Region"]
	if region == "" {
		region = s.cfg.Region
	}
	if region == "" {
		region = s.cfg.DefaultRegion
	}
	if region == "" {
		region = "us-east-1"
	}
	base, _ := s.cfg.endpoint(s.st.service, "")
	base = strings.TrimRight(strings.NewReplacer("{service}", s.st.service, "{region}", region).Replace(base), "/")
	header := http.Header{"Accept": {"application/json"}}
	var body []byte
	t := Target{Service: s.st.service, Action: s.st.action}
	if p := t.protocolOf(); p.jsonVersion != "" {
		b, err := s.jsonBody(vals)
		if err != nil {
			return nil, err
		}
		body = b
		header.Set("Content-Type", "application/x-amz-json-"+p.jsonVersion)
		header.Set("X-Amz-Target", p.targetPrefix+"."+s.st.action)
	} else {
		b, err := s.formBody(vals)
		if err != nil {
			return nil, err
		}
		body = b
		header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	ctx, cancel := context.WithTimeout(ctx, s.timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, base+"/", bytes.NewReader(body))
	if err != nil {
		return nil, integration.ConfigError("Invalid endpoint address")
	}
	req.Header = header
	setBody(req, body)
	r := &request{target: t, region: region, creds: s.cfg.Credentials, now: s.cfg.Now, signer: v4.NewSigner()}
	if r.now == nil {
		r.now = time.Now
	}
	if err := r.sign(req, body); err != nil {
		return nil, integration.ConfigError("%v", err)
	}
	start := time.Now()
	resp, err := s.transport.RoundTrip(req)
	if err != nil {
		c.IntegrationLatency = time.Since(start)
		return nil, integration.ClassifyBackendError(ctx, err, req.URL.Host)
	}
	defer resp.Body.Close()
	out, err := io.ReadAll(io.LimitReader(resp.Body, awslimits.PayloadBytes+1))
	c.IntegrationLatency = time.Since(start)
	if err != nil {
		return nil, integration.ClassifyBackendError(ctx, err, req.URL.Host)
	}
	c.IntegrationStatus = resp.StatusCode
	if len(out) > awslimits.PayloadBytes {
		return nil, integration.ClassifyBackendError(ctx, fmt.Errorf("the %s answer is over %d bytes", s.st.service, awslimits.PayloadBytes), req.URL.Host)
	}
	h := http.Header{}
	if ct := resp.Header.Get("Content-Type"); ct != "" {
		h.Set("Content-Type", ct)
	}
	return &pipeline.Result{Status: resp.StatusCode, Header: h, Body: out, ContentLength: int64(len(out))}, nil
}

// jsonBody is a JSON-protocol action's request: the parameters as fields
// (typed by kind), wrapped as the subtype says.
func (s *subtypeIntegration) jsonBody(vals map[string]string) ([]byte, error) {
	fields := map[string]any{}
	for _, p := range s.st.params {
		v, ok := vals[p.name]
		if !ok {
			continue
		}
		name := p.field
		if name == "" {
			name = p.name
		}
		val, err := jsonValue(p, v)
		if err != nil {
			return nil, err
		}
		fields[name] = val
	}
	var doc any = fields
	if s.st.wrap != nil {
		doc = s.st.wrap(fields)
	}
	return json.Marshal(doc)
}

// jsonValue converts one parameter's text for a JSON request.
func jsonValue(p subParam, v string) (any, error) {
	switch p.kind {
	case kindInt:
		n, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
		if err != nil {
			return nil, badParam(p.name, "an integer", v)
		}
		return n, nil
	case kindBlob:
		return base64.StdEncoding.EncodeToString([]byte(v)), nil
	case kindList:
		return listValue(v), nil
	case kindJSON:
		if !json.Valid([]byte(v)) {
			return nil, badParam(p.name, "JSON", v)
		}
		return json.RawMessage(v), nil
	case kindAny:
		if t := strings.TrimSpace(v); t != "" && json.Valid([]byte(t)) && !strings.HasPrefix(t, `"`) {
			return json.RawMessage(t), nil
		}
	}
	return v, nil
}

// listValue reads a list parameter: a JSON array of strings, or text
// separated by commas.
func listValue(v string) []string {
	var arr []string
	if err := json.Unmarshal([]byte(v), &arr); err == nil {
		return arr
	}
	out := []string{}
	for item := range strings.SplitSeq(v, ",") {
		if item = strings.TrimSpace(item); item != "" {
			out = append(out, item)
		}
	}
	return out
}

// formBody is a query-protocol (SQS) action's request: Action, then the
// parameters, lists and attribute maps flattened as the query protocol
// flattens them (AttributeName.1, MessageAttribute.1.Name, ...).
func (s *subtypeIntegration) formBody(vals map[string]string) ([]byte, error) {
	f := url.Values{"Action": {s.st.action}}
	for _, p := range s.st.params {
		v, ok := vals[p.name]
		if !ok {
			continue
		}
		switch p.kind {
		case kindInt:
			if _, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64); err != nil {
				return nil, badParam(p.name, "an integer", v)
			}
			f.Set(p.name, strings.TrimSpace(v))
		case kindList:
			member := strings.TrimSuffix(p.name, "s") // AttributeNames -> AttributeName.N
			for i, item := range listValue(v) {
				f.Set(member+"."+strconv.Itoa(i+1), item)
			}
		case kindJSON:
			if err := flattenAttributes(f, strings.TrimSuffix(p.name, "s"), p.name, v); err != nil {
				return nil, err
			}
		default:
			f.Set(p.name, v)
		}
	}
	return []byte(f.Encode()), nil
}

// flattenAttributes writes a message attribute map ({"name": {"DataType":
// "String", "StringValue": "v"}}) as prefix.N.Name and prefix.N.Value.*.
func flattenAttributes(f url.Values, prefix, param, v string) error {
	var attrs map[string]map[string]any
	if err := json.Unmarshal([]byte(v), &attrs); err != nil {
		return badParam(param, `a JSON object of attributes ({"name": {"DataType": "String", "StringValue": "v"}})`, v)
	}
	for i, name := range sortedNames(attrs) {
		n := prefix + "." + strconv.Itoa(i+1)
		f.Set(n+".Name", name)
		for _, k := range sortedNames(attrs[name]) {
			if s, ok := attrs[name][k].(string); ok {
				f.Set(n+".Value."+k, s)
			}
		}
	}
	return nil
}

// badParam is a parameter value the action cannot take: 400
// BAD_REQUEST_PARAMETERS, nothing sent.
func badParam(name, want, got string) error {
	return badRequest(fmt.Errorf("parameter %s must be %s, got %q", name, want, got))
}

// badRequest is 400 BAD_REQUEST_PARAMETERS {"message": "Invalid request
// parameters"} (UNCONFIRMED: docs/differences.md#unconfirmed-choices).
func badRequest(cause error) error {
	return fault.Reject(fault.BadRequestParameters, cause).WithMessage("Invalid request parameters")
}
