package mgmt

import (
	"crypto/sha256"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/portico-gw/portico/internal/apidef"
	"github.com/portico-gw/portico/internal/awslimits"
	"github.com/portico-gw/portico/internal/deploy"
	"github.com/portico-gw/portico/internal/source"
)

// defaultTimeout is an integration's default timeoutInMillis (29 s).
const defaultTimeout = 29000

// root returns the root resource.
func (c *content) root() *Resource {
	return c.Resources[c.API.RootResourceID]
}

// fixPaths recomputes every resource's path from its parent chain.
func (c *content) fixPaths() {
	var path func(r *Resource, depth int) string
	path = func(r *Resource, depth int) string {
		if r.ParentID == "" || depth > len(c.Resources) {
			return "/"
		}
		p := c.Resources[r.ParentID]
		if p == nil {
			return "/" + r.PathPart
		}
		pp := path(p, depth+1)
		if pp == "/" {
			return "/" + r.PathPart
		}
		return pp + "/" + r.PathPart
	}
	for _, r := range c.Resources {
		r.Path = path(r, 0)
	}
}

// byPath returns the resource with the path, if any.
func (c *content) byPath(p string) *Resource {
	for _, r := range c.Resources {
		if r.Path == p {
			return r
		}
	}
	return nil
}

// ensurePath returns the resource of path p, creating the missing
// resources on the way with ids from newID.
func (c *content) ensurePath(p string, newID func(key string) string) *Resource {
	cur := c.root()
	if p == "/" || p == "" {
		return cur
	}
	for part := range strings.SplitSeq(strings.Trim(p, "/"), "/") {
		var next *Resource
		for _, r := range c.Resources {
			if r.ParentID == cur.ID && r.PathPart == part {
				next = r
				break
			}
		}
		if next == nil {
			path := cur.Path
			if path == "/" {
				path = ""
			}
			next = &Resource{ID: newID(path + "/" + part), ParentID: cur.ID, PathPart: part, Path: path + "/" + part}
			c.Resources[next.ID] = next
		}
		cur = next
	}
	return cur
}

// newContent is an API with only its root resource.
func newContent(api RestAPI, rootID string) content {
	api.RootResourceID = rootID
	return content{API: api, Resources: map[string]*Resource{rootID: {ID: rootID, Path: "/"}}}
}

// fromAPIDef adds the methods and extras of an imported definition to c
// (replacing methods with the same path and verb). newID makes resource and
// authorizer ids from a key (random for imports, stable for settings-file
// APIs).
func fromAPIDef(c *content, def *apidef.RestAPI, newID func(key string) string) {
	if c.Extras.Authorizers == nil {
		c.Extras.Authorizers = map[string]apidef.Authorizer{}
	}
	authIDs := map[string]string{}
	for id, a := range c.Extras.Authorizers {
		authIDs[a.Name] = id
	}
	for _, name := range slices.Sorted(maps.Keys(def.Authorizers)) {
		id, ok := authIDs[name]
		if !ok {
			id = newID("authorizer:" + name)
			authIDs[name] = id
		}
		c.Extras.Authorizers[id] = def.Authorizers[name]
	}
	if c.Extras.Validators == nil {
		c.Extras.Validators = map[string]Validator{}
	}
	valIDs := map[string]string{}
	for id, v := range c.Extras.Validators {
		valIDs[v.Name] = id
	}
	for _, name := range slices.Sorted(maps.Keys(def.RequestValidators)) {
		id, ok := valIDs[name]
		if !ok {
			id = newID("validator:" + name)
			valIDs[name] = id
		}
		c.Extras.Validators[id] = Validator{Name: name, RequestValidator: def.RequestValidators[name]}
	}
	if def.DefaultValidator != "" {
		c.Extras.DefaultValidator = def.DefaultValidator
	}
	for name, m := range def.Models {
		if c.Extras.Models == nil {
			c.Extras.Models = map[string]string{}
		}
		c.Extras.Models[name] = string(m)
	}
	for t, gr := range def.GatewayResponses {
		if c.Extras.GatewayResponses == nil {
			c.Extras.GatewayResponses = map[string]apidef.GatewayResponse{}
		}
		gr.Loc = apidef.Location{}
		c.Extras.GatewayResponses[t] = gr
	}
	if len(def.BinaryMediaTypes) > 0 {
		c.API.BinaryMediaTypes = slices.Clone(def.BinaryMediaTypes)
	}
	if def.APIKeySource != "" {
		c.API.APIKeySource = def.APIKeySource
	}
	if m := def.MinimumCompressionSize; m != nil {
		n := *m
		c.API.MinimumCompressionSize = &n
	}
	if def.DisableExecuteAPIEndpoint {
		c.API.DisableExecuteAPIEndpoint = true
	}
	if len(def.Policy) > 0 {
		c.API.Policy = string(def.Policy)
	}
	for _, m := range def.Methods {
		if m.DefaultRoute {
			continue
		}
		r := c.ensurePath(m.Path, newID)
		if r.Methods == nil {
			r.Methods = map[string]*Method{}
		}
		r.Methods[m.HTTPMethod] = methodFromDef(m, authIDs, valIDs)
	}
}

