package openapi

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"sync"

	"github.com/portico-gw/portico/internal/apidef"
	"github.com/portico-gw/portico/internal/source"
)

// HTTP API integration limits
// (https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-quotas.html,
// https://docs.aws.amazon.com/apigatewayv2/latest/api-reference/apis-apiid-integrations.html):
// timeoutInMillis runs from 50 to 30,000 ms and defaults to 30,000.
const (
	httpMinTimeoutMillis     = 50
	httpMaxTimeoutMillis     = 30000
	httpDefaultTimeoutMillis = 30000
)

var (
	// lambdaFunctionARNRe is a plain Lambda function ARN, as HTTP API
	// definitions may give it (an alias or version may follow the name).
	lambdaFunctionARNRe = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile(`^arn:(aws(?:-[a-z]+)*):lambda:([a-z0-9-]+):([^:]+):function:([^:/\s]+)(:[^:/\s]+)?$`)
	})
	// requestMappingKeyRe is an HTTP API request parameter mapping key.
	requestMappingKeyRe = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile(`^(append|overwrite|remove):(header|querystring)\.(\S+)$`)
	})
	// responseMappingKeyRe is an HTTP API response parameter mapping key.
	responseMappingKeyRe = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^(append|overwrite|remove):header\.(\S+)$`) })
	// mappingRefRe finds the runtime references in a mapping value.
	mappingRefRe = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile(`\$(request|response|context|stageVariables)\b[^\s$]*`)
	})
	// requestRefRe and responseRefRe are the valid references
	// (https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-parameter-mapping.html).
	requestRefRe = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile(`^\$(request\.(header|querystring)\.[^\s$.][^\s$]*|request\.path(\.[A-Za-z0-9_\-.]+)?|request\.body(\.[^\s$]+)?|context\.[A-Za-z0-9_.]+|stageVariables\.[A-Za-z0-9_]+)$`)
	})
	responseRefRe = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile(`^\$(response\.header\.[^\s$.][^\s$]*|response\.body(\.[^\s$]+)?|context\.[A-Za-z0-9_.]+|stageVariables\.[A-Za-z0-9_]+)$`)
	})
	// responseStatusKeyRe is a responseParameters key: a status code.
	responseStatusKeyRe = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[2-5]\d\d$`) })
)

// reservedMappingHeader reports whether parameter mappings may not touch a
// header (the reserved headers of
// https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-parameter-mapping.html).
func reservedMappingHeader(h string) bool {
	h = strings.ToLower(h)
	for _, prefix := range []string{"access-control-", "apigw-", "x-amz-", "x-amzn-"} {
		if strings.HasPrefix(h, prefix) {
			return true
		}
	}
	switch h {
	case "authorization", "connection", "content-encoding", "content-length", "content-location",
		"forwarded", "keep-alive", "origin", "proxy-authenticate", "proxy-authorization", "te",
		"trailers", "transfer-encoding", "upgrade", "x-forwarded-for", "x-forwarded-host",
		"x-forwarded-proto", "via":
		return true
	}
	return false
}

// serviceSubtype is one AWS service integration: its parameters, the
// required first.
type serviceSubtype struct {
	required, optional []string
}

