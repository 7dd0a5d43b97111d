package template

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"sort"
	"strings"

	"github.com/portico-gw/portico/internal/cfn"
	"github.com/portico-gw/portico/internal/config"
)

// samEvents adds every Api and HttpApi event of every function to its API,
// creating the implicit ServerlessRestApi and ServerlessHttpApi on first
// use.
func (t *translator) samEvents(names []string) {
	for _, n := range names {
		r := t.stack.Resources[n]
		if r.Type != "AWS::Serverless::Function" {
			continue
		}
		events, _ := r.Properties["Events"].(map[string]any)
		ev := keys(events)
		ep := r.Pointer + "/Properties/Events/"
		sort.SliceStable(ev, func(i, j int) bool {
			return t.stack.Pos(ep+ev[i]).Line < t.stack.Pos(ep+ev[j]).Line
		})
		for _, e := range ev {
			m, _ := events[e].(map[string]any)
			p := ep + e
			props := t.obj(m, p, "Properties")
			switch typ := t.str(m, p, "Type"); typ {
			case "Api":
				if a := t.eventAPI(props, p+"/Properties", "RestApiId", "ServerlessRestApi", false); a != nil && t.managedOrNote(a, r, e, p) {
					t.restEvent(a, r, props, p+"/Properties")
				}
			case "HttpApi":
				if a := t.eventAPI(props, p+"/Properties", "ApiId", "ServerlessHttpApi", true); a != nil && t.managedOrNote(a, r, e, p) {
					t.httpEvent(a, r, props, p+"/Properties")
				}
			default:
				t.note(p+"/Type", "event %s of function %s has type %s, which is not served locally (only Api and HttpApi events are); the function is still invocable through Lambda's Invoke API on the admin listener", e, r.Name, typ)
			}
		}
	}
}

// managedOrNote reports whether events add routes to the API; when they
// do not (a DefinitionBody without MergeDefinitions, as in SAM), the
// event is noted once.
func (t *translator) managedOrNote(a *api, fn *cfn.Resource, event, ptr string) bool {
	if !a.managed {
		t.note(ptr, "event %s of function %s adds no route: API %s has a DefinitionBody, which SAM uses as written unless MergeDefinitions is true", event, fn.Name, a.name)
	}
	return a.managed
}

// eventAPI finds the API an event names, or the implicit one.
func (t *translator) eventAPI(props map[string]any, pp, key, implicit string, http bool) *api {
	v, ok := props[key]
	if !ok {
		if a := t.apis[implicit]; a != nil {
			return a
		}
		var a *api
		if http {
			a = t.samHTTPAPI(nil)
		} else {
			a = t.samRestAPI(nil)
		}
		a.loc = strings.TrimSuffix(pp, "/Properties")
		return a
	}
	name, ok := t.refName(v)
	if a := t.apis[name]; ok && a != nil && a.http == http {
		return a
	}
	want := "AWS::Serverless::Api"
	if http {
		want = "AWS::Serverless::HttpApi"
	}
	t.errorf(pp+"/"+key, "%s must refer to an %s of this template", key, want)
	return nil
}

// operation returns (creating) the operation of a path and method.
func operation(a *api, path, method string) (map[string]any, bool) {
	paths := a.doc["paths"].(map[string]any)
	item, _ := paths[path].(map[string]any)
	if item == nil {
		item = map[string]any{}
		paths[path] = item
	}
	op, ok := item[method].(map[string]any)
	if !ok {
		op = map[string]any{}
		item[method] = op
	}
	return op, ok
}

// methodKey is the OpenAPI key of a SAM method.
func methodKey(m string) string {
	m = strings.ToLower(m)
	if m == "any" || m == "x-amazon-apigateway-any-method" {
		return "x-amazon-apigateway-any-method"
	}
	return m
}

