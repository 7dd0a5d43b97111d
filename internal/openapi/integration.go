package openapi

import (
	"net/url"
	"regexp"
	"strings"

	"github.com/portico-gw/portico/internal/apidef"
	"github.com/portico-gw/portico/internal/source"
)

var (
	stageVarRe     = regexp.MustCompile(`\$\{stageVariables\.([^}]*)\}`)
	stageVarNameRe = regexp.MustCompile(`^[A-Za-z0-9_]{1,64}$`)
	intParamKeyRe  = regexp.MustCompile(`^integration\.request\.(header|querystring|path)\.[^.\s]+`)
	methodSourceRe = regexp.MustCompile(`^(method\.request\.(path|querystring|header|multivaluequerystring|multivalueheader)\.[^\s]+|method\.request\.body(\..+)?|context\.[A-Za-z0-9_.]+|stageVariables\.[A-Za-z0-9_]+|'[^']*')$`)
	respParamKeyRe = regexp.MustCompile(`^method\.response\.header\.[^\s]+$`)
	respSourceRe   = regexp.MustCompile(`^(integration\.response\.(header|multivalueheader)\.[^\s]+|integration\.response\.body(\..+)?|context\.[A-Za-z0-9_.]+|stageVariables\.[A-Za-z0-9_]+|'[^']*')$`)
)

// integration reads x-amazon-apigateway-integration.
func (im *importer) integration(o map[string]any, ptr string, m *apidef.Method) *apidef.Integration {
	in := &apidef.Integration{
		Type:                     strings.ToUpper(im.str(o, ptr, "type")),
		URI:                      im.str(o, ptr, "uri"),
		HTTPMethod:               strings.ToUpper(im.str(o, ptr, "httpMethod")),
		RequestParameters:        im.strMap(o, ptr, "requestParameters"),
		RequestTemplates:         im.strMap(o, ptr, "requestTemplates"),
		PassthroughBehavior:      strings.ToUpper(im.str(o, ptr, "passthroughBehavior")),
		ContentHandling:          strings.ToUpper(im.str(o, ptr, "contentHandling")),
		Credentials:              im.str(o, ptr, "credentials"),
		ConnectionType:           strings.ToUpper(im.str(o, ptr, "connectionType")),
		CacheKeyParameters:       im.strList(o, ptr, "cacheKeyParameters"),
		CacheNamespace:           im.str(o, ptr, "cacheNamespace"),
		InsecureSkipVerification: im.boolean(im.obj(o, ptr, "tlsConfig"), ptr+"/tlsConfig", "insecureSkipVerification"),
		Loc:                      im.loc(ptr),
	}
	if t, ok := im.integer(o, ptr, "timeoutInMillis"); ok {
		in.TimeoutInMillis = t
		if t < 50 {
			im.errorf(ptr+"/timeoutInMillis", "timeoutInMillis %d is below the minimum of 50 ms", t)
		}
	}
	im.checkIntegrationType(in, ptr)
	im.integrationFields(o, ptr)
	switch in.PassthroughBehavior {
	case "", "WHEN_NO_MATCH", "WHEN_NO_TEMPLATES", "NEVER":
	default:
		im.errorf(ptr+"/passthroughBehavior", "must be when_no_match, when_no_templates or never, not %q", in.PassthroughBehavior)
	}
	switch in.ContentHandling {
	case "", "CONVERT_TO_TEXT", "CONVERT_TO_BINARY":
	default:
		im.errorf(ptr+"/contentHandling", "must be CONVERT_TO_TEXT or CONVERT_TO_BINARY, not %q", in.ContentHandling)
	}
	for _, k := range sortedKeys(in.RequestParameters) {
		kp := ptr + "/requestParameters/" + source.Escape(k)
		if !intParamKeyRe.MatchString(k) {
			im.errorf(kp, "invalid mapping expression %q: keys are integration.request.{header|querystring|path}.NAME", k)
		}
		if v := in.RequestParameters[k]; !methodSourceRe.MatchString(v) {
			im.errorf(kp, "invalid mapping expression specified: %q", v)
		}
	}
	in.Responses = im.integrationResponses(o, ptr)
	return in
}

