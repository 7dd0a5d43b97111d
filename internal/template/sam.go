package template

import (
	"fmt"
	"os"
	"sort"
	"strings"

	"github.com/portico-gw/portico/internal/cfn"
	"github.com/portico-gw/portico/internal/config"
	"github.com/portico-gw/portico/internal/source"
)

// api is one API being generated: its OpenAPI document (Swagger 2.0 for a
// REST API, OpenAPI 3.0.1 for an HTTP API, or the DefinitionBody as
// written) and its stages.
type api struct {
	name   string // logical id, used as the API id
	http   bool
	doc    map[string]any
	ptr    string // the resource's pointer
	stages []config.Stage
	// SAM's API-wide Auth: the default authorizer, whether every method
	// needs a key, whether the preflight gets the default authorizer.
	defaultAuth    string
	apiKeyRequired bool
	authPreflight  bool
	keyPreflight   bool
	authorizers    map[string]bool
	cors           map[string]any // REST: SAM's Cors, as CORS header values
	usagePlan      map[string]any
	usagePlanPtr   string
	fromEvents     map[string]bool // "path method" added by Events
	// managed: SAM writes the definition (no DefinitionBody, or
	// MergeDefinitions), so Events add their routes to it.
	managed bool
	// body is the pointer of a definition written in the template
	// (DefinitionBody, Body), "" for one Portico generates.
	body string
	// opPtr locates generated operations ("path method") at the event or
	// resource that made them; loc locates the rest of a generated API.
	opPtr map[string]string
	loc   string
	// domain is SAM's Domain property, domainPtr its pointer.
	domain    map[string]any
	domainPtr string
}

// integrationURI is the invocation URI of a function, as SAM writes it.
func (t *translator) integrationURI(fnName string) string {
	st := t.stack
	return fmt.Sprintf("arn:%s:apigateway:%s:lambda:path/2015-03-31/functions/arn:%s:lambda:%s:%s:function:%s/invocations",
		st.Partition, st.Region, st.Partition, st.Region, st.AccountID, fnName)
}

// lambdaURI turns a function ARN (or a reference to a function, or to an
// alias or version of one) into the invocation URI; an invocation URI is
// kept. A reference to another kind of resource is an error at ptr.
func (t *translator) lambdaURI(v any, ptr string) string {
	if n, ok := t.refName(v); ok {
		if fn, ok := t.functionOf(n); ok {
			return t.integrationURI(fn)
		}
		if typ := t.stack.ResourceType(n); typ != "" {
			t.errorf(ptr, "%s is of type %s, not a function of this template with local code", n, typ)
		}
	}
	s, _ := t.text(v)
	if strings.Contains(s, ":apigateway:") {
		return s
	}
	return fmt.Sprintf("arn:%s:apigateway:%s:lambda:path/2015-03-31/functions/%s/invocations", t.stack.Partition, t.stack.Region, s)
}

// functionOf returns the local function name of a function, or of an
// AWS::Lambda::Alias or AWS::Lambda::Version of one.
func (t *translator) functionOf(name string) (string, bool) {
	if fn, ok := t.fnNames[name]; ok {
		return fn, true
	}
	r := t.stack.Resources[name]
	if r == nil || (r.Type != "AWS::Lambda::Alias" && r.Type != "AWS::Lambda::Version") {
		return "", false
	}
	target, ok := t.refName(r.Properties["FunctionName"])
	if !ok {
		return "", false
	}
	fn, ok := t.fnNames[target]
	return fn, ok
}

// globals returns the resource's properties merged under Globals.{section}.
func (t *translator) globals(section string, props map[string]any) map[string]any {
	if g, ok := t.stack.Globals[section].(map[string]any); ok {
		merged, _ := mergeGlobals(g, props).(map[string]any)
		return merged
	}
	if props == nil {
		return map[string]any{}
	}
	return props
}

// definition reads DefinitionBody, or the local file DefinitionUri names.
func (t *translator) definition(props map[string]any, pp string) map[string]any {
	if b := t.obj(props, pp, "DefinitionBody"); b != nil {
		doc, _ := t.clone(b).(map[string]any)
		return doc
	}
	switch u := props["DefinitionUri"].(type) {
	case nil:
		return nil
	case string:
		if strings.HasPrefix(u, "s3://") {
			t.errorf(pp+"/DefinitionUri", "DefinitionUri %s is in S3; give a local file or a DefinitionBody", u)
			return nil
		}
		p := t.localPath(u)
		data, err := os.ReadFile(p)
		if err != nil {
			t.errorf(pp+"/DefinitionUri", "cannot read DefinitionUri: %v", err)
			return nil
		}
		var doc map[string]any
		if err := source.UnmarshalYAML(data, &doc); err != nil || doc == nil {
			t.errorf(pp+"/DefinitionUri", "%s is not an OpenAPI document: %v", p, err)
			return nil
		}
		return doc
	default:
		t.errorf(pp+"/DefinitionUri", "DefinitionUri must be a local file path (an S3 location cannot be read locally)")
	}
	return nil
}

