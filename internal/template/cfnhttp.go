package template

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/portico-gw/portico/internal/cfn"
	"github.com/portico-gw/portico/internal/config"
)

// cfnHTTPAPI reads an AWS::ApiGatewayV2::Api of protocol HTTP: its Body,
// or routes from Route resources, or quick create's Target.
func (t *translator) cfnHTTPAPI(r *cfn.Resource) {
	pp := r.Pointer + "/Properties"
	p := r.Properties
	if pt := t.str(p, pp, "ProtocolType"); pt == "WEBSOCKET" {
		t.errorf(pp+"/ProtocolType", "API %s: WebSocket APIs are not served", r.Name)
		return
	}
	var doc map[string]any
	if b := t.obj(p, pp, "Body"); b != nil {
		doc, _ = t.clone(b).(map[string]any)
	} else if _, ok := p["BodyS3Location"]; ok {
		t.errorf(pp+"/BodyS3Location", "API %s: the definition is in S3 (BodyS3Location); inline it as Body", r.Name)
		return
	}
	a := t.newAPI(r.Name, r.Pointer, true, doc)
	if _, ok := p["Body"]; ok {
		a.body = pp + "/Body"
	}
	if target, ok := p["Target"]; ok {
		op, _ := operation(a, "$default", "x-amazon-apigateway-any-method")
		op["x-amazon-apigateway-integration"] = map[string]any{"type": "aws_proxy", "httpMethod": "POST", "uri": t.lambdaURI(target, pp+"/Target"), "payloadFormatVersion": "2.0"}
		a.stages = []config.Stage{{Name: "$default"}}
	}
	if c := t.obj(p, pp, "CorsConfiguration"); c != nil {
		cors := map[string]any{}
		for cf, oas := range map[string]string{"AllowOrigins": "allowOrigins", "AllowHeaders": "allowHeaders", "AllowMethods": "allowMethods", "ExposeHeaders": "exposeHeaders"} {
			if v := t.strList(c, pp+"/CorsConfiguration", cf); v != nil {
				cors[oas] = anyList(v)
			}
		}
		if v, ok := t.num(c, pp+"/CorsConfiguration", "MaxAge"); ok {
			cors["maxAge"] = int(v)
		}
		if _, ok := c["AllowCredentials"]; ok {
			cors["allowCredentials"] = t.boolean(c, pp+"/CorsConfiguration", "AllowCredentials", false)
		}
		a.doc["x-amazon-apigateway-cors"] = cors
	}
}

// httpAPIOf returns the HTTP API a part names in ApiId.
func (t *translator) httpAPIOf(r *cfn.Resource) *api {
	pp := r.Pointer + "/Properties"
	name, _ := t.refName(r.Properties["ApiId"])
	a := t.apis[name]
	if a == nil || !a.http {
		s, _ := t.text(r.Properties["ApiId"])
		t.errorf(pp+"/ApiId", "%s %s: ApiId %s is not an AWS::ApiGatewayV2::Api of this template (an imported or existing API cannot be served locally)", r.Type, r.Name, s)
		return nil
	}
	return a
}

