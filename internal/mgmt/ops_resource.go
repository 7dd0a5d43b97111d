package mgmt

import (
	"maps"
	"net/http"
	"slices"
	"strings"

	"github.com/portico-gw/portico/internal/apidef"
)

// resourceView is a resource as answered: without embed=methods, each
// method is an empty object, as AWS answers.
func resourceView(r *Resource, embed bool) any {
	if embed || len(r.Methods) == 0 {
		return r
	}
	v := *r
	v.Methods = nil
	type brief struct {
		Resource
		Methods map[string]struct{} `json:"resourceMethods"`
	}
	b := brief{Resource: v, Methods: map[string]struct{}{}}
	for m := range r.Methods {
		b.Methods[m] = struct{}{}
	}
	return b
}

func embedsMethods(r *http.Request) bool {
	return slices.Contains(r.URL.Query()["embed"], "methods")
}

func (s *Service) listResources(r *http.Request) (int, any, error) {
	d, _, err := s.get(r.PathValue("api"))
	if err != nil {
		return 0, nil, err
	}
	rs := slices.Collect(maps.Values(d.Resources))
	page, err := paginate(r, rs, func(x *Resource) string { return x.ID })
	if err != nil {
		return 0, nil, err
	}
	embed := embedsMethods(r)
	out := list[any]{Position: page.Position, Items: []any{}}
	for _, x := range page.Items {
		out.Items = append(out.Items, resourceView(x, embed))
	}
	return http.StatusOK, out, nil
}

// resource finds the request's resource in d.
func resource(d *document, r *http.Request, key string) (*Resource, error) {
	res := d.Resources[r.PathValue(key)]
	if res == nil {
		return nil, notFound("Invalid Resource identifier specified")
	}
	return res, nil
}

func (s *Service) getResource(r *http.Request) (int, any, error) {
	d, _, err := s.get(r.PathValue("api"))
	if err != nil {
		return 0, nil, err
	}
	res, err := resource(d, r, "res")
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, resourceView(res, embedsMethods(r)), nil
}

// checkPathPart checks a new path part under parent.
func checkPathPart(d *document, parent *Resource, part, self string) error {
	if !pathPartRe().MatchString(part) {
		return badRequest("Resource's path part only allow a-zA-Z0-9._- and curly braces at the beginning and the end and an optional plus sign before the closing brace.")
	}
	if strings.HasSuffix(parent.PathPart, "+}") {
		return badRequest("Cannot create a child of a resource with a greedy path variable: %s", parent.PathPart)
	}
	for _, sib := range d.Resources {
		if sib.ParentID != parent.ID || sib.ID == self {
			continue
		}
		if sib.PathPart == part {
			return conflict("Another resource with the same parent already has this name: %s", part)
		}
		if strings.HasPrefix(sib.PathPart, "{") && strings.HasPrefix(part, "{") {
			return badRequest("A sibling (%s) of this resource already has a variable path part -- only one is allowed", sib.PathPart)
		}
	}
	return nil
}

func (s *Service) createResource(r *http.Request) (int, any, error) {
	var in struct {
		PathPart string `json:"pathPart"`
	}
	if err := decode(r, &in); err != nil {
		return 0, nil, err
	}
	var out *Resource
	err := s.change(r.Context(), r.PathValue("api"), false, func(d *document) error {
		parent, err := resource(d, r, "res")
		if err != nil {
			return err
		}
		if err := checkPathPart(d, parent, in.PathPart, ""); err != nil {
			return err
		}
		out = &Resource{ID: newID(), ParentID: parent.ID, PathPart: in.PathPart}
		d.Resources[out.ID] = out
		return nil
	})
	return http.StatusCreated, out, err
}

