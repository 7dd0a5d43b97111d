package mgmt

import (
	"maps"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/portico-gw/portico/internal/awslimits"
	"github.com/portico-gw/portico/internal/telemetry"
)

// createDeploymentInput is CreateDeployment's body.
type createDeploymentInput struct {
	StageName           string            `json:"stageName"`
	StageDescription    string            `json:"stageDescription"`
	Description         string            `json:"description"`
	CacheClusterEnabled bool              `json:"cacheClusterEnabled"`
	CacheClusterSize    string            `json:"cacheClusterSize"`
	Variables           map[string]string `json:"variables"`
	TracingEnabled      bool              `json:"tracingEnabled"`
}

// checkDeployable refuses to snapshot an API AWS would not deploy.
func checkDeployable(c *content) error {
	n := 0
	for _, r := range sortedResources(c) {
		for _, verb := range sortedKeys(r.Methods) {
			n++
			if r.Methods[verb].Integration == nil {
				return badRequest("No integration defined for method")
			}
		}
	}
	if n == 0 {
		return badRequest("The REST API doesn't contain any methods")
	}
	return nil
}

func (s *Service) createDeployment(r *http.Request) (int, any, error) {
	var in createDeploymentInput
	if err := decode(r, &in); err != nil {
		return 0, nil, err
	}
	if in.StageName != "" && !stageNameRe().MatchString(in.StageName) {
		return 0, nil, badRequest("Stage name only allows a-zA-Z0-9_ and -, at most 128 characters")
	}
	if err := checkVariables(in.Variables); err != nil {
		return 0, nil, err
	}
	var out Deployment
	err := s.change(r.Context(), r.PathValue("api"), in.StageName != "", func(d *document) error {
		if err := checkDeployable(&d.content); err != nil {
			return err
		}
		snap := clone(d.content)
		dep := &deploymentRec{Deployment: Deployment{ID: newID(), Description: in.Description, CreatedDate: s.stamp()}, Snapshot: &snap}
		d.Deployments[dep.ID] = dep
		out = dep.Deployment
		if in.StageName == "" {
			return nil
		}
		now := s.stamp()
		st := d.Stages[in.StageName]
		if st == nil {
			st = &Stage{StageName: in.StageName, Description: in.StageDescription, CacheClusterStatus: "NOT_AVAILABLE",
				MethodSettings: map[string]*MethodSetting{}, CreatedDate: now}
			d.Stages[in.StageName] = st
		}
		st.DeploymentID, st.LastUpdatedDate = dep.ID, now
		st.CacheClusterEnabled, st.TracingEnabled = in.CacheClusterEnabled, in.TracingEnabled
		st.CacheClusterStatus = cacheStatus(st.CacheClusterEnabled)
		if in.CacheClusterSize != "" {
			if err := checkCacheSize(in.CacheClusterSize); err != nil {
				return err
			}
			st.CacheClusterSize = in.CacheClusterSize
		}
		if len(in.Variables) > 0 {
			if st.Variables == nil {
				st.Variables = map[string]string{}
			}
			maps.Copy(st.Variables, in.Variables)
		}
		return nil
	})
	if err == nil {
		s.log.Info("management API: deployment created", "restApiId", r.PathValue("api"), "deploymentId", out.ID, "stage", in.StageName)
	}
	return http.StatusCreated, out, err
}

// deployment finds the request's deployment.
func deployment(d *document, id string) (*deploymentRec, error) {
	dep := d.Deployments[id]
	if dep == nil {
		return nil, notFound("Invalid Deployment identifier specified")
	}
	return dep, nil
}

// deploymentView adds apiSummary when embed=apisummary asks for it.
func deploymentView(dep *deploymentRec, r *http.Request) Deployment {
	out := dep.Deployment
	if slices.Contains(r.URL.Query()["embed"], "apisummary") && dep.Snapshot != nil {
		out.APISummary = map[string]map[string]MethodSnapshot{}
		for _, res := range dep.Snapshot.Resources {
			for verb, m := range res.Methods {
				if out.APISummary[res.Path] == nil {
					out.APISummary[res.Path] = map[string]MethodSnapshot{}
				}
				out.APISummary[res.Path][verb] = MethodSnapshot{AuthorizationType: m.AuthorizationType, APIKeyRequired: m.APIKeyRequired}
			}
		}
	}
	return out
}

