package openapi

import (
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/portico-gw/portico/internal/apidef"
	"github.com/portico-gw/portico/internal/awslimits"
	"github.com/portico-gw/portico/internal/source"
)

// Patterns of integration settings, compiled on first use, like every pattern of this package (docs/architecture.md#memory).
var (
	stageVarRe     = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`\$\{stageVariables\.([^}]*)\}`) })
	stageVarNameRe = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[A-Za-z0-9_]{1,64}$`) })
	intParamKeyRe  = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile(`^integration\.request\.(header|querystring|path)\.[^.\s]+`)
	})
	methodSourceRe = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile(`^(method\.request\.(path|querystring|header|multivaluequerystring|multivalueheader)\.[^\s]+|method\.request\.body(\..+)?|context\.[A-Za-z0-9_.]+|stageVariables\.[A-Za-z0-9_]+|'[^']*')$`)
	})
	respParamKeyRe = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^method\.response\.header\.[^\s]+$`) })
	// awsARNRe is an AWS integration URI in any partition.
	awsARNRe = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^arn:aws(-[a-z]+)*:apigateway:`) })
	// streamingURIRe is a Lambda response-streaming invocation URI.
	streamingURIRe = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile(`^(arn:aws(?:-[a-z]+)*:apigateway:[^:]+):lambda:path/2021-11-15/functions/(.+)/response-streaming-invocations$`)
	})
	respSourceRe = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile(`^(integration\.response\.(header|multivalueheader)\.[^\s]+|integration\.response\.body(\..+)?|context\.[A-Za-z0-9_.]+|stageVariables\.[A-Za-z0-9_]+|'[^']*')$`)
	})
)

// integration reads x-amazon-apigateway-integration. A field whose value is
// not the scalar AWS expects (typically a CloudFormation intrinsic such as
// {"Fn::Sub": ...} left in a template's DefinitionBody) never rejects the
// API: an optional field is dropped with a located warning, a field the
// integration cannot work without marks it Invalid (every call fails with
// 500, the reason in the execution log).
func (im *importer) integration(o map[string]any, ptr string, m *apidef.Method) *apidef.Integration {
	in := &apidef.Integration{
		Type:                     parsed(apidef.ParseIntegrationType(im.str(o, ptr, "type"))),
		HTTPMethod:               strings.ToUpper(im.str(o, ptr, "httpMethod")),
		PassthroughBehavior:      parsed(apidef.ParsePassthroughBehavior(im.str(o, ptr, "passthroughBehavior"))),
		ContentHandling:          parsed(apidef.ParseContentHandling(im.str(o, ptr, "contentHandling"))),
		ConnectionType:           strings.ToUpper(im.str(o, ptr, "connectionType")),
		CacheKeyParameters:       im.strList(o, ptr, "cacheKeyParameters"),
		CacheNamespace:           im.str(o, ptr, "cacheNamespace"),
		InsecureSkipVerification: im.boolean(im.obj(o, ptr, "tlsConfig"), ptr+"/tlsConfig", "insecureSkipVerification"),
		Loc:                      im.loc(ptr),
	}
	if sub, ok := o["integrationSubtype"]; ok {
		// An HTTP API's first-class service integration: its parameters
		// (MessageBody: $request.body...) mean nothing to a REST API, so
		// one error says so instead of one per field.
		im.errorf(ptr+"/integrationSubtype", "integrationSubtype %v is an HTTP API (API Gateway v2) AWS service integration; import the definition as an HTTP API (x-amazon-apigateway-importexport-version: \"1.0\" at its root, or the HTTP protocol in the settings), or express it in a REST API as a type aws integration with a mapping template", sub)
		return in
	}
	in.URI = im.vitalStr(o, ptr, "uri", in)
	in.Credentials = im.optionalStr(o, ptr, "credentials")
	in.RequestParameters = im.paramMap(o, ptr, "requestParameters")
	in.RequestTemplates = im.templateMap(o, ptr, "requestTemplates", in)
	if t, ok := im.integer(o, ptr, "timeoutInMillis"); ok {
		in.TimeoutInMillis = t
		if t < int(awslimits.MinIntegrationTimeout/time.Millisecond) {
			im.errorf(ptr+"/timeoutInMillis", "timeoutInMillis %d is below the minimum of 50 ms", t)
		}
	}
	im.checkIntegrationType(in, ptr)
	im.integrationFields(o, ptr)
	if !in.PassthroughBehavior.Valid() {
		im.errorf(ptr+"/passthroughBehavior", "must be when_no_match, when_no_templates or never, not %q", in.PassthroughBehavior)
	}
	if !in.ContentHandling.Valid() {
		im.errorf(ptr+"/contentHandling", "must be CONVERT_TO_TEXT or CONVERT_TO_BINARY, not %q", in.ContentHandling)
	}
	for _, k := range sortedKeys(in.RequestParameters) {
		kp := ptr + "/requestParameters/" + source.Escape(k)
		if !intParamKeyRe().MatchString(k) {
			im.errorf(kp, "invalid mapping expression %q: keys are integration.request.{header|querystring|path}.NAME", k)
		}
		if v := in.RequestParameters[k]; !methodSourceRe().MatchString(v) {
			im.errorf(kp, "invalid mapping expression specified: %q", v)
		}
	}
	in.Responses = im.integrationResponses(o, ptr, in)
	return in
}