// cfnHTTPParts applies routes, integrations, authorizers and stages.
func (t *translator) cfnHTTPParts(names []string) {
	integrations := map[string]map[string]any{}
	for _, n := range names {
		r := t.stack.Resources[n]
		pp := r.Pointer + "/Properties"
		switch r.Type {
		case "AWS::ApiGatewayV2::Integration":
			if t.httpAPIOf(r) == nil {
				continue
			}
			p := r.Properties
			typ := strings.ToLower(t.str(p, pp, "IntegrationType"))
			in := map[string]any{"type": typ}
			uri := p["IntegrationUri"]
			if typ == "aws_proxy" {
				in["uri"], in["httpMethod"] = t.lambdaURI(uri, pp+"/IntegrationUri"), "POST"
			} else {
				in["uri"], _ = t.text(uri)
				if m := t.str(p, pp, "IntegrationMethod"); m != "" {
					in["httpMethod"] = m
				}
			}
			if v := t.str(p, pp, "PayloadFormatVersion"); v != "" {
				in["payloadFormatVersion"] = v
			} else if typ == "aws_proxy" {
				in["payloadFormatVersion"] = "2.0"
			}
			if ms, ok := t.num(p, pp, "TimeoutInMillis"); ok {
				in["timeoutInMillis"] = int(ms)
			}
			if rp := t.obj(p, pp, "RequestParameters"); rp != nil {
				in["requestParameters"] = t.clone(rp)
			}
			integrations[r.Name] = in
		case "AWS::ApiGatewayV2::Authorizer":
			a := t.httpAPIOf(r)
			if a == nil {
				continue
			}
			p := r.Properties
			az := map[string]any{}
			src := anyList(t.strList(p, pp, "IdentitySource"))
			switch typ := strings.ToUpper(t.str(p, pp, "AuthorizerType")); typ {
			case "JWT":
				jc := t.obj(p, pp, "JwtConfiguration")
				conf := map[string]any{"issuer": t.str(jc, pp+"/JwtConfiguration", "Issuer")}
				if aud := t.strList(jc, pp+"/JwtConfiguration", "Audience"); aud != nil {
					conf["audience"] = anyList(aud)
				}
				az["type"], az["jwtConfiguration"] = "jwt", conf
				if len(src) > 0 {
					az["identitySource"] = src[0]
				}
				t.section(a, "", "securitySchemes")[r.Name] = map[string]any{"type": "oauth2", "flows": map[string]any{}, "x-amazon-apigateway-authorizer": az}
			case "REQUEST":
				az["type"], az["authorizerUri"] = "request", t.lambdaURI(p["AuthorizerUri"], pp+"/AuthorizerUri")
				az["authorizerPayloadFormatVersion"] = t.str(p, pp, "AuthorizerPayloadFormatVersion")
				if _, ok := p["EnableSimpleResponses"]; ok {
					az["enableSimpleResponses"] = t.boolean(p, pp, "EnableSimpleResponses", false)
				}
				if len(src) > 0 {
					az["identitySource"] = src
				}
				if ttl, ok := t.num(p, pp, "AuthorizerResultTtlInSeconds"); ok {
					az["authorizerResultTtlInSeconds"] = int(ttl)
				}
				t.section(a, "", "securitySchemes")[r.Name] = map[string]any{"type": "apiKey", "name": "Unused", "in": "header", "x-amazon-apigateway-authorizer": az}
			default:
				t.errorf(pp+"/AuthorizerType", "authorizer %s: AuthorizerType must be JWT or REQUEST, not %q", r.Name, typ)
				continue
			}
			a.authorizers[r.Name] = true
		}
	}
	for _, n := range names {
		r := t.stack.Resources[n]
		pp := r.Pointer + "/Properties"
		p := r.Properties
		switch r.Type {
		case "AWS::ApiGatewayV2::Route":
			a := t.httpAPIOf(r)
			if a == nil {
				continue
			}
			key := t.str(p, pp, "RouteKey")
			path, method := "$default", "x-amazon-apigateway-any-method"
			if key != "$default" {
				m, pth, ok := strings.Cut(key, " ")
				if !ok {
					t.errorf(pp+"/RouteKey", "route %s: RouteKey must be \"METHOD /path\" or $default, not %q", r.Name, key)
					continue
				}
				path, method = pth, methodKey(m)
			}
			op, exists := operation(a, path, method)
			if exists {
				t.errorf(pp+"/RouteKey", "route %s: %s is defined twice", r.Name, key)
				continue
			}
			a.opPtr[path+" "+method] = r.Pointer
			op["responses"] = okResponse()
			target := t.str(p, pp, "Target")
			id, ok := strings.CutPrefix(target, "integrations/")
			in := integrations[id]
			if !ok || in == nil {
				t.errorf(pp+"/Target", "route %s: Target must be integrations/{an AWS::ApiGatewayV2::Integration of this template}, not %q", r.Name, target)
				continue
			}
			op["x-amazon-apigateway-integration"] = in
			security := []any{}
			switch at := strings.ToUpper(t.str(p, pp, "AuthorizationType")); at {
			case "", "NONE":
			case "JWT", "CUSTOM":
				name, _ := t.refName(p["AuthorizerId"])
				if !a.authorizers[name] {
					t.errorf(pp+"/AuthorizerId", "route %s: AuthorizerId must refer to an AWS::ApiGatewayV2::Authorizer of the same API", r.Name)
					continue
				}
				security = append(security, map[string]any{name: anyList(t.strList(p, pp, "AuthorizationScopes"))})
			case "AWS_IAM":
				t.section(a, "", "securitySchemes")["sigv4"] = map[string]any{"type": "apiKey", "name": "Authorization", "in": "header", "x-amazon-apigateway-authtype": "awsSigv4"}
				security = append(security, map[string]any{"sigv4": []any{}})
			default:
				t.errorf(pp+"/AuthorizationType", "route %s: AuthorizationType must be NONE, JWT, CUSTOM or AWS_IAM", r.Name)
			}
			op["security"] = security
		case "AWS::ApiGatewayV2::Stage":
			a := t.httpAPIOf(r)
			if a == nil {
				continue
			}
			st := config.Stage{Name: t.str(p, pp, "StageName")}
			if vars := t.obj(p, pp, "StageVariables"); vars != nil {
				st.Variables = map[string]string{}
				for _, k := range keys(vars) {
					st.Variables[k] = t.str(vars, pp+"/StageVariables", k)
				}
			}
			if d := t.obj(p, pp, "DefaultRouteSettings"); d != nil {
				rs := t.routeSetting(d, pp+"/DefaultRouteSettings")
				st.DefaultRouteSettings = &rs
			}
			if rs := t.obj(p, pp, "RouteSettings"); rs != nil {
				st.RouteSettings = map[string]config.RouteSetting{}
				for _, k := range keys(rs) {
					m, _ := rs[k].(map[string]any)
					st.RouteSettings[k] = t.routeSetting(m, pp+"/RouteSettings/"+k)
				}
			}
			if !hasStage(a, st.Name) {
				a.stages = append(a.stages, st)
			}
		}
	}
}