func (s *Service) getDeployment(r *http.Request) (int, any, error) {
	d, _, err := s.get(r.PathValue("api"))
	if err != nil {
		return 0, nil, err
	}
	dep, err := deployment(d, r.PathValue("dep"))
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, deploymentView(dep, r), nil
}

func (s *Service) listDeployments(r *http.Request) (int, any, error) {
	d, _, err := s.get(r.PathValue("api"))
	if err != nil {
		return 0, nil, err
	}
	var deps []Deployment
	for _, dep := range d.Deployments {
		deps = append(deps, dep.Deployment)
	}
	out, err := paginate(r, deps, func(x Deployment) string { return x.ID })
	return http.StatusOK, out, err
}

func (s *Service) updateDeployment(r *http.Request) (int, any, error) {
	ops, err := readPatch(r)
	if err != nil {
		return 0, nil, err
	}
	var out Deployment
	err = s.change(r.Context(), r.PathValue("api"), false, func(d *document) error {
		dep, err := deployment(d, r.PathValue("dep"))
		if err != nil {
			return err
		}
		for _, p := range ops {
			if p.Op != "replace" || p.Path != "/description" {
				return invalidPath(p, "/description")
			}
			dep.Description = p.value()
		}
		out = dep.Deployment
		return nil
	})
	return http.StatusOK, out, err
}

func (s *Service) deleteDeployment(r *http.Request) (int, any, error) {
	err := s.change(r.Context(), r.PathValue("api"), false, func(d *document) error {
		dep, err := deployment(d, r.PathValue("dep"))
		if err != nil {
			return err
		}
		for _, st := range d.Stages {
			if st.DeploymentID == dep.ID {
				return badRequest("Active stages pointing to this deployment must be moved or deleted")
			}
		}
		delete(d.Deployments, dep.ID)
		return nil
	})
	return http.StatusAccepted, nil, err
}

// createStageInput is CreateStage's body.
type createStageInput struct {
	StageName            string            `json:"stageName"`
	DeploymentID         string            `json:"deploymentId"`
	Description          string            `json:"description"`
	CacheClusterEnabled  bool              `json:"cacheClusterEnabled"`
	CacheClusterSize     string            `json:"cacheClusterSize"`
	Variables            map[string]string `json:"variables"`
	DocumentationVersion string            `json:"documentationVersion"`
	TracingEnabled       bool              `json:"tracingEnabled"`
	Tags                 map[string]string `json:"tags"`
}

func (s *Service) createStage(r *http.Request) (int, any, error) {
	var in createStageInput
	if err := decode(r, &in); err != nil {
		return 0, nil, err
	}
	if !stageNameRe().MatchString(in.StageName) {
		return 0, nil, badRequest("Stage name only allows a-zA-Z0-9_ and -, at most 128 characters")
	}
	if err := checkVariables(in.Variables); err != nil {
		return 0, nil, err
	}
	var out *Stage
	err := s.change(r.Context(), r.PathValue("api"), true, func(d *document) error {
		if d.Deployments[in.DeploymentID] == nil {
			return badRequest("Deployment id does not exist")
		}
		if d.Stages[in.StageName] != nil {
			return conflict("Stage already exists")
		}
		now := s.stamp()
		if in.CacheClusterSize != "" {
			if err := checkCacheSize(in.CacheClusterSize); err != nil {
				return err
			}
		}
		out = &Stage{StageName: in.StageName, DeploymentID: in.DeploymentID, Description: in.Description, CacheClusterEnabled: in.CacheClusterEnabled,
			CacheClusterSize: in.CacheClusterSize, CacheClusterStatus: cacheStatus(in.CacheClusterEnabled), MethodSettings: map[string]*MethodSetting{},
			Variables: in.Variables, DocumentationVersion: in.DocumentationVersion, TracingEnabled: in.TracingEnabled, Tags: in.Tags,
			CreatedDate: now, LastUpdatedDate: now}
		d.Stages[in.StageName] = out
		return nil
	})
	return http.StatusCreated, out, err
}

