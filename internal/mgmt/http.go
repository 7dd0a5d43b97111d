package mgmt

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/portico-gw/portico/internal/awslimits"
)

// maxBody bounds a management request body: AWS's import limit (6 MB)
// plus room for the JSON wrapping.
const maxBody = awslimits.ImportDocumentBytes + 1<<20

// Handler serves the management API. Every request must carry a SigV4
// signature for service "apigateway" (see Options.Credentials).
func (s *Service) Handler() http.Handler {
	mux := http.NewServeMux()
	const api = "/restapis/{api}"
	const res = api + "/resources/{res}"
	const meth = res + "/methods/{verb}"
	routes := []struct {
		pattern string
		h       func(*http.Request) (int, any, error)
	}{
		{"POST /restapis", s.createOrImport},
		{"GET /restapis", s.listAPIs},
		{"GET " + api, s.getAPI},
		{"PATCH " + api, s.updateAPI},
		{"PUT " + api, s.putAPI},
		{"DELETE " + api, s.deleteAPI},
		{"GET " + api + "/resources", s.listResources},
		{"POST " + res, s.createResource},
		{"GET " + res, s.getResource},
		{"PATCH " + res, s.updateResource},
		{"DELETE " + res, s.deleteResource},
		{"PUT " + meth, s.putMethod},
		{"GET " + meth, s.getMethod},
		{"PATCH " + meth, s.updateMethod},
		{"DELETE " + meth, s.deleteMethod},
		{"PUT " + meth + "/responses/{code}", s.putMethodResponse},
		{"GET " + meth + "/responses/{code}", s.getMethodResponse},
		{"PATCH " + meth + "/responses/{code}", s.updateMethodResponse},
		{"DELETE " + meth + "/responses/{code}", s.deleteMethodResponse},
		{"PUT " + meth + "/integration", s.putIntegration},
		{"GET " + meth + "/integration", s.getIntegration},
		{"PATCH " + meth + "/integration", s.updateIntegration},
		{"DELETE " + meth + "/integration", s.deleteIntegration},
		{"PUT " + meth + "/integration/responses/{code}", s.putIntegrationResponse},
		{"GET " + meth + "/integration/responses/{code}", s.getIntegrationResponse},
		{"PATCH " + meth + "/integration/responses/{code}", s.updateIntegrationResponse},
		{"DELETE " + meth + "/integration/responses/{code}", s.deleteIntegrationResponse},
		{"POST " + api + "/deployments", s.createDeployment},
		{"GET " + api + "/deployments", s.listDeployments},
		{"GET " + api + "/deployments/{dep}", s.getDeployment},
		{"PATCH " + api + "/deployments/{dep}", s.updateDeployment},
		{"DELETE " + api + "/deployments/{dep}", s.deleteDeployment},
		{"POST " + api + "/stages", s.createStage},
		{"GET " + api + "/stages", s.listStages},
		{"GET " + api + "/stages/{stage}", s.getStage},
		{"PATCH " + api + "/stages/{stage}", s.updateStage},
		{"DELETE " + api + "/stages/{stage}", s.deleteStage},
		{"POST " + api + "/authorizers", s.createAuthorizer},
		{"GET " + api + "/authorizers", s.listAuthorizers},
		{"GET " + api + "/authorizers/{id}", s.getAuthorizer},
		{"PATCH " + api + "/authorizers/{id}", s.updateAuthorizer},
		{"DELETE " + api + "/authorizers/{id}", s.deleteAuthorizer},
		{"POST " + api + "/requestvalidators", s.createValidator},
		{"GET " + api + "/requestvalidators", s.listValidators},
		{"GET " + api + "/requestvalidators/{id}", s.getValidator},
		{"PATCH " + api + "/requestvalidators/{id}", s.updateValidator},
		{"DELETE " + api + "/requestvalidators/{id}", s.deleteValidator},
		{"POST " + api + "/models", s.createModel},
		{"GET " + api + "/models", s.listModels},
		{"GET " + api + "/models/{name}", s.getModel},
		{"PATCH " + api + "/models/{name}", s.updateModel},
		{"DELETE " + api + "/models/{name}", s.deleteModel},
		{"GET " + api + "/gatewayresponses", s.listGatewayResponses},
		{"PUT " + api + "/gatewayresponses/{type}", s.putGatewayResponse},
		{"GET " + api + "/gatewayresponses/{type}", s.getGatewayResponse},
		{"PATCH " + api + "/gatewayresponses/{type}", s.updateGatewayResponse},
		{"DELETE " + api + "/gatewayresponses/{type}", s.deleteGatewayResponse},
		{"GET /tags/{arn}", s.getTags},
		{"PUT /tags/{arn}", s.tagResource},
		{"DELETE /tags/{arn}", s.untagResource},
		{"POST /apikeys", s.createOrImportKeys},
		{"GET /apikeys", s.listKeys},
		{"GET /apikeys/{key}", s.getKey},
		{"PATCH /apikeys/{key}", s.updateKey},
		{"DELETE /apikeys/{key}", s.deleteKey},
		{"POST /usageplans", s.createPlan},
		{"GET /usageplans", s.listPlans},
		{"GET /usageplans/{plan}", s.getPlan},
		{"PATCH /usageplans/{plan}", s.updatePlan},
		{"DELETE /usageplans/{plan}", s.deletePlan},
		{"POST /usageplans/{plan}/keys", s.createPlanKey},
		{"GET /usageplans/{plan}/keys", s.listPlanKeys},
		{"GET /usageplans/{plan}/keys/{keyId}", s.getPlanKey},
		{"DELETE /usageplans/{plan}/keys/{keyId}", s.deletePlanKey},
		{"GET /usageplans/{plan}/usage", s.getUsage},
		{"PATCH /usageplans/{plan}/keys/{keyId}/usage", s.updateUsage},
		{"POST /domainnames", s.createDomain},
		{"GET /domainnames", s.listDomains},
		{"GET /domainnames/{domain}", s.getDomain},
		{"DELETE /domainnames/{domain}", s.deleteDomain},
		{"POST /domainnames/{domain}/basepathmappings", s.createMapping},
		{"GET /domainnames/{domain}/basepathmappings", s.listMappings},
		{"GET /domainnames/{domain}/basepathmappings/{path}", s.getMapping},
		{"PATCH /domainnames/{domain}/basepathmappings/{path}", s.updateMapping},
		{"DELETE /domainnames/{domain}/basepathmappings/{path}", s.deleteMapping},
	}
	for _, rt := range routes {
		mux.HandleFunc(rt.pattern, func(w http.ResponseWriter, r *http.Request) {
			status, v, err := rt.h(r)
			if err != nil {
				writeError(w, err)
				return
			}
			if raw, ok := v.(rawBody); ok {
				w.Header().Set("Content-Type", raw.contentType)
				if raw.disposition != "" {
					w.Header().Set("Content-Disposition", raw.disposition)
				}
				w.WriteHeader(status)
				_, _ = w.Write(raw.data)
				return
			}
			writeJSON(w, status, v)
		})
	}
	mux.HandleFunc("GET "+api+"/stages/{stage}/exports/{type}", func(w http.ResponseWriter, r *http.Request) {
		data, ctype, disp, err := s.export(r)
		if err != nil {
			writeError(w, err)
			return
		}
		w.Header().Set("Content-Type", ctype)
		w.Header().Set("Content-Disposition", disp)
		_, _ = w.Write(data)
	})
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("x-amzn-RequestId", requestID())
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBody))
		if err != nil {
			writeError(w, &apiError{http.StatusRequestEntityTooLarge, "RequestEntityTooLargeException", "the request body is larger than the import limit (6 MB)"})
			return
		}
		if _, err := s.verifier.Verify(r, body); err != nil {
			status, typ := http.StatusForbidden, "AccessDeniedException"
			var typed interface{ ErrorType() string }
			if errors.As(err, &typed) {
				typ = typed.ErrorType()
			}
			writeError(w, &apiError{status, typ, err.Error()})
			return
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		if _, pattern := mux.Handler(r); pattern == "" {
			writeError(w, &apiError{http.StatusNotFound, "UnknownOperationException", "no management operation is " + r.Method + " " + r.URL.Path})
			return
		}
		mux.ServeHTTP(w, r)
	})
}