// cfnIntrinsic names the CloudFormation intrinsic function a value is
// ({"Fn::Sub": ...} → "Fn::Sub"), or "".
func cfnIntrinsic(v any) string {
	m, ok := v.(map[string]any)
	if !ok || len(m) != 1 {
		return ""
	}
	for k := range m {
		if k == "Ref" || k == "Condition" || strings.HasPrefix(k, "Fn::") {
			return k
		}
	}
	return ""
}

// notAString describes a value that should have been a string.
func notAString(v any) string {
	if fn := cfnIntrinsic(v); fn != "" {
		return "a CloudFormation intrinsic (" + fn + ", which CloudFormation resolves before API Gateway reads the definition)"
	}
	switch v.(type) {
	case map[string]any:
		return "a mapping"
	case []any:
		return "a list"
	}
	return fmt.Sprintf("%T", v)
}

// scalarText returns a string, number or boolean as text.
func scalarText(v any) (string, bool) {
	switch t := v.(type) {
	case string:
		return t, true
	case int, int64, uint64, float64, bool:
		return fmt.Sprint(t), true
	}
	return "", false
}

// invalidate marks the integration unusable: the API still loads and the
// method fails every call with AWS's 500, the reason in the execution log.
func (im *importer) invalidate(in *apidef.Integration, ptr, reason string) {
	im.warnf(ptr, "%s; the method is kept and every call to it fails with 500", reason)
	if in.Invalid == "" {
		in.Invalid = reason + " (" + ptr + ")"
	}
}

// vitalStr reads a field the integration cannot work without.
func (im *importer) vitalStr(o map[string]any, ptr, key string, in *apidef.Integration) string {
	v, ok := o[key]
	if !ok || v == nil {
		return ""
	}
	if s, ok := scalarText(v); ok {
		return s
	}
	im.invalidate(in, ptr+"/"+source.Escape(key), key+" is "+notAString(v))
	return ""
}

// optionalStr reads a field that is dropped with a warning when it is not a
// string.
func (im *importer) optionalStr(o map[string]any, ptr, key string) string {
	v, ok := o[key]
	if !ok || v == nil {
		return ""
	}
	if s, ok := scalarText(v); ok {
		return s
	}
	im.warnf(ptr+"/"+source.Escape(key), "%s is %s; ignored", key, notAString(v))
	return ""
}