func (s *Service) updateResource(r *http.Request) (int, any, error) {
	ops, err := readPatch(r)
	if err != nil {
		return 0, nil, err
	}
	var out *Resource
	err = s.change(r.Context(), r.PathValue("api"), false, func(d *document) error {
		res, err := resource(d, r, "res")
		if err != nil {
			return err
		}
		for _, p := range ops {
			if p.Op != "replace" || (p.Path != "/pathPart" && p.Path != "/parentId") {
				return invalidPath(p, "/pathPart, /parentId")
			}
			if res.ParentID == "" {
				return badRequest("Root resource cannot update its %s.", strings.TrimPrefix(p.Path, "/"))
			}
			parent, part := d.Resources[res.ParentID], res.PathPart
			if p.Path == "/pathPart" {
				part = p.value()
			} else {
				if parent = d.Resources[p.value()]; parent == nil {
					return notFound("Invalid Resource identifier specified")
				}
				for a := parent; a != nil; a = d.Resources[a.ParentID] {
					if a.ID == res.ID {
						return badRequest("Resources cannot be cyclical.")
					}
				}
			}
			if err := checkPathPart(d, parent, part, res.ID); err != nil {
				return err
			}
			res.ParentID, res.PathPart = parent.ID, part
		}
		out = res
		return nil
	})
	return http.StatusOK, out, err
}

func (s *Service) deleteResource(r *http.Request) (int, any, error) {
	err := s.change(r.Context(), r.PathValue("api"), false, func(d *document) error {
		res, err := resource(d, r, "res")
		if err != nil {
			return err
		}
		if res.ParentID == "" {
			return badRequest("Cannot delete the root resource.")
		}
		gone := map[string]bool{res.ID: true}
		for changed := true; changed; {
			changed = false
			for _, x := range d.Resources {
				if !gone[x.ID] && gone[x.ParentID] {
					gone[x.ID], changed = true, true
				}
			}
		}
		for id := range gone {
			delete(d.Resources, id)
		}
		return nil
	})
	return http.StatusAccepted, nil, err
}

// method finds the request's method in d.
func method(d *document, r *http.Request) (*Resource, *Method, error) {
	res, err := resource(d, r, "res")
	if err != nil {
		return nil, nil, err
	}
	m := res.Methods[strings.ToUpper(r.PathValue("verb"))]
	if m == nil {
		return res, nil, notFound("Invalid Method identifier specified")
	}
	return res, m, nil
}

// readMethod reads a method for a GET.
func (s *Service) readMethod(r *http.Request) (*document, *Method, error) {
	d, _, err := s.get(r.PathValue("api"))
	if err != nil {
		return nil, nil, err
	}
	_, m, err := method(d, r)
	return d, m, err
}

// putMethodInput is PutMethod's body.
type putMethodInput struct {
	AuthorizationType   string            `json:"authorizationType"`
	AuthorizerID        string            `json:"authorizerId"`
	APIKeyRequired      bool              `json:"apiKeyRequired"`
	OperationName       string            `json:"operationName"`
	RequestParameters   map[string]bool   `json:"requestParameters"`
	RequestModels       map[string]string `json:"requestModels"`
	RequestValidatorID  string            `json:"requestValidatorId"`
	AuthorizationScopes []string          `json:"authorizationScopes"`
}

// checkMethod validates a method against the API's authorizers,
// validators and models.
func checkMethod(d *document, m *Method) error {
	switch m.AuthorizationType {
	case "NONE", "AWS_IAM":
	case "CUSTOM", "COGNITO_USER_POOLS":
		a, ok := d.Extras.Authorizers[m.AuthorizerID]
		if !ok || (m.AuthorizationType == "CUSTOM") != (a.Type == apidef.AuthorizerToken || a.Type == apidef.AuthorizerRequest) {
			return badRequest("Invalid authorizer ID specified. Setting the authorization type to CUSTOM or COGNITO_USER_POOLS requires a valid authorizer.")
		}
	case "":
		return badRequest("Invalid authorization type specified: authorizationType is required")
	default:
		return badRequest("Invalid authorization type specified. Valid values are NONE, AWS_IAM, CUSTOM and COGNITO_USER_POOLS")
	}
	if m.RequestValidatorID != "" {
		if _, ok := d.Extras.Validators[m.RequestValidatorID]; !ok {
			return badRequest("Invalid Request Validator identifier specified")
		}
	}
	for p := range m.RequestParameters {
		if !requestParamRe().MatchString(p) {
			return badRequest("Invalid method request parameter specified: %s", p)
		}
	}
	for ct, model := range m.RequestModels {
		if _, ok := d.Extras.Models[model]; !ok && model != "Empty" && model != "Error" {
			return badRequest("Invalid model identifier specified: %s (content type %s)", model, ct)
		}
	}
	return nil
}