func methodFromDef(m *apidef.Method, authIDs, valIDs map[string]string) *Method {
	out := &Method{HTTPMethod: m.HTTPMethod, AuthorizationType: string(m.AuthorizationType), APIKeyRequired: m.APIKeyRequired,
		OperationName: m.OperationName, RequestParameters: maps.Clone(m.RequestParameters), RequestModels: maps.Clone(m.RequestModels),
		AuthorizationScopes: slices.Clone(m.AuthorizationScopes)}
	if out.AuthorizationType == "" {
		out.AuthorizationType = "NONE"
	}
	if m.AuthorizerName != "" {
		out.AuthorizerID = authIDs[m.AuthorizerName]
	}
	if m.RequestValidator != "" {
		out.RequestValidatorID = valIDs[m.RequestValidator]
	}
	for code, mr := range m.MethodResponses {
		if out.MethodResponses == nil {
			out.MethodResponses = map[string]*MethodResponse{}
		}
		out.MethodResponses[code] = &MethodResponse{StatusCode: code, ResponseParameters: maps.Clone(mr.ResponseParameters), ResponseModels: maps.Clone(mr.ResponseModels)}
	}
	if in := m.Integration; in != nil {
		i := &Integration{Type: string(in.Type), HTTPMethod: in.HTTPMethod, URI: in.URI, ConnectionType: in.ConnectionType, Credentials: in.Credentials,
			RequestParameters: maps.Clone(in.RequestParameters), RequestTemplates: maps.Clone(in.RequestTemplates),
			PassthroughBehavior: string(in.PassthroughBehavior), ContentHandling: string(in.ContentHandling), TimeoutInMillis: in.TimeoutInMillis,
			CacheNamespace: in.CacheNamespace, CacheKeyParameters: slices.Clone(in.CacheKeyParameters)}
		if i.TimeoutInMillis == 0 {
			i.TimeoutInMillis = defaultTimeout
		}
		if i.PassthroughBehavior == "" {
			i.PassthroughBehavior = "WHEN_NO_MATCH"
		}
		if i.CacheKeyParameters == nil {
			i.CacheKeyParameters = []string{}
		}
		if in.InsecureSkipVerification {
			i.TLSConfig = &TLSConfig{InsecureSkipVerification: true}
		}
		for _, ir := range in.Responses {
			if i.IntegrationResponses == nil {
				i.IntegrationResponses = map[string]*IntegrationResponse{}
			}
			i.IntegrationResponses[ir.StatusCode] = &IntegrationResponse{StatusCode: ir.StatusCode, SelectionPattern: ir.SelectionPattern,
				ResponseParameters: maps.Clone(ir.ResponseParameters), ResponseTemplates: maps.Clone(ir.ResponseTemplates), ContentHandling: string(ir.ContentHandling)}
		}
		out.Integration = i
	}
	return out
}

