package template

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/portico-gw/portico/internal/cfn"
	"github.com/portico-gw/portico/internal/config"
)

// cfnRestAPI reads an AWS::ApiGateway::RestApi: its Body as written, or an
// empty Swagger document the Resource and Method resources fill.
func (t *translator) cfnRestAPI(r *cfn.Resource) {
	pp := r.Pointer + "/Properties"
	var doc map[string]any
	if b := t.obj(r.Properties, pp, "Body"); b != nil {
		doc, _ = t.clone(b).(map[string]any)
	} else if _, ok := r.Properties["BodyS3Location"]; ok {
		p, ok := r.Metadata["aws:asset:path"].(string)
		if !ok {
			t.errorf(pp+"/BodyS3Location", "RestApi %s: the definition is in S3 (BodyS3Location); inline it as Body, or name a local file in the resource's Metadata aws:asset:path", r.Name)
			return
		}
		doc = t.definition(map[string]any{"DefinitionUri": p}, r.Pointer+"/Metadata/aws:asset:path")
		if doc == nil {
			return
		}
	}
	a := t.newAPI(r.Name, r.Pointer, false, doc)
	if _, ok := r.Properties["Body"]; ok {
		a.body = pp + "/Body"
	}
	if bmt := t.strList(r.Properties, pp, "BinaryMediaTypes"); len(bmt) > 0 {
		var out []any
		for _, b := range bmt {
			out = append(out, strings.ReplaceAll(b, "~1", "/"))
		}
		a.doc["x-amazon-apigateway-binary-media-types"] = out
	}
	if s := t.str(r.Properties, pp, "ApiKeySourceType"); s != "" {
		a.doc["x-amazon-apigateway-api-key-source"] = s
	}
	if p := t.obj(r.Properties, pp, "Policy"); p != nil {
		a.doc["x-amazon-apigateway-policy"] = t.clone(p)
	}
}

// restAPIOf returns the REST API a part names in RestApiId.
func (t *translator) restAPIOf(r *cfn.Resource) *api {
	pp := r.Pointer + "/Properties"
	v, ok := r.Properties["RestApiId"]
	if !ok {
		t.errorf(pp, "%s %s needs RestApiId", r.Type, r.Name)
		return nil
	}
	name, _ := t.refName(v)
	a := t.apis[name]
	if a == nil || a.http {
		s, _ := t.text(v)
		t.errorf(pp+"/RestApiId", "%s %s: RestApiId %s is not an AWS::ApiGateway::RestApi of this template (an imported or existing API cannot be served locally)", r.Type, r.Name, s)
		return nil
	}
	return a
}

// resourcePath returns the path of an AWS::ApiGateway::Resource (or the
// root, for RestApi.RootResourceId).
func (t *translator) resourcePath(v any, ptr string, depth int) (string, bool) {
	if ref, ok := v.(cfn.ResourceRef); ok && ref.Attribute == "RootResourceId" {
		return "/", true
	}
	if s, ok := v.(string); ok && strings.HasSuffix(s, "-root") {
		if _, ok := t.apis[strings.TrimSuffix(s, "-root")]; ok {
			return "/", true
		}
	}
	name, _ := t.refName(v)
	r := t.stack.Resources[name]
	if r == nil || r.Type != "AWS::ApiGateway::Resource" || depth > 64 {
		t.errorf(ptr, "must be the RootResourceId of the RestApi or a reference to an AWS::ApiGateway::Resource of this template")
		return "", false
	}
	pp := r.Pointer + "/Properties"
	parent, ok := t.resourcePath(r.Properties["ParentId"], pp+"/ParentId", depth+1)
	if !ok {
		return "", false
	}
	part := t.str(r.Properties, pp, "PathPart")
	if parent == "/" {
		return "/" + part, true
	}
	return parent + "/" + part, true
}

