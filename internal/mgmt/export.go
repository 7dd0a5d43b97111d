package mgmt

import (
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strings"

	"go.yaml.in/yaml/v4"

	"github.com/portico-gw/portico/internal/apidef"
)

// exportOpts says which x-amazon-apigateway-* extensions an export writes.
type exportOpts struct {
	integrations, authorizers, apigateway bool
	swagger                               bool
}

// obj is a JSON object under construction.
type obj = map[string]any

// export is GetExport: the stage's deployment as OpenAPI 3 (oas30) or
// Swagger 2 (swagger), JSON unless Accept asks for application/yaml.
func (s *Service) export(r *http.Request) ([]byte, string, string, error) {
	d, _, err := s.get(r.PathValue("api"))
	if err != nil {
		return nil, "", "", err
	}
	st, err := stage(d, r)
	if err != nil {
		return nil, "", "", err
	}
	var o exportOpts
	switch t := r.PathValue("type"); t {
	case "oas30":
	case "swagger":
		o.swagger = true
	default:
		return nil, "", "", badRequest("Invalid export type specified: %s. Valid values are oas30 and swagger", t)
	}
	for _, e := range strings.Split(r.URL.Query().Get("extensions"), ",") {
		switch strings.TrimSpace(e) {
		case "":
		case "integrations":
			o.integrations = true
		case "authorizers":
			o.authorizers = true
		case "apigateway":
			o.integrations, o.authorizers, o.apigateway = true, true, true
		case "postman":
			return nil, "", "", badRequest("The postman extensions are not supported; use integrations, authorizers or apigateway")
		default:
			return nil, "", "", badRequest("Invalid extensions specified: %s. Valid values are integrations, authorizers, apigateway", e)
		}
	}
	dep := d.Deployments[st.DeploymentID]
	if dep == nil || dep.Snapshot == nil {
		return nil, "", "", notFound("Invalid Deployment identifier specified")
	}
	doc := s.openAPI(dep.Snapshot, st.StageName, dep.Deployment, o)
	name := r.PathValue("type") + "_" + dep.CreatedDate.UTC().Format("2006-01-02T15:04:05Z")
	if accept := r.Header.Get("Accept"); strings.Contains(accept, "yaml") {
		b, err := yaml.Marshal(doc)
		if err != nil {
			return nil, "", "", fmt.Errorf("export: %w", err)
		}
		return b, "application/yaml", `attachment; filename="` + name + `.yaml"`, nil
	}
	b, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		return nil, "", "", fmt.Errorf("export: %w", err)
	}
	return b, "application/json", `attachment; filename="` + name + `.json"`, nil
}

// openAPI writes c as an OpenAPI 3.0.1 or Swagger 2.0 document.
func (s *Service) openAPI(c *content, stage string, dep Deployment, o exportOpts) obj {
	info := obj{"title": c.API.Name, "version": c.API.Version}
	if c.API.Version == "" {
		info["version"] = dep.CreatedDate.UTC().Format("2006-01-02T15:04:05Z")
	}
	if c.API.Description != "" {
		info["description"] = c.API.Description
	}
	host := c.API.ID + ".execute-api." + s.region + ".amazonaws.com"
	doc := obj{"info": info}
	schemaRef := "#/components/schemas/"
	if o.swagger {
		schemaRef = "#/definitions/"
		doc["swagger"], doc["host"], doc["basePath"], doc["schemes"] = "2.0", host, "/"+stage, []string{"https"}
	} else {
		doc["openapi"] = "3.0.1"
		doc["servers"] = []obj{{"url": "https://" + host + "/{basePath}", "variables": obj{"basePath": obj{"default": stage}}}}
	}
	schemes := obj{}
	paths := obj{}
	for _, r := range sortedResources(c) {
		if len(r.Methods) == 0 {
			continue
		}
		item := obj{}
		for _, verb := range sortedKeys(r.Methods) {
			key := strings.ToLower(verb)
			if verb == "ANY" {
				key = "x-amazon-apigateway-any-method"
			}
			item[key] = operation(c, r.Methods[verb], schemaRef, schemes, o)
		}
		paths[r.Path] = item
	}
	doc["paths"] = paths
	models := obj{}
	for name, m := range c.Extras.Models {
		var v any
		text := m
		if o.swagger {
			text = strings.ReplaceAll(text, "#/components/schemas/", "#/definitions/")
		} else {
			text = strings.ReplaceAll(text, "#/definitions/", "#/components/schemas/")
		}
		if json.Unmarshal([]byte(text), &v) == nil {
			models[name] = v
		}
	}
	if o.swagger {
		if len(models) > 0 {
			doc["definitions"] = models
		}
		if len(schemes) > 0 {
			doc["securityDefinitions"] = schemes
		}
	} else {
		comp := obj{}
		if len(models) > 0 {
			comp["schemas"] = models
		}
		if len(schemes) > 0 {
			comp["securitySchemes"] = schemes
		}
		if len(comp) > 0 {
			doc["components"] = comp
		}
	}
	if o.apigateway {
		if len(c.API.BinaryMediaTypes) > 0 {
			doc["x-amazon-apigateway-binary-media-types"] = c.API.BinaryMediaTypes
		}
		if c.API.APIKeySource != "" && c.API.APIKeySource != "HEADER" {
			doc["x-amazon-apigateway-api-key-source"] = c.API.APIKeySource
		}
		if m := c.API.MinimumCompressionSize; m != nil {
			doc["x-amazon-apigateway-minimum-compression-size"] = *m
		}
		if c.API.DisableExecuteAPIEndpoint {
			doc["x-amazon-apigateway-endpoint-configuration"] = obj{"disableExecuteApiEndpoint": true}
		}
		var policy any
		if c.API.Policy != "" && json.Unmarshal([]byte(c.API.Policy), &policy) == nil {
			doc["x-amazon-apigateway-policy"] = policy
		}
		if len(c.Extras.Validators) > 0 {
			vs := obj{}
			for _, v := range c.Extras.Validators {
				vs[v.Name] = obj{"validateRequestBody": v.ValidateRequestBody, "validateRequestParameters": v.ValidateRequestParameters}
			}
			doc["x-amazon-apigateway-request-validators"] = vs
		}
		if c.Extras.DefaultValidator != "" {
			doc["x-amazon-apigateway-request-validator"] = c.Extras.DefaultValidator
		}
		if len(c.Extras.GatewayResponses) > 0 {
			grs := obj{}
			for t, gr := range c.Extras.GatewayResponses {
				g := obj{}
				if gr.StatusCode != "" {
					g["statusCode"] = gr.StatusCode
				}
				if len(gr.ResponseParameters) > 0 {
					g["responseParameters"] = gr.ResponseParameters
				}
				if len(gr.ResponseTemplates) > 0 {
					g["responseTemplates"] = gr.ResponseTemplates
				}
				grs[t] = g
			}
			doc["x-amazon-apigateway-gateway-responses"] = grs
		}
	}
	return doc
}

