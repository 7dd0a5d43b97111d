package mgmt

import (
	"encoding/json"
	"maps"
	"net/http"
	"slices"
	"strings"
)

// createAPIInput is CreateRestApi's body.
type createAPIInput struct {
	Name                      string                 `json:"name"`
	Description               string                 `json:"description"`
	Version                   string                 `json:"version"`
	CloneFrom                 string                 `json:"cloneFrom"`
	BinaryMediaTypes          []string               `json:"binaryMediaTypes"`
	MinimumCompressionSize    *int                   `json:"minimumCompressionSize"`
	APIKeySource              string                 `json:"apiKeySource"`
	EndpointConfiguration     *EndpointConfiguration `json:"endpointConfiguration"`
	Policy                    string                 `json:"policy"`
	Tags                      map[string]string      `json:"tags"`
	DisableExecuteAPIEndpoint bool                   `json:"disableExecuteApiEndpoint"`
}

func (s *Service) createOrImport(r *http.Request) (int, any, error) {
	switch mode := r.URL.Query().Get("mode"); mode {
	case "import":
		return s.importAPI(r)
	case "":
	default:
		return 0, nil, badRequest("Invalid mode %q: POST /restapis accepts only mode=import", mode)
	}
	var in createAPIInput
	if err := decode(r, &in); err != nil {
		return 0, nil, err
	}
	if strings.TrimSpace(in.Name) == "" {
		return 0, nil, badRequest("Invalid REST API name specified: the name is required")
	}
	api := RestAPI{Name: in.Name, Description: in.Description, Version: in.Version, BinaryMediaTypes: in.BinaryMediaTypes,
		MinimumCompressionSize: in.MinimumCompressionSize, APIKeySource: in.APIKeySource, EndpointConfiguration: in.EndpointConfiguration,
		Policy: in.Policy, Tags: in.Tags, DisableExecuteAPIEndpoint: in.DisableExecuteAPIEndpoint}
	if err := checkAPI(&api); err != nil {
		return 0, nil, err
	}
	var c content
	if in.CloneFrom != "" {
		src, _, err := s.get(in.CloneFrom)
		if err != nil {
			return 0, nil, err
		}
		c = clone(src.content)
		old := c.API
		c.API = api
		c.API.RootResourceID = old.RootResourceID
	} else {
		c = newContent(api, newID())
	}
	d, err := s.create(r, c)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusCreated, d.API, nil
}

// checkAPI validates and defaults a REST API's settings.
func checkAPI(a *RestAPI) error {
	if a.APIKeySource == "" {
		a.APIKeySource = "HEADER"
	}
	if a.APIKeySource != "HEADER" && a.APIKeySource != "AUTHORIZER" {
		return validationError(a.APIKeySource, "apiKeySource", "Member must satisfy enum value set: [HEADER, AUTHORIZER]")
	}
	if a.EndpointConfiguration == nil || len(a.EndpointConfiguration.Types) == 0 {
		a.EndpointConfiguration = &EndpointConfiguration{Types: []string{"EDGE"}}
	}
	for _, t := range a.EndpointConfiguration.Types {
		if t != "EDGE" && t != "REGIONAL" && t != "PRIVATE" {
			return validationError(t, "endpointConfiguration.types", "Member must satisfy enum value set: [REGIONAL, EDGE, PRIVATE]")
		}
	}
	if len(a.EndpointConfiguration.Types) > 1 {
		return badRequest("Cannot create an api with multiple Endpoint Types.")
	}
	if m := a.MinimumCompressionSize; m != nil && (*m < 0 || *m > 10485760) {
		return badRequest("Invalid minimum compression size, must be between 0 and 10485760")
	}
	if a.Policy != "" && !json.Valid([]byte(a.Policy)) {
		return badRequest("Invalid policy document. Please check the policy syntax and try again.")
	}
	for _, t := range a.BinaryMediaTypes {
		if !strings.Contains(t, "/") {
			return badRequest("Invalid binary media type specified: %s", t)
		}
	}
	return nil
}

// create stores a new API with content c under a fresh id.
func (s *Service) create(r *http.Request, c content) (*document, error) {
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	id := newID()
	for s.taken(id) {
		id = newID()
	}
	c.API.ID = id
	c.API.CreatedDate = s.stamp()
	d := &document{content: c, Deployments: map[string]*deploymentRec{}, Stages: map[string]*Stage{}}
	d.fixPaths()
	if err := s.publish(r.Context(), id, nil, d, false); err != nil {
		return nil, err
	}
	s.log.Info("management API: REST API created", "restApiId", id, "name", c.API.Name)
	return d, nil
}

