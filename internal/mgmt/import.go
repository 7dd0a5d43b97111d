package mgmt

import (
	"errors"
	"io"
	"net/http"
	"strings"

	"github.com/portico-gw/portico/internal/apidef"
	"github.com/portico-gw/portico/internal/openapi"
	"github.com/portico-gw/portico/internal/source"
)

// importFile names the request body in import messages.
const importFile = "body"

// parsed is an imported definition with the info fields the importer
// does not keep.
type parsed struct {
	def                         *apidef.RestAPI
	title, description, version string
	warnings                    []string
}

// parseDefinition imports an OpenAPI 3 / Swagger 2 body (JSON or YAML).
// Errors are BadRequestException "Errors found during import:", and with
// failonwarnings=true so are warnings.
func (s *Service) parseDefinition(r *http.Request) (*parsed, error) {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		return nil, badRequest("cannot read the request body: %v", err)
	}
	def, err := openapi.ImportWith(importFile, body, openapi.Options{Region: s.region, AccountID: s.accountID})
	if err != nil {
		return nil, badRequest("Errors found during import:\n\t%s", strings.Join(messages(err), "\n\t"))
	}
	p := &parsed{def: def, title: def.Title}
	for _, w := range def.Unsupported {
		p.warnings = append(p.warnings, locate(w.Loc.Pointer, w.Message))
	}
	if strings.EqualFold(r.URL.Query().Get("failonwarnings"), "true") && len(p.warnings) > 0 {
		return nil, badRequest("Warnings found during import:\n\t%s", strings.Join(p.warnings, "\n\t"))
	}
	var doc struct {
		Info struct {
			Title       string `yaml:"title"`
			Description string `yaml:"description"`
			Version     any    `yaml:"version"`
		} `yaml:"info"`
	}
	if source.UnmarshalYAML(body, &doc) == nil {
		p.description = doc.Info.Description
		if v, ok := doc.Info.Version.(string); ok {
			p.version = v
		}
	}
	if strings.TrimSpace(p.title) == "" {
		return nil, badRequest("Errors found during import:\n\tInvalid OpenAPI input: info.title, the API's name, is required.")
	}
	return p, nil
}

// messages lists the joined errors' texts without the file name.
func messages(err error) []string {
	var errs []error
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		errs = j.Unwrap()
	} else {
		errs = []error{err}
	}
	var out []string
	for _, e := range errs {
		var se *source.Error
		if errors.As(e, &se) {
			out = append(out, locate(se.Pointer, se.Message))
			continue
		}
		out = append(out, e.Error())
	}
	return out
}

func locate(pointer, msg string) string {
	if pointer == "" {
		return msg
	}
	return pointer + ": " + msg
}

func (s *Service) importAPI(r *http.Request) (int, any, error) {
	p, err := s.parseDefinition(r)
	if err != nil {
		return 0, nil, err
	}
	c := newContent(RestAPI{Name: p.title, Description: p.description, Version: p.version}, newID())
	fromAPIDef(&c, p.def, func(string) string { return newID() })
	if t := r.URL.Query().Get("endpointConfigurationTypes"); t != "" {
		c.API.EndpointConfiguration = &EndpointConfiguration{Types: []string{t}}
	}
	if err := checkAPI(&c.API); err != nil {
		return 0, nil, err
	}
	d, err := s.create(r, c)
	if err != nil {
		return 0, nil, err
	}
	out := d.API
	out.Warnings = p.warnings
	return http.StatusCreated, out, nil
}

// putAPI is PutRestApi: mode=overwrite replaces the API's resources,
// methods and extras with the definition's; mode=merge (the default) adds
// the definition's methods, replacing those with the same path and verb.
// Deployments and stages are kept; a new deployment serves the result.
func (s *Service) putAPI(r *http.Request) (int, any, error) {
	mode := r.URL.Query().Get("mode")
	if mode == "" {
		mode = "merge"
	}
	if mode != "merge" && mode != "overwrite" {
		return 0, nil, badRequest("Invalid mode %q: it must be merge or overwrite", mode)
	}
	p, err := s.parseDefinition(r)
	if err != nil {
		return 0, nil, err
	}
	var out RestAPI
	err = s.change(r.Context(), r.PathValue("api"), false, func(d *document) error {
		if mode == "overwrite" {
			api := d.API
			api.Name, api.Description, api.Version = p.title, p.description, p.version
			api.BinaryMediaTypes, api.Policy, api.APIKeySource = nil, "", "HEADER"
			d.content = newContent(api, api.RootResourceID)
		}
		fromAPIDef(&d.content, p.def, func(string) string { return newID() })
		d.fixPaths()
		if err := checkAPI(&d.API); err != nil {
			return err
		}
		out = d.API
		out.Warnings = p.warnings
		return nil
	})
	return http.StatusOK, out, err
}