// serviceSubtypes are the integration subtypes of HTTP APIs with their
// parameters
// (https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-integrations-aws-services-reference.html).
var serviceSubtypes = map[string]serviceSubtype{
	"EventBridge-PutEvents":            {[]string{"Detail", "DetailType", "Source"}, []string{"Time", "EventBusName", "Resources", "Region"}},
	"SQS-SendMessage":                  {[]string{"QueueUrl", "MessageBody"}, []string{"DelaySeconds", "MessageAttributes", "MessageDeduplicationId", "MessageGroupId", "MessageSystemAttributes", "Region"}},
	"SQS-ReceiveMessage":               {[]string{"QueueUrl"}, []string{"AttributeName", "AttributeNames", "MaxNumberOfMessages", "MessageAttributeNames", "ReceiveRequestAttemptId", "VisibilityTimeout", "WaitTimeSeconds", "Region"}},
	"SQS-DeleteMessage":                {[]string{"ReceiptHandle", "QueueUrl"}, []string{"Region"}},
	"SQS-PurgeQueue":                   {[]string{"QueueUrl"}, []string{"Region"}},
	"AppConfig-GetConfiguration":       {[]string{"Application", "Environment", "Configuration", "ClientId"}, []string{"ClientConfigurationVersion", "Region"}},
	"Kinesis-PutRecord":                {[]string{"StreamName", "Data", "PartitionKey"}, []string{"SequenceNumberForOrdering", "ExplicitHashKey", "Region"}},
	"StepFunctions-StartExecution":     {[]string{"StateMachineArn"}, []string{"Name", "Input", "Region"}},
	"StepFunctions-StartSyncExecution": {[]string{"StateMachineArn"}, []string{"Name", "Input", "Region", "TraceHeader"}},
	"StepFunctions-StopExecution":      {[]string{"ExecutionArn"}, []string{"Cause", "Error", "Region"}},
}

// canonicalSubtype finds a subtype whatever its case.
func canonicalSubtype(s string) (string, bool) {
	for name := range serviceSubtypes {
		if strings.EqualFold(name, s) {
			return name, true
		}
	}
	return "", false
}

func subtypeNames() string {
	names := sortedKeys(serviceSubtypes)
	return strings.Join(names, ", ")
}

// httpIntegration reads an HTTP API's x-amazon-apigateway-integration:
// aws_proxy (a Lambda function, or an AWS service with integrationSubtype)
// or http_proxy.
func (im *importer) httpIntegration(o map[string]any, ptr string) *apidef.Integration {
	in := &apidef.Integration{
		Type:            parsed(apidef.ParseIntegrationType(im.str(o, ptr, "type"))),
		ConnectionType:  strings.ToUpper(im.str(o, ptr, "connectionType")),
		Credentials:     im.optionalStr(o, ptr, "credentials"),
		TimeoutInMillis: httpDefaultTimeoutMillis,
		Loc:             im.loc(ptr),
	}
	if fn := cfnIntrinsic(o["timeoutInMillis"]); fn != "" {
		im.warnf(ptr+"/timeoutInMillis", "timeoutInMillis is %s; the default, 30000, is used", notAString(o["timeoutInMillis"]))
	} else if t, ok := im.integer(o, ptr, "timeoutInMillis"); ok {
		if t < httpMinTimeoutMillis || t > httpMaxTimeoutMillis {
			im.errorf(ptr+"/timeoutInMillis", "timeoutInMillis must be 50 to 30000 for HTTP APIs, not %d", t)
		} else {
			in.TimeoutInMillis = t
		}
	}
	switch in.ConnectionType {
	case "", "INTERNET", "VPC_LINK":
	default:
		im.errorf(ptr+"/connectionType", "connectionType must be INTERNET or VPC_LINK, not %q", in.ConnectionType)
	}
	if tls := im.obj(o, ptr, "tlsConfig"); tls != nil {
		tp := ptr + "/tlsConfig"
		in.ServerNameToVerify = im.str(tls, tp, "serverNameToVerify")
		for _, f := range sortedKeys(tls) {
			switch f {
			case "serverNameToVerify":
			case "insecureSkipVerification":
				im.warnf(tp+"/"+f, "tlsConfig.insecureSkipVerification is ignored: HTTP APIs always verify the back end's certificate")
			default:
				im.errorf(tp+"/"+source.Escape(f), "unknown tlsConfig field %q", f)
			}
		}
	}
	im.httpIntegrationFields(o, ptr)
	_, hasSubtype := o["integrationSubtype"]
	switch in.Type {
	case apidef.TypeAWSProxy:
		if hasSubtype {
			im.serviceIntegration(o, ptr, in)
		} else {
			im.lambdaIntegration(o, ptr, in)
		}
	case apidef.TypeHTTPProxy:
		im.httpProxyIntegration(o, ptr, in)
	case "":
		im.errorf(ptr+"/type", "integration type is required (aws_proxy or http_proxy)")
	case apidef.TypeHTTP, apidef.TypeAWS, apidef.TypeMock:
		// AWS's import reports it ("HTTP APIs support only Lambda proxy and
		// HTTP proxy integrations") and creates no integration; a route
		// without one cannot be served, so Portico refuses it.
		im.errorf(ptr+"/type", "integration type %s is for REST APIs; HTTP APIs have aws_proxy (Lambda, or an AWS service with integrationSubtype) and http_proxy integrations (if this definition is a REST API, import it as one)", strings.ToLower(string(in.Type)))
	default:
		im.errorf(ptr+"/type", "unknown integration type %q (want aws_proxy or http_proxy)", strings.ToLower(string(in.Type)))
	}
	if hasSubtype && in.Type != apidef.TypeAWSProxy && in.Type.Valid() {
		im.errorf(ptr+"/integrationSubtype", "integrationSubtype needs type aws_proxy, not %s", strings.ToLower(string(in.Type)))
	}
	if !hasSubtype {
		in.ParameterMappings = im.requestMappings(o, ptr, in)
	}
	in.ResponseMappings = im.responseMappings(o, ptr, in)
	return in
}