// checkIntegrationType checks the type with its URI and method.
func (im *importer) checkIntegrationType(in *apidef.Integration, ptr string) {
	switch in.Type {
	case apidef.TypeHTTP, apidef.TypeHTTPProxy:
		im.checkHTTPURI(in.URI, ptr+"/uri")
		if in.HTTPMethod == "" {
			im.errorf(ptr+"/httpMethod", "httpMethod is required for %s integrations", strings.ToLower(in.Type))
		}
	case apidef.TypeAWS, apidef.TypeAWSProxy:
		if !strings.HasPrefix(in.URI, "arn:aws:apigateway:") {
			im.errorf(ptr+"/uri", "an %s integration needs an arn:aws:apigateway:{region}:{service}:path|action/... URI, not %q", strings.ToLower(in.Type), in.URI)
		} else if !strings.Contains(in.URI, ":path/") && !strings.Contains(in.URI, ":action/") {
			im.errorf(ptr+"/uri", "AWS ARN for integration must contain path or action")
		}
		if in.Type == apidef.TypeAWSProxy && in.URI != "" && !strings.Contains(in.URI, ":lambda:path/") && !strings.Contains(in.URI, ":firehose:") {
			im.errorf(ptr+"/uri", "Integrations of type 'AWS_PROXY' currently only supports Lambda function and Firehose stream invocations.")
		}
	case apidef.TypeMock:
	case "":
		im.errorf(ptr+"/type", "integration type is required (http, http_proxy, mock, aws or aws_proxy)")
	default:
		im.errorf(ptr+"/type", "unknown integration type %q (want http, http_proxy, mock, aws or aws_proxy)", strings.ToLower(in.Type))
	}
	for _, m := range stageVarRe.FindAllStringSubmatch(in.URI, -1) {
		if !stageVarNameRe.MatchString(m[1]) {
			im.errorf(ptr+"/uri", "invalid stage variable reference ${stageVariables.%s}", m[1])
		}
	}
}

// checkHTTPURI checks an http(s) endpoint URI; stage-variable references are
// checked with a placeholder value, since they resolve per stage.
func (im *importer) checkHTTPURI(uri, ptr string) {
	probe := stageVarRe.ReplaceAllString(uri, "stagevar")
	u, err := url.Parse(probe)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		im.errorf(ptr, "invalid HTTP endpoint %q: want an absolute http:// or https:// URL", uri)
	}
}

// integrationResponses reads integration.responses in document order; the
// key is the selection pattern, "default" the default response.
func (im *importer) integrationResponses(o map[string]any, ptr string) []apidef.IntegrationResponse {
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
			ResponseParameters: im.strMap(r, p, "responseParameters"),
			ResponseTemplates:  im.strMap(r, p, "responseTemplates"),
			ContentHandling:    strings.ToUpper(im.str(r, p, "contentHandling")),
			Loc:                im.loc(p),
		}
		if pattern == "default" {
			ir.SelectionPattern = ""
		} else if _, err := apidef.CompileSelectionPattern(pattern); err != nil {
			im.errorf(p, "%v", err)
		}
		if !statusRe.MatchString(ir.StatusCode) {
			im.errorf(p+"/statusCode", "statusCode %q must be a 3-digit status code", ir.StatusCode)
		}
		for _, k := range sortedKeys(ir.ResponseParameters) {
			kp := p + "/responseParameters/" + source.Escape(k)
			if !respParamKeyRe.MatchString(k) {
				im.errorf(kp, "invalid mapping expression %q: keys are method.response.header.NAME", k)
			}
			if !respSourceRe.MatchString(ir.ResponseParameters[k]) {
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
		case "connectionId", "payloadFormatVersion", "integrationSubtype", "responseTransferMode", "integrationTarget":
			im.warnf(p, "integration field %s is not implemented by Portico and is ignored", f)
		default:
			im.errorf(p, "unknown integration field %q", f)
		}
	}
}