// cfnRestParts applies the resources that make up REST APIs.
func (t *translator) cfnRestParts(names []string) {
	byType := func(typ string) []*cfn.Resource {
		var out []*cfn.Resource
		for _, n := range names {
			if r := t.stack.Resources[n]; r.Type == typ {
				out = append(out, r)
			}
		}
		return out
	}
	for _, r := range byType("AWS::ApiGateway::Model") {
		if a := t.restAPIOf(r); a != nil {
			pp := r.Pointer + "/Properties"
			name := t.str(r.Properties, pp, "Name")
			if name == "" {
				name = r.Name
			}
			var schema any = map[string]any{}
			switch s := r.Properties["Schema"].(type) {
			case map[string]any:
				schema = t.clone(s)
			case string:
				if err := json.Unmarshal([]byte(s), &schema); err != nil {
					t.errorf(pp+"/Schema", "model %s: the schema is not JSON: %v", name, err)
				}
			}
			t.section(a, "definitions", "schemas")[name] = schema
		}
	}
	for _, r := range byType("AWS::ApiGateway::RequestValidator") {
		if a := t.restAPIOf(r); a != nil {
			pp := r.Pointer + "/Properties"
			name := t.str(r.Properties, pp, "Name")
			if name == "" {
				name = r.Name
			}
			vs, _ := a.doc["x-amazon-apigateway-request-validators"].(map[string]any)
			if vs == nil {
				vs = map[string]any{}
				a.doc["x-amazon-apigateway-request-validators"] = vs
			}
			vs[name] = map[string]any{"validateRequestBody": t.boolean(r.Properties, pp, "ValidateRequestBody", false),
				"validateRequestParameters": t.boolean(r.Properties, pp, "ValidateRequestParameters", false)}
		}
	}
	for _, r := range byType("AWS::ApiGateway::Authorizer") {
		if a := t.restAPIOf(r); a != nil {
			t.cfnAuthorizer(a, r)
		}
	}
	for _, r := range byType("AWS::ApiGateway::GatewayResponse") {
		if a := t.restAPIOf(r); a != nil {
			pp := r.Pointer + "/Properties"
			out, _ := a.doc["x-amazon-apigateway-gateway-responses"].(map[string]any)
			if out == nil {
				out = map[string]any{}
				a.doc["x-amazon-apigateway-gateway-responses"] = out
			}
			resp := map[string]any{}
			if sc := t.str(r.Properties, pp, "StatusCode"); sc != "" {
				resp["statusCode"] = sc
			}
			if rp := t.obj(r.Properties, pp, "ResponseParameters"); rp != nil {
				resp["responseParameters"] = t.clone(rp)
			}
			if rt := t.obj(r.Properties, pp, "ResponseTemplates"); rt != nil {
				resp["responseTemplates"] = t.clone(rt)
			}
			out[t.str(r.Properties, pp, "ResponseType")] = resp
		}
	}
	for _, r := range byType("AWS::ApiGateway::Method") {
		if a := t.restAPIOf(r); a != nil {
			t.cfnMethod(a, r)
		}
	}
	for _, r := range byType("AWS::ApiGateway::Stage") {
		if a := t.restAPIOf(r); a != nil {
			pp := r.Pointer + "/Properties"
			a.stages = append(a.stages, t.cfnStage(r.Properties, pp, "Variables"))
		}
	}
	for _, r := range byType("AWS::ApiGateway::Deployment") {
		if a := t.restAPIOf(r); a != nil {
			pp := r.Pointer + "/Properties"
			if s := t.str(r.Properties, pp, "StageName"); s != "" && !hasStage(a, s) {
				st := config.Stage{Name: s}
				if d := t.obj(r.Properties, pp, "StageDescription"); d != nil {
					dst := t.cfnStage(d, pp+"/StageDescription", "Variables")
					st.Variables, st.MethodSettings, st.Cache = dst.Variables, dst.MethodSettings, dst.Cache
				}
				a.stages = append(a.stages, st)
			}
		}
	}
}

func hasStage(a *api, name string) bool {
	for _, s := range a.stages {
		if s.Name == name {
			return true
		}
	}
	return false
}

