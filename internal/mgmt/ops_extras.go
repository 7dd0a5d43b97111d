package mgmt

import (
	"encoding/json"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/portico-gw/portico/internal/apidef"
	"github.com/portico-gw/portico/internal/fault"
)

// AuthorizerInfo is what the Authorizer shape has beyond apidef's
// authorizer: recorded and returned only.
type AuthorizerInfo struct {
	Credentials string `json:"credentials,omitempty"`
	AuthType    string `json:"authType,omitempty"`
}

// ModelInfo is what the Model shape has beyond its schema.
type ModelInfo struct {
	ID          string `json:"id"`
	Description string `json:"description,omitempty"`
	ContentType string `json:"contentType,omitempty"`
}

// AuthorizerOut is the Authorizer shape.
type AuthorizerOut struct {
	ID                           string   `json:"id"`
	Name                         string   `json:"name"`
	Type                         string   `json:"type"`
	ProviderARNs                 []string `json:"providerARNs,omitempty"`
	AuthType                     string   `json:"authType,omitempty"`
	AuthorizerURI                string   `json:"authorizerUri,omitempty"`
	AuthorizerCredentials        string   `json:"authorizerCredentials,omitempty"`
	IdentitySource               string   `json:"identitySource,omitempty"`
	IdentityValidationExpression string   `json:"identityValidationExpression,omitempty"`
	AuthorizerResultTTLInSeconds *int     `json:"authorizerResultTtlInSeconds,omitempty"`
}

// authorizerInput is CreateAuthorizer's body.
type authorizerInput struct {
	Name                         string   `json:"name"`
	Type                         string   `json:"type"`
	ProviderARNs                 []string `json:"providerARNs"`
	AuthType                     string   `json:"authType"`
	AuthorizerURI                string   `json:"authorizerUri"`
	AuthorizerCredentials        string   `json:"authorizerCredentials"`
	IdentitySource               string   `json:"identitySource"`
	IdentityValidationExpression string   `json:"identityValidationExpression"`
	AuthorizerResultTTLInSeconds *int     `json:"authorizerResultTtlInSeconds"`
}