// stage finds the request's stage.
func stage(d *document, r *http.Request) (*Stage, error) {
	st := d.Stages[r.PathValue("stage")]
	if st == nil {
		return nil, notFound("Invalid Stage identifier specified")
	}
	return st, nil
}

func (s *Service) getStage(r *http.Request) (int, any, error) {
	d, _, err := s.get(r.PathValue("api"))
	if err != nil {
		return 0, nil, err
	}
	st, err := stage(d, r)
	return http.StatusOK, st, err
}

func (s *Service) listStages(r *http.Request) (int, any, error) {
	d, _, err := s.get(r.PathValue("api"))
	if err != nil {
		return 0, nil, err
	}
	dep := r.URL.Query().Get("deploymentId")
	out := struct {
		Items []*Stage `json:"item"`
	}{Items: []*Stage{}}
	for _, name := range sortedKeys(d.Stages) {
		if st := d.Stages[name]; dep == "" || st.DeploymentID == dep {
			out.Items = append(out.Items, st)
		}
	}
	return http.StatusOK, out, nil
}

// stagePaths are UpdateStage's patch paths.
const stagePaths = "/deploymentId, /description, /cacheClusterEnabled, /cacheClusterSize, /tracingEnabled, /documentationVersion, /variables/{name}, /accessLogSettings/format, /accessLogSettings/destinationArn, /{resourcePath}/{httpMethod}/{throttling/rateLimit|throttling/burstLimit|logging/loglevel|logging/dataTrace|metrics/enabled|caching/enabled|caching/ttlInSeconds|caching/dataEncrypted|caching/requireAuthorizationForCacheControl|caching/unauthorizedCacheControlHeaderStrategy}"

func (s *Service) updateStage(r *http.Request) (int, any, error) {
	ops, err := readPatch(r)
	if err != nil {
		return 0, nil, err
	}
	var out *Stage
	err = s.change(r.Context(), r.PathValue("api"), true, func(d *document) error {
		st, err := stage(d, r)
		if err != nil {
			return err
		}
		for _, p := range ops {
			if err := patchStage(d, st, p); err != nil {
				return err
			}
		}
		if err := checkVariables(st.Variables); err != nil {
			return err
		}
		st.LastUpdatedDate = s.stamp()
		out = st
		return nil
	})
	return http.StatusOK, out, err
}

func patchStage(d *document, st *Stage, p PatchOperation) error {
	if done, err := patchStringMap(&st.Variables, p, "/variables"); done || err != nil {
		return err
	}
	if p.Path == "/accessLogSettings" && p.Op == "remove" {
		st.AccessLogSettings = nil
		return nil
	}
	if field, ok := strings.CutPrefix(p.Path, "/accessLogSettings/"); ok && p.Op == "replace" {
		if st.AccessLogSettings == nil {
			st.AccessLogSettings = &AccessLogSettings{}
		}
		switch field {
		case "format":
			if strings.TrimSpace(p.value()) == "" {
				return badRequest("Access Log value must not be empty")
			}
			if _, err := telemetry.CompileAccessLog(p.value()); err != nil {
				return badRequest("Invalid access log format: %v", err)
			}
			st.AccessLogSettings.Format = p.value()
		case "destinationArn":
			st.AccessLogSettings.DestinationARN = p.value()
		default:
			return invalidPath(p, stagePaths)
		}
		return nil
	}
	switch p.Path {
	case "/deploymentId", "/description", "/cacheClusterEnabled", "/cacheClusterSize", "/tracingEnabled", "/documentationVersion":
		if p.Op != "replace" {
			return invalidPath(p, stagePaths)
		}
	}
	var err error
	switch p.Path {
	case "/deploymentId":
		if d.Deployments[p.value()] == nil {
			return badRequest("Deployment id does not exist")
		}
		st.DeploymentID = p.value()
	case "/description":
		st.Description = p.value()
	case "/cacheClusterEnabled":
		st.CacheClusterEnabled, err = parseBool(p)
		st.CacheClusterStatus = cacheStatus(st.CacheClusterEnabled)
	case "/cacheClusterSize":
		if err = checkCacheSize(p.value()); err == nil {
			st.CacheClusterSize = p.value()
		}
	case "/tracingEnabled":
		st.TracingEnabled, err = parseBool(p)
	case "/documentationVersion":
		st.DocumentationVersion = p.value()
	default:
		return patchMethodSetting(st, p)
	}
	return err
}

