package mgmt

import (
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"sync"

	"github.com/portico-gw/portico/internal/apidef"
)

var requestParamRe = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`^method\.request\.(path|querystring|header|multivaluequerystring|multivalueheader)\.[^.\s]+$`)
})

// putIntegrationInput is PutIntegration's body.
type putIntegrationInput struct {
	Type                string            `json:"type"`
	HTTPMethod          string            `json:"httpMethod"`
	URI                 string            `json:"uri"`
	ConnectionType      string            `json:"connectionType"`
	ConnectionID        string            `json:"connectionId"`
	Credentials         string            `json:"credentials"`
	RequestParameters   map[string]string `json:"requestParameters"`
	RequestTemplates    map[string]string `json:"requestTemplates"`
	PassthroughBehavior string            `json:"passthroughBehavior"`
	CacheNamespace      string            `json:"cacheNamespace"`
	CacheKeyParameters  []string          `json:"cacheKeyParameters"`
	ContentHandling     string            `json:"contentHandling"`
	TimeoutInMillis     *int              `json:"timeoutInMillis"`
	TLSConfig           *TLSConfig        `json:"tlsConfig"`
}

// checkIntegration validates an integration as PutIntegration does.
func checkIntegration(in *Integration) error {
	switch in.Type {
	case "HTTP", "HTTP_PROXY", "AWS", "AWS_PROXY", "MOCK":
	default:
		return validationError(in.Type, "putIntegrationInput.type", "Member must satisfy enum value set: [HTTP, MOCK, AWS_PROXY, HTTP_PROXY, AWS]")
	}
	if in.Type != "MOCK" {
		if in.HTTPMethod == "" {
			return badRequest("Enumeration value for HttpMethod must be non-empty")
		}
		if !slices.Contains(httpMethods, strings.ToUpper(in.HTTPMethod)) {
			return badRequest("Invalid HttpMethod specified. Valid options are %s", strings.Join(httpMethods, ","))
		}
		in.HTTPMethod = strings.ToUpper(in.HTTPMethod)
	}
	switch in.Type {
	case "HTTP", "HTTP_PROXY":
		u, err := url.Parse(in.URI)
		if in.ConnectionType != "VPC_LINK" && (err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "") {
			return badRequest("Invalid HTTP endpoint specified for URI")
		}
	case "AWS", "AWS_PROXY":
		if !strings.HasPrefix(in.URI, "arn:") {
			return badRequest("Invalid ARN specified in the request")
		}
		if in.Type == "AWS_PROXY" && !strings.Contains(in.URI, ":lambda:path/") && !strings.Contains(in.URI, ":firehose:") {
			return badRequest("Integrations of type 'AWS_PROXY' currently only supports Lambda function and Firehose stream invocations.")
		}
	}
	switch in.PassthroughBehavior {
	case "":
		in.PassthroughBehavior = "WHEN_NO_MATCH"
	case "WHEN_NO_MATCH", "WHEN_NO_TEMPLATES", "NEVER":
	default:
		return badRequest("Invalid passthrough behavior specified: %s. Valid values are WHEN_NO_MATCH, WHEN_NO_TEMPLATES and NEVER", in.PassthroughBehavior)
	}
	switch in.ContentHandling {
	case "", "CONVERT_TO_TEXT", "CONVERT_TO_BINARY":
	default:
		return validationError(in.ContentHandling, "contentHandling", "Member must satisfy enum value set: [CONVERT_TO_BINARY, CONVERT_TO_TEXT]")
	}
	if in.TimeoutInMillis < 50 || in.TimeoutInMillis > defaultTimeout {
		return badRequest("Timeout should be between 50 ms and 29000 ms")
	}
	if in.ConnectionType == "" {
		in.ConnectionType = "INTERNET"
	}
	if in.CacheKeyParameters == nil {
		in.CacheKeyParameters = []string{}
	}
	return nil
}