// httpIntegrationFields rejects unknown integration fields and warns about
// the REST API ones an HTTP API ignores.
func (im *importer) httpIntegrationFields(o map[string]any, ptr string) {
	for _, f := range sortedKeys(o) {
		p := ptr + "/" + source.Escape(f)
		switch f {
		case "type", "uri", "httpMethod", "payloadFormatVersion", "timeoutInMillis", "connectionType",
			"credentials", "tlsConfig", "requestParameters", "responseParameters", "integrationSubtype", "description":
		case "connectionId":
			// Checked with the VPC link it names (httpProxyIntegration).
		case "requestTemplates", "responses", "passthroughBehavior", "contentHandling", "cacheKeyParameters", "cacheNamespace":
			im.warnf(p, "integration field %s is ignored: HTTP API integrations have no mapping templates, integration responses or caching", f)
		default:
			im.errorf(p, "unknown integration field %q", f)
		}
	}
}

// payloadFormat reads payloadFormatVersion: "1.0" or "2.0", written as a
// string or a number. It returns "" when the field is absent or unreadable
// (reported).
func (im *importer) payloadFormat(o map[string]any, ptr string, in *apidef.Integration) string {
	v, ok := o["payloadFormatVersion"]
	if !ok || v == nil {
		return ""
	}
	p := ptr + "/payloadFormatVersion"
	s, ok := versionText(v)
	if !ok {
		im.invalidate(in, p, "payloadFormatVersion is "+notAString(v))
		return ""
	}
	if s != "1.0" && s != "2.0" {
		im.errorf(p, "payloadFormatVersion must be 1.0 or 2.0, not %v", v)
		return ""
	}
	return s
}