// cfnStage reads a stage's name, variables and method settings.
func (t *translator) cfnStage(m map[string]any, pp, varsKey string) config.Stage {
	st := config.Stage{Name: t.str(m, pp, "StageName")}
	if vars := t.obj(m, pp, varsKey); vars != nil {
		st.Variables = map[string]string{}
		for _, k := range keys(vars) {
			st.Variables[k] = t.str(vars, pp+"/"+varsKey, k)
		}
	}
	st.MethodSettings = t.methodSettings(m, pp)
	st.Cache = t.stageCache(m, pp)
	return st
}

// cfnAuthorizer writes an AWS::ApiGateway::Authorizer as a security scheme
// named by its logical id.
func (t *translator) cfnAuthorizer(a *api, r *cfn.Resource) {
	pp := r.Pointer + "/Properties"
	p := r.Properties
	typ := strings.ToUpper(t.str(p, pp, "Type"))
	az := map[string]any{}
	src := t.str(p, pp, "IdentitySource")
	if ttl, ok := t.num(p, pp, "AuthorizerResultTtlInSeconds"); ok {
		az["authorizerResultTtlInSeconds"] = int(ttl)
	}
	if ve := t.str(p, pp, "IdentityValidationExpression"); ve != "" {
		az["identityValidationExpression"] = ve
	}
	header := strings.TrimPrefix(src, "method.request.header.")
	if header == "" {
		header = "Authorization"
	}
	scheme := map[string]any{"type": "apiKey", "name": header, "in": "header", "x-amazon-apigateway-authorizer": az}
	switch typ {
	case "TOKEN", "REQUEST":
		az["type"] = strings.ToLower(typ)
		az["authorizerUri"] = t.lambdaURI(p["AuthorizerUri"], pp+"/AuthorizerUri")
		if typ == "REQUEST" {
			az["identitySource"] = src
			scheme["name"] = "Unused"
		}
		scheme["x-amazon-apigateway-authtype"] = "custom"
	case "COGNITO_USER_POOLS":
		az["type"] = "cognito_user_pools"
		az["providerARNs"] = anyList(t.strList(p, pp, "ProviderARNs"))
		scheme["x-amazon-apigateway-authtype"] = "cognito_user_pools"
	default:
		t.errorf(pp+"/Type", "authorizer %s: Type must be TOKEN, REQUEST or COGNITO_USER_POOLS, not %q", r.Name, typ)
		return
	}
	t.section(a, "securityDefinitions", "securitySchemes")[r.Name] = scheme
	a.authorizers[r.Name] = true
	t.used[r.Name] = true
}

