package dashboard

import (
	"net/url"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/portico-gw/portico/internal/apidef"
	"github.com/portico-gw/portico/internal/awslimits"
	"github.com/portico-gw/portico/internal/config"
)

// API is one deployed API as /portico/apis shows it. Nothing in it is a
// secret: stage variables are listed by name only (their values may come
// from ${env:...}), and integration URIs lose any user:password part.
type API struct {
	ID       string `json:"id"`
	Title    string `json:"title"`
	Protocol string `json:"protocol"` // REST or HTTP
	// Source is the definition file; Warnings are its import warnings.
	Source       string    `json:"source"`
	Warnings     []Warning `json:"warnings"`
	APIKeySource string    `json:"apiKeySource,omitempty"`
	Stages       []Stage   `json:"stages"`
	// Resources are the REST resource tree, parents first (every path
	// prefix is listed, with or without methods); for an HTTP API, one
	// entry per route path.
	Resources []Resource `json:"resources"`
}

// Warning is a located import warning.
type Warning struct {
	File    string `json:"file"`
	Line    int    `json:"line,omitempty"`
	Pointer string `json:"pointer,omitempty"`
	Message string `json:"message"`
}

// Stage is one stage's settings.
type Stage struct {
	Name           string          `json:"name"`
	Variables      []string        `json:"variables"`
	LoggingLevel   string          `json:"loggingLevel"`
	DataTrace      bool            `json:"dataTraceEnabled"`
	AccessLog      bool            `json:"accessLog"`
	MethodSettings []MethodSetting `json:"methodSettings"`
	// RouteSettings are an HTTP API stage's throttles: route key
	// "$defaultRouteSettings" for defaultRouteSettings, then by route key.
	RouteSettings []RouteSetting `json:"routeSettings,omitempty"`
	// Cache is the stage's response cache; nil without one.
	Cache *StageCache `json:"cache,omitempty"`
}

// StageCache is a stage's cache cluster: its size in GB and default TTL.
type StageCache struct {
	SizeGB float64 `json:"size"`
	TTL    int     `json:"ttl"`
}

// RouteSetting is one HTTP API route throttle entry.
type RouteSetting struct {
	RouteKey   string   `json:"routeKey"`
	RateLimit  *float64 `json:"throttlingRateLimit,omitempty"`
	BurstLimit *int     `json:"throttlingBurstLimit,omitempty"`
}

// MethodSetting is one methodSettings throttle entry.
type MethodSetting struct {
	ResourcePath string   `json:"resourcePath"`
	HTTPMethod   string   `json:"httpMethod"`
	RateLimit    *float64 `json:"throttlingRateLimit,omitempty"`
	BurstLimit   *int     `json:"throttlingBurstLimit,omitempty"`
	// CachingEnabled and CacheTTL are the entry's caching fields.
	CachingEnabled *bool `json:"cachingEnabled,omitempty"`
	CacheTTL       *int  `json:"cacheTtlInSeconds,omitempty"`
}

// Resource is one resource (path) and its methods.
type Resource struct {
	Path    string   `json:"path"`
	Depth   int      `json:"depth"`
	Methods []Method `json:"methods"`
}

// Method is one method (or HTTP API route).
type Method struct {
	HTTPMethod     string `json:"httpMethod"`
	RouteKey       string `json:"routeKey,omitempty"`
	OperationName  string `json:"operationName,omitempty"`
	Integration    string `json:"integration"`
	IntegrationURI string `json:"integrationUri,omitempty"`
	Authorization  string `json:"authorization"`
	Authorizer     string `json:"authorizer,omitempty"`
	AuthorizerType string `json:"authorizerType,omitempty"`
	APIKeyRequired bool   `json:"apiKeyRequired"`
	// Validator is the request validator's name and what it checks.
	Validator *Validator `json:"validator,omitempty"`
	// Throttle is the stage methodSettings throttle per stage name.
	Throttle map[string]Limit `json:"throttle,omitempty"`
	// Source is where the method is defined.
	Source string `json:"source,omitempty"`
}

// Validator is a method's request validator.
type Validator struct {
	Name       string `json:"name"`
	Body       bool   `json:"body"`
	Parameters bool   `json:"parameters"`
}