// lambdaIntegration reads an aws_proxy integration with a Lambda function.
// Its uri is a function ARN or the invocation URI; Portico keeps the
// invocation URI. payloadFormatVersion is required: "If you create a Lambda
// integration by using the AWS CLI, AWS CloudFormation, or an SDK, you must
// specify a payloadFormatVersion"
// (https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-integrations-lambda.html);
// only the console picks one (the latest, 2.0) for you.
func (im *importer) lambdaIntegration(o map[string]any, ptr string, in *apidef.Integration) {
	in.URI = im.vitalStr(o, ptr, "uri", in)
	in.HTTPMethod = "POST"
	if m := strings.ToUpper(im.str(o, ptr, "httpMethod")); m != "" && m != "POST" {
		im.warnf(ptr+"/httpMethod", "httpMethod %s is ignored: Lambda functions are invoked with POST", m)
	}
	if _, present := o["payloadFormatVersion"]; !present {
		im.errorf(ptr, "payloadFormatVersion is required for Lambda (aws_proxy) integrations of HTTP APIs: \"2.0\" (what the console picks) or \"1.0\" (the REST API event)")
	} else {
		in.PayloadFormatVersion = im.payloadFormat(o, ptr, in)
	}
	if in.Invalid != "" {
		return
	}
	uriPtr := ptr + "/uri"
	switch {
	case in.URI == "":
		im.errorf(uriPtr, "a Lambda integration needs a uri: the function ARN (arn:aws:lambda:REGION:ACCOUNT:function:NAME)")
	case lambdaFunctionARNRe().MatchString(in.URI):
		sm := lambdaFunctionARNRe().FindStringSubmatch(in.URI)
		in.URI = "arn:" + sm[1] + ":apigateway:" + sm[2] + ":lambda:path/2015-03-31/functions/" + in.URI + "/invocations"
	case lambdaURIRe().MatchString(in.URI):
	default:
		im.errorf(uriPtr, "a Lambda integration's uri is a function ARN (arn:aws:lambda:REGION:ACCOUNT:function:NAME) or arn:aws:apigateway:REGION:lambda:path/2015-03-31/functions/FUNCTION_ARN/invocations, not %q%s", in.URI, placeholderHint(in.URI))
	}
	im.checkStageVarRefs(in.URI, uriPtr)
}

// httpProxyIntegration reads an http_proxy integration.
func (im *importer) httpProxyIntegration(o map[string]any, ptr string, in *apidef.Integration) {
	in.URI = im.vitalStr(o, ptr, "uri", in)
	in.HTTPMethod = strings.ToUpper(im.str(o, ptr, "httpMethod"))
	switch {
	case in.HTTPMethod == "":
		im.errorf(ptr+"/httpMethod", "httpMethod is required for http_proxy integrations (ANY passes the client's method)")
	case in.HTTPMethod != "ANY" && !validMethodName(in.HTTPMethod):
		im.errorf(ptr+"/httpMethod", "httpMethod must be ANY, GET, PUT, POST, DELETE, PATCH, OPTIONS or HEAD, not %q", in.HTTPMethod)
	}
	if _, present := o["payloadFormatVersion"]; present {
		if v := im.payloadFormat(o, ptr, in); v != "" && v != "1.0" {
			im.errorf(ptr+"/payloadFormatVersion", "HTTP proxy integrations support payloadFormatVersion 1.0 only, not %s", v)
		}
	}
	in.PayloadFormatVersion = "1.0"
	if in.Invalid != "" {
		return
	}
	if in.ConnectionType == "VPC_LINK" {
		im.invalidate(in, ptr+"/connectionType", fmt.Sprintf("a VPC_LINK integration reaches a private resource (%s) through a VPC link, which Portico cannot", in.URI))
		return
	}
	if in.URI == "" {
		im.errorf(ptr+"/uri", "an http_proxy integration needs a uri: the back end's http:// or https:// URL")
		return
	}
	im.checkHTTPURI(in.URI, ptr+"/uri")
	im.checkStageVarRefs(in.URI, ptr+"/uri")
}

// checkStageVarRefs checks the ${stageVariables.x} references of a URI.
func (im *importer) checkStageVarRefs(uri, ptr string) {
	for _, m := range stageVarRe().FindAllStringSubmatch(uri, -1) {
		if !stageVarNameRe().MatchString(m[1]) {
			im.errorf(ptr, "invalid stage variable reference ${stageVariables.%s}", m[1])
		}
	}
}