// rawBody is a handler result written as is.
type rawBody struct {
	contentType, disposition string
	data                     []byte
}

func requestID() string {
	id := newID() + newID() + newID() + newID()
	return id[:8] + "-" + id[8:12] + "-" + id[12:16] + "-" + id[16:20] + "-" + id[20:32]
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	if v == nil {
		w.WriteHeader(status)
		return
	}
	b, err := json.Marshal(v)
	if err != nil {
		writeError(w, fmt.Errorf("encode answer: %w", err))
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

// writeError writes AWS's REST-JSON error: the type in x-amzn-ErrorType,
// {"message": ...} in the body.
func writeError(w http.ResponseWriter, err error) {
	var ae *apiError
	if !errors.As(err, &ae) {
		ae = &apiError{http.StatusInternalServerError, "InternalFailure", err.Error()}
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("x-amzn-ErrorType", ae.typ)
	w.WriteHeader(ae.status)
	b, _ := json.Marshal(map[string]string{"message": ae.msg})
	_, _ = w.Write(b)
}

// decode reads the JSON request body into v; an empty body leaves v as is.
func decode(r *http.Request, v any) error {
	b, err := io.ReadAll(r.Body)
	if err != nil {
		return badRequest("cannot read the request body: %v", err)
	}
	if len(bytes.TrimSpace(b)) == 0 {
		return nil
	}
	if err := json.Unmarshal(b, v); err != nil {
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) {
			return &apiError{http.StatusBadRequest, "SerializationException", fmt.Sprintf("field %s: expected %s, got %s", te.Field, te.Type, te.Value)}
		}
		return &apiError{http.StatusBadRequest, "SerializationException", "the request body is not valid JSON: " + err.Error()}
	}
	return nil
}

// validationError is AWS's constraint failure on an input member.
func validationError(value, member, constraint string) error {
	return &apiError{http.StatusBadRequest, "ValidationException",
		fmt.Sprintf("1 validation error detected: Value '%s' at '%s' failed to satisfy constraint: %s", value, member, constraint)}
}

// list is a paginated list answer: {"item": [...], "position": "..."}.
type list[T any] struct {
	Items    []T    `json:"item"`
	Position string `json:"position,omitempty"`
}

// paginate returns the page of items (sorted by key) that the request's
// position and limit select. position is the key of the first item of the
// page; the answer's position is that of the next page, "" at the end.
func paginate[T any](r *http.Request, items []T, key func(T) string) (list[T], error) {
	limit := 25
	if l := r.URL.Query().Get("limit"); l != "" {
		n, err := strconv.Atoi(l)
		if err != nil || n < 1 || n > 500 {
			return list[T]{}, badRequest("Invalid limit %q: it must be an integer from 1 to 500", l)
		}
		limit = n
	}
	slices.SortFunc(items, func(a, b T) int { return strings.Compare(key(a), key(b)) })
	start := 0
	if p := r.URL.Query().Get("position"); p != "" {
		start = len(items)
		for i, it := range items {
			if key(it) >= p {
				start = i
				break
			}
		}
	}
	out := list[T]{Items: items[start:min(len(items), start+limit)]}
	if out.Items == nil {
		out.Items = []T{}
	}
	if start+limit < len(items) {
		out.Position = key(items[start+limit])
	}
	return out, nil
}

// The patterns of names AWS accepts, compiled on first use, like every pattern of this package (docs/architecture.md#memory).
var (
	pathPartRe  = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^(\{[A-Za-z0-9._-]+\+?\}|[A-Za-z0-9._-]+)$`) })
	stageNameRe = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[A-Za-z0-9_-]{1,128}$`) })
	varNameRe   = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[A-Za-z0-9_]{1,64}$`) })
	varValueRe  = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[A-Za-z0-9\-._~:/?#&=,]{1,512}$`) })
	statusRe    = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[1-5]\d\d$`) })
)

// httpMethods are the method names AWS accepts, in its message's order.
var httpMethods = []string{"ANY", "DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "POST", "PUT"}

func checkVariables(vars map[string]string) error {
	for k, v := range vars {
		if !varNameRe().MatchString(k) {
			return badRequest("Stage variable name %s must be alphanumeric or underscore, and at most 64 characters", k)
		}
		if !varValueRe().MatchString(v) {
			return badRequest("Stage variable value %s for %s must match [A-Za-z0-9-._~:/?#&=,]+ and be at most 512 characters", v, k)
		}
	}
	return nil
}