func (s *Service) listAPIs(r *http.Request) (int, any, error) {
	s.mu.RLock()
	apis := make([]RestAPI, 0, len(s.docs)+len(s.fileAPIs))
	for _, d := range s.fileAPIs {
		apis = append(apis, d.API)
	}
	for id, d := range s.docs {
		if !s.fileIDs[id] {
			apis = append(apis, d.API)
		}
	}
	s.mu.RUnlock()
	out, err := paginate(r, apis, func(a RestAPI) string { return a.ID })
	return http.StatusOK, out, err
}

func (s *Service) getAPI(r *http.Request) (int, any, error) {
	d, _, err := s.get(r.PathValue("api"))
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, d.API, nil
}

func (s *Service) deleteAPI(r *http.Request) (int, any, error) {
	id := r.PathValue("api")
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	s.mu.RLock()
	old, ok := s.docs[id]
	_, file := s.fileAPIs[id]
	s.mu.RUnlock()
	switch {
	case !ok && file:
		return 0, nil, fromFile(id)
	case !ok:
		return 0, nil, s.apiNotFound(id)
	}
	if err := s.publish(r.Context(), id, old, nil, len(old.Stages) > 0); err != nil {
		return 0, nil, err
	}
	s.log.Info("management API: REST API deleted", "restApiId", id)
	return http.StatusAccepted, nil, nil
}

// apiPaths are UpdateRestApi's patch paths.
const apiPaths = "/name, /description, /version, /apiKeySource, /policy, /minimumCompressionSize, /binaryMediaTypes/{type}, /endpointConfiguration/types/{type}, /disableExecuteApiEndpoint"

func (s *Service) updateAPI(r *http.Request) (int, any, error) {
	ops, err := readPatch(r)
	if err != nil {
		return 0, nil, err
	}
	var out RestAPI
	err = s.change(r.Context(), r.PathValue("api"), false, func(d *document) error {
		a := &d.API
		for _, p := range ops {
			if err := patchAPI(a, p); err != nil {
				return err
			}
		}
		if err := checkAPI(a); err != nil {
			return err
		}
		out = *a
		return nil
	})
	return http.StatusOK, out, err
}

func patchAPI(a *RestAPI, p PatchOperation) error {
	if t, ok := p.under("/binaryMediaTypes"); ok {
		switch p.Op {
		case "add":
			if !slices.Contains(a.BinaryMediaTypes, t) {
				a.BinaryMediaTypes = append(a.BinaryMediaTypes, t)
			}
		case "remove":
			a.BinaryMediaTypes = slices.DeleteFunc(a.BinaryMediaTypes, func(x string) bool { return x == t })
		case "replace":
			i := slices.Index(a.BinaryMediaTypes, t)
			if i < 0 {
				return badRequest("Invalid binary media type specified: %s is not in binaryMediaTypes", t)
			}
			a.BinaryMediaTypes[i] = unescape(p.value())
		default:
			return invalidPath(p, apiPaths)
		}
		return nil
	}
	if t, ok := p.under("/endpointConfiguration/types"); ok && p.Op == "replace" {
		if !slices.Contains(a.EndpointConfiguration.Types, t) {
			return badRequest("Invalid endpoint type specified: the API's endpoint type is not %s", t)
		}
		a.EndpointConfiguration.Types = []string{p.value()}
		return nil
	}
	if p.Op != "replace" {
		return invalidPath(p, apiPaths)
	}
	switch p.Path {
	case "/name":
		if strings.TrimSpace(p.value()) == "" {
			return badRequest("Invalid REST API name specified: the name is required")
		}
		a.Name = p.value()
	case "/description":
		a.Description = p.value()
	case "/version":
		a.Version = p.value()
	case "/apiKeySource":
		a.APIKeySource = p.value()
	case "/policy":
		a.Policy = p.value()
	case "/minimumCompressionSize":
		if p.value() == "" {
			a.MinimumCompressionSize = nil
			return nil
		}
		n, err := parseInt(p, 0, 10485760)
		if err != nil {
			return err
		}
		a.MinimumCompressionSize = &n
	case "/disableExecuteApiEndpoint":
		b, err := parseBool(p)
		if err != nil {
			return err
		}
		a.DisableExecuteAPIEndpoint = b
	default:
		return invalidPath(p, apiPaths)
	}
	return nil
}

// sortedKeys is slices.Sorted(maps.Keys(m)).
func sortedKeys[V any](m map[string]V) []string { return slices.Sorted(maps.Keys(m)) }
