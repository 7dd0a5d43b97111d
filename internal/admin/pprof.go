package admin

import (
	"net/http"
	"net/http/pprof"
)

// ProfilingPrefix is where Profiling serves Go's runtime profiles.
const ProfilingPrefix = "/debug/pprof/"

// Profiling serves Go's runtime profiles (net/http/pprof) under
// /debug/pprof/: the index, cmdline, profile (CPU, ?seconds=N), symbol,
// trace, and every named profile (heap, goroutine, allocs, block, mutex,
// threadcreate). The admin listener mounts it only with admin.profiling on,
// so the handlers are not reachable otherwise, and never on the data plane.
// Its routes are on a mux of its own: importing net/http/pprof also
// registers them on http.DefaultServeMux, which no Portico listener serves.
func Profiling() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc(ProfilingPrefix, pprof.Index) // named profiles: /debug/pprof/heap, ...
	mux.HandleFunc(ProfilingPrefix+"cmdline", pprof.Cmdline)
	mux.HandleFunc(ProfilingPrefix+"profile", pprof.Profile)
	mux.HandleFunc(ProfilingPrefix+"symbol", pprof.Symbol)
	mux.HandleFunc(ProfilingPrefix+"trace", pprof.Trace)
	return mux
}
