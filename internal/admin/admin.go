// Package admin serves the admin listener: /healthz (the process is up) and
// /readyz (a snapshot is deployed and the data plane is listening). Later
// features add their endpoints in routes. It never touches the data plane's
// requests.
package admin

import (
	"encoding/json"
	"net/http"
	"time"
)

// Status reports readiness.
type Status interface {
	// Ready returns nil when the gateway serves traffic, else why not.
	Ready() error
	// Info describes the served snapshot for /readyz.
	Info() map[string]any
}

// Handler returns the admin routes.
func Handler(st Status) http.Handler {
	mux := http.NewServeMux()
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
