package mgmt

import (
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"sync"
)

// Custom domain names and base path mappings (CreateDomainName,
// CreateBasePathMapping and their Get, Update and Delete operations). They
// are kept in the account document with the API keys and usage plans, and
// every change rebuilds the data plane: the gateway adds Domains to the
// edge's domain table. Certificates are recorded, never served: the domain
// is served with the listener's certificates (docs/management-api.md#custom-domain-names).

// DomainName is the DomainName shape (the members Portico records).
type DomainName struct {
	DomainName              string                 `json:"domainName"`
	DomainNameARN           string                 `json:"domainNameArn,omitempty"`
	CertificateName         string                 `json:"certificateName,omitempty"`
	CertificateARN          string                 `json:"certificateArn,omitempty"`
	CertificateUploadDate   *Epoch                 `json:"certificateUploadDate,omitempty"`
	RegionalCertificateName string                 `json:"regionalCertificateName,omitempty"`
	RegionalCertificateARN  string                 `json:"regionalCertificateArn,omitempty"`
	EndpointConfiguration   *EndpointConfiguration `json:"endpointConfiguration,omitempty"`
	DomainNameStatus        string                 `json:"domainNameStatus"`
	SecurityPolicy          string                 `json:"securityPolicy,omitempty"`
	Tags                    map[string]string      `json:"tags,omitempty"`
}

// BasePathMapping is the BasePathMapping shape; BasePath is "(none)" for
// the empty base path.
type BasePathMapping struct {
	BasePath  string `json:"basePath"`
	RestAPIID string `json:"restApiId"`
	Stage     string `json:"stage,omitempty"`
}

// managedDomain is a stored domain name and its mappings.
type managedDomain struct {
	DomainName
	Mappings []BasePathMapping `json:"mappings"`
}

// Domain is a managed custom domain as the data plane serves it.
type Domain struct {
	// Name is the lower-case domain name.
	Name string
	// Mappings are its base path mappings ("(none)" for the empty path).
	Mappings []BasePathMapping
}

// noBasePath is how AWS writes the empty base path.
const noBasePath = "(none)"

