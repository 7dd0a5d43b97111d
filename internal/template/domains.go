package template

import (
	"strconv"
	"strings"

	"github.com/portico-gw/portico/internal/cfn"
	"github.com/portico-gw/portico/internal/config"
)

// Custom domains (docs/templates.md#custom-domains): SAM's Domain property
// of AWS::Serverless::Api and AWS::Serverless::HttpApi,
// AWS::ApiGateway::DomainName with AWS::ApiGateway::BasePathMapping, and
// AWS::ApiGatewayV2::DomainName with AWS::ApiGatewayV2::ApiMapping become
// config.Domain values. Certificates named by ARN cannot be loaded
// locally: the domain is served with the listener's certificates (SNI).

// domainSet collects the domains of one template, by name, in order.
type domainSet struct {
	t     *translator
	order []string
	byKey map[string]*config.Domain
	// paths locate each base path of a domain ("name basePath").
	paths map[string]string
	// cert records the domains already noted for their certificate.
	cert map[string]bool
}

// samDomainOf records an API's SAM Domain property.
func (t *translator) samDomainOf(a *api, props map[string]any, pp string) {
	if d := t.obj(props, pp, "Domain"); d != nil {
		a.domain, a.domainPtr = d, pp+"/Domain"
	}
}

// domains translates every custom domain of the template into
// t.res.Domains.
func (t *translator) domains(names []string) {
	s := &domainSet{t: t, byKey: map[string]*config.Domain{}, paths: map[string]string{}, cert: map[string]bool{}}
	for _, n := range t.apiOrder {
		if a := t.apis[n]; a.domain != nil {
			s.sam(a)
		}
	}
	// DomainName resources first: mappings name them.
	declared := map[string]string{} // logical id → domain name
	for _, n := range names {
		r := t.stack.Resources[n]
		if r.Type != "AWS::ApiGateway::DomainName" && r.Type != "AWS::ApiGatewayV2::DomainName" {
			continue
		}
		pp := r.Pointer + "/Properties"
		name := s.name(r.Properties, pp, "DomainName")
		if name == "" {
			continue
		}
		declared[r.Name] = name
		s.domain(name)
		arn := false
		for _, k := range []string{"CertificateArn", "RegionalCertificateArn"} {
			_, has := r.Properties[k]
			arn = arn || has
		}
		if cfgs, ok := r.Properties["DomainNameConfigurations"].([]any); ok {
			for _, c := range cfgs {
				if m, ok := c.(map[string]any); ok {
					_, has := m["CertificateArn"]
					arn = arn || has
				}
			}
		}
		if arn {
			s.noteCert(name, r.Pointer)
		}
	}
	for _, n := range names {
		r := t.stack.Resources[n]
		pp := r.Pointer + "/Properties"
		switch r.Type {
		case "AWS::ApiGateway::BasePathMapping":
			name := s.domainOf(r, declared)
			a := s.api(r, "RestApiId", false)
			bp := t.str(r.Properties, pp, "BasePath")
			if name == "" || a == nil {
				continue
			}
			if strings.Contains(strings.Trim(bp, "/"), "/") {
				t.errorf(pp+"/BasePath", "%q: an AWS::ApiGateway::BasePathMapping has one segment (API Gateway V1 has no multi-level base paths; use an AWS::ApiGatewayV2::ApiMapping)", bp)
				continue
			}
			s.mapping(name, a, t.stageOf(r, a), bp, pp+"/BasePath", r.Pointer)
		case "AWS::ApiGatewayV2::ApiMapping":
			name := s.domainOf(r, declared)
			a := s.api(r, "ApiId", true)
			bp := t.str(r.Properties, pp, "ApiMappingKey")
			if name == "" || a == nil {
				continue
			}
			s.mapping(name, a, t.stageOf(r, a), bp, pp+"/ApiMappingKey", r.Pointer)
		}
	}
	for _, k := range s.order {
		t.res.Domains = append(t.res.Domains, *s.byKey[k])
	}
}

// name reads and checks a domain name (lower-cased, as AWS stores it).
func (s *domainSet) name(m map[string]any, pp, key string) string {
	t := s.t
	v, ok := m[key]
	if !ok {
		t.errorf(pp, "%s is required", key)
		return ""
	}
	if _, isRef := v.(cfn.ResourceRef); isRef {
		t.errorf(pp+"/"+key, "%s must be a domain name, not a reference to another resource", key)
		return ""
	}
	name := strings.ToLower(strings.TrimSuffix(t.str(m, pp, key), "."))
	if !config.ValidDomainName(name) {
		t.errorf(pp+"/"+key, "%q is not a domain name (a leading \"*.\" is allowed)", name)
		return ""
	}
	return name
}

// domain returns (creating) the domain of a name.
func (s *domainSet) domain(name string) *config.Domain {
	d := s.byKey[name]
	if d == nil {
		d = &config.Domain{Name: name}
		s.byKey[name] = d
		s.order = append(s.order, name)
	}
	return d
}

// noteCert notes, once per domain, that its certificate is the listener's.
func (s *domainSet) noteCert(name, ptr string) {
	if s.cert[name] {
		return
	}
	s.cert[name] = true
	s.t.note(ptr, "domain %s: a certificate ARN cannot be loaded locally; the domain is served with the listener's certificates (listen.tls, chosen by SNI)", name)
}