var (
	authorizerURIRe = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile(`^arn:aws(-[a-z]+)*:apigateway:[^:]+:lambda:path/2015-03-31/functions/.+/invocations$`)
	})
	requestSourceRe = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile(`^(method\.request\.(header|querystring)\.[^,\s]+|stageVariables\.[^,\s]+|context\.[^,\s]+)$`)
	})
	modelNameRe = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[A-Za-z0-9]+$`) })
)

func authorizerView(id string, a apidef.Authorizer, info AuthorizerInfo) AuthorizerOut {
	out := AuthorizerOut{ID: id, Name: a.Name, Type: string(a.Type), ProviderARNs: a.ProviderARNs, AuthType: info.AuthType,
		AuthorizerURI: a.AuthorizerURI, AuthorizerCredentials: info.Credentials, IdentitySource: a.IdentitySource,
		IdentityValidationExpression: a.IdentityValidationExpression}
	ttl := a.ResultTTLSeconds
	if ttl < 0 {
		ttl = 300
	}
	out.AuthorizerResultTTLInSeconds = &ttl
	return out
}

// checkAuthorizer validates an authorizer as the importer does.
func checkAuthorizer(a *apidef.Authorizer) error {
	if strings.TrimSpace(a.Name) == "" {
		return badRequest("Invalid authorizer name specified: the name is required")
	}
	switch a.Type {
	case apidef.AuthorizerToken, apidef.AuthorizerRequest:
		if !authorizerURIRe().MatchString(a.AuthorizerURI) {
			return badRequest("Invalid Authorizer URI specified: it must be arn:aws:apigateway:{region}:lambda:path/2015-03-31/functions/{functionArn}/invocations")
		}
	case apidef.AuthorizerCognito:
		if len(a.ProviderARNs) == 0 {
			return badRequest("Invalid providerARNs specified: a COGNITO_USER_POOLS authorizer needs at least one user pool ARN")
		}
	default:
		return validationError(string(a.Type), "type", "Member must satisfy enum value set: [TOKEN, REQUEST, COGNITO_USER_POOLS]")
	}
	if a.Type == apidef.AuthorizerToken || a.Type == apidef.AuthorizerCognito {
		if !strings.HasPrefix(a.IdentitySource, "method.request.header.") || len(a.IdentitySource) == len("method.request.header.") || strings.Contains(a.IdentitySource, ",") {
			return badRequest("Invalid identity source specified: a %s authorizer needs one header, such as method.request.header.Authorization", a.Type)
		}
	}
	if a.Type == apidef.AuthorizerRequest {
		if strings.TrimSpace(a.IdentitySource) == "" && a.ResultTTLSeconds != 0 {
			return badRequest("Invalid identity source specified: a REQUEST authorizer with caching on needs an identity source")
		}
		if a.IdentitySource != "" {
			for src := range strings.SplitSeq(a.IdentitySource, ",") {
				if !requestSourceRe().MatchString(strings.TrimSpace(src)) {
					return badRequest("Invalid identity source specified: %s", strings.TrimSpace(src))
				}
			}
		}
	}
	if a.IdentityValidationExpression != "" {
		if _, err := regexp.Compile(a.IdentityValidationExpression); err != nil {
			return badRequest("Invalid identity validation expression specified: %v", err)
		}
	}
	if a.ResultTTLSeconds > 3600 {
		return badRequest("Invalid authorizerResultTtlInSeconds %d: it must be from 0 to 3600", a.ResultTTLSeconds)
	}
	return nil
}

func (d *document) authorizerNameTaken(name, except string) bool {
	for id, a := range d.Extras.Authorizers {
		if a.Name == name && id != except {
			return true
		}
	}
	return false
}

func (s *Service) createAuthorizer(r *http.Request) (int, any, error) {
	var in authorizerInput
	if err := decode(r, &in); err != nil {
		return 0, nil, err
	}
	a := apidef.Authorizer{Name: in.Name, Type: apidef.AuthorizerType(in.Type), AuthorizerURI: in.AuthorizerURI, IdentitySource: in.IdentitySource,
		IdentityValidationExpression: in.IdentityValidationExpression, ProviderARNs: in.ProviderARNs, ResultTTLSeconds: 300}
	if in.AuthorizerResultTTLInSeconds != nil {
		if *in.AuthorizerResultTTLInSeconds < 0 {
			return 0, nil, badRequest("Invalid authorizerResultTtlInSeconds %d: it must be from 0 to 3600", *in.AuthorizerResultTTLInSeconds)
		}
		a.ResultTTLSeconds = *in.AuthorizerResultTTLInSeconds
	}
	if err := checkAuthorizer(&a); err != nil {
		return 0, nil, err
	}
	info := AuthorizerInfo{Credentials: in.AuthorizerCredentials, AuthType: in.AuthType}
	var out AuthorizerOut
	err := s.change(r.Context(), r.PathValue("api"), false, func(d *document) error {
		if d.authorizerNameTaken(a.Name, "") {
			return conflict("Authorizer name already exists for this REST API: %s", a.Name)
		}
		id := newID()
		if d.Extras.Authorizers == nil {
			d.Extras.Authorizers = map[string]apidef.Authorizer{}
		}
		if d.Extras.AuthorizerInfo == nil {
			d.Extras.AuthorizerInfo = map[string]AuthorizerInfo{}
		}
		d.Extras.Authorizers[id], d.Extras.AuthorizerInfo[id] = a, info
		out = authorizerView(id, a, info)
		return nil
	})
	return http.StatusCreated, out, err
}

func authorizerOf(d *document, id string) (apidef.Authorizer, error) {
	a, ok := d.Extras.Authorizers[id]
	if !ok {
		return a, notFound("Invalid Authorizer identifier specified")
	}
	return a, nil
}

func (s *Service) getAuthorizer(r *http.Request) (int, any, error) {
	d, _, err := s.get(r.PathValue("api"))
	if err != nil {
		return 0, nil, err
	}
	id := r.PathValue("id")
	a, err := authorizerOf(d, id)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, authorizerView(id, a, d.Extras.AuthorizerInfo[id]), nil
}

func (s *Service) listAuthorizers(r *http.Request) (int, any, error) {
	d, _, err := s.get(r.PathValue("api"))
	if err != nil {
		return 0, nil, err
	}
	var items []AuthorizerOut
	for id, a := range d.Extras.Authorizers {
		items = append(items, authorizerView(id, a, d.Extras.AuthorizerInfo[id]))
	}
	out, err := paginate(r, items, func(a AuthorizerOut) string { return a.ID })
	return http.StatusOK, out, err
}

// authorizerPaths are UpdateAuthorizer's patch paths.
const authorizerPaths = "/name, /type, /authorizerUri, /authorizerCredentials, /identitySource, /identityValidationExpression, /authorizerResultTtlInSeconds, /authType, /providerARNs/{arn}"

func (s *Service) updateAuthorizer(r *http.Request) (int, any, error) {
	ops, err := readPatch(r)
	if err != nil {
		return 0, nil, err
	}
	id := r.PathValue("id")
	var out AuthorizerOut
	err = s.change(r.Context(), r.PathValue("api"), false, func(d *document) error {
		a, err := authorizerOf(d, id)
		if err != nil {
			return err
		}
		info := d.Extras.AuthorizerInfo[id]
		for _, p := range ops {
			if arn, ok := p.under("/providerARNs"); ok {
				switch p.Op {
				case "add":
					if !slices.Contains(a.ProviderARNs, arn) {
						a.ProviderARNs = append(a.ProviderARNs, arn)
					}
				case "remove":
					a.ProviderARNs = slices.DeleteFunc(slices.Clone(a.ProviderARNs), func(x string) bool { return x == arn })
				default:
					return invalidPath(p, authorizerPaths)
				}
				continue
			}
			if p.Op != "replace" {
				return invalidPath(p, authorizerPaths)
			}
			switch p.Path {
			case "/name":
				a.Name = p.value()
			case "/type":
				a.Type = apidef.AuthorizerType(p.value())
			case "/authorizerUri":
				a.AuthorizerURI = p.value()
			case "/authorizerCredentials":
				info.Credentials = p.value()
			case "/identitySource":
				a.IdentitySource = p.value()
			case "/identityValidationExpression":
				a.IdentityValidationExpression = p.value()
			case "/authType":
				info.AuthType = p.value()
			case "/authorizerResultTtlInSeconds":
				n, err := parseInt(p, 0, 3600)
				if err != nil {
					return err
				}
				a.ResultTTLSeconds = n
			default:
				return invalidPath(p, authorizerPaths)
			}
		}
		if err := checkAuthorizer(&a); err != nil {
			return err
		}
		if d.authorizerNameTaken(a.Name, id) {
			return conflict("Authorizer name already exists for this REST API: %s", a.Name)
		}
		// A method's authorization type must still match its authorizer.
		for _, res := range sortedResources(&d.content) {
			for _, verb := range sortedKeys(res.Methods) {
				if m := res.Methods[verb]; m.AuthorizerID == id && (m.AuthorizationType == "CUSTOM") != (a.Type != apidef.AuthorizerCognito) {
					return badRequest("Authorizer %s is used by method %s %s with authorizationType %s; its type cannot become %s", id, verb, res.Path, m.AuthorizationType, a.Type)
				}
			}
		}
		if d.Extras.AuthorizerInfo == nil {
			d.Extras.AuthorizerInfo = map[string]AuthorizerInfo{}
		}
		d.Extras.Authorizers[id], d.Extras.AuthorizerInfo[id] = a, info
		out = authorizerView(id, a, info)
		return nil
	})
	return http.StatusOK, out, err
}

// usedBy names the methods that satisfy use, as AWS's messages write
// them: "/{path}/{METHOD}" with the root as "//ANY".
func usedBy(d *document, use func(m *Method) bool) []string {
	var out []string
	for _, res := range sortedResources(&d.content) {
		for _, verb := range sortedKeys(res.Methods) {
			if use(res.Methods[verb]) {
				out = append(out, res.Path+"/"+verb)
			}
		}
	}
	return out
}

func (s *Service) deleteAuthorizer(r *http.Request) (int, any, error) {
	id := r.PathValue("id")
	err := s.change(r.Context(), r.PathValue("api"), false, func(d *document) error {
		a, err := authorizerOf(d, id)
		if err != nil {
			return err
		}
		if used := usedBy(d, func(m *Method) bool { return m.AuthorizerID == id }); len(used) > 0 {
			return conflict("Cannot delete authorizer '%s', is referenced in method: %s", a.Name, strings.Join(used, ", "))
		}
		delete(d.Extras.Authorizers, id)
		delete(d.Extras.AuthorizerInfo, id)
		return nil
	})
	return http.StatusAccepted, nil, err
}

// ValidatorOut is the RequestValidator shape.
type ValidatorOut struct {
	ID                        string `json:"id"`
	Name                      string `json:"name"`
	ValidateRequestBody       bool   `json:"validateRequestBody"`
	ValidateRequestParameters bool   `json:"validateRequestParameters"`
}

func validatorView(id string, v Validator) ValidatorOut {
	return ValidatorOut{ID: id, Name: v.Name, ValidateRequestBody: v.ValidateRequestBody, ValidateRequestParameters: v.ValidateRequestParameters}
}

func (d *document) validatorNameTaken(name, except string) bool {
	for id, v := range d.Extras.Validators {
		if v.Name == name && id != except {
			return true
		}
	}
	return false
}

func (s *Service) createValidator(r *http.Request) (int, any, error) {
	var in struct {
		Name                      string `json:"name"`
		ValidateRequestBody       bool   `json:"validateRequestBody"`
		ValidateRequestParameters bool   `json:"validateRequestParameters"`
	}
	if err := decode(r, &in); err != nil {
		return 0, nil, err
	}
	if strings.TrimSpace(in.Name) == "" {
		return 0, nil, badRequest("Request Validator name cannot be blank")
	}
	var out ValidatorOut
	err := s.change(r.Context(), r.PathValue("api"), false, func(d *document) error {
		if d.validatorNameTaken(in.Name, "") {
			return conflict("Request Validator name already exists for this REST API: %s", in.Name)
		}
		if d.Extras.Validators == nil {
			d.Extras.Validators = map[string]Validator{}
		}
		v := Validator{Name: in.Name}
		v.ValidateRequestBody, v.ValidateRequestParameters = in.ValidateRequestBody, in.ValidateRequestParameters
		id := newID()
		d.Extras.Validators[id] = v
		out = validatorView(id, v)
		return nil
	})
	return http.StatusCreated, out, err
}

func validatorOf(d *document, id string) (Validator, error) {
	v, ok := d.Extras.Validators[id]
	if !ok {
		return v, notFound("Invalid Request Validator identifier specified")
	}
	return v, nil
}

func (s *Service) getValidator(r *http.Request) (int, any, error) {
	d, _, err := s.get(r.PathValue("api"))
	if err != nil {
		return 0, nil, err
	}
	v, err := validatorOf(d, r.PathValue("id"))
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, validatorView(r.PathValue("id"), v), nil
}

func (s *Service) listValidators(r *http.Request) (int, any, error) {
	d, _, err := s.get(r.PathValue("api"))
	if err != nil {
		return 0, nil, err
	}
	var items []ValidatorOut
	for id, v := range d.Extras.Validators {
		items = append(items, validatorView(id, v))
	}
	out, err := paginate(r, items, func(v ValidatorOut) string { return v.ID })
	return http.StatusOK, out, err
}

func (s *Service) updateValidator(r *http.Request) (int, any, error) {
	ops, err := readPatch(r)
	if err != nil {
		return 0, nil, err
	}
	id := r.PathValue("id")
	var out ValidatorOut
	err = s.change(r.Context(), r.PathValue("api"), false, func(d *document) error {
		v, err := validatorOf(d, id)
		if err != nil {
			return err
		}
		for _, p := range ops {
			const paths = "/name, /validateRequestParameters, /validateRequestBody"
			if p.Op != "replace" {
				return invalidPath(p, paths)
			}
			switch p.Path {
			case "/name":
				if strings.TrimSpace(p.value()) == "" {
					return badRequest("Request Validator name cannot be blank")
				}
				if d.validatorNameTaken(p.value(), id) {
					return conflict("Request Validator name already exists for this REST API: %s", p.value())
				}
				if d.Extras.DefaultValidator == v.Name {
					d.Extras.DefaultValidator = p.value()
				}
				v.Name = p.value()
			case "/validateRequestParameters", "/validateRequestBody":
				b, err := parseBool(p)
				if err != nil {
					return err
				}
				if p.Path == "/validateRequestBody" {
					v.ValidateRequestBody = b
				} else {
					v.ValidateRequestParameters = b
				}
			default:
				return invalidPath(p, paths)
			}
		}
		d.Extras.Validators[id] = v
		out = validatorView(id, v)
		return nil
	})
	return http.StatusOK, out, err
}

func (s *Service) deleteValidator(r *http.Request) (int, any, error) {
	id := r.PathValue("id")
	err := s.change(r.Context(), r.PathValue("api"), false, func(d *document) error {
		v, err := validatorOf(d, id)
		if err != nil {
			return err
		}
		if used := usedBy(d, func(m *Method) bool { return m.RequestValidatorID == id }); len(used) > 0 {
			return conflict("Cannot delete request validator '%s', is referenced in method: %s", v.Name, strings.Join(used, ", "))
		}
		if d.Extras.DefaultValidator == v.Name {
			d.Extras.DefaultValidator = ""
		}
		delete(d.Extras.Validators, id)
		return nil
	})
	return http.StatusAccepted, nil, err
}

// ModelOut is the Model shape.
type ModelOut struct {
	ID          string `json:"id"`
	Name        string `json:"name"`
	Description string `json:"description,omitempty"`
	Schema      string `json:"schema,omitempty"`
	ContentType string `json:"contentType,omitempty"`
}

func modelView(d *document, name string, withSchema bool) ModelOut {
	info := d.Extras.ModelInfo[name]
	id := info.ID
	if id == "" {
		id = stableID(d.API.ID)("model:" + name) // an imported model without a recorded id
	}
	out := ModelOut{ID: id, Name: name, Description: info.Description, ContentType: info.ContentType}
	if out.ContentType == "" {
		out.ContentType = "application/json"
	}
	if withSchema {
		out.Schema = d.Extras.Models[name]
	}
	return out
}

// checkSchema refuses a schema that is not a JSON object.
func checkSchema(schema string) error {
	var v map[string]any
	if err := json.Unmarshal([]byte(schema), &v); err != nil {
		return badRequest("Invalid model specified: Validation Result: warnings : [], errors : [Invalid model schema specified. The schema must be a JSON object: %v]", err)
	}
	return nil
}

func (s *Service) createModel(r *http.Request) (int, any, error) {
	var in struct {
		Name        string `json:"name"`
		Description string `json:"description"`
		Schema      string `json:"schema"`
		ContentType string `json:"contentType"`
	}
	if err := decode(r, &in); err != nil {
		return 0, nil, err
	}
	if !modelNameRe().MatchString(in.Name) {
		return 0, nil, badRequest("Model name must be non-empty and alphanumeric")
	}
	if in.ContentType == "" {
		return 0, nil, badRequest("Invalid content type specified: contentType is required")
	}
	if in.Schema != "" {
		if err := checkSchema(in.Schema); err != nil {
			return 0, nil, err
		}
	}
	var out ModelOut
	err := s.change(r.Context(), r.PathValue("api"), false, func(d *document) error {
		if _, ok := d.Extras.Models[in.Name]; ok {
			return conflict("Model name already exists for this REST API")
		}
		if d.Extras.Models == nil {
			d.Extras.Models = map[string]string{}
		}
		if d.Extras.ModelInfo == nil {
			d.Extras.ModelInfo = map[string]ModelInfo{}
		}
		d.Extras.Models[in.Name] = in.Schema
		d.Extras.ModelInfo[in.Name] = ModelInfo{ID: newID(), Description: in.Description, ContentType: in.ContentType}
		out = modelView(d, in.Name, true)
		return nil
	})
	return http.StatusCreated, out, err
}

func modelOf(d *document, name string) error {
	if _, ok := d.Extras.Models[name]; !ok {
		return notFound("Invalid model name specified: %s", name)
	}
	return nil
}

func (s *Service) getModel(r *http.Request) (int, any, error) {
	d, _, err := s.get(r.PathValue("api"))
	if err != nil {
		return 0, nil, err
	}
	if err := modelOf(d, r.PathValue("name")); err != nil {
		return 0, nil, err
	}
	return http.StatusOK, modelView(d, r.PathValue("name"), true), nil
}

func (s *Service) listModels(r *http.Request) (int, any, error) {
	d, _, err := s.get(r.PathValue("api"))
	if err != nil {
		return 0, nil, err
	}
	var items []ModelOut
	for name := range d.Extras.Models {
		items = append(items, modelView(d, name, true))
	}
	out, err := paginate(r, items, func(m ModelOut) string { return m.Name })
	return http.StatusOK, out, err
}

func (s *Service) updateModel(r *http.Request) (int, any, error) {
	ops, err := readPatch(r)
	if err != nil {
		return 0, nil, err
	}
	name := r.PathValue("name")
	var out ModelOut
	err = s.change(r.Context(), r.PathValue("api"), false, func(d *document) error {
		if err := modelOf(d, name); err != nil {
			return err
		}
		info := d.Extras.ModelInfo[name]
		if info.ID == "" {
			info.ID = modelView(d, name, false).ID
		}
		for _, p := range ops {
			if p.Op != "replace" {
				return invalidPath(p, "/schema, /description")
			}
			switch p.Path {
			case "/schema":
				if err := checkSchema(p.value()); err != nil {
					return err
				}
				d.Extras.Models[name] = p.value()
			case "/description":
				info.Description = p.value()
			default:
				return invalidPath(p, "/schema, /description")
			}
		}
		if d.Extras.ModelInfo == nil {
			d.Extras.ModelInfo = map[string]ModelInfo{}
		}
		d.Extras.ModelInfo[name] = info
		out = modelView(d, name, true)
		return nil
	})
	return http.StatusOK, out, err
}

func (s *Service) deleteModel(r *http.Request) (int, any, error) {
	name := r.PathValue("name")
	err := s.change(r.Context(), r.PathValue("api"), false, func(d *document) error {
		if err := modelOf(d, name); err != nil {
			return err
		}
		used := usedBy(d, func(m *Method) bool {
			for _, v := range m.RequestModels {
				if v == name {
					return true
				}
			}
			return false
		})
		if len(used) > 0 {
			return conflict("Cannot delete model '%s', is referenced in method request: %s", name, used[0])
		}
		delete(d.Extras.Models, name)
		delete(d.Extras.ModelInfo, name)
		return nil
	})
	return http.StatusAccepted, nil, err
}

// GatewayResponseOut is the GatewayResponse shape.
type GatewayResponseOut struct {
	ResponseType       string            `json:"responseType"`
	StatusCode         string            `json:"statusCode,omitempty"`
	ResponseParameters map[string]string `json:"responseParameters"`
	ResponseTemplates  map[string]string `json:"responseTemplates"`
	DefaultResponse    bool              `json:"defaultResponse"`
}

// defaultTemplate is every default gateway response's one template.
const defaultTemplate = `{"message":$context.error.messageString}`

func gatewayResponseView(d *document, t fault.ResponseType) GatewayResponseOut {
	if gr, ok := d.Extras.GatewayResponses[string(t)]; ok {
		out := GatewayResponseOut{ResponseType: string(t), StatusCode: gr.StatusCode, ResponseParameters: gr.ResponseParameters,
			ResponseTemplates: gr.ResponseTemplates}
		if out.ResponseParameters == nil {
			out.ResponseParameters = map[string]string{}
		}
		if out.ResponseTemplates == nil {
			out.ResponseTemplates = map[string]string{}
		}
		return out
	}
	out := GatewayResponseOut{ResponseType: string(t), ResponseParameters: map[string]string{},
		ResponseTemplates: map[string]string{"application/json": defaultTemplate}, DefaultResponse: true}
	if t != fault.Default4XX && t != fault.Default5XX {
		out.StatusCode = strconv.Itoa(t.DefaultStatus())
	}
	return out
}

// responseType reads and checks the {type} path segment.
func responseType(r *http.Request) (fault.ResponseType, error) {
	t := fault.ResponseType(r.PathValue("type"))
	if !t.IsValid() {
		names := make([]string, 0, 21)
		for _, x := range fault.All() {
			names = append(names, string(x))
		}
		return "", validationError(string(t), "responseType", "Member must satisfy enum value set: ["+strings.Join(names, ", ")+"]")
	}
	return t, nil
}

func (s *Service) putGatewayResponse(r *http.Request) (int, any, error) {
	t, err := responseType(r)
	if err != nil {
		return 0, nil, err
	}
	var in struct {
		StatusCode         string            `json:"statusCode"`
		ResponseParameters map[string]string `json:"responseParameters"`
		ResponseTemplates  map[string]string `json:"responseTemplates"`
	}
	if err := decode(r, &in); err != nil {
		return 0, nil, err
	}
	if in.StatusCode != "" && !statusRe().MatchString(in.StatusCode) {
		return 0, nil, badRequest("Invalid status code specified: %s", in.StatusCode)
	}
	var out GatewayResponseOut
	err = s.change(r.Context(), r.PathValue("api"), false, func(d *document) error {
		if d.Extras.GatewayResponses == nil {
			d.Extras.GatewayResponses = map[string]apidef.GatewayResponse{}
		}
		d.Extras.GatewayResponses[string(t)] = apidef.GatewayResponse{StatusCode: in.StatusCode, ResponseParameters: in.ResponseParameters, ResponseTemplates: in.ResponseTemplates}
		out = gatewayResponseView(d, t)
		return nil
	})
	return http.StatusCreated, out, err
}

func (s *Service) getGatewayResponse(r *http.Request) (int, any, error) {
	t, err := responseType(r)
	if err != nil {
		return 0, nil, err
	}
	d, _, err := s.get(r.PathValue("api"))
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, gatewayResponseView(d, t), nil
}

func (s *Service) listGatewayResponses(r *http.Request) (int, any, error) {
	d, _, err := s.get(r.PathValue("api"))
	if err != nil {
		return 0, nil, err
	}
	var items []GatewayResponseOut
	for _, t := range fault.All() {
		items = append(items, gatewayResponseView(d, t))
	}
	out, err := paginate(r, items, func(g GatewayResponseOut) string { return g.ResponseType })
	return http.StatusOK, out, err
}

func (s *Service) updateGatewayResponse(r *http.Request) (int, any, error) {
	t, err := responseType(r)
	if err != nil {
		return 0, nil, err
	}
	ops, err := readPatch(r)
	if err != nil {
		return 0, nil, err
	}
	var out GatewayResponseOut
	err = s.change(r.Context(), r.PathValue("api"), false, func(d *document) error {
		cur := gatewayResponseView(d, t)
		gr := apidef.GatewayResponse{StatusCode: cur.StatusCode, ResponseParameters: cur.ResponseParameters, ResponseTemplates: cur.ResponseTemplates}
		for _, p := range ops {
			const paths = "/statusCode, /responseParameters/{name}, /responseTemplates/{contentType}"
			if ok, err := patchStringMap(&gr.ResponseParameters, p, "/responseParameters"); ok {
				if err != nil {
					return err
				}
				continue
			}
			if ok, err := patchStringMap(&gr.ResponseTemplates, p, "/responseTemplates"); ok {
				if err != nil {
					return err
				}
				continue
			}
			if p.Path != "/statusCode" || p.Op != "replace" {
				return invalidPath(p, paths)
			}
			if p.value() != "" && !statusRe().MatchString(p.value()) {
				return badRequest("Invalid status code specified: %s", p.value())
			}
			gr.StatusCode = p.value()
		}
		if d.Extras.GatewayResponses == nil {
			d.Extras.GatewayResponses = map[string]apidef.GatewayResponse{}
		}
		d.Extras.GatewayResponses[string(t)] = gr
		out = gatewayResponseView(d, t)
		return nil
	})
	return http.StatusOK, out, err
}

func (s *Service) deleteGatewayResponse(r *http.Request) (int, any, error) {
	t, err := responseType(r)
	if err != nil {
		return 0, nil, err
	}
	err = s.change(r.Context(), r.PathValue("api"), false, func(d *document) error {
		if _, ok := d.Extras.GatewayResponses[string(t)]; !ok {
			return notFound("Gateway response type not defined on api")
		}
		delete(d.Extras.GatewayResponses, string(t))
		return nil
	})
	return http.StatusAccepted, nil, err
}

// tagTarget is what an ARN of tag-resource names.
type tagTarget struct {
	api, stage, key, plan string
}

var tagARNRe = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`^arn:aws(-[a-z]+)*:apigateway:([^:]*)::/(restapis/([a-z0-9]+)(/stages/([A-Za-z0-9_-]+))?|apikeys/([a-z0-9]+)|usageplans/([a-z0-9]+))$`)
})

func parseTagARN(arn string) (tagTarget, error) {
	m := tagARNRe().FindStringSubmatch(arn)
	if m == nil {
		return tagTarget{}, badRequest("Invalid resource ARN specified: %s (want arn:aws:apigateway:{region}::/restapis/{id}, .../stages/{name}, ::/apikeys/{id} or ::/usageplans/{id})", arn)
	}
	return tagTarget{api: m[4], stage: m[6], key: m[7], plan: m[8]}, nil
}

// changeTags applies fn to the tags of the ARN's resource.
func (s *Service) changeTags(r *http.Request, fn func(tags *map[string]string)) error {
	t, err := parseTagARN(r.PathValue("arn"))
	if err != nil {
		return err
	}
	switch {
	case t.key != "" || t.plan != "":
		return s.changeUsage(r.Context(), func(u *usageDoc) error {
			if t.key != "" {
				k, err := u.key(t.key)
				if err != nil {
					return err
				}
				fn(&k.Tags)
				return nil
			}
			p, err := u.plan(t.plan)
			if err != nil {
				return err
			}
			fn(&p.Tags)
			return nil
		})
	case t.stage != "":
		return s.change(r.Context(), t.api, false, func(d *document) error {
			st := d.Stages[t.stage]
			if st == nil {
				return notFound("Invalid stage identifier specified")
			}
			fn(&st.Tags)
			return nil
		})
	}
	return s.change(r.Context(), t.api, false, func(d *document) error {
		fn(&d.API.Tags)
		return nil
	})
}

func (s *Service) tagResource(r *http.Request) (int, any, error) {
	var in struct {
		Tags map[string]string `json:"tags"`
	}
	if err := decode(r, &in); err != nil {
		return 0, nil, err
	}
	for k, v := range in.Tags {
		if k == "" || len(k) > 128 || len(v) > 256 || strings.HasPrefix(strings.ToLower(k), "aws:") {
			return 0, nil, badRequest("Invalid tag %q: keys are 1 to 128 characters and may not start with aws:, values at most 256", k)
		}
	}
	err := s.changeTags(r, func(tags *map[string]string) {
		if *tags == nil {
			*tags = map[string]string{}
		}
		for k, v := range in.Tags {
			(*tags)[k] = v
		}
	})
	return http.StatusNoContent, nil, err
}

func (s *Service) untagResource(r *http.Request) (int, any, error) {
	keys := r.URL.Query()["tagKeys"]
	err := s.changeTags(r, func(tags *map[string]string) {
		for _, k := range keys {
			delete(*tags, k)
		}
		if len(*tags) == 0 {
			*tags = nil
		}
	})
	return http.StatusNoContent, nil, err
}

func (s *Service) getTags(r *http.Request) (int, any, error) {
	t, err := parseTagARN(r.PathValue("arn"))
	if err != nil {
		return 0, nil, err
	}
	var tags map[string]string
	switch {
	case t.key != "":
		k, err := s.readUsage().key(t.key)
		if err != nil {
			return 0, nil, err
		}
		tags = k.Tags
	case t.plan != "":
		p, err := s.readUsage().plan(t.plan)
		if err != nil {
			return 0, nil, err
		}
		tags = p.Tags
	default:
		d, _, err := s.get(t.api)
		if err != nil {
			return 0, nil, err
		}
		tags = d.API.Tags
		if t.stage != "" {
			st := d.Stages[t.stage]
			if st == nil {
				return 0, nil, notFound("Invalid stage identifier specified")
			}
			tags = st.Tags
		}
	}
	if tags == nil {
		tags = map[string]string{}
	}
	return http.StatusOK, map[string]any{"tags": tags}, nil
}