func (s *Service) putIntegration(r *http.Request) (int, any, error) {
	var in putIntegrationInput
	if err := decode(r, &in); err != nil {
		return 0, nil, err
	}
	var out *Integration
	err := s.change(r.Context(), r.PathValue("api"), false, func(d *document) error {
		_, m, err := method(d, r)
		if err != nil {
			return err
		}
		i := &Integration{Type: strings.ToUpper(in.Type), HTTPMethod: in.HTTPMethod, URI: in.URI, ConnectionType: in.ConnectionType,
			ConnectionID: in.ConnectionID, Credentials: in.Credentials, RequestParameters: in.RequestParameters, RequestTemplates: in.RequestTemplates,
			PassthroughBehavior: in.PassthroughBehavior, CacheNamespace: in.CacheNamespace, CacheKeyParameters: in.CacheKeyParameters,
			ContentHandling: in.ContentHandling, TimeoutInMillis: defaultTimeout, TLSConfig: in.TLSConfig}
		if in.TimeoutInMillis != nil {
			i.TimeoutInMillis = *in.TimeoutInMillis
		}
		if i.CacheNamespace == "" && i.Type != "MOCK" {
			i.CacheNamespace = r.PathValue("res")
		}
		if err := checkIntegration(i); err != nil {
			return err
		}
		m.Integration, out = i, i
		return nil
	})
	return http.StatusCreated, out, err
}

// integration finds the request's integration.
func integration(d *document, r *http.Request) (*Method, *Integration, error) {
	_, m, err := method(d, r)
	if err != nil {
		return nil, nil, err
	}
	if m.Integration == nil {
		return m, nil, notFound("No integration defined for method")
	}
	return m, m.Integration, nil
}

func (s *Service) getIntegration(r *http.Request) (int, any, error) {
	d, _, err := s.get(r.PathValue("api"))
	if err != nil {
		return 0, nil, err
	}
	_, i, err := integration(d, r)
	return http.StatusOK, i, err
}

// integrationPaths are UpdateIntegration's patch paths.
const integrationPaths = "/uri, /httpMethod, /type, /credentials, /connectionType, /connectionId, /passthroughBehavior, /contentHandling, /timeoutInMillis, /cacheNamespace, /cacheKeyParameters/{name}, /requestParameters/{name}, /requestTemplates/{contentType}, /tlsConfig/insecureSkipVerification"

func (s *Service) updateIntegration(r *http.Request) (int, any, error) {
	ops, err := readPatch(r)
	if err != nil {
		return 0, nil, err
	}
	var out *Integration
	err = s.change(r.Context(), r.PathValue("api"), false, func(d *document) error {
		_, i, err := integration(d, r)
		if err != nil {
			return err
		}
		for _, p := range ops {
			done, err := patchStringMap(&i.RequestParameters, p, "/requestParameters")
			if !done && err == nil {
				done, err = patchStringMap(&i.RequestTemplates, p, "/requestTemplates")
			}
			if err != nil {
				return err
			}
			if done {
				continue
			}
			if k, ok := p.under("/cacheKeyParameters"); ok {
				switch p.Op {
				case "add":
					i.CacheKeyParameters = append(i.CacheKeyParameters, k)
				case "remove":
					i.CacheKeyParameters = slices.DeleteFunc(i.CacheKeyParameters, func(x string) bool { return x == k })
				default:
					return invalidPath(p, integrationPaths)
				}
				continue
			}
			if p.Op != "replace" {
				return invalidPath(p, integrationPaths)
			}
			switch p.Path {
			case "/uri":
				i.URI = p.value()
			case "/httpMethod":
				i.HTTPMethod = p.value()
			case "/type":
				i.Type = strings.ToUpper(p.value())
			case "/credentials":
				i.Credentials = p.value()
			case "/connectionType":
				i.ConnectionType = p.value()
			case "/connectionId":
				i.ConnectionID = p.value()
			case "/passthroughBehavior":
				i.PassthroughBehavior = p.value()
			case "/contentHandling":
				i.ContentHandling = p.value()
			case "/cacheNamespace":
				i.CacheNamespace = p.value()
			case "/timeoutInMillis":
				n, err := parseInt(p, 50, defaultTimeout)
				if err != nil {
					return err
				}
				i.TimeoutInMillis = n
			case "/tlsConfig/insecureSkipVerification":
				b, err := parseBool(p)
				if err != nil {
					return err
				}
				i.TLSConfig = &TLSConfig{InsecureSkipVerification: b}
			default:
				return invalidPath(p, integrationPaths)
			}
		}
		out = i
		return checkIntegration(i)
	})
	return http.StatusOK, out, err
}