// operation writes one method.
func operation(c *content, m *Method, schemaRef string, schemes obj, o exportOpts) obj {
	op := obj{}
	if m.OperationName != "" {
		op["operationId"] = m.OperationName
	}
	var params []obj
	for _, name := range sortedKeys(m.RequestParameters) {
		rest, _ := strings.CutPrefix(name, "method.request.")
		loc, pname, ok := strings.Cut(rest, ".")
		if !ok {
			continue
		}
		in := map[string]string{"path": "path", "querystring": "query", "multivaluequerystring": "query", "header": "header", "multivalueheader": "header"}[loc]
		if in == "" {
			continue
		}
		p := obj{"name": pname, "in": in, "required": m.RequestParameters[name] || in == "path"}
		if o.swagger {
			p["type"] = "string"
		} else {
			p["schema"] = obj{"type": "string"}
		}
		params = append(params, p)
	}
	if len(m.RequestModels) > 0 {
		cts := sortedKeys(m.RequestModels)
		if o.swagger {
			op["consumes"] = cts
			params = append(params, obj{"in": "body", "name": m.RequestModels[cts[0]], "required": true, "schema": obj{"$ref": schemaRef + m.RequestModels[cts[0]]}})
		} else {
			content := obj{}
			for _, ct := range cts {
				content[ct] = obj{"schema": obj{"$ref": schemaRef + m.RequestModels[ct]}}
			}
			op["requestBody"] = obj{"content": content, "required": true}
		}
	}
	if len(params) > 0 {
		op["parameters"] = params
	}
	responses := obj{}
	var produces []string
	for _, code := range sortedKeys(m.MethodResponses) {
		mr := m.MethodResponses[code]
		resp := obj{"description": code + " response"}
		if len(mr.ResponseParameters) > 0 {
			hs := obj{}
			for h := range mr.ResponseParameters {
				name := strings.TrimPrefix(h, "method.response.header.")
				if o.swagger {
					hs[name] = obj{"type": "string"}
				} else {
					hs[name] = obj{"schema": obj{"type": "string"}}
				}
			}
			resp["headers"] = hs
		}
		if len(mr.ResponseModels) > 0 {
			cts := sortedKeys(mr.ResponseModels)
			if o.swagger {
				resp["schema"] = obj{"$ref": schemaRef + mr.ResponseModels[cts[0]]}
				produces = append(produces, cts...)
			} else {
				content := obj{}
				for _, ct := range cts {
					content[ct] = obj{"schema": obj{"$ref": schemaRef + mr.ResponseModels[ct]}}
				}
				resp["content"] = content
			}
		}
		responses[code] = resp
	}
	if len(produces) > 0 {
		slices.Sort(produces)
		op["produces"] = slices.Compact(produces)
	}
	op["responses"] = responses
	var security []obj
	switch m.AuthorizationType {
	case "AWS_IAM":
		security = append(security, obj{"sigv4": []string{}})
		schemes["sigv4"] = obj{"type": "apiKey", "name": "Authorization", "in": "header", "x-amazon-apigateway-authtype": "awsSigv4"}
	case "CUSTOM", "COGNITO_USER_POOLS":
		if a, ok := c.Extras.Authorizers[m.AuthorizerID]; ok {
			scopes := m.AuthorizationScopes
			if scopes == nil {
				scopes = []string{}
			}
			security = append(security, obj{a.Name: scopes})
			schemes[a.Name] = securityScheme(a, o)
		}
	}
	if m.APIKeyRequired {
		security = append(security, obj{"api_key": []string{}})
		schemes["api_key"] = obj{"type": "apiKey", "name": "x-api-key", "in": "header"}
	}
	if len(security) > 0 {
		op["security"] = security
	}
	if o.apigateway {
		if v, ok := c.Extras.Validators[m.RequestValidatorID]; ok {
			op["x-amazon-apigateway-request-validator"] = v.Name
		}
	}
	if o.integrations && m.Integration != nil {
		op["x-amazon-apigateway-integration"] = integrationExt(m.Integration)
	}
	return op
}