// patchMethodSetting applies /{resourcePath}/{httpMethod}/{setting}: the
// resource path is "*" (every resource) or escaped with "~1"; the entry is
// created with AWS's defaults when first named.
func patchMethodSetting(st *Stage, p PatchOperation) error {
	parts := strings.Split(strings.TrimPrefix(p.Path, "/"), "/")
	if len(parts) == 2 && p.Op == "remove" {
		key := parts[0] + "/" + parts[1]
		if st.MethodSettings[key] == nil {
			return badRequest("Cannot remove method setting %s because there is no method setting for this method", key)
		}
		delete(st.MethodSettings, key)
		return nil
	}
	if len(parts) != 4 || p.Op != "replace" || parts[0] == "" || parts[1] == "" {
		return invalidPath(p, stagePaths)
	}
	verb := parts[1]
	if verb != "*" && !slices.Contains(httpMethods, verb) {
		return badRequest("Invalid method setting path: %s is not an HTTP method", verb)
	}
	if (parts[0] == "*") != (verb == "*") && parts[0] == "*" {
		return badRequest("Invalid method setting path %s: with resource path * the method must be *", p.Path)
	}
	key := parts[0] + "/" + verb
	ms := st.MethodSettings[key]
	fresh := ms == nil
	if fresh {
		ms = defaultMethodSetting()
	}
	var err error
	switch parts[2] + "/" + parts[3] {
	case "throttling/rateLimit":
		ms.ThrottlingRateLimit, err = parseRate(p)
	case "throttling/burstLimit":
		ms.ThrottlingBurstLimit, err = parseInt(p, 0, 1<<31-1)
	case "logging/loglevel":
		switch v := strings.ToUpper(p.value()); v {
		case "OFF", "ERROR", "INFO":
			ms.LoggingLevel = v
		default:
			err = badRequest("Invalid logging level specified: %s. Valid values are OFF, ERROR and INFO", p.value())
		}
	case "logging/dataTrace":
		ms.DataTraceEnabled, err = parseBool(p)
	case "metrics/enabled":
		ms.MetricsEnabled, err = parseBool(p)
	case "caching/enabled":
		ms.CachingEnabled, err = parseBool(p)
	case "caching/ttlInSeconds":
		ms.CacheTTLInSeconds, err = parseInt(p, 0, 3600)
	case "caching/dataEncrypted":
		ms.CacheDataEncrypted, err = parseBool(p)
	case "caching/requireAuthorizationForCacheControl":
		ms.RequireAuthorizationForCacheControl, err = parseBool(p)
	case "caching/unauthorizedCacheControlHeaderStrategy":
		ms.UnauthorizedCacheControlHeaderStrategy = p.value()
	default:
		return invalidPath(p, stagePaths)
	}
	if err != nil {
		return err
	}
	if st.MethodSettings == nil {
		st.MethodSettings = map[string]*MethodSetting{}
	}
	st.MethodSettings[key] = ms
	return nil
}

func (s *Service) deleteStage(r *http.Request) (int, any, error) {
	err := s.change(r.Context(), r.PathValue("api"), true, func(d *document) error {
		st, err := stage(d, r)
		if err != nil {
			return err
		}
		delete(d.Stages, st.StageName)
		return nil
	})
	return http.StatusAccepted, nil, err
}

// checkCacheSize refuses a cacheClusterSize outside AWS's sizes.
func checkCacheSize(v string) error {
	f, err := strconv.ParseFloat(v, 64)
	if err != nil || !slices.Contains(awslimits.CacheClusterSizes, f) {
		return badRequest("Invalid cache cluster size %q: use 0.5, 1.6, 6.1, 13.5, 28.4, 58.2, 118 or 237", v)
	}
	return nil
}