// Limit is a token bucket.
type Limit struct {
	Rate  float64 `json:"rateLimit"`
	Burst int     `json:"burstLimit"`
}

// DescribeAPIs builds the APIs view from the settings and the imported
// definitions (by API id) and every warning of the load.
func DescribeAPIs(cfg *config.File, defs map[string]*apidef.RestAPI, warnings []apidef.Warning) []API {
	out := []API{}
	for _, a := range cfg.APIs {
		def := defs[a.ID]
		if def == nil {
			continue
		}
		v := API{ID: a.ID, Title: def.Title, Protocol: "REST", Source: a.Definition, APIKeySource: def.APIKeySource, Warnings: []Warning{}}
		if def.Protocol == apidef.ProtocolHTTP {
			v.Protocol = "HTTP"
		}
		for _, w := range warnings {
			if sameFile(w.Loc.File, a.Definition) || sameFile(w.Loc.File, def.Source.File) {
				v.Warnings = append(v.Warnings, Warning{File: w.Loc.File, Line: w.Loc.Line, Pointer: w.Loc.Pointer, Message: w.Message})
			}
		}
		for _, s := range a.Stages {
			st := Stage{Name: s.Name, Variables: []string{}, LoggingLevel: s.LoggingLevel, DataTrace: s.DataTraceEnabled,
				AccessLog: s.AccessLogSettings != nil, MethodSettings: []MethodSetting{}}
			if st.LoggingLevel == "" {
				st.LoggingLevel = "OFF"
			}
			for k := range s.Variables {
				st.Variables = append(st.Variables, k)
			}
			sort.Strings(st.Variables)
			for _, ms := range s.MethodSettings {
				st.MethodSettings = append(st.MethodSettings, MethodSetting{ms.ResourcePath, ms.HTTPMethod, ms.ThrottlingRateLimit, ms.ThrottlingBurstLimit,
					ms.CachingEnabled, ms.CacheTTLInSeconds})
			}
			if c := s.Cache; c != nil && c.Enabled {
				size := c.Size
				if size == 0 {
					size = config.DefaultCacheSize
				}
				st.Cache = &StageCache{SizeGB: size, TTL: c.DefaultTTL()}
			}
			if d := s.DefaultRouteSettings; d != nil {
				st.RouteSettings = append(st.RouteSettings, RouteSetting{"$defaultRouteSettings", d.ThrottlingRateLimit, d.ThrottlingBurstLimit})
			}
			rks := make([]string, 0, len(s.RouteSettings))
			for k := range s.RouteSettings {
				rks = append(rks, k)
			}
			sort.Strings(rks)
			for _, k := range rks {
				r := s.RouteSettings[k]
				st.RouteSettings = append(st.RouteSettings, RouteSetting{k, r.ThrottlingRateLimit, r.ThrottlingBurstLimit})
			}
			v.Stages = append(v.Stages, st)
		}
		v.Resources = resources(def, a.Stages)
		out = append(out, v)
	}
	return out
}

func sameFile(a, b string) bool {
	if a == "" || b == "" {
		return false
	}
	return filepath.Clean(a) == filepath.Clean(b)
}

// resources lays the methods out as a resource tree.
func resources(def *apidef.RestAPI, stages []config.Stage) []Resource {
	byPath := map[string]*Resource{}
	add := func(p string) *Resource {
		if r, ok := byPath[p]; ok {
			return r
		}
		r := &Resource{Path: p, Methods: []Method{}}
		if p != "/" && !strings.HasPrefix(p, "$") {
			r.Depth = strings.Count(p, "/")
		}
		byPath[p] = r
		return r
	}
	for _, m := range def.Methods {
		if def.Protocol == apidef.ProtocolREST {
			// every prefix is a resource of the tree
			add("/")
			for i := 1; i < len(m.Path); i++ {
				if m.Path[i] == '/' {
					add(m.Path[:i])
				}
			}
		}
		r := add(m.Path)
		r.Methods = append(r.Methods, describeMethod(def, m, stages))
	}
	out := make([]Resource, 0, len(byPath))
	for _, r := range byPath {
		sort.Slice(r.Methods, func(i, j int) bool { return r.Methods[i].HTTPMethod < r.Methods[j].HTTPMethod })
		out = append(out, *r)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Path < out[j].Path })
	return out
}