// paramMap reads request or response parameter mappings. A value that is
// not a string is dropped with a warning, as AWS's import does (for
// example "integration.request.header.x: true").
func (im *importer) paramMap(o map[string]any, ptr, key string) map[string]string {
	v, ok := o[key]
	if !ok || v == nil {
		return nil
	}
	p := ptr + "/" + source.Escape(key)
	m, ok := v.(map[string]any)
	if !ok {
		im.warnf(p, "%s is %s, not a mapping; ignored", key, notAString(v))
		return nil
	}
	out := make(map[string]string, len(m))
	for _, k := range sortedKeys(m) {
		if s, ok := m[k].(string); ok {
			out[k] = s
			continue
		}
		if text, ok := scalarText(m[k]); ok {
			// AWS's import warning (recorded AWS response, LocalStack
			// snapshot test_import_rest_api_with_base_path_oas30).
			im.warnf(p+"/"+source.Escape(k), "Invalid format for '%s'. Expected type string for property '%s' but got '%s'; the mapping is dropped", key, k, text)
			continue
		}
		im.warnf(p+"/"+source.Escape(k), "the %s value is %s, not a string; the mapping is dropped", key, notAString(m[k]))
	}
	return out
}

// templateMap reads mapping templates; a template that is not a string
// makes the integration unusable (dropping it would change what is sent).
func (im *importer) templateMap(o map[string]any, ptr, key string, in *apidef.Integration) map[string]string {
	v, ok := o[key]
	if !ok || v == nil {
		return nil
	}
	p := ptr + "/" + source.Escape(key)
	m, ok := v.(map[string]any)
	if !ok {
		im.invalidate(in, p, key+" is "+notAString(v)+", not a mapping")
		return nil
	}
	out := make(map[string]string, len(m))
	for _, k := range sortedKeys(m) {
		if s, ok := m[k].(string); ok {
			out[k] = s
			continue
		}
		if m[k] == nil {
			out[k] = ""
			continue
		}
		im.invalidate(in, p+"/"+source.Escape(k), "the "+k+" template is "+notAString(m[k]))
	}
	return out
}

// checkIntegrationType checks the type with its URI and method.
func (im *importer) checkIntegrationType(in *apidef.Integration, ptr string) {
	switch in.Type {
	case apidef.TypeHTTP, apidef.TypeHTTPProxy:
		if in.Invalid == "" {
			im.checkHTTPURI(in.URI, ptr+"/uri")
		}
		if in.HTTPMethod == "" {
			im.errorf(ptr+"/httpMethod", "httpMethod is required for %s integrations", strings.ToLower(string(in.Type)))
		}
	case apidef.TypeAWS, apidef.TypeAWSProxy:
		if in.Invalid != "" {
			break
		}
		if sm := streamingURIRe().FindStringSubmatch(in.URI); sm != nil {
			in.URI = sm[1] + ":lambda:path/2015-03-31/functions/" + sm[2] + "/invocations"
			in.ResponseStreaming = true
			im.warnf(ptr+"/uri", "Lambda response streaming is not reproduced: the function is invoked as %s and its answer is sent buffered", in.URI)
		}
		if !awsARNRe().MatchString(in.URI) {
			im.errorf(ptr+"/uri", "an %s integration needs an arn:aws:apigateway:{region}:{service}:path|action/... URI, not %q%s", strings.ToLower(string(in.Type)), in.URI, placeholderHint(in.URI))
		} else if !strings.Contains(in.URI, ":path/") && !strings.Contains(in.URI, ":action/") {
			im.errorf(ptr+"/uri", "AWS ARN for integration must contain path or action")
		} else if in.Type == apidef.TypeAWSProxy && !strings.Contains(in.URI, ":lambda:path/") && !strings.Contains(in.URI, ":firehose:") {
			im.errorf(ptr+"/uri", "Integrations of type 'AWS_PROXY' currently only supports Lambda function and Firehose stream invocations.")
		}
	case apidef.TypeMock:
	case "":
		im.errorf(ptr+"/type", "integration type is required (http, http_proxy, mock, aws or aws_proxy)")
	default: // !in.Type.Valid()
		im.errorf(ptr+"/type", "unknown integration type %q (want http, http_proxy, mock, aws or aws_proxy)", strings.ToLower(string(in.Type)))
	}
	for _, m := range stageVarRe().FindAllStringSubmatch(in.URI, -1) {
		if !stageVarNameRe().MatchString(m[1]) {
			im.errorf(ptr+"/uri", "invalid stage variable reference ${stageVariables.%s}", m[1])
		}
	}
}