// restEvent adds an Api event.
func (t *translator) restEvent(a *api, fn *cfn.Resource, props map[string]any, pp string) {
	path, method := t.str(props, pp, "Path"), t.str(props, pp, "Method")
	if path == "" || method == "" {
		t.errorf(pp, "an Api event needs Path and Method")
		return
	}
	mk := methodKey(method)
	op, existed := operation(a, path, mk)
	a.fromEvents[path+" "+mk] = true
	a.opPtr[path+" "+mk] = strings.TrimSuffix(pp, "/Properties")
	if !existed {
		pathParameters(a, path, op)
	}
	if _, ok := op["x-amazon-apigateway-integration"]; !ok {
		op["x-amazon-apigateway-integration"] = map[string]any{"type": "aws_proxy", "httpMethod": "POST", "uri": t.integrationURI(t.fnNames[fn.Name])}
	}
	if _, ok := op["responses"]; !ok {
		op["responses"] = okResponse()
	}
	auth := t.obj(props, pp, "Auth")
	ap := pp + "/Auth"
	authorizer := a.defaultAuth
	if s := t.str(auth, ap, "Authorizer"); s != "" {
		authorizer = s
		if s != "NONE" && s != "AWS_IAM" && !a.authorizers[s] {
			t.errorf(ap+"/Authorizer", "authorizer %q is not defined in the Auth of API %s", s, a.name)
		}
	}
	var security []any
	if authorizer != "" && authorizer != "NONE" {
		if authorizer == "AWS_IAM" {
			t.section(a, "securityDefinitions", "securitySchemes")["AWS_IAM"] = map[string]any{"type": "apiKey", "name": "Authorization", "in": "header", "x-amazon-apigateway-authtype": "awsSigv4"}
		}
		security = append(security, map[string]any{authorizer: anyList(t.strList(auth, ap, "AuthorizationScopes"))})
	}
	if t.boolean(auth, ap, "ApiKeyRequired", a.apiKeyRequired) {
		t.section(a, "securityDefinitions", "securitySchemes")["api_key"] = map[string]any{"type": "apiKey", "name": "x-api-key", "in": "header"}
		security = append(security, map[string]any{"api_key": []any{}})
	}
	if _, set := op["security"]; !set && (len(security) > 0 || authorizer == "NONE" || a.defaultAuth != "" || a.apiKeyRequired) {
		op["security"] = append([]any{}, security...)
	}
	t.requestParameters(a, op, props, pp)
	t.requestModel(a, op, props, pp)
}

// pathParameters declares the {name} and {name+} segments of path on a
// generated operation, as OpenAPI requires (SAM leaves them out; API
// Gateway does not need them).
func pathParameters(a *api, path string, op map[string]any) {
	params, _ := op["parameters"].([]any)
	for _, seg := range strings.Split(path, "/") {
		if !strings.HasPrefix(seg, "{") || !strings.HasSuffix(seg, "}") {
			continue
		}
		name := strings.TrimSuffix(strings.Trim(seg, "{}"), "+")
		p := map[string]any{"name": name, "in": "path", "required": true}
		if _, oas3 := a.doc["openapi"]; oas3 {
			p["schema"] = map[string]any{"type": "string"}
		} else {
			p["type"] = "string"
		}
		params = append(params, p)
	}
	if len(params) > 0 {
		op["parameters"] = params
	}
}

// okResponse is the responses object of a generated proxy method (SAM
// writes an empty one, which OpenAPI does not allow).
func okResponse() map[string]any {
	return map[string]any{"200": map[string]any{"description": "200 response"}}
}

// anyList turns strings into a JSON list.
func anyList(s []string) []any {
	out := make([]any, len(s))
	for i, v := range s {
		out[i] = v
	}
	return out
}