// securityScheme writes an authorizer as a security scheme.
func securityScheme(a apidef.Authorizer, o exportOpts) obj {
	header := "Authorization"
	if h, ok := strings.CutPrefix(a.IdentitySource, "method.request.header."); ok && !strings.Contains(h, ",") {
		header = h
	}
	s := obj{"type": "apiKey", "name": header, "in": "header"}
	if a.Type == apidef.AuthorizerRequest {
		s["name"] = "Unused"
	}
	if !o.authorizers {
		return s
	}
	ext := obj{"type": strings.ToLower(string(a.Type))}
	switch a.Type {
	case apidef.AuthorizerCognito:
		s["x-amazon-apigateway-authtype"] = "cognito_user_pools"
		ext["providerARNs"] = a.ProviderARNs
	default:
		s["x-amazon-apigateway-authtype"] = "custom"
		ext["authorizerUri"] = a.AuthorizerURI
	}
	if a.IdentitySource != "" {
		ext["identitySource"] = a.IdentitySource
	}
	if a.IdentityValidationExpression != "" {
		ext["identityValidationExpression"] = a.IdentityValidationExpression
	}
	if a.ResultTTLSeconds >= 0 {
		ext["authorizerResultTtlInSeconds"] = a.ResultTTLSeconds
	}
	s["x-amazon-apigateway-authorizer"] = ext
	return s
}

// integrationExt writes x-amazon-apigateway-integration.
func integrationExt(i *Integration) obj {
	x := obj{"type": strings.ToLower(i.Type)}
	set := func(k, v string) {
		if v != "" {
			x[k] = v
		}
	}
	set("httpMethod", i.HTTPMethod)
	set("uri", i.URI)
	set("credentials", i.Credentials)
	set("contentHandling", i.ContentHandling)
	set("cacheNamespace", i.CacheNamespace)
	set("passthroughBehavior", strings.ToLower(i.PassthroughBehavior))
	if i.ConnectionType == "VPC_LINK" {
		x["connectionType"], x["connectionId"] = i.ConnectionType, i.ConnectionID
	}
	if i.TimeoutInMillis != defaultTimeout {
		x["timeoutInMillis"] = i.TimeoutInMillis
	}
	if len(i.CacheKeyParameters) > 0 {
		x["cacheKeyParameters"] = i.CacheKeyParameters
	}
	if len(i.RequestParameters) > 0 {
		x["requestParameters"] = i.RequestParameters
	}
	if len(i.RequestTemplates) > 0 {
		x["requestTemplates"] = i.RequestTemplates
	}
	if i.TLSConfig != nil {
		x["tlsConfig"] = obj{"insecureSkipVerification": i.TLSConfig.InsecureSkipVerification}
	}
	if len(i.IntegrationResponses) > 0 {
		rs := obj{}
		for _, code := range slices.Sorted(maps.Keys(i.IntegrationResponses)) {
			ir := i.IntegrationResponses[code]
			r := obj{"statusCode": code}
			if len(ir.ResponseParameters) > 0 {
				r["responseParameters"] = ir.ResponseParameters
			}
			if len(ir.ResponseTemplates) > 0 {
				r["responseTemplates"] = ir.ResponseTemplates
			}
			if ir.ContentHandling != "" {
				r["contentHandling"] = ir.ContentHandling
			}
			key := ir.SelectionPattern
			if key == "" {
				key = "default"
			}
			rs[key] = r
		}
		x["responses"] = rs
	}
	return x
}