func describeMethod(def *apidef.RestAPI, m *apidef.Method, stages []config.Stage) Method {
	v := Method{HTTPMethod: m.HTTPMethod, OperationName: m.OperationName, Authorization: string(m.AuthorizationType),
		APIKeyRequired: m.APIKeyRequired, Authorizer: m.AuthorizerName}
	if v.Authorization == "" {
		v.Authorization = "NONE"
	}
	if def.Protocol == apidef.ProtocolHTTP {
		v.RouteKey = m.RouteKey()
	}
	if a, ok := def.Authorizers[m.AuthorizerName]; ok && m.AuthorizerName != "" {
		v.AuthorizerType = string(a.Type)
	}
	if m.Integration != nil {
		v.Integration = string(m.Integration.Type)
		v.IntegrationURI = safeURI(m.Integration.URI)
	}
	name := m.RequestValidator
	if name == "" {
		name = def.DefaultValidator
	}
	if rv, ok := def.RequestValidators[name]; ok && name != "" {
		v.Validator = &Validator{Name: name, Body: rv.ValidateRequestBody, Parameters: rv.ValidateRequestParameters}
	}
	for _, s := range stages {
		if l, ok := stageLimit(s, m, def.Protocol == apidef.ProtocolHTTP); ok {
			if v.Throttle == nil {
				v.Throttle = map[string]Limit{}
			}
			v.Throttle[s.Name] = l
		}
	}
	if m.Loc.File != "" {
		v.Source = m.Loc.File
		if m.Loc.Line > 0 {
			v.Source += ":" + strconv.Itoa(m.Loc.Line)
		}
	}
	return v
}

// limitLevel is one level of throttle settings; unset fields inherit.
type limitLevel struct {
	rate  *float64
	burst *int
}

// resolveLimit applies the levels in order, field by field, as the gateway
// does; fields no level sets take AWS's account defaults. False when no
// level sets anything.
func resolveLimit(levels []limitLevel) (Limit, bool) {
	var rate *float64
	var burst *int
	for _, l := range levels {
		if l.rate != nil {
			rate = l.rate
		}
		if l.burst != nil {
			burst = l.burst
		}
	}
	if rate == nil && burst == nil {
		return Limit{}, false
	}
	l := Limit{Rate: awslimits.AccountRateLimit, Burst: awslimits.AccountBurstLimit}
	if rate != nil {
		l.Rate = *rate
	}
	if burst != nil {
		l.Burst = *burst
	}
	return l, true
}

// stageLimit resolves a method's stage throttle: for a REST API its
// methodSettings entry over the "/*" "*" entry; for an HTTP API its
// routeSettings entry over defaultRouteSettings.
func stageLimit(s config.Stage, m *apidef.Method, http bool) (Limit, bool) {
	var levels []limitLevel
	if http {
		if d := s.DefaultRouteSettings; d != nil {
			levels = append(levels, limitLevel{d.ThrottlingRateLimit, d.ThrottlingBurstLimit})
		}
		if r, ok := s.RouteSettings[m.RouteKey()]; ok {
			levels = append(levels, limitLevel{r.ThrottlingRateLimit, r.ThrottlingBurstLimit})
		}
		return resolveLimit(levels)
	}
	for _, ms := range s.MethodSettings {
		if ms.ResourcePath == "/*" && ms.HTTPMethod == "*" {
			levels = append(levels, limitLevel{ms.ThrottlingRateLimit, ms.ThrottlingBurstLimit})
		}
	}
	for _, ms := range s.MethodSettings {
		if ms.ResourcePath == m.Path && (ms.HTTPMethod == m.HTTPMethod || ms.HTTPMethod == "*") {
			levels = append(levels, limitLevel{ms.ThrottlingRateLimit, ms.ThrottlingBurstLimit})
		}
	}
	return resolveLimit(levels)
}

// safeURI drops a user:password part from an http(s) URI.
func safeURI(s string) string {
	u, err := url.Parse(s)
	if err != nil || u.User == nil {
		return s
	}
	u.User = nil
	return u.String()
}