// cfnMethod writes an AWS::ApiGateway::Method into the API's paths.
func (t *translator) cfnMethod(a *api, r *cfn.Resource) {
	pp := r.Pointer + "/Properties"
	p := r.Properties
	path, ok := t.resourcePath(p["ResourceId"], pp+"/ResourceId", 0)
	if !ok {
		return
	}
	method := t.str(p, pp, "HttpMethod")
	if method == "" {
		t.errorf(pp+"/HttpMethod", "method %s needs HttpMethod", r.Name)
		return
	}
	op, exists := operation(a, path, methodKey(method))
	if exists {
		t.errorf(pp+"/HttpMethod", "method %s: %s %s is defined twice", r.Name, strings.ToUpper(method), path)
		return
	}
	a.opPtr[path+" "+methodKey(method)] = r.Pointer
	security := []any{}
	switch at := strings.ToUpper(t.str(p, pp, "AuthorizationType")); at {
	case "", "NONE":
	case "CUSTOM", "COGNITO_USER_POOLS":
		name, _ := t.refName(p["AuthorizerId"])
		if !a.authorizers[name] {
			t.errorf(pp+"/AuthorizerId", "method %s: AuthorizerId must refer to an AWS::ApiGateway::Authorizer of the same RestApi", r.Name)
			return
		}
		security = append(security, map[string]any{name: anyList(t.strList(p, pp, "AuthorizationScopes"))})
	case "AWS_IAM":
		t.section(a, "securityDefinitions", "securitySchemes")["sigv4"] = map[string]any{"type": "apiKey", "name": "Authorization", "in": "header", "x-amazon-apigateway-authtype": "awsSigv4"}
		security = append(security, map[string]any{"sigv4": []any{}})
	default:
		t.errorf(pp+"/AuthorizationType", "method %s: AuthorizationType must be NONE, AWS_IAM, CUSTOM or COGNITO_USER_POOLS", r.Name)
	}
	if t.boolean(p, pp, "ApiKeyRequired", false) {
		t.section(a, "securityDefinitions", "securitySchemes")["api_key"] = map[string]any{"type": "apiKey", "name": "x-api-key", "in": "header"}
		security = append(security, map[string]any{"api_key": []any{}})
	}
	op["security"] = security
	var params []any
	rp := t.obj(p, pp, "RequestParameters")
	for _, k := range keys(rp) {
		rest, _ := strings.CutPrefix(k, "method.request.")
		loc, name, _ := strings.Cut(rest, ".")
		in := map[string]string{"header": "header", "querystring": "query", "path": "path"}[loc]
		if in == "" || name == "" {
			t.errorf(pp+"/RequestParameters/"+k, "request parameter %q must be method.request.{header|querystring|path}.NAME", k)
			continue
		}
		params = append(params, map[string]any{"name": name, "in": in, "type": "string",
			"required": in == "path" || t.boolean(rp, pp+"/RequestParameters", k, false)})
	}
	if rm := t.obj(p, pp, "RequestModels"); rm != nil {
		for _, ct := range keys(rm) {
			model, _ := t.text(rm[ct])
			if n, ok := t.refName(rm[ct]); ok {
				if mr := t.stack.Resources[n]; mr != nil {
					if mn := t.str(mr.Properties, mr.Pointer+"/Properties", "Name"); mn != "" {
						model = mn
					}
				}
			}
			params = append(params, map[string]any{"in": "body", "name": strings.ToLower(model), "required": true,
				"schema": map[string]any{"$ref": "#/definitions/" + model}})
			break // Swagger 2 has one body; the first content type's model validates
		}
	}
	if params != nil {
		op["parameters"] = params
	}
	if v, ok := p["RequestValidatorId"]; ok {
		n, _ := t.refName(v)
		vr := t.stack.Resources[n]
		if vr == nil || vr.Type != "AWS::ApiGateway::RequestValidator" {
			t.errorf(pp+"/RequestValidatorId", "method %s: RequestValidatorId must refer to an AWS::ApiGateway::RequestValidator", r.Name)
		} else {
			name := t.str(vr.Properties, vr.Pointer+"/Properties", "Name")
			if name == "" {
				name = vr.Name
			}
			op["x-amazon-apigateway-request-validator"] = name
		}
	}
	responses := map[string]any{}
	for i, mr := range t.list(p, pp, "MethodResponses") {
		m, _ := mr.(map[string]any)
		mp := fmt.Sprintf("%s/MethodResponses/%d", pp, i)
		resp := map[string]any{"description": "response"}
		hs := map[string]any{}
		rp := t.obj(m, mp, "ResponseParameters")
		for _, k := range keys(rp) {
			if h, ok := strings.CutPrefix(k, "method.response.header."); ok {
				hs[h] = map[string]any{"type": "string"}
			}
		}
		if len(hs) > 0 {
			resp["headers"] = hs
		}
		if rm := t.obj(m, mp, "ResponseModels"); rm != nil {
			for _, ct := range keys(rm) {
				model, _ := t.text(rm[ct])
				if model != "" && model != "Empty" {
					resp["schema"] = map[string]any{"$ref": "#/definitions/" + model}
				}
				break
			}
		}
		responses[t.str(m, mp, "StatusCode")] = resp
	}
	if len(responses) == 0 {
		responses = okResponse()
	}
	op["responses"] = responses
	in := t.obj(p, pp, "Integration")
	if in == nil {
		t.errorf(pp+"/Integration", "method %s needs an Integration", r.Name)
		return
	}
	op["x-amazon-apigateway-integration"] = t.cfnIntegration(in, pp+"/Integration")
}