// newAPI registers an API being generated.
func (t *translator) newAPI(name, ptr string, http bool, doc map[string]any) *api {
	a := &api{name: name, http: http, doc: doc, ptr: ptr, loc: ptr, authorizers: map[string]bool{}, fromEvents: map[string]bool{}, opPtr: map[string]string{}}
	if a.doc == nil {
		if http {
			a.doc = map[string]any{"openapi": "3.0.1", "info": map[string]any{"title": name, "version": "1.0"},
				"paths": map[string]any{}}
		} else {
			a.doc = map[string]any{"swagger": "2.0", "info": map[string]any{"title": name, "version": "1.0"},
				"paths": map[string]any{}}
		}
	}
	if _, ok := a.doc["paths"].(map[string]any); !ok {
		a.doc["paths"] = map[string]any{}
	}
	t.apis[name] = a
	t.apiOrder = append(t.apiOrder, name)
	return a
}

// samRestAPI reads an AWS::Serverless::Api (or the implicit
// ServerlessRestApi when r is nil).
func (t *translator) samRestAPI(r *cfn.Resource) *api {
	name, ptr, pp := "ServerlessRestApi", "/Globals/Api", "/Globals/Api"
	var props map[string]any
	if r != nil {
		name, ptr, pp, props = r.Name, r.Pointer, r.Pointer+"/Properties", r.Properties
	}
	props = t.globals("Api", props)
	doc := t.definition(props, pp)
	a := t.newAPI(name, ptr, false, doc)
	if _, ok := props["DefinitionBody"]; ok && r != nil {
		a.body = pp + "/DefinitionBody"
	}
	a.managed = doc == nil || t.boolean(props, pp, "MergeDefinitions", false)
	stage := "Prod"
	if r != nil {
		stage = t.str(props, pp, "StageName")
		if stage == "" {
			t.errorf(pp+"/StageName", "AWS::Serverless::Api %s needs a StageName", name)
			stage = "Prod"
		}
	}
	st := config.Stage{Name: stage}
	if vars := t.obj(props, pp, "Variables"); vars != nil {
		st.Variables = map[string]string{}
		for _, k := range keys(vars) {
			st.Variables[k] = t.str(vars, pp+"/Variables", k)
		}
	}
	st.MethodSettings = t.methodSettings(props, pp)
	st.Cache = t.stageCache(props, pp)
	a.stages = []config.Stage{st}
	if bmt := t.strList(props, pp, "BinaryMediaTypes"); len(bmt) > 0 {
		var out []any
		for _, b := range bmt {
			out = append(out, strings.ReplaceAll(b, "~1", "/"))
		}
		a.doc["x-amazon-apigateway-binary-media-types"] = out
	}
	if models := t.obj(props, pp, "Models"); models != nil {
		// SAM writes model names in lower case.
		defs := t.section(a, "definitions", "schemas")
		for _, k := range keys(models) {
			defs[strings.ToLower(k)] = t.clone(models[k])
		}
	}
	if gr := t.obj(props, pp, "GatewayResponses"); gr != nil {
		t.gatewayResponses(a, gr, pp+"/GatewayResponses")
	}
	switch c := props["Cors"].(type) {
	case nil:
	case string:
		a.cors = map[string]any{"AllowOrigin": c}
	case map[string]any:
		a.cors = c
	default:
		t.errorf(pp+"/Cors", "Cors must be an origin string or a mapping")
	}
	if auth := t.obj(props, pp, "Auth"); auth != nil {
		t.restAuth(a, auth, pp+"/Auth")
	}
	if s := t.str(props, pp, "OpenApiVersion"); s != "" && !strings.HasPrefix(s, "3") && !strings.HasPrefix(s, "2") {
		t.errorf(pp+"/OpenApiVersion", "OpenApiVersion must be 2.0 or 3.x, not %q", s)
	}
	t.samDomainOf(a, props, pp)
	for _, k := range []string{"EndpointConfiguration", "AccessLogSetting", "TracingEnabled", "CanarySetting"} {
		if _, ok := props[k]; ok {
			t.note(pp+"/"+k, "API %s: %s is not served locally and is ignored", name, k)
		}
	}
	return a
}