// serviceIntegration reads an AWS service integration (integrationSubtype):
// its requestParameters are the action's parameters by name
// (https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-integrations-aws-services.html).
// A parameter value left as a CloudFormation intrinsic ({Ref: Queue})
// marks the integration unusable with a warning; the API still loads.
func (im *importer) serviceIntegration(o map[string]any, ptr string, in *apidef.Integration) {
	sp := ptr + "/integrationSubtype"
	raw := o["integrationSubtype"]
	name, ok := raw.(string)
	if !ok {
		im.invalidate(in, sp, "integrationSubtype is "+notAString(raw))
		return
	}
	sub, known := canonicalSubtype(name)
	if !known {
		im.errorf(sp, "unknown integrationSubtype %q (want one of %s)", name, subtypeNames())
		return
	}
	in.Subtype = sub
	if _, present := o["payloadFormatVersion"]; present {
		if v := im.payloadFormat(o, ptr, in); v != "" && v != "1.0" {
			im.errorf(ptr+"/payloadFormatVersion", "AWS service integrations support payloadFormatVersion 1.0 only, not %s", v)
		}
	}
	in.PayloadFormatVersion = "1.0"
	if _, present := o["uri"]; present {
		im.warnf(ptr+"/uri", "uri is ignored: an AWS service integration is named by its integrationSubtype")
	}
	params := serviceSubtypes[sub]
	allowed := map[string]bool{}
	for _, p := range append(append([]string{}, params.required...), params.optional...) {
		allowed[p] = true
	}
	rp := ptr + "/requestParameters"
	m := map[string]any{}
	switch v := o["requestParameters"].(type) {
	case map[string]any:
		m = v
	case nil:
	default:
		im.errorf(rp, "requestParameters must be a mapping of %s parameters", sub)
	}
	in.RequestParameters = map[string]string{}
	for _, k := range sortedKeys(m) {
		kp := rp + "/" + source.Escape(k)
		if !allowed[k] {
			im.errorf(kp, "%s has no parameter %q (parameters: %s)", sub, k, strings.Join(append(append([]string{}, params.required...), params.optional...), ", "))
			continue
		}
		v := m[k]
		s, ok := scalarText(v)
		if !ok {
			if v == nil {
				im.errorf(kp, "the %s parameter has no value", k)
				continue
			}
			im.invalidate(in, kp, "the "+k+" parameter is "+notAString(v))
			continue
		}
		im.checkMappingValue(s, kp, requestRefRe(), "$request.header|querystring|body|path..., $context.x, $stageVariables.x or a static value")
		in.RequestParameters[k] = s
	}
	for _, req := range params.required {
		if _, ok := m[req]; !ok {
			im.errorf(rp, "%s needs the parameter %s", sub, req)
		}
	}
}

// checkMappingValue checks the runtime references ($request..., $context...)
// in a mapping value; other text is static.
func (im *importer) checkMappingValue(v, ptr string, valid *regexp.Regexp, want string) {
	for _, ref := range mappingRefRe().FindAllString(v, -1) {
		if !valid.MatchString(ref) {
			im.errorf(ptr, "invalid mapping value %q: %s is not %s", v, ref, want)
		}
	}
}

// stringMapping reads a mapping of strings whose values may be
// CloudFormation intrinsics (which invalidate the integration).
func (im *importer) stringMapping(m map[string]any, ptr string, in *apidef.Integration) map[string]string {
	out := make(map[string]string, len(m))
	for _, k := range sortedKeys(m) {
		kp := ptr + "/" + source.Escape(k)
		v := m[k]
		if v == nil {
			out[k] = ""
			continue
		}
		s, ok := scalarText(v)
		if !ok {
			im.invalidate(in, kp, "the "+k+" mapping is "+notAString(v))
			continue
		}
		out[k] = s
	}
	return out
}