// toAPIDef turns a deployment's snapshot into the definition the data
// plane serves.
func toAPIDef(apiID, deploymentID string, c *content) *apidef.RestAPI {
	file := "management API: restapis/" + apiID + "/deployments/" + deploymentID
	def := &apidef.RestAPI{Title: c.API.Name, APIKeySource: c.API.APIKeySource, BinaryMediaTypes: slices.Clone(c.API.BinaryMediaTypes),
		Source: apidef.Location{File: file}, Models: map[string][]byte{}, ModelLocs: map[string]apidef.Location{},
		RequestValidators: map[string]apidef.RequestValidator{}, Authorizers: map[string]apidef.Authorizer{},
		GatewayResponses: maps.Clone(c.Extras.GatewayResponses), DefaultValidator: c.Extras.DefaultValidator,
		// The edge answers the default endpoint of a disabled API (403) and
		// serves it through custom domains; it compresses from the minimum size.
		DisableExecuteAPIEndpoint: c.API.DisableExecuteAPIEndpoint}
	if m := c.API.MinimumCompressionSize; m != nil {
		n := *m
		def.MinimumCompressionSize = &n
	}
	if c.API.Policy != "" {
		def.Policy = []byte(c.API.Policy)
		def.PolicyLoc = apidef.Location{File: file, Pointer: "/policy"}
	}
	for name, m := range c.Extras.Models {
		def.Models[name] = []byte(m)
		def.ModelLocs[name] = apidef.Location{File: file, Pointer: "/models/" + source.Escape(name)}
	}
	for _, v := range c.Extras.Validators {
		def.RequestValidators[v.Name] = v.RequestValidator
	}
	for _, a := range c.Extras.Authorizers {
		def.Authorizers[a.Name] = a
	}
	for _, r := range sortedResources(c) {
		for _, verb := range slices.Sorted(maps.Keys(r.Methods)) {
			m := r.Methods[verb]
			dm := &apidef.Method{Path: r.Path, HTTPMethod: verb, OperationName: m.OperationName, APIKeyRequired: m.APIKeyRequired,
				AuthorizationType: apidef.AuthorizationType(m.AuthorizationType), AuthorizationScopes: slices.Clone(m.AuthorizationScopes),
				RequestParameters: maps.Clone(m.RequestParameters), RequestModels: maps.Clone(m.RequestModels),
				MethodResponses: map[string]apidef.MethodResponse{},
				Loc:             apidef.Location{File: file, Pointer: "/resources/" + source.Escape(r.Path) + "/" + verb}}
			if a, ok := c.Extras.Authorizers[m.AuthorizerID]; ok {
				dm.AuthorizerName = a.Name
				dm.Security = map[string][]string{a.Name: slices.Clone(m.AuthorizationScopes)}
			}
			if v, ok := c.Extras.Validators[m.RequestValidatorID]; ok {
				dm.RequestValidator = v.Name
			}
			for code, mr := range m.MethodResponses {
				dm.MethodResponses[code] = apidef.MethodResponse{ResponseParameters: maps.Clone(mr.ResponseParameters), ResponseModels: maps.Clone(mr.ResponseModels)}
			}
			if in := m.Integration; in != nil {
				di := &apidef.Integration{Type: apidef.IntegrationType(in.Type), URI: in.URI, HTTPMethod: in.HTTPMethod,
					RequestParameters: maps.Clone(in.RequestParameters), RequestTemplates: maps.Clone(in.RequestTemplates),
					PassthroughBehavior: apidef.PassthroughBehavior(in.PassthroughBehavior), ContentHandling: apidef.ContentHandling(in.ContentHandling),
					TimeoutInMillis: in.TimeoutInMillis, Credentials: in.Credentials, ConnectionType: in.ConnectionType,
					CacheKeyParameters: slices.Clone(in.CacheKeyParameters), CacheNamespace: in.CacheNamespace, Loc: dm.Loc}
				if in.TLSConfig != nil {
					di.InsecureSkipVerification = in.TLSConfig.InsecureSkipVerification
				}
				for _, code := range slices.Sorted(maps.Keys(in.IntegrationResponses)) {
					ir := in.IntegrationResponses[code]
					di.Responses = append(di.Responses, apidef.IntegrationResponse{SelectionPattern: ir.SelectionPattern, StatusCode: code,
						ResponseParameters: maps.Clone(ir.ResponseParameters), ResponseTemplates: maps.Clone(ir.ResponseTemplates),
						ContentHandling: apidef.ContentHandling(ir.ContentHandling), Loc: dm.Loc})
				}
				dm.Integration = di
			}
			def.Methods = append(def.Methods, dm)
		}
	}
	return def
}

// sortedResources lists the resources by path.
func sortedResources(c *content) []*Resource {
	rs := slices.Collect(maps.Values(c.Resources))
	slices.SortFunc(rs, func(a, b *Resource) int { return strings.Compare(a.Path+"\x00"+a.ID, b.Path+"\x00"+b.ID) })
	return rs
}

// stableID makes a 10-character id from a key, for settings-file APIs,
// whose resources must keep their ids from one listing to the next.
func stableID(apiID string) func(key string) string {
	return func(key string) string {
		sum := sha256.Sum256([]byte(apiID + "\x00" + key))
		b := make([]byte, 10)
		for i := range b {
			b[i] = idAlphabet[int(sum[i])%len(idAlphabet)]
		}
		return string(b)
	}
}