// requestParameters adds an event's RequestParameters as parameters.
func (t *translator) requestParameters(a *api, op map[string]any, props map[string]any, pp string) {
	rp := t.list(props, pp, "RequestParameters")
	if rp == nil {
		return
	}
	params, _ := op["parameters"].([]any)
	add := func(p string, required bool, ptr string) {
		rest, ok := strings.CutPrefix(p, "method.request.")
		loc, name, ok2 := strings.Cut(rest, ".")
		in := map[string]string{"header": "header", "querystring": "query", "path": "path"}[loc]
		if !ok || !ok2 || in == "" {
			t.errorf(ptr, "request parameter %q must be method.request.header.NAME, method.request.querystring.NAME or method.request.path.NAME", p)
			return
		}
		param := map[string]any{"name": name, "in": in, "required": required || in == "path"}
		if _, oas3 := a.doc["openapi"]; oas3 {
			param["schema"] = map[string]any{"type": "string"}
		} else {
			param["type"] = "string"
		}
		params = append(params, param)
	}
	for i, e := range rp {
		ptr := fmt.Sprintf("%s/RequestParameters/%d", pp, i)
		switch x := e.(type) {
		case string:
			add(x, false, ptr)
		case map[string]any:
			for _, k := range keys(x) {
				m, _ := x[k].(map[string]any)
				add(k, t.boolean(m, ptr+"/"+k, "Required", false), ptr+"/"+k)
			}
		default:
			t.errorf(ptr, "a request parameter is a name or a mapping of a name to {Required, Caching}")
		}
	}
	// Like SAM, no validator is added: AWS checks required parameters
	// only with one (RequestModel's ValidateParameters adds it).
	op["parameters"] = params
}

// requestModel adds an event's RequestModel as the body parameter.
func (t *translator) requestModel(a *api, op map[string]any, props map[string]any, pp string) {
	rm := t.obj(props, pp, "RequestModel")
	if rm == nil {
		return
	}
	mp := pp + "/RequestModel"
	model := strings.ToLower(t.str(rm, mp, "Model"))
	if model == "" {
		t.errorf(mp+"/Model", "RequestModel needs a Model")
		return
	}
	required := t.boolean(rm, mp, "Required", false)
	if _, oas3 := a.doc["openapi"]; oas3 {
		op["requestBody"] = map[string]any{"required": required, "content": map[string]any{
			"application/json": map[string]any{"schema": map[string]any{"$ref": "#/components/schemas/" + model}}}}
	} else {
		params, _ := op["parameters"].([]any)
		op["parameters"] = append(params, map[string]any{"in": "body", "name": model, "required": required,
			"schema": map[string]any{"$ref": "#/definitions/" + model}})
	}
	// As SAM: a validator only when ValidateBody or ValidateParameters is
	// given (the other then defaults to false).
	_, hasBody := rm["ValidateBody"]
	_, hasParams := rm["ValidateParameters"]
	body := t.boolean(rm, mp, "ValidateBody", false)
	params := t.boolean(rm, mp, "ValidateParameters", false)
	if (hasBody || hasParams) && (body || params) {
		name := map[[2]bool]string{{true, false}: "body-only", {false, true}: "params-only", {true, true}: "body-and-params"}[[2]bool{body, params}]
		t.validator(a, op, name, body, params)
	}
}

// validator declares a request validator and selects it for op.
func (t *translator) validator(a *api, op map[string]any, name string, body, params bool) {
	vs, _ := a.doc["x-amazon-apigateway-request-validators"].(map[string]any)
	if vs == nil {
		vs = map[string]any{}
		a.doc["x-amazon-apigateway-request-validators"] = vs
	}
	if prev, ok := op["x-amazon-apigateway-request-validator"].(string); ok && prev != name {
		name, body, params = "body-and-params", true, true
	}
	vs[name] = map[string]any{"validateRequestBody": body, "validateRequestParameters": params}
	op["x-amazon-apigateway-request-validator"] = name
}

