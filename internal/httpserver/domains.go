package httpserver

import (
	"net/http"
	"slices"
	"strings"

	"github.com/portico-gw/portico/internal/deploy"
	"github.com/portico-gw/portico/internal/pipeline"
)

// Domain is a custom domain name and its API mappings
// (https://docs.aws.amazon.com/apigateway/latest/developerguide/rest-api-mappings.html,
// https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-mappings.html).
type Domain struct {
	// Name is the lower-case host name; "*.example.com" matches one label.
	Name string
	// Mappings map base paths to API stages.
	Mappings []Mapping
}

// Mapping is one API mapping (base path mapping).
type Mapping struct {
	// BasePath is "" for "(none)", else segments without surrounding
	// slashes ("v1", "v1/orders").
	BasePath string
	// API and Stage name the API stage served.
	API, Stage string
}

// Domains is an immutable table of custom domains.
type Domains struct {
	byName map[string]*domain
}

type domain struct {
	// mappings, longest base path (in segments) first; "(none)" last.
	mappings []mapping
}

type mapping struct {
	Mapping
	segs []string
}

// NewDomains builds the table; a later domain of the same name replaces
// an earlier one (the settings reject duplicates).
func NewDomains(ds []Domain) *Domains {
	t := &Domains{byName: make(map[string]*domain, len(ds))}
	for _, d := range ds {
		dd := &domain{}
		for _, m := range d.Mappings {
			mm := mapping{Mapping: m}
			if m.BasePath != "" {
				mm.segs = strings.Split(m.BasePath, "/")
			}
			dd.mappings = append(dd.mappings, mm)
		}
		slices.SortStableFunc(dd.mappings, func(a, b mapping) int { return len(b.segs) - len(a.segs) })
		t.byName[strings.ToLower(d.Name)] = dd
	}
	return t
}

// SetDomains replaces the custom domain table (nil: none).
func (e *Edge) SetDomains(d *Domains) { e.domains.Store(d) }

// lookup finds the domain of a host: the exact name, else the wildcard
// of its parent.
func (t *Domains) lookup(host string) *domain {
	if t == nil || len(t.byName) == 0 {
		return nil
	}
	if d, ok := t.byName[host]; ok {
		return d
	}
	if _, parent, ok := strings.Cut(host, "."); ok {
		return t.byName["*."+parent]
	}
	return nil
}

// match returns the mapping whose base path is the longest prefix (whole
// segments) of the escaped path, and the path after it ("/" at least).
func (d *domain) match(path string) (*mapping, string, bool) {
	trimmed := strings.TrimPrefix(path, "/")
	for i := range d.mappings {
		m := &d.mappings[i]
		if len(m.segs) == 0 {
			return m, path, true
		}
		rest, ok := cutSegments(trimmed, m.segs)
		if ok {
			return m, "/" + rest, true
		}
	}
	return nil, "", false
}

// cutSegments removes the segments segs from the start of p (no leading
// slash); the remainder has no leading slash.
func cutSegments(p string, segs []string) (string, bool) {
	for _, s := range segs {
		head, tail, more := strings.Cut(p, "/")
		if head != s {
			return "", false
		}
		if !more {
			tail = ""
		}
		p = tail
	}
	return p, true
}

// domainStage selects the API and stage of a request to a custom domain.
// ok is false when the host is no custom domain (the default endpoint
// rules apply). A path no mapping covers answers as AWS does: 403
// {"message":"Forbidden"} (api nil), or, on a domain whose mappings are
// all HTTP APIs, 404 {"message":"Not Found"} (an HTTP API and no stage).
func (e *Edge) domainStage(snap *deploy.Snapshot, r *http.Request) (*deploy.API, *deploy.Stage, string, bool) {
	d := e.domains.Load().lookup(hostOnly(r.Host))
	if d == nil {
		return nil, nil, "", false
	}
	if m, rest, ok := d.match(r.URL.EscapedPath()); ok {
		if api, found := snap.API(m.API); found {
			if st, found := api.Stage(m.Stage); found {
				return api, st, rest, true
			}
		}
	}
	return d.unmapped(snap), nil, "", true
}

// unmapped is the API whose kind decides the answer to an unmapped path:
// an HTTP API when every mapping of the domain is one, else nil.
func (d *domain) unmapped(snap *deploy.Snapshot) *deploy.API {
	var httpAPI *deploy.API
	for _, m := range d.mappings {
		api, ok := snap.API(m.API)
		if !ok || !api.HTTP() {
			return nil
		}
		httpAPI = api
	}
	return httpAPI
}

// fillDomain records a custom domain's mapping on the call: the base path
// matched ($context.customDomain.basePathMatched) and the paths AWS
// reports. On a REST API $context.path is the path as sent (the base path
// included, no stage); on an HTTP API the path after the mapping.
func (e *Edge) fillDomain(c *pipeline.Call, r *http.Request, api *deploy.API) {
	d := e.domains.Load().lookup(c.DomainName)
	if d == nil {
		return
	}
	m, rest, ok := d.match(r.URL.EscapedPath())
	if !ok {
		return
	}
	c.BasePathMatched = m.BasePath
	if api.HTTP() {
		c.StagePath = rest
		return
	}
	c.StagePath = r.URL.EscapedPath()
}

// executeAPIDisabled answers a request to the default endpoint of an API
// whose definition disables it (disableExecuteApiEndpoint): REST APIs 403
// {"message":"Forbidden"}, HTTP APIs 404 {"message":"Not Found"}
// (https://docs.aws.amazon.com/apigateway/latest/developerguide/rest-api-disable-default-endpoint.html).
func executeAPIDisabled(api *deploy.API) (*deploy.API, *deploy.Stage, string, bool) {
	if api == nil || api.Def == nil || !api.Def.DisableExecuteAPIEndpoint {
		return nil, nil, "", false
	}
	if api.HTTP() {
		return api, nil, "", true
	}
	return nil, nil, "", true
}