func (s *Service) putMethod(r *http.Request) (int, any, error) {
	verb := strings.ToUpper(r.PathValue("verb"))
	if !slices.Contains(httpMethods, verb) {
		return 0, nil, badRequest("Invalid HttpMethod specified. Valid options are %s", strings.Join(httpMethods, ","))
	}
	var in putMethodInput
	if err := decode(r, &in); err != nil {
		return 0, nil, err
	}
	var out *Method
	err := s.change(r.Context(), r.PathValue("api"), false, func(d *document) error {
		res, err := resource(d, r, "res")
		if err != nil {
			return err
		}
		if res.Methods[verb] != nil {
			return conflict("Method already exists for this resource")
		}
		m := &Method{HTTPMethod: verb, AuthorizationType: in.AuthorizationType, AuthorizerID: in.AuthorizerID, APIKeyRequired: in.APIKeyRequired,
			OperationName: in.OperationName, RequestParameters: in.RequestParameters, RequestModels: in.RequestModels,
			RequestValidatorID: in.RequestValidatorID, AuthorizationScopes: in.AuthorizationScopes}
		if err := checkMethod(d, m); err != nil {
			return err
		}
		if res.Methods == nil {
			res.Methods = map[string]*Method{}
		}
		res.Methods[verb] = m
		out = m
		return nil
	})
	return http.StatusCreated, out, err
}

func (s *Service) getMethod(r *http.Request) (int, any, error) {
	_, m, err := s.readMethod(r)
	return http.StatusOK, m, err
}

// methodPaths are UpdateMethod's patch paths.
const methodPaths = "/authorizationType, /authorizerId, /apiKeyRequired, /requestValidatorId, /operationName, /requestParameters/{name}, /requestModels/{contentType}, /authorizationScopes"

func (s *Service) updateMethod(r *http.Request) (int, any, error) {
	ops, err := readPatch(r)
	if err != nil {
		return 0, nil, err
	}
	var out *Method
	err = s.change(r.Context(), r.PathValue("api"), false, func(d *document) error {
		_, m, err := method(d, r)
		if err != nil {
			return err
		}
		for _, p := range ops {
			if done, err := patchBoolMap(&m.RequestParameters, p, "/requestParameters"); done || err != nil {
				if err != nil {
					return err
				}
				continue
			}
			if done, err := patchStringMap(&m.RequestModels, p, "/requestModels"); done || err != nil {
				if err != nil {
					return err
				}
				continue
			}
			switch {
			case p.Path == "/authorizationScopes" && p.Op == "add":
				m.AuthorizationScopes = append(m.AuthorizationScopes, p.value())
			case p.Path == "/authorizationScopes" && p.Op == "remove":
				m.AuthorizationScopes = slices.DeleteFunc(m.AuthorizationScopes, func(x string) bool { return x == p.value() })
			case p.Op != "replace":
				return invalidPath(p, methodPaths)
			case p.Path == "/authorizationType":
				m.AuthorizationType = p.value()
			case p.Path == "/authorizerId":
				m.AuthorizerID = p.value()
			case p.Path == "/apiKeyRequired":
				b, err := parseBool(p)
				if err != nil {
					return err
				}
				m.APIKeyRequired = b
			case p.Path == "/requestValidatorId":
				m.RequestValidatorID = p.value()
			case p.Path == "/operationName":
				m.OperationName = p.value()
			default:
				return invalidPath(p, methodPaths)
			}
		}
		if m.AuthorizationType == "NONE" || m.AuthorizationType == "AWS_IAM" {
			m.AuthorizerID = ""
		}
		out = m
		return checkMethod(d, m)
	})
	return http.StatusOK, out, err
}

