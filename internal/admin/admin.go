// Package admin serves the admin listener: /healthz (the process is up),
// /readyz (a snapshot is deployed and the data plane is listening; the
// shared store's health is a "store" field, and a failing store makes it
// 503 only where that stops the node serving, store.onError closed), /usage
// (API-key usage per day, as GetUsage), /metrics (Prometheus), Lambda's
// Invoke API and control plane (under /2015-03-31/), and the management API
// (the apigateway REST operations under /restapis, /apikeys, /usageplans,
// /tags and /domainnames, WithManagement) and, with admin.profiling, Go's
// runtime profiles under /debug/pprof/ (Profiling). Later features add their endpoints here. It never
// touches the data plane's requests.
package admin

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"time"
)

// Status reports readiness.
type Status interface {
	// Ready returns nil when the gateway serves traffic, else why not.
	Ready() error
	// Info describes the served snapshot for /readyz.
	Info() map[string]any
}

// Usage reports API-key usage, as API Gateway's GetUsage.
type Usage interface {
	// UsageReport returns the report for plan (and key) over [from, to];
	// zero times mean the current quota period.
	UsageReport(ctx context.Context, plan, key string, from, to time.Time) (any, error)
}

// Handler returns the admin routes. u, lambda and metrics may be nil;
// lambda serves Lambda's API under /2015-03-31/ (Invoke, and the control
// plane when the gateway has it), metrics serves /metrics.
func Handler(st Status, u Usage, lambda, metrics http.Handler) http.Handler {
	mux := http.NewServeMux()
	if metrics != nil {
		mux.Handle("GET /metrics", metrics)
	}
	if lambda != nil {
		mux.Handle("/2015-03-31/", lambda)
	}
	if u != nil {
		mux.HandleFunc("GET /usage", func(w http.ResponseWriter, r *http.Request) { usage(w, r, u) })
	}
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, http.StatusOK, map[string]any{"status": "ok", "time": time.Now().UTC().Format(time.RFC3339)})
	})
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, _ *http.Request) {
		if err := st.Ready(); err != nil {
			writeJSON(w, http.StatusServiceUnavailable, map[string]any{"status": "not ready", "reason": err.Error()})
			return
		}
		info := st.Info()
		info["status"] = "ready"
		writeJSON(w, http.StatusOK, info)
	})
	return mux
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// usage serves GET /usage?plan=P[&key=K][&startDate=YYYY-MM-DD&endDate=YYYY-MM-DD].
func usage(w http.ResponseWriter, r *http.Request, u Usage) {
	q := r.URL.Query()
	var from, to time.Time
	if s := q.Get("startDate"); s != "" {
		var err1, err2 error
		from, err1 = time.Parse("2006-01-02", s)
		to, err2 = time.Parse("2006-01-02", q.Get("endDate"))
		if err1 != nil || err2 != nil {
			writeJSON(w, http.StatusBadRequest, map[string]any{"message": "startDate and endDate must both be YYYY-MM-DD"})
			return
		}
		to = to.Add(24*time.Hour - time.Nanosecond)
	}
	if q.Get("plan") == "" {
		writeJSON(w, http.StatusBadRequest, map[string]any{"message": "the plan query parameter is required"})
		return
	}
	rep, err := u.UsageReport(r.Context(), q.Get("plan"), q.Get("key"), from, to)
	if err != nil {
		writeJSON(w, http.StatusNotFound, map[string]any{"message": err.Error()})
		return
	}
	writeJSON(w, http.StatusOK, rep)
}

// managementRoots are the paths under which the management API's
// operations live.
var managementRoots = []string{"/restapis", "/apikeys", "/usageplans", "/tags", "/domainnames"}

// WithManagement serves the management API (the apigateway REST
// operations: /restapis, /apikeys, /usageplans, /tags, /domainnames and below) beside the admin
// routes of h.
func WithManagement(h, management http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		for _, root := range managementRoots {
			if r.URL.Path == root || strings.HasPrefix(r.URL.Path, root+"/") {
				management.ServeHTTP(w, r)
				return
			}
		}
		h.ServeHTTP(w, r)
	})
}