// domainOf is the domain a mapping names: a reference to a DomainName
// resource of the template, or a name (then the domain need not be
// declared here: it is served with the listener's certificates).
func (s *domainSet) domainOf(r *cfn.Resource, declared map[string]string) string {
	pp := r.Pointer + "/Properties"
	v, ok := r.Properties["DomainName"]
	if !ok {
		s.t.errorf(pp, "%s %s needs DomainName", r.Type, r.Name)
		return ""
	}
	if ref, isRef := v.(cfn.ResourceRef); isRef {
		if name, ok := declared[ref.Name]; ok {
			return name
		}
		s.t.errorf(pp+"/DomainName", "%s %s: DomainName refers to %s, which is not a domain name resource of this template", r.Type, r.Name, ref.Name)
		return ""
	}
	if text, _ := v.(string); text != "" {
		if id, ok := s.t.refName(text); ok {
			if name, ok := declared[id]; ok {
				return name
			}
		}
	}
	name := s.name(r.Properties, pp, "DomainName")
	if name != "" {
		s.domain(name)
	}
	return name
}

// api is the API a mapping names (RestApiId or ApiId): an API of this
// template; a BasePathMapping maps REST APIs only.
func (s *domainSet) api(r *cfn.Resource, key string, httpOK bool) *api {
	t := s.t
	pp := r.Pointer + "/Properties"
	v, ok := r.Properties[key]
	if !ok {
		t.errorf(pp, "%s %s needs %s", r.Type, r.Name, key)
		return nil
	}
	name, _ := t.refName(v)
	a := t.apis[name]
	if a == nil || (a.http && !httpOK) {
		text, _ := t.text(v)
		kind := "API"
		if !httpOK {
			kind = "REST API"
		}
		t.errorf(pp+"/"+key, "%s %s: %s %s is not a %s of this template (an imported or existing API cannot be served locally)", r.Type, r.Name, key, text, kind)
		return nil
	}
	return a
}

// stageOf is the stage a mapping names: a name, or a reference to a stage
// resource (its StageName; SAM's implicit stages by their logical ids).
func (t *translator) stageOf(r *cfn.Resource, a *api) string {
	pp := r.Pointer + "/Properties"
	v, ok := r.Properties["Stage"]
	if !ok {
		t.errorf(pp, "%s %s needs Stage: a mapping without a stage (the stage then follows the base path in the URL) is not served locally", r.Type, r.Name)
		return ""
	}
	stage, _ := t.text(v)
	if id, ok := t.refName(v); ok {
		if sr := t.stack.Resources[id]; sr != nil && (sr.Type == "AWS::ApiGateway::Stage" || sr.Type == "AWS::ApiGatewayV2::Stage") {
			stage = t.str(sr.Properties, sr.Pointer+"/Properties", "StageName")
		} else if t.stack.Implicit[id] != "" {
			for _, st := range a.stages {
				if id == a.name+st.Name+"Stage" || id == a.name+"Stage" || (st.Name == "$default" && id == a.name+"ApiGatewayDefaultStage") {
					stage = st.Name
				}
			}
		}
	}
	if !hasStage(a, stage) {
		t.errorf(pp+"/Stage", "%s %s: API %s has no stage %q", r.Type, r.Name, a.name, stage)
		return ""
	}
	return stage
}

// mapping adds one base path mapping; ptr locates the base path.
func (s *domainSet) mapping(name string, a *api, stage, basePath, ptr, resPtr string) {
	if stage == "" {
		return
	}
	bp := strings.Trim(basePath, "/")
	if basePath == config.NoBasePath {
		bp = ""
	}
	if !config.ValidBasePath(bp) {
		s.t.errorf(ptr, "%q is not a base path (segments of letters, digits, '.', '_', '~' and '-')", basePath)
		return
	}
	key := name + " " + bp
	if first, dup := s.paths[key]; dup {
		shown := bp
		if shown == "" {
			shown = config.NoBasePath
		}
		s.t.errorf(ptr, "domain %s already maps the base path %s (at %s)", name, shown, first)
		return
	}
	s.paths[key] = resPtr
	if bp == "" {
		bp = config.NoBasePath
	}
	d := s.domain(name)
	d.Mappings = append(d.Mappings, config.Mapping{BasePath: bp, API: s.t.apiID(a), Stage: stage})
}

// sam translates an API's Domain property as SAM does: a DomainName, and
// one mapping per BasePath (none: "(none)"). REST base paths keep only
// letters and digits unless NormalizeBasePath is false; HTTP API base
// paths allow letters, digits, '-', '_' and '/' and lose surrounding
// slashes.
func (s *domainSet) sam(a *api) {
	t, d, ptr := s.t, a.domain, a.domainPtr
	name := s.name(d, ptr, "DomainName")
	if name == "" {
		return
	}
	s.domain(name)
	if _, ok := d["CertificateArn"]; ok {
		s.noteCert(name, ptr)
	}
	stage := ""
	if len(a.stages) > 0 {
		stage = a.stages[0].Name
	}
	paths := t.strList(d, ptr, "BasePath")
	if len(paths) == 0 {
		s.mapping(name, a, stage, config.NoBasePath, ptr, ptr)
		return
	}
	normalize := t.boolean(d, ptr, "NormalizeBasePath", true)
	for i, p := range paths {
		pp := ptr + "/BasePath"
		if _, isList := d["BasePath"].([]any); isList {
			pp += "/" + strconv.Itoa(i)
		}
		switch {
		case a.http:
			if strings.ContainsFunc(p, func(r rune) bool {
				return !(r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r == '/' || r == '-' || r == '_')
			}) {
				t.errorf(pp, "%q is not a base path: SAM allows letters, digits, '/', '-' and '_'", p)
				continue
			}
		case normalize:
			p = strings.Map(func(r rune) rune {
				if r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' {
					return r
				}
				return -1
			}, p)
		}
		s.mapping(name, a, stage, p, pp, pp)
	}
}