// httpEvent adds an HttpApi event.
func (t *translator) httpEvent(a *api, fn *cfn.Resource, props map[string]any, pp string) {
	path, method := t.str(props, pp, "Path"), t.str(props, pp, "Method")
	if path == "" {
		path, method = "$default", "ANY"
	}
	if method == "" {
		method = "ANY"
	}
	mk := methodKey(method)
	op, existed := operation(a, path, mk)
	a.fromEvents[path+" "+mk] = true
	a.opPtr[path+" "+mk] = strings.TrimSuffix(pp, "/Properties")
	if !existed && path != "$default" {
		pathParameters(a, path, op)
	}
	if _, ok := op["x-amazon-apigateway-integration"]; !ok {
		ver := t.str(props, pp, "PayloadFormatVersion")
		if ver == "" {
			ver = "2.0"
		}
		in := map[string]any{"type": "aws_proxy", "httpMethod": "POST", "uri": t.integrationURI(t.fnNames[fn.Name]), "payloadFormatVersion": ver}
		if ms, ok := t.num(props, pp, "TimeoutInMillis"); ok {
			in["timeoutInMillis"] = int(ms)
		}
		op["x-amazon-apigateway-integration"] = in
	}
	if _, ok := op["responses"]; !ok {
		op["responses"] = okResponse()
	}
	auth := t.obj(props, pp, "Auth")
	ap := pp + "/Auth"
	authorizer := a.defaultAuth
	if s := t.str(auth, ap, "Authorizer"); s != "" {
		authorizer = s
		if s != "NONE" && s != "AWS_IAM" && !a.authorizers[s] {
			t.errorf(ap+"/Authorizer", "authorizer %q is not defined in the Auth of API %s", s, a.name)
		}
	}
	if authorizer == "AWS_IAM" {
		t.section(a, "", "securitySchemes")["AWS_IAM"] = map[string]any{"type": "apiKey", "name": "Authorization", "in": "header", "x-amazon-apigateway-authtype": "awsSigv4"}
	}
	if _, set := op["security"]; !set {
		switch {
		case authorizer != "" && authorizer != "NONE":
			op["security"] = []any{map[string]any{authorizer: anyList(t.strList(auth, ap, "AuthorizationScopes"))}}
		case authorizer == "NONE":
			op["security"] = []any{}
		}
	}
}

// finishAPIs applies API-wide settings to methods of the definition
// body, adds SAM's CORS preflight methods, and hands every API over.
func (t *translator) finishAPIs() {
	for _, name := range t.apiOrder {
		a := t.apis[name]
		if !a.http {
			t.defaultRestAuth(a)
			if a.cors != nil {
				t.restCORS(a)
			}
		} else if a.defaultAuth != "" {
			forEachOp(a, func(path, method string, op map[string]any) {
				if _, set := op["security"]; !set {
					op["security"] = []any{map[string]any{a.defaultAuth: []any{}}}
				}
			})
		}
		t.finish(a)
	}
}

// forEachOp visits every operation in path and method order.
func forEachOp(a *api, f func(path, method string, op map[string]any)) {
	paths := a.doc["paths"].(map[string]any)
	for _, p := range keys(paths) {
		item, _ := paths[p].(map[string]any)
		for _, m := range keys(item) {
			if op, ok := item[m].(map[string]any); ok && isMethod(m) {
				f(p, m, op)
			}
		}
	}
}

func isMethod(m string) bool {
	switch m {
	case "get", "put", "post", "delete", "options", "head", "patch", "x-amazon-apigateway-any-method":
		return true
	}
	return false
}

// defaultRestAuth gives methods of the definition body without security
// the API's default authorizer and key requirement.
func (t *translator) defaultRestAuth(a *api) {
	if a.defaultAuth == "" && !a.apiKeyRequired {
		return
	}
	forEachOp(a, func(path, method string, op map[string]any) {
		// As SAM: a body method with no security, or an empty list, gets
		// the API's defaults; the methods of events already have theirs.
		if sec, _ := op["security"].([]any); len(sec) > 0 || a.fromEvents[path+" "+method] || method == "options" && a.cors != nil {
			return
		}
		var security []any
		if a.defaultAuth != "" {
			security = append(security, map[string]any{a.defaultAuth: []any{}})
		}
		if a.apiKeyRequired {
			t.section(a, "securityDefinitions", "securitySchemes")["api_key"] = map[string]any{"type": "apiKey", "name": "x-api-key", "in": "header"}
			security = append(security, map[string]any{"api_key": []any{}})
		}
		op["security"] = security
	})
}