// checkHTTPURI checks an http(s) endpoint URI; stage-variable references are
// checked with a placeholder value, since they resolve per stage.
func (im *importer) checkHTTPURI(uri, ptr string) {
	probe := stageVarRe().ReplaceAllString(uri, "stagevar")
	u, err := url.Parse(probe)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		im.errorf(ptr, "invalid HTTP endpoint %q: want an absolute http:// or https:// URL%s", uri, placeholderHint(uri))
	}
}

// templateVarRe is a placeholder of a templating tool (Terraform's
// templatefile, envsubst): ${name} with no stageVariables. or AWS:: prefix.
var templateVarRe = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`\$\{[A-Za-z_][A-Za-z0-9_]*\}`) })

// placeholderHint explains a value that still holds a template placeholder.
func placeholderHint(v string) string {
	if ph := templateVarRe().FindString(v); ph != "" {
		return fmt.Sprintf(" (%s looks like a placeholder that a tool such as Terraform's templatefile substitutes before the definition reaches API Gateway; substitute it first)", ph)
	}
	return ""
}

// integrationResponses reads integration.responses in document order; the
// key is the selection pattern, "default" the default response.
func (im *importer) integrationResponses(o map[string]any, ptr string, in *apidef.Integration) []apidef.IntegrationResponse {
	rs := im.obj(o, ptr, "responses")
	rptr := ptr + "/responses"
	var out []apidef.IntegrationResponse
	for _, pattern := range im.keysInOrder(rs, rptr) {
		p := rptr + "/" + source.Escape(pattern)
		r, ok := rs[pattern].(map[string]any)
		if !ok {
			im.errorf(p, "an integration response must be a mapping")
			continue
		}
		ir := apidef.IntegrationResponse{
			SelectionPattern:   pattern,
			StatusCode:         im.str(r, p, "statusCode"),
			ResponseParameters: im.paramMap(r, p, "responseParameters"),
			ResponseTemplates:  im.templateMap(r, p, "responseTemplates", in),
			ContentHandling:    parsed(apidef.ParseContentHandling(im.str(r, p, "contentHandling"))),
			Loc:                im.loc(p),
		}
		if pattern == "default" {
			ir.SelectionPattern = ""
		} else if _, err := apidef.CompileSelectionPattern(pattern); err != nil {
			im.errorf(p, "%v", err)
		}
		if !statusRe().MatchString(ir.StatusCode) {
			im.errorf(p+"/statusCode", "statusCode %q must be a 3-digit status code", ir.StatusCode)
		}
		for _, k := range sortedKeys(ir.ResponseParameters) {
			kp := p + "/responseParameters/" + source.Escape(k)
			if !respParamKeyRe().MatchString(k) {
				im.errorf(kp, "invalid mapping expression %q: keys are method.response.header.NAME", k)
			}
			if !respSourceRe().MatchString(ir.ResponseParameters[k]) {
				im.errorf(kp, "invalid mapping expression specified: %q", ir.ResponseParameters[k])
			}
		}
		out = append(out, ir)
	}
	return out
}

// integrationFields rejects unknown integration fields and warns about the
// known ones Portico does not implement.
func (im *importer) integrationFields(o map[string]any, ptr string) {
	for _, f := range sortedKeys(o) {
		p := ptr + "/" + source.Escape(f)
		switch f {
		case "type", "uri", "httpMethod", "requestParameters", "requestTemplates", "responses",
			"passthroughBehavior", "contentHandling", "timeoutInMillis", "credentials",
			"cacheKeyParameters", "cacheNamespace", "tlsConfig":
		case "connectionType":
			if c := strings.ToUpper(im.str(o, ptr, f)); c != "" && c != "INTERNET" {
				im.warnf(p, "connectionType %s is not implemented by Portico; the URI is called directly", c)
			}
		case "payloadFormatVersion":
			im.warnf(p, "payloadFormatVersion is read by HTTP APIs only and is ignored in a REST API (Lambda proxy integrations of REST APIs get the 1.0 event)")
		case "connectionId", "integrationSubtype", "responseTransferMode", "integrationTarget":
			im.warnf(p, "integration field %s is not implemented by Portico and is ignored", f)
		default:
			im.errorf(p, "unknown integration field %q", f)
		}
	}
}