// cfnIntegration turns CloudFormation's Integration into
// x-amazon-apigateway-integration.
func (t *translator) cfnIntegration(in map[string]any, ip string) map[string]any {
	out := map[string]any{"type": strings.ToLower(t.str(in, ip, "Type"))}
	for cf, oas := range map[string]string{"IntegrationHttpMethod": "httpMethod", "Uri": "uri", "PassthroughBehavior": "passthroughBehavior",
		"ContentHandling": "contentHandling", "ConnectionType": "connectionType", "ConnectionId": "connectionId", "Credentials": "credentials",
		"CacheNamespace": "cacheNamespace"} {
		if s := t.str(in, ip, cf); s != "" {
			out[oas] = s
		}
	}
	if ms, ok := t.num(in, ip, "TimeoutInMillis"); ok {
		out["timeoutInMillis"] = int(ms)
	}
	for cf, oas := range map[string]string{"RequestTemplates": "requestTemplates", "RequestParameters": "requestParameters"} {
		if m := t.obj(in, ip, cf); m != nil {
			out[oas] = t.clone(m)
		}
	}
	if ck := t.strList(in, ip, "CacheKeyParameters"); ck != nil {
		out["cacheKeyParameters"] = anyList(ck)
	}
	responses := map[string]any{}
	for i, ir := range t.list(in, ip, "IntegrationResponses") {
		m, _ := ir.(map[string]any)
		rp := fmt.Sprintf("%s/IntegrationResponses/%d", ip, i)
		resp := map[string]any{"statusCode": t.str(m, rp, "StatusCode")}
		for cf, oas := range map[string]string{"ResponseTemplates": "responseTemplates", "ResponseParameters": "responseParameters"} {
			if mm := t.obj(m, rp, cf); mm != nil {
				resp[oas] = t.clone(mm)
			}
		}
		if ch := t.str(m, rp, "ContentHandling"); ch != "" {
			resp["contentHandling"] = ch
		}
		key := t.str(m, rp, "SelectionPattern")
		if key == "" {
			key = "default"
		}
		responses[key] = resp
	}
	if len(responses) > 0 {
		out["responses"] = responses
	}
	return out
}

// methodSettings reads a stage's MethodSettings (AWS::ApiGateway::Stage
// MethodSetting, also SAM's Api MethodSettings): throttling and caching.
func (t *translator) methodSettings(m map[string]any, pp string) []config.MethodSetting {
	var out []config.MethodSetting
	for i, ms := range t.list(m, pp, "MethodSettings") {
		mm, _ := ms.(map[string]any)
		mp := fmt.Sprintf("%s/MethodSettings/%d", pp, i)
		set := config.MethodSetting{ResourcePath: t.str(mm, mp, "ResourcePath"), HTTPMethod: t.str(mm, mp, "HttpMethod")}
		if set.ResourcePath == "" {
			set.ResourcePath = "/*"
		}
		if set.HTTPMethod == "" {
			set.HTTPMethod = "*"
		}
		if v, ok := t.num(mm, mp, "ThrottlingRateLimit"); ok {
			set.ThrottlingRateLimit = &v
		}
		if v, ok := t.num(mm, mp, "ThrottlingBurstLimit"); ok {
			b := int(v)
			set.ThrottlingBurstLimit = &b
		}
		if _, ok := mm["CachingEnabled"]; ok {
			on := t.boolean(mm, mp, "CachingEnabled", false)
			set.CachingEnabled = &on
		}
		if v, ok := t.num(mm, mp, "CacheTtlInSeconds"); ok {
			ttl := int(v)
			set.CacheTTLInSeconds = &ttl
		}
		if _, ok := mm["CacheDataEncrypted"]; ok {
			enc := t.boolean(mm, mp, "CacheDataEncrypted", false)
			set.CacheDataEncrypted = &enc
		}
		out = append(out, set)
	}
	return out
}

// stageCache reads CacheClusterEnabled and CacheClusterSize (a string in
// CloudFormation, "0.5"); nil without a cluster.
func (t *translator) stageCache(m map[string]any, pp string) *config.StageCache {
	if !t.boolean(m, pp, "CacheClusterEnabled", false) {
		return nil
	}
	c := &config.StageCache{Enabled: true}
	if v, ok := t.num(m, pp, "CacheClusterSize"); ok {
		c.Size = v
	}
	return c
}