// section returns (creating) the Swagger 2 or OpenAPI 3 map of a kind:
// definitions/securityDefinitions or components.schemas/securitySchemes.
func (t *translator) section(a *api, swagger, oas3 string) map[string]any {
	if _, ok := a.doc["openapi"]; ok {
		comp, _ := a.doc["components"].(map[string]any)
		if comp == nil {
			comp = map[string]any{}
			a.doc["components"] = comp
		}
		m, _ := comp[oas3].(map[string]any)
		if m == nil {
			m = map[string]any{}
			comp[oas3] = m
		}
		return m
	}
	m, _ := a.doc[swagger].(map[string]any)
	if m == nil {
		m = map[string]any{}
		a.doc[swagger] = m
	}
	return m
}

// gatewayResponses writes SAM's GatewayResponses as
// x-amazon-apigateway-gateway-responses.
func (t *translator) gatewayResponses(a *api, gr map[string]any, ptr string) {
	out, _ := a.doc["x-amazon-apigateway-gateway-responses"].(map[string]any)
	if out == nil {
		out = map[string]any{}
		a.doc["x-amazon-apigateway-gateway-responses"] = out
	}
	for _, typ := range keys(gr) {
		m, _ := gr[typ].(map[string]any)
		p := ptr + "/" + typ
		resp := map[string]any{}
		if sc := t.str(m, p, "StatusCode"); sc != "" {
			resp["statusCode"] = sc
		}
		if rp := t.obj(m, p, "ResponseParameters"); rp != nil {
			params := map[string]any{}
			for kind, loc := range map[string]string{"Headers": "header", "Paths": "path", "QueryStrings": "querystring"} {
				vals := t.obj(rp, p+"/ResponseParameters", kind)
				for _, k := range keys(vals) {
					params["gatewayresponse."+loc+"."+k] = t.str(vals, p+"/ResponseParameters/"+kind, k)
				}
			}
			resp["responseParameters"] = params
		}
		if rt := t.obj(m, p, "ResponseTemplates"); rt != nil {
			resp["responseTemplates"] = t.clone(rt)
		}
		out[typ] = resp
	}
}

// restAuth reads a REST API's SAM Auth: authorizers become security
// schemes.
func (t *translator) restAuth(a *api, auth map[string]any, ptr string) {
	a.defaultAuth = t.str(auth, ptr, "DefaultAuthorizer")
	a.apiKeyRequired = t.boolean(auth, ptr, "ApiKeyRequired", false)
	a.authPreflight = t.boolean(auth, ptr, "AddDefaultAuthorizerToCorsPreflight", true)
	a.keyPreflight = t.boolean(auth, ptr, "AddApiKeyRequiredToCorsPreflight", true)
	if up := t.obj(auth, ptr, "UsagePlan"); up != nil {
		a.usagePlan, a.usagePlanPtr = up, ptr+"/UsagePlan"
	}
	if _, ok := auth["ResourcePolicy"]; ok {
		t.note(ptr+"/ResourcePolicy", "API %s: Auth.ResourcePolicy is not translated; write x-amazon-apigateway-policy in the DefinitionBody", a.name)
	}
	schemes := t.section(a, "securityDefinitions", "securitySchemes")
	authorizers := t.obj(auth, ptr, "Authorizers")
	for _, name := range keys(authorizers) {
		m, _ := authorizers[name].(map[string]any)
		p := ptr + "/Authorizers/" + name
		a.authorizers[name] = true
		id := t.obj(m, p, "Identity")
		ip := p + "/Identity"
		header := "Authorization"
		if h := t.str(id, ip, "Header"); h != "" {
			header = h
		}
		if pool, ok := m["UserPoolArn"]; ok {
			var arns []any
			switch x := pool.(type) {
			case []any:
				for _, e := range x {
					s, _ := t.text(e)
					arns = append(arns, s)
				}
			default:
				s, _ := t.text(x)
				arns = append(arns, s)
			}
			az := map[string]any{"type": "cognito_user_pools", "providerARNs": arns}
			if ve := t.str(id, ip, "ValidationExpression"); ve != "" {
				az["identityValidationExpression"] = ve
			}
			schemes[name] = map[string]any{"type": "apiKey", "name": header, "in": "header",
				"x-amazon-apigateway-authtype": "cognito_user_pools", "x-amazon-apigateway-authorizer": az}
			continue
		}
		fnArn, ok := m["FunctionArn"]
		if !ok {
			t.errorf(p, "authorizer %s needs FunctionArn (a Lambda authorizer) or UserPoolArn (Cognito)", name)
			continue
		}
		payload := strings.ToUpper(t.str(m, p, "FunctionPayloadType"))
		az := map[string]any{"authorizerUri": t.lambdaURI(fnArn, p+"/FunctionArn")}
		if ttl, ok := t.num(id, ip, "ReauthorizeEvery"); ok {
			az["authorizerResultTtlInSeconds"] = int(ttl)
		}
		switch payload {
		case "", "TOKEN":
			az["type"] = "token"
			if ve := t.str(id, ip, "ValidationExpression"); ve != "" {
				az["identityValidationExpression"] = ve
			}
			schemes[name] = map[string]any{"type": "apiKey", "name": header, "in": "header",
				"x-amazon-apigateway-authtype": "custom", "x-amazon-apigateway-authorizer": az}
		case "REQUEST":
			az["type"] = "request"
			var src []string
			for kind, prefix := range map[string]string{"Headers": "method.request.header.", "QueryStrings": "method.request.querystring.",
				"StageVariables": "stageVariables.", "Context": "context."} {
				for _, v := range t.strList(id, ip, kind) {
					src = append(src, prefix+v)
				}
			}
			sort.Strings(src)
			az["identitySource"] = strings.Join(src, ", ")
			schemes[name] = map[string]any{"type": "apiKey", "name": "Unused", "in": "header",
				"x-amazon-apigateway-authtype": "custom", "x-amazon-apigateway-authorizer": az}
		default:
			t.errorf(p+"/FunctionPayloadType", "FunctionPayloadType must be TOKEN or REQUEST, not %q", payload)
		}
	}
	if a.defaultAuth != "" && a.defaultAuth != "AWS_IAM" && !a.authorizers[a.defaultAuth] {
		t.errorf(ptr+"/DefaultAuthorizer", "DefaultAuthorizer %q is not one of the Authorizers", a.defaultAuth)
	}
}