// restCORS adds SAM's OPTIONS method (a MOCK answering the CORS headers)
// to every path that has none.
func (t *translator) restCORS(a *api) {
	c := a.cors
	ptr := a.ptr + "/Properties/Cors"
	origin := t.str(c, ptr, "AllowOrigin")
	if origin == "" {
		t.errorf(ptr+"/AllowOrigin", "Cors needs AllowOrigin")
		return
	}
	paths := a.doc["paths"].(map[string]any)
	for _, p := range keys(paths) {
		item, _ := paths[p].(map[string]any)
		if _, ok := item["options"]; ok {
			continue
		}
		methods := t.str(c, ptr, "AllowMethods")
		if methods == "" {
			var ms []string
			for m := range item {
				switch {
				case m == "x-amazon-apigateway-any-method":
					ms = append(ms, "DELETE", "GET", "HEAD", "PATCH", "POST", "PUT")
				case isMethod(m):
					ms = append(ms, strings.ToUpper(m))
				}
			}
			ms = append(ms, "OPTIONS")
			sort.Strings(ms)
			ms = compactStrings(ms)
			methods = "'" + strings.Join(ms, ",") + "'"
		}
		params := map[string]any{"method.response.header.Access-Control-Allow-Origin": origin,
			"method.response.header.Access-Control-Allow-Methods": methods}
		headers := map[string]any{"Access-Control-Allow-Origin": map[string]any{"type": "string"},
			"Access-Control-Allow-Methods": map[string]any{"type": "string"}}
		for _, h := range []string{"AllowHeaders", "MaxAge", "AllowCredentials"} {
			v, ok := c[h]
			if !ok {
				continue
			}
			s, _ := t.text(v)
			hn := "Access-Control-" + map[string]string{"AllowHeaders": "Allow-Headers", "MaxAge": "Max-Age", "AllowCredentials": "Allow-Credentials"}[h]
			if h == "AllowCredentials" {
				if s != "true" {
					continue
				}
				s = "'true'"
			}
			params["method.response.header."+hn] = s
			headers[hn] = map[string]any{"type": "string"}
		}
		op := map[string]any{
			"summary":  "CORS support",
			"consumes": []any{"application/json"}, "produces": []any{"application/json"},
			"x-amazon-apigateway-integration": map[string]any{"type": "mock",
				"requestTemplates": map[string]any{"application/json": "{\n  \"statusCode\" : 200\n}\n"},
				"responses": map[string]any{"default": map[string]any{"statusCode": "200", "responseParameters": params,
					"responseTemplates": map[string]any{"application/json": "{}\n"}}}},
			"responses": map[string]any{"200": map[string]any{"description": "Default response for CORS method", "headers": headers}},
		}
		if _, oas3 := a.doc["openapi"]; oas3 {
			delete(op, "consumes")
			delete(op, "produces")
			hs := map[string]any{}
			for k := range headers {
				hs[k] = map[string]any{"schema": map[string]any{"type": "string"}}
			}
			op["responses"] = map[string]any{"200": map[string]any{"description": "Default response for CORS method", "headers": hs}}
		}
		pathParameters(a, p, op)
		security := []any{}
		if a.defaultAuth != "" && a.authPreflight {
			security = append(security, map[string]any{a.defaultAuth: []any{}})
		}
		if a.apiKeyRequired && a.keyPreflight {
			security = append(security, map[string]any{"api_key": []any{}})
		}
		op["security"] = security
		item["options"] = op
	}
}