// requestMappings reads an HTTP API integration's requestParameters:
// append|overwrite|remove:header.NAME, append|overwrite|remove:querystring.NAME
// and overwrite:path
// (https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-parameter-mapping.html).
func (im *importer) requestMappings(o map[string]any, ptr string, in *apidef.Integration) map[string]string {
	raw, ok := o["requestParameters"]
	if !ok || raw == nil {
		return nil
	}
	rp := ptr + "/requestParameters"
	m, ok := raw.(map[string]any)
	if !ok {
		im.errorf(rp, "requestParameters must be a mapping")
		return nil
	}
	out := im.stringMapping(m, rp, in)
	for _, k := range sortedKeys(out) {
		kp := rp + "/" + source.Escape(k)
		if k != "overwrite:path" {
			sm := requestMappingKeyRe().FindStringSubmatch(k)
			if sm == nil {
				hint := ""
				if strings.HasPrefix(k, "integration.request.") {
					hint = " (integration.request.* is the REST API form)"
				}
				im.errorf(kp, "invalid parameter mapping key %q: want append|overwrite|remove:header.NAME, append|overwrite|remove:querystring.NAME or overwrite:path%s", k, hint)
				delete(out, k)
				continue
			}
			if sm[2] == "header" && reservedMappingHeader(sm[3]) {
				im.errorf(kp, "header %s is reserved: parameter mappings cannot change it", sm[3])
				delete(out, k)
				continue
			}
			if sm[1] == "remove" {
				continue // the value is not used
			}
		}
		if out[k] == "" {
			im.errorf(kp, "parameter mapping %s has an empty value", k)
			continue
		}
		im.checkMappingValue(out[k], kp, requestRefRe(), "$request.header.NAME, $request.querystring.NAME, $request.body.PATH, $request.path, $request.path.NAME, $context.NAME or $stageVariables.NAME")
	}
	return out
}

// responseMappings reads an HTTP API integration's responseParameters: by
// status code, append|overwrite|remove:header.NAME and overwrite:statuscode.
func (im *importer) responseMappings(o map[string]any, ptr string, in *apidef.Integration) map[string]map[string]string {
	raw, ok := o["responseParameters"]
	if !ok || raw == nil {
		return nil
	}
	rp := ptr + "/responseParameters"
	byStatus, ok := raw.(map[string]any)
	if !ok {
		im.errorf(rp, "responseParameters must be a mapping from status codes to mappings")
		return nil
	}
	out := map[string]map[string]string{}
	for _, code := range sortedKeys(byStatus) {
		cp := rp + "/" + source.Escape(code)
		if !responseStatusKeyRe().MatchString(code) {
			im.errorf(cp, "responseParameters are keyed by the integration's status code (200 to 599), not %q", code)
			continue
		}
		m, ok := byStatus[code].(map[string]any)
		if !ok {
			im.errorf(cp, "the mappings for status %s must be a mapping", code)
			continue
		}
		mappings := im.stringMapping(m, cp, in)
		for _, k := range sortedKeys(mappings) {
			kp := cp + "/" + source.Escape(k)
			v := mappings[k]
			if k == "overwrite:statuscode" {
				if n, err := strconv.Atoi(v); err == nil {
					if n < 200 || n > 599 {
						im.errorf(kp, "overwrite:statuscode must be a status code from 200 to 599, not %q", v)
					}
					continue
				}
				if !responseRefRe().MatchString(v) {
					im.errorf(kp, "overwrite:statuscode must be a status code or a $response/$context/$stageVariables reference, not %q", v)
				}
				continue
			}
			sm := responseMappingKeyRe().FindStringSubmatch(k)
			if sm == nil {
				hint := ""
				if strings.HasPrefix(k, "method.response.") {
					hint = " (method.response.* is the REST API form)"
				}
				im.errorf(kp, "invalid response mapping key %q: want append|overwrite|remove:header.NAME or overwrite:statuscode%s", k, hint)
				delete(mappings, k)
				continue
			}
			if reservedMappingHeader(sm[2]) {
				im.errorf(kp, "header %s is reserved: parameter mappings cannot change it", sm[2])
				delete(mappings, k)
				continue
			}
			if sm[1] == "remove" {
				continue
			}
			if v == "" {
				im.errorf(kp, "response mapping %s has an empty value", k)
				continue
			}
			im.checkMappingValue(v, kp, responseRefRe(), "$response.header.NAME, $response.body.PATH, $context.NAME or $stageVariables.NAME")
		}
		out[code] = mappings
	}
	return out
}