// samHTTPAPI reads an AWS::Serverless::HttpApi (or the implicit
// ServerlessHttpApi when r is nil).
func (t *translator) samHTTPAPI(r *cfn.Resource) *api {
	name, ptr, pp := "ServerlessHttpApi", "/Globals/HttpApi", "/Globals/HttpApi"
	var props map[string]any
	if r != nil {
		name, ptr, pp, props = r.Name, r.Pointer, r.Pointer+"/Properties", r.Properties
	}
	props = t.globals("HttpApi", props)
	doc := t.definition(props, pp)
	a := t.newAPI(name, ptr, true, doc)
	if _, ok := props["DefinitionBody"]; ok && r != nil {
		a.body = pp + "/DefinitionBody"
	}
	a.managed = doc == nil || t.boolean(props, pp, "MergeDefinitions", false)
	st := config.Stage{Name: "$default"}
	if s := t.str(props, pp, "StageName"); s != "" {
		st.Name = s
	}
	if vars := t.obj(props, pp, "StageVariables"); vars != nil {
		st.Variables = map[string]string{}
		for _, k := range keys(vars) {
			st.Variables[k] = t.str(vars, pp+"/StageVariables", k)
		}
	}
	if d := t.obj(props, pp, "DefaultRouteSettings"); d != nil {
		rs := t.routeSetting(d, pp+"/DefaultRouteSettings")
		st.DefaultRouteSettings = &rs
	}
	if rs := t.obj(props, pp, "RouteSettings"); rs != nil {
		st.RouteSettings = map[string]config.RouteSetting{}
		for _, k := range keys(rs) {
			m, _ := rs[k].(map[string]any)
			st.RouteSettings[k] = t.routeSetting(m, pp+"/RouteSettings/"+k)
		}
	}
	a.stages = []config.Stage{st}
	switch c := props["CorsConfiguration"].(type) {
	case nil:
	case bool:
		if c {
			a.doc["x-amazon-apigateway-cors"] = map[string]any{"allowOrigins": []any{"*"}, "allowHeaders": []any{"*"}, "allowMethods": []any{"*"}}
		}
	case map[string]any:
		cors := map[string]any{}
		for sam, oas := range map[string]string{"AllowOrigins": "allowOrigins", "AllowHeaders": "allowHeaders", "AllowMethods": "allowMethods", "ExposeHeaders": "exposeHeaders"} {
			if v := t.strList(c, pp+"/CorsConfiguration", sam); v != nil {
				l := make([]any, len(v))
				for i, s := range v {
					l[i] = s
				}
				cors[oas] = l
			}
		}
		if v, ok := t.num(c, pp+"/CorsConfiguration", "MaxAge"); ok {
			cors["maxAge"] = int(v)
		}
		if _, ok := c["AllowCredentials"]; ok {
			cors["allowCredentials"] = t.boolean(c, pp+"/CorsConfiguration", "AllowCredentials", false)
		}
		a.doc["x-amazon-apigateway-cors"] = cors
	default:
		t.errorf(pp+"/CorsConfiguration", "CorsConfiguration must be true or a mapping")
	}
	if auth := t.obj(props, pp, "Auth"); auth != nil {
		t.httpAuth(a, auth, pp+"/Auth")
	}
	t.samDomainOf(a, props, pp)
	for _, k := range []string{"AccessLogSettings", "FailOnWarnings", "DisableExecuteApiEndpoint"} {
		if _, ok := props[k]; ok {
			t.note(pp+"/"+k, "API %s: %s is not served locally and is ignored", name, k)
		}
	}
	return a
}