func compactStrings(s []string) []string {
	out := s[:0]
	for i, v := range s {
		if i == 0 || v != s[i-1] {
			out = append(out, v)
		}
	}
	return out
}

// samUsagePlans creates the usage plans and keys of SAM's Auth.UsagePlan:
// PER_API (one plan and key per API) and SHARED (one for all).
func (t *translator) samUsagePlans() {
	var shared *config.UsagePlan
	for _, name := range t.apiOrder {
		a := t.apis[name]
		up := a.usagePlan
		if up == nil {
			continue
		}
		p := a.usagePlanPtr
		mode := t.str(up, p, "CreateUsagePlan")
		stage := config.PlanStage{API: t.apiID(a), Stage: a.stages[0].Name}
		switch mode {
		case "NONE", "":
			continue
		case "SHARED":
			if shared == nil {
				plan := t.planFrom(up, p, "ServerlessUsagePlan")
				t.res.UsagePlans = append(t.res.UsagePlans, plan)
				shared = &t.res.UsagePlans[len(t.res.UsagePlans)-1]
				t.addKey(shared, "ServerlessApiKey", p)
			}
			shared.APIStages = append(shared.APIStages, stage)
		case "PER_API":
			plan := t.planFrom(up, p, a.name+"UsagePlan")
			plan.APIStages = []config.PlanStage{stage}
			t.res.UsagePlans = append(t.res.UsagePlans, plan)
			t.addKey(&t.res.UsagePlans[len(t.res.UsagePlans)-1], a.name+"ApiKey", p)
		default:
			t.errorf(p+"/CreateUsagePlan", "CreateUsagePlan must be PER_API, SHARED or NONE, not %q", mode)
		}
	}
}

// planFrom reads Quota and Throttle.
func (t *translator) planFrom(up map[string]any, p, name string) config.UsagePlan {
	plan := config.UsagePlan{Name: name, ID: name}
	if n := t.str(up, p, "UsagePlanName"); n != "" {
		plan.Name = n
	}
	if q := t.obj(up, p, "Quota"); q != nil {
		limit, _ := t.num(q, p+"/Quota", "Limit")
		plan.Quota = &config.Quota{Limit: int64(limit), Period: t.str(q, p+"/Quota", "Period")}
		if off, ok := t.num(q, p+"/Quota", "Offset"); ok && off != 0 {
			t.note(p+"/Quota/Offset", "usage plan %s: the quota Offset is not applied locally", name)
		}
	}
	if th := t.obj(up, p, "Throttle"); th != nil {
		rate, _ := t.num(th, p+"/Throttle", "RateLimit")
		burst, _ := t.num(th, p+"/Throttle", "BurstLimit")
		plan.Throttle = &config.Throttle{RateLimit: rate, BurstLimit: int(burst)}
	}
	return plan
}

// addKey creates the API key SAM creates with a plan. AWS generates its
// value; Portico derives a stable one from the stack and the key's logical
// id, printed at start (see docs/templates.md#api-keys).
func (t *translator) addKey(plan *config.UsagePlan, name, p string) {
	value := GeneratedKeyValue(t.stack.StackName, name)
	t.res.APIKeys = append(t.res.APIKeys, config.APIKey{Name: name, ID: name, Value: value})
	plan.APIKeys = append(plan.APIKeys, name)
	t.note(p, "API key %s (created by usage plan %s) has a generated value (docs/templates.md#api-keys); to choose it, add an apiKeys entry named %s in a settings file", name, plan.Name, name)
}

// GeneratedKeyValue is the local value of an API key whose value AWS
// would generate: "portico-" and 32 hex digits of SHA-256 over the stack
// name and the key's logical id.
func GeneratedKeyValue(stack, logicalID string) string {
	sum := sha256.Sum256([]byte(stack + "/" + logicalID))
	return "portico-" + hex.EncodeToString(sum[:16])
}