// cfnKeysAndPlans reads API keys, usage plans and their links.
func (t *translator) cfnKeysAndPlans(names []string) {
	planIdx := map[string]int{}
	keyName := map[string]string{}
	for _, n := range names {
		r := t.stack.Resources[n]
		pp := r.Pointer + "/Properties"
		p := r.Properties
		switch r.Type {
		case "AWS::ApiGateway::ApiKey":
			k := config.APIKey{Name: r.Name, ID: r.Name, Value: t.str(p, pp, "Value")}
			if name := t.str(p, pp, "Name"); name != "" {
				k.Name = name
			}
			if _, ok := p["Enabled"]; ok {
				e := t.boolean(p, pp, "Enabled", false)
				k.Enabled = &e
			}
			if k.Value == "" {
				k.Value = GeneratedKeyValue(t.stack.StackName, r.Name)
				t.note(r.Pointer, "API key %s has no Value: AWS would generate one; locally it has a derived value (docs/templates.md#api-keys), or give an apiKeys entry named %s in the settings", r.Name, k.Name)
			}
			keyName[r.Name] = k.Name
			t.res.APIKeys = append(t.res.APIKeys, k)
		case "AWS::ApiGateway::UsagePlan":
			plan := config.UsagePlan{Name: r.Name, ID: r.Name}
			if name := t.str(p, pp, "UsagePlanName"); name != "" {
				plan.Name = name
			}
			for i, s := range t.list(p, pp, "ApiStages") {
				m, _ := s.(map[string]any)
				sp := fmt.Sprintf("%s/ApiStages/%d", pp, i)
				apiName, _ := t.refName(m["ApiId"])
				a := t.apis[apiName]
				if a == nil {
					t.errorf(sp+"/ApiId", "usage plan %s: ApiId must refer to a REST API of this template", r.Name)
					continue
				}
				stage := t.str(m, sp, "Stage")
				if sn, ok := t.refName(m["Stage"]); ok {
					if sr := t.stack.Resources[sn]; sr != nil && sr.Type == "AWS::ApiGateway::Stage" {
						stage = t.str(sr.Properties, sr.Pointer+"/Properties", "StageName")
					}
				}
				ps := config.PlanStage{API: t.apiID(a), Stage: stage}
				if th := t.obj(m, sp, "Throttle"); th != nil {
					ps.Throttle = map[string]config.Throttle{}
					for _, k := range keys(th) {
						tm, _ := th[k].(map[string]any)
						rate, _ := t.num(tm, sp+"/Throttle/"+k, "RateLimit")
						burst, _ := t.num(tm, sp+"/Throttle/"+k, "BurstLimit")
						ps.Throttle[k] = config.Throttle{RateLimit: rate, BurstLimit: int(burst)}
					}
				}
				plan.APIStages = append(plan.APIStages, ps)
			}
			full := t.planFrom(p, pp, plan.Name)
			plan.Quota, plan.Throttle = full.Quota, full.Throttle
			planIdx[r.Name] = len(t.res.UsagePlans)
			t.res.UsagePlans = append(t.res.UsagePlans, plan)
		}
	}
	for _, n := range names {
		r := t.stack.Resources[n]
		if r.Type != "AWS::ApiGateway::UsagePlanKey" {
			continue
		}
		pp := r.Pointer + "/Properties"
		kn, _ := t.refName(r.Properties["KeyId"])
		pn, _ := t.refName(r.Properties["UsagePlanId"])
		i, okPlan := planIdx[pn]
		key, okKey := keyName[kn]
		if !okPlan || !okKey {
			t.errorf(pp, "usage plan key %s: KeyId and UsagePlanId must refer to an AWS::ApiGateway::ApiKey and an AWS::ApiGateway::UsagePlan of this template", r.Name)
			continue
		}
		t.res.UsagePlans[i].APIKeys = append(t.res.UsagePlans[i].APIKeys, key)
	}
}