// fileDocument is the read-only view of a settings-file API.
func fileDocument(sp deploy.APISpec) *document {
	ids := stableID(sp.ID)
	c := newContent(RestAPI{ID: sp.ID, Name: sp.Def.Title, APIKeySource: "HEADER",
		EndpointConfiguration: &EndpointConfiguration{Types: []string{"EDGE"}}}, ids("/"))
	fromAPIDef(&c, sp.Def, ids)
	c.fixPaths()
	if c.API.APIKeySource == "" {
		c.API.APIKeySource = "HEADER"
	}
	d := &document{content: c, Deployments: map[string]*deploymentRec{}, Stages: map[string]*Stage{}}
	depID := ids("deployment")
	snap := clone(c)
	d.Deployments[depID] = &deploymentRec{Deployment: Deployment{ID: depID, Description: "settings file"}, Snapshot: &snap}
	for _, st := range sp.Stages {
		s := &Stage{StageName: st.Name, DeploymentID: depID, Variables: maps.Clone(st.Variables), CacheClusterStatus: "NOT_AVAILABLE",
			MethodSettings: map[string]*MethodSetting{}}
		for _, ms := range st.MethodSettings {
			set := defaultMethodSetting()
			if ms.RateLimit != nil {
				set.ThrottlingRateLimit = *ms.RateLimit
			}
			if ms.BurstLimit != nil {
				set.ThrottlingBurstLimit = *ms.BurstLimit
			}
			s.MethodSettings[settingKey(ms.ResourcePath, ms.HTTPMethod)] = set
		}
		d.Stages[st.Name] = s
	}
	return d
}

// defaultMethodSetting is a methodSettings entry as AWS creates it when a
// patch first names its method: throttling at the account's defaults.
func defaultMethodSetting() *MethodSetting {
	return &MethodSetting{LoggingLevel: "OFF", ThrottlingBurstLimit: awslimits.AccountBurstLimit, ThrottlingRateLimit: awslimits.AccountRateLimit,
		CacheTTLInSeconds: 300, RequireAuthorizationForCacheControl: true, UnauthorizedCacheControlHeaderStrategy: "SUCCEED_WITH_RESPONSE_HEADER"}
}

// settingKey is the methodSettings key of a resource path and method:
// "*/*", or the path with "/" escaped as "~1" then "/" and the method.
func settingKey(resourcePath, method string) string {
	if resourcePath == "/*" || resourcePath == "*" {
		return "*/" + method
	}
	return strings.ReplaceAll(resourcePath, "/", "~1") + "/" + method
}

// methodSettings turns a stage's methodSettings into the data plane's.
// stageCache is the stage's cache cluster as deploy serves it; nil while
// cacheClusterEnabled is false (docs/aws-behaviour.md#response-caching).
func stageCache(st *Stage) *deploy.StageCache {
	if !st.CacheClusterEnabled {
		return nil
	}
	size := 0.5
	if v, err := strconv.ParseFloat(st.CacheClusterSize, 64); err == nil && slices.Contains(awslimits.CacheClusterSizes, v) {
		size = v
	}
	return &deploy.StageCache{Capacity: int64(size * (1 << 30)), DefaultTTL: awslimits.CacheDefaultTTLSeconds * time.Second}
}

// cacheStatus is a stage's cacheClusterStatus: AVAILABLE once the cluster
// is enabled (Portico's cache needs no provisioning), else NOT_AVAILABLE.
func cacheStatus(enabled bool) string {
	if enabled {
		return "AVAILABLE"
	}
	return "NOT_AVAILABLE"
}

func methodSettings(ms map[string]*MethodSetting) []deploy.MethodSetting {
	var out []deploy.MethodSetting
	for _, key := range slices.Sorted(maps.Keys(ms)) {
		i := strings.LastIndex(key, "/")
		if i < 0 {
			continue
		}
		path, verb := key[:i], key[i+1:]
		if path == "*" {
			path = "/*"
		} else {
			path = strings.ReplaceAll(path, "~1", "/")
		}
		m := ms[key]
		rate, burst := m.ThrottlingRateLimit, m.ThrottlingBurstLimit
		enabled, requireAuth := m.CachingEnabled, m.RequireAuthorizationForCacheControl
		ttl := time.Duration(m.CacheTTLInSeconds) * time.Second
		out = append(out, deploy.MethodSetting{ResourcePath: path, HTTPMethod: verb, RateLimit: &rate, BurstLimit: &burst,
			Caching: deploy.MethodCaching{Enabled: &enabled, TTL: &ttl, RequireAuthorization: &requireAuth, Strategy: m.UnauthorizedCacheControlHeaderStrategy}})
	}
	return out
}