func (s *Service) deleteMethod(r *http.Request) (int, any, error) {
	err := s.change(r.Context(), r.PathValue("api"), false, func(d *document) error {
		res, m, err := method(d, r)
		if err != nil {
			return err
		}
		delete(res.Methods, m.HTTPMethod)
		return nil
	})
	return http.StatusNoContent, nil, err
}

// statusCode reads and checks the request's status code.
func statusCode(r *http.Request) (string, error) {
	c := r.PathValue("code")
	if !statusRe().MatchString(c) {
		return "", badRequest("Invalid status code specified: %s", c)
	}
	return c, nil
}

func (s *Service) putMethodResponse(r *http.Request) (int, any, error) {
	code, err := statusCode(r)
	if err != nil {
		return 0, nil, err
	}
	var in struct {
		ResponseParameters map[string]bool   `json:"responseParameters"`
		ResponseModels     map[string]string `json:"responseModels"`
	}
	if err := decode(r, &in); err != nil {
		return 0, nil, err
	}
	var out *MethodResponse
	err = s.change(r.Context(), r.PathValue("api"), false, func(d *document) error {
		_, m, err := method(d, r)
		if err != nil {
			return err
		}
		if m.MethodResponses[code] != nil {
			return conflict("Response already exists for this resource")
		}
		for p := range in.ResponseParameters {
			if !strings.HasPrefix(p, "method.response.header.") {
				return badRequest("Invalid response parameter specified: %s", p)
			}
		}
		out = &MethodResponse{StatusCode: code, ResponseParameters: in.ResponseParameters, ResponseModels: in.ResponseModels}
		if m.MethodResponses == nil {
			m.MethodResponses = map[string]*MethodResponse{}
		}
		m.MethodResponses[code] = out
		return nil
	})
	return http.StatusCreated, out, err
}

// methodResponse finds the request's method response.
func methodResponse(m *Method, r *http.Request) (*MethodResponse, error) {
	mr := m.MethodResponses[r.PathValue("code")]
	if mr == nil {
		return nil, notFound("Invalid Response status code specified")
	}
	return mr, nil
}

func (s *Service) getMethodResponse(r *http.Request) (int, any, error) {
	_, m, err := s.readMethod(r)
	if err != nil {
		return 0, nil, err
	}
	mr, err := methodResponse(m, r)
	return http.StatusOK, mr, err
}

func (s *Service) updateMethodResponse(r *http.Request) (int, any, error) {
	ops, err := readPatch(r)
	if err != nil {
		return 0, nil, err
	}
	var out *MethodResponse
	err = s.change(r.Context(), r.PathValue("api"), false, func(d *document) error {
		_, m, err := method(d, r)
		if err != nil {
			return err
		}
		mr, err := methodResponse(m, r)
		if err != nil {
			return err
		}
		for _, p := range ops {
			done, err := patchBoolMap(&mr.ResponseParameters, p, "/responseParameters")
			if !done && err == nil {
				done, err = patchStringMap(&mr.ResponseModels, p, "/responseModels")
			}
			if err != nil {
				return err
			}
			if !done {
				return invalidPath(p, "/responseParameters/{header}, /responseModels/{contentType}")
			}
		}
		out = mr
		return nil
	})
	return http.StatusCreated, out, err
}

func (s *Service) deleteMethodResponse(r *http.Request) (int, any, error) {
	err := s.change(r.Context(), r.PathValue("api"), false, func(d *document) error {
		_, m, err := method(d, r)
		if err != nil {
			return err
		}
		if _, err := methodResponse(m, r); err != nil {
			return err
		}
		delete(m.MethodResponses, r.PathValue("code"))
		return nil
	})
	return http.StatusNoContent, nil, err
}