// finish hands an API over as settings: its document as JSON, imported by
// internal/openapi like any definition file.
func (t *translator) finish(a *api) {
	if len(a.stages) == 0 {
		if a.http {
			a.stages = []config.Stage{{Name: "$default"}}
		} else {
			t.errorf(a.ptr, "REST API %s has no stage: add an AWS::ApiGateway::Stage, or a StageName on its AWS::ApiGateway::Deployment", a.name)
			return
		}
	}
	t.renameFunctions(a.doc)
	body, err := json.Marshal(a.doc)
	if err != nil {
		t.errorf(a.ptr, "API %s: cannot encode the generated definition: %v", a.name, err)
		return
	}
	typ := config.APITypeREST
	if a.http {
		typ = config.APITypeHTTP
	}
	api := config.API{ID: t.apiID(a), Type: typ, Stages: a.stages, Body: body, TemplateRoot: true, Definition: t.file + "#" + a.ptr}
	st := t.stack
	if base := a.body; base != "" {
		api.Locate = func(pointer string) (string, int, string) {
			pos := st.Pos(base + pointer)
			return pos.File, pos.Line, base + pointer
		}
	} else {
		// A generated definition: a problem of an operation is located at
		// the event or resource that made it, anything else at the API.
		ops, loc := a.opPtr, a.loc
		api.Locate = func(pointer string) (string, int, string) {
			at := loc
			if rest, ok := strings.CutPrefix(pointer, "/paths/"); ok {
				segs := strings.SplitN(rest, "/", 3)
				if len(segs) >= 2 {
					path := strings.NewReplacer("~1", "/", "~0", "~").Replace(segs[0])
					if p, ok := ops[path+" "+segs[1]]; ok {
						at = p
					}
				}
			}
			pos := st.Pos(at)
			return pos.File, pos.Line, at
		}
	}
	t.res.APIs = append(t.res.APIs, api)
}

// renameFunctions rewrites function ARNs that name a logical id into the
// function's FunctionName, when it has one, so the local function is
// found whichever way the template wrote the ARN.
func (t *translator) renameFunctions(doc any) {
	var pairs []string
	st := t.stack
	names := map[string]string{}
	for id, name := range t.fnNames {
		names[id] = name
	}
	// An alias or version renders as its own logical id: it runs its
	// function.
	for id, r := range st.Resources {
		if r.Type == "AWS::Lambda::Alias" || r.Type == "AWS::Lambda::Version" {
			if fn, ok := t.functionOf(id); ok {
				names[id] = fn
			}
		}
	}
	for _, id := range keys(names) {
		if name := names[id]; id != name {
			pairs = append(pairs, fmt.Sprintf("arn:%s:lambda:%s:%s:function:%s/", st.Partition, st.Region, st.AccountID, id),
				fmt.Sprintf("arn:%s:lambda:%s:%s:function:%s/", st.Partition, st.Region, st.AccountID, name))
		}
	}
	if len(pairs) == 0 {
		return
	}
	rep := strings.NewReplacer(pairs...)
	var walk func(v any) any
	walk = func(v any) any {
		switch x := v.(type) {
		case map[string]any:
			for k, e := range x {
				x[k] = walk(e)
			}
		case []any:
			for i, e := range x {
				x[i] = walk(e)
			}
		case string:
			return rep.Replace(x)
		}
		return v
	}
	walk(doc)
}

// apiID is the API's id: its logical id in lower case (hosts
// {apiId}.execute-api.* are case-insensitive), with "-{n}" for the n-th
// template of the settings after the first.
func (t *translator) apiID(a *api) string {
	id := strings.ToLower(a.name)
	if t.opts.Index > 0 {
		id = fmt.Sprintf("%s-%d", id, t.opts.Index)
	}
	return id
}
