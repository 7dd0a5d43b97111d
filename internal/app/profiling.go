package app

import (
	"net/http"

	"github.com/portico-gw/portico/internal/admin"
)

// profilingHandler serves /debug/pprof/ on the admin listener while
// admin.profiling is on, and answers 404 (as for any unknown admin path)
// while it is off.
func (g *Gateway) profilingHandler() http.Handler {
	pprof := admin.Profiling()
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !g.profiling.Load() {
			http.NotFound(w, r)
			return
		}
		pprof.ServeHTTP(w, r)
	})
}