var (
	domainNameRe = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile(`^(\*\.)?([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$`)
	})
	basePathRe = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[A-Za-z0-9._~-]+$`) })
)

// Domains returns the managed custom domains, sorted by name, for the
// data plane's domain table.
func (s *Service) Domains() []Domain {
	u := s.readUsage()
	out := make([]Domain, 0, len(u.Domains))
	for _, name := range sortedKeys(u.Domains) {
		d := u.Domains[name]
		out = append(out, Domain{Name: name, Mappings: slices.Clone(d.Mappings)})
	}
	return out
}

// SetFileDomains records the settings file's domain names: creating one of
// them here is a conflict (the settings file's domain is served).
func (s *Service) SetFileDomains(names []string) {
	set := make(map[string]bool, len(names))
	for _, n := range names {
		set[strings.ToLower(n)] = true
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.fileDomains = set
}

type createDomainInput struct {
	DomainName              string                 `json:"domainName"`
	CertificateName         string                 `json:"certificateName"`
	CertificateBody         string                 `json:"certificateBody"`
	CertificatePrivateKey   string                 `json:"certificatePrivateKey"`
	CertificateChain        string                 `json:"certificateChain"`
	CertificateARN          string                 `json:"certificateArn"`
	RegionalCertificateName string                 `json:"regionalCertificateName"`
	RegionalCertificateARN  string                 `json:"regionalCertificateArn"`
	EndpointConfiguration   *EndpointConfiguration `json:"endpointConfiguration"`
	SecurityPolicy          string                 `json:"securityPolicy"`
	Tags                    map[string]string      `json:"tags"`
}

func (s *Service) createDomain(r *http.Request) (int, any, error) {
	var in createDomainInput
	if err := decode(r, &in); err != nil {
		return 0, nil, err
	}
	name := strings.ToLower(strings.TrimSuffix(in.DomainName, "."))
	if in.DomainName == "" {
		return 0, nil, badRequest("No Domain Name specified")
	}
	if !domainNameRe().MatchString(name) {
		return 0, nil, badRequest("Invalid domain name identifier specified: %s is not a domain name", in.DomainName)
	}
	switch in.SecurityPolicy {
	case "":
		in.SecurityPolicy = "TLS_1_2"
	case "TLS_1_0", "TLS_1_2":
	default:
		return 0, nil, validationError(in.SecurityPolicy, "securityPolicy", "Member must satisfy enum value set: [TLS_1_0, TLS_1_2]")
	}
	ec := in.EndpointConfiguration
	if ec == nil || len(ec.Types) == 0 {
		ec = &EndpointConfiguration{Types: []string{"EDGE"}}
	}
	for _, t := range ec.Types {
		if t != "EDGE" && t != "REGIONAL" && t != "PRIVATE" {
			return 0, nil, badRequest("Invalid endpoint configuration type %s: it must be EDGE, REGIONAL or PRIVATE", t)
		}
	}
	d := &managedDomain{DomainName: DomainName{DomainName: name, DomainNameARN: "arn:aws:apigateway:" + s.region + "::/domainnames/" + name,
		CertificateName: in.CertificateName, CertificateARN: in.CertificateARN, RegionalCertificateName: in.RegionalCertificateName,
		RegionalCertificateARN: in.RegionalCertificateARN, EndpointConfiguration: ec, DomainNameStatus: "AVAILABLE",
		SecurityPolicy: in.SecurityPolicy, Tags: in.Tags}, Mappings: []BasePathMapping{}}
	if in.CertificateBody != "" {
		// The certificate and its key are not kept: the listener's
		// certificates serve the domain.
		d.CertificateUploadDate = &Epoch{s.now().UTC()}
	}
	s.mu.RLock()
	inFile := s.fileDomains[name]
	s.mu.RUnlock()
	if inFile {
		return 0, nil, conflict("The domain name you provided already exists: the settings file serves %s", name)
	}
	err := s.changeUsage(r.Context(), func(u *usageDoc) error {
		if u.Domains == nil {
			u.Domains = map[string]*managedDomain{}
		}
		if _, ok := u.Domains[name]; ok {
			return conflict("The domain name you provided already exists.")
		}
		u.Domains[name] = d
		return nil
	})
	if err != nil {
		return 0, nil, err
	}
	s.log.Info("management API: domain name created", "domainName", name)
	return http.StatusCreated, d.DomainName, nil
}

// domain returns the stored domain of a path's {domain_name}.
func (u *usageDoc) domain(name string) (*managedDomain, error) {
	if d := u.Domains[strings.ToLower(name)]; d != nil {
		return d, nil
	}
	return nil, notFound("Invalid domain name identifier specified")
}

func (s *Service) getDomain(r *http.Request) (int, any, error) {
	d, err := s.readUsage().domain(r.PathValue("domain"))
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, d.DomainName, nil
}

func (s *Service) listDomains(r *http.Request) (int, any, error) {
	var out []DomainName
	for _, d := range s.readUsage().Domains {
		out = append(out, d.DomainName)
	}
	l, err := paginate(r, out, func(d DomainName) string { return d.DomainName })
	return http.StatusOK, l, err
}

func (s *Service) deleteDomain(r *http.Request) (int, any, error) {
	name := strings.ToLower(r.PathValue("domain"))
	err := s.changeUsage(r.Context(), func(u *usageDoc) error {
		if _, err := u.domain(name); err != nil {
			return err
		}
		delete(u.Domains, name)
		return nil
	})
	if err != nil {
		return 0, nil, err
	}
	s.log.Info("management API: domain name deleted", "domainName", name)
	return http.StatusAccepted, nil, nil
}

// basePathOf reads a base path as given ("" or "(none)": the empty one).
func basePathOf(p string) (string, error) {
	if p == "" || p == noBasePath {
		return noBasePath, nil
	}
	if strings.Contains(p, "/") {
		return "", badRequest("API Gateway V1 doesn't support the slash character (/) in base path mappings. To create a multi-level base path mapping, use API Gateway V2.")
	}
	if !basePathRe().MatchString(p) {
		return "", badRequest("Invalid base path %q: it may hold letters, digits, '.', '_', '~' and '-'", p)
	}
	return p, nil
}

// checkMapping checks that the mapping names a REST API and one of its
// stages.
func (s *Service) checkMapping(m BasePathMapping) error {
	if m.RestAPIID == "" {
		return badRequest("Invalid REST API identifier specified")
	}
	d, _, err := s.get(m.RestAPIID)
	if err != nil {
		return badRequest("Invalid REST API identifier specified")
	}
	if m.Stage == "" {
		return badRequest("Invalid stage identifier specified: Portico serves a base path mapping only with a stage")
	}
	if _, ok := d.Stages[m.Stage]; !ok {
		return badRequest("Invalid stage identifier specified")
	}
	return nil
}

func (s *Service) createMapping(r *http.Request) (int, any, error) {
	var in BasePathMapping
	if err := decode(r, &in); err != nil {
		return 0, nil, err
	}
	bp, err := basePathOf(in.BasePath)
	if err != nil {
		return 0, nil, err
	}
	in.BasePath = bp
	name := strings.ToLower(r.PathValue("domain"))
	if _, err := s.readUsage().domain(name); err != nil {
		return 0, nil, err
	}
	if err := s.checkMapping(in); err != nil {
		return 0, nil, err
	}
	err = s.changeUsage(r.Context(), func(u *usageDoc) error {
		d, err := u.domain(name)
		if err != nil {
			return err
		}
		if slices.ContainsFunc(d.Mappings, func(m BasePathMapping) bool { return m.BasePath == in.BasePath }) {
			return conflict("Base path already exists for this domain name")
		}
		d.Mappings = append(d.Mappings, in)
		return nil
	})
	if err != nil {
		return 0, nil, err
	}
	s.log.Info("management API: base path mapping created", "domainName", name, "basePath", in.BasePath, "restApiId", in.RestAPIID, "stage", in.Stage)
	return http.StatusCreated, in, nil
}

// mappingPath is the path's {base_path}: "(none)" for the empty base path.
func mappingPath(r *http.Request) string {
	p := r.PathValue("path")
	if u, err := url.PathUnescape(p); err == nil {
		p = u
	}
	if p == "" {
		return noBasePath
	}
	return p
}

// mapping finds a domain's mapping by base path.
func (d *managedDomain) mapping(basePath string) (int, error) {
	i := slices.IndexFunc(d.Mappings, func(m BasePathMapping) bool { return m.BasePath == basePath })
	if i < 0 {
		return 0, notFound("Invalid base path mapping identifier specified")
	}
	return i, nil
}

func (s *Service) getMapping(r *http.Request) (int, any, error) {
	d, err := s.readUsage().domain(r.PathValue("domain"))
	if err != nil {
		return 0, nil, err
	}
	i, err := d.mapping(mappingPath(r))
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, d.Mappings[i], nil
}

func (s *Service) listMappings(r *http.Request) (int, any, error) {
	d, err := s.readUsage().domain(r.PathValue("domain"))
	if err != nil {
		return 0, nil, err
	}
	l, err := paginate(r, slices.Clone(d.Mappings), func(m BasePathMapping) string { return m.BasePath })
	return http.StatusOK, l, err
}

// mappingPaths are UpdateBasePathMapping's patch paths.
const mappingPaths = "/basePath, /restapiId, /stage"

func (s *Service) updateMapping(r *http.Request) (int, any, error) {
	ops, err := readPatch(r)
	if err != nil {
		return 0, nil, err
	}
	name, path := strings.ToLower(r.PathValue("domain")), mappingPath(r)
	var out BasePathMapping
	err = s.changeUsage(r.Context(), func(u *usageDoc) error {
		d, err := u.domain(name)
		if err != nil {
			return err
		}
		i, err := d.mapping(path)
		if err != nil {
			return err
		}
		m := d.Mappings[i]
		for _, p := range ops {
			if p.Op != "replace" {
				return invalidPath(p, mappingPaths)
			}
			switch p.Path {
			case "/basePath":
				bp, err := basePathOf(p.value())
				if err != nil {
					return err
				}
				if bp != m.BasePath && slices.ContainsFunc(d.Mappings, func(o BasePathMapping) bool { return o.BasePath == bp }) {
					return conflict("Base path already exists for this domain name")
				}
				m.BasePath = bp
			case "/restapiId":
				m.RestAPIID = p.value()
			case "/stage":
				m.Stage = p.value()
			default:
				return invalidPath(p, mappingPaths)
			}
		}
		if err := s.checkMapping(m); err != nil {
			return err
		}
		d.Mappings[i], out = m, m
		return nil
	})
	if err != nil {
		return 0, nil, err
	}
	s.log.Info("management API: base path mapping updated", "domainName", name, "basePath", out.BasePath, "restApiId", out.RestAPIID, "stage", out.Stage)
	return http.StatusOK, out, nil
}

func (s *Service) deleteMapping(r *http.Request) (int, any, error) {
	name, path := strings.ToLower(r.PathValue("domain")), mappingPath(r)
	err := s.changeUsage(r.Context(), func(u *usageDoc) error {
		d, err := u.domain(name)
		if err != nil {
			return err
		}
		i, err := d.mapping(path)
		if err != nil {
			return err
		}
		d.Mappings = slices.Delete(d.Mappings, i, i+1)
		return nil
	})
	if err != nil {
		return 0, nil, err
	}
	s.log.Info("management API: base path mapping deleted", "domainName", name, "basePath", path)
	return http.StatusAccepted, nil, nil
}