func (s *Service) deleteIntegration(r *http.Request) (int, any, error) {
	err := s.change(r.Context(), r.PathValue("api"), false, func(d *document) error {
		m, _, err := integration(d, r)
		if err != nil {
			return err
		}
		m.Integration = nil
		return nil
	})
	return http.StatusNoContent, nil, err
}

func (s *Service) putIntegrationResponse(r *http.Request) (int, any, error) {
	code, err := statusCode(r)
	if err != nil {
		return 0, nil, err
	}
	var in struct {
		SelectionPattern   string            `json:"selectionPattern"`
		ResponseParameters map[string]string `json:"responseParameters"`
		ResponseTemplates  map[string]string `json:"responseTemplates"`
		ContentHandling    string            `json:"contentHandling"`
	}
	if err := decode(r, &in); err != nil {
		return 0, nil, err
	}
	var out *IntegrationResponse
	err = s.change(r.Context(), r.PathValue("api"), false, func(d *document) error {
		_, i, err := integration(d, r)
		if err != nil {
			return err
		}
		if err := checkResponse(in.SelectionPattern, in.ContentHandling); err != nil {
			return err
		}
		out = &IntegrationResponse{StatusCode: code, SelectionPattern: in.SelectionPattern, ResponseParameters: in.ResponseParameters,
			ResponseTemplates: in.ResponseTemplates, ContentHandling: in.ContentHandling}
		if i.IntegrationResponses == nil {
			i.IntegrationResponses = map[string]*IntegrationResponse{}
		}
		i.IntegrationResponses[code] = out
		return nil
	})
	return http.StatusCreated, out, err
}

func checkResponse(pattern, handling string) error {
	if _, err := apidef.CompileSelectionPattern(pattern); err != nil {
		return badRequest("Invalid selection pattern specified: %s", pattern)
	}
	switch handling {
	case "", "CONVERT_TO_TEXT", "CONVERT_TO_BINARY":
		return nil
	}
	return validationError(handling, "contentHandling", "Member must satisfy enum value set: [CONVERT_TO_BINARY, CONVERT_TO_TEXT]")
}

// integrationResponse finds the request's integration response.
func integrationResponse(d *document, r *http.Request) (*Integration, *IntegrationResponse, error) {
	_, i, err := integration(d, r)
	if err != nil {
		return nil, nil, err
	}
	ir := i.IntegrationResponses[r.PathValue("code")]
	if ir == nil {
		return i, nil, notFound("Invalid Response status code specified")
	}
	return i, ir, nil
}

func (s *Service) getIntegrationResponse(r *http.Request) (int, any, error) {
	d, _, err := s.get(r.PathValue("api"))
	if err != nil {
		return 0, nil, err
	}
	_, ir, err := integrationResponse(d, r)
	return http.StatusOK, ir, err
}

func (s *Service) updateIntegrationResponse(r *http.Request) (int, any, error) {
	ops, err := readPatch(r)
	if err != nil {
		return 0, nil, err
	}
	var out *IntegrationResponse
	err = s.change(r.Context(), r.PathValue("api"), false, func(d *document) error {
		_, ir, err := integrationResponse(d, r)
		if err != nil {
			return err
		}
		for _, p := range ops {
			done, err := patchStringMap(&ir.ResponseParameters, p, "/responseParameters")
			if !done && err == nil {
				done, err = patchStringMap(&ir.ResponseTemplates, p, "/responseTemplates")
			}
			if err != nil {
				return err
			}
			if done {
				continue
			}
			switch {
			case p.Op == "replace" && p.Path == "/selectionPattern":
				ir.SelectionPattern = p.value()
			case p.Op == "replace" && p.Path == "/contentHandling":
				ir.ContentHandling = p.value()
			default:
				return invalidPath(p, "/selectionPattern, /contentHandling, /responseParameters/{header}, /responseTemplates/{contentType}")
			}
		}
		out = ir
		return checkResponse(ir.SelectionPattern, ir.ContentHandling)
	})
	return http.StatusOK, out, err
}

func (s *Service) deleteIntegrationResponse(r *http.Request) (int, any, error) {
	err := s.change(r.Context(), r.PathValue("api"), false, func(d *document) error {
		i, _, err := integrationResponse(d, r)
		if err != nil {
			return err
		}
		delete(i.IntegrationResponses, r.PathValue("code"))
		return nil
	})
	return http.StatusNoContent, nil, err
}