func (t *translator) routeSetting(m map[string]any, p string) config.RouteSetting {
	var rs config.RouteSetting
	if v, ok := t.num(m, p, "ThrottlingRateLimit"); ok {
		rs.ThrottlingRateLimit = &v
	}
	if v, ok := t.num(m, p, "ThrottlingBurstLimit"); ok {
		b := int(v)
		rs.ThrottlingBurstLimit = &b
	}
	return rs
}

// httpAuth reads an HTTP API's SAM Auth: JWT and Lambda authorizers.
func (t *translator) httpAuth(a *api, auth map[string]any, ptr string) {
	a.defaultAuth = t.str(auth, ptr, "DefaultAuthorizer")
	schemes := t.section(a, "securityDefinitions", "securitySchemes")
	authorizers := t.obj(auth, ptr, "Authorizers")
	for _, name := range keys(authorizers) {
		m, _ := authorizers[name].(map[string]any)
		p := ptr + "/Authorizers/" + name
		a.authorizers[name] = true
		if jc := t.obj(m, p, "JwtConfiguration"); jc != nil {
			src := t.str(m, p, "IdentitySource")
			if src == "" {
				src = "$request.header.Authorization"
			}
			conf := map[string]any{}
			if iss := t.str(jc, p+"/JwtConfiguration", "issuer"); iss != "" {
				conf["issuer"] = iss
			}
			if aud := t.strList(jc, p+"/JwtConfiguration", "audience"); aud != nil {
				l := make([]any, len(aud))
				for i, s := range aud {
					l[i] = s
				}
				conf["audience"] = l
			}
			schemes[name] = map[string]any{"type": "oauth2", "flows": map[string]any{}, "x-amazon-apigateway-authorizer": map[string]any{
				"type": "jwt", "identitySource": src, "jwtConfiguration": conf}}
			continue
		}
		fnArn, ok := m["FunctionArn"]
		if !ok {
			t.errorf(p, "authorizer %s needs JwtConfiguration or FunctionArn", name)
			continue
		}
		az := map[string]any{"type": "request", "authorizerUri": t.lambdaURI(fnArn, p+"/FunctionArn")}
		ver := t.str(m, p, "AuthorizerPayloadFormatVersion")
		if ver == "" {
			t.errorf(p+"/AuthorizerPayloadFormatVersion", "a Lambda authorizer of an HTTP API needs AuthorizerPayloadFormatVersion (1.0 or 2.0)")
			ver = "2.0"
		}
		az["authorizerPayloadFormatVersion"] = ver
		if _, ok := m["EnableSimpleResponses"]; ok {
			az["enableSimpleResponses"] = t.boolean(m, p, "EnableSimpleResponses", false)
		}
		id := t.obj(m, p, "Identity")
		var src []string
		for _, h := range t.strList(id, p+"/Identity", "Headers") {
			src = append(src, "$request.header."+h)
		}
		for _, q := range t.strList(id, p+"/Identity", "QueryStrings") {
			src = append(src, "$request.querystring."+q)
		}
		if len(src) > 0 {
			l := make([]any, len(src))
			for i, s := range src {
				l[i] = s
			}
			az["identitySource"] = l
		}
		if ttl, ok := t.num(id, p+"/Identity", "ReauthorizeEvery"); ok {
			az["authorizerResultTtlInSeconds"] = int(ttl)
		}
		schemes[name] = map[string]any{"type": "apiKey", "name": "Unused", "in": "header", "x-amazon-apigateway-authorizer": az}
	}
	if a.defaultAuth != "" && !a.authorizers[a.defaultAuth] {
		t.errorf(ptr+"/DefaultAuthorizer", "DefaultAuthorizer %q is not one of the Authorizers", a.defaultAuth)
	}
}
