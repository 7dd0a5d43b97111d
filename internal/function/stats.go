package function

import (
	"errors"
	"sort"
	"sync"
	"sync/atomic"
	"time"
)

// maxErrorOutput bounds Stats.LastError.
const maxErrorOutput = 4096

// Stats are one function's counters since the Manager started.
type Stats struct {
	Name    string `json:"name"`
	Runtime string `json:"runtime"` // "provided" for a Go build or command
	// Warm and Busy are the processes waiting for and running an invocation.
	Warm int `json:"warm"`
	Busy int `json:"busy"`
	// ReservedConcurrency is the configured cap; 0 means none.
	ReservedConcurrency int `json:"reservedConcurrency"`
	// InFlight is the number of invocations running or waiting for a process.
	InFlight    int64  `json:"inFlight"`
	Invocations uint64 `json:"invocations"`
	ColdStarts  uint64 `json:"coldStarts"`
	// Errors counts function errors, crashes, timeouts and throttles.
	Errors uint64 `json:"errors"`
	// LastError is the last error's output (the error document, or a
	// crash's last output), cut at 4 KiB; LastErrorAt is when (RFC 3339).
	LastError   string `json:"lastError,omitempty"`
	LastErrorAt string `json:"lastErrorAt,omitempty"`
}

// poolStats are a pool's counters.
type poolStats struct {
	invocations atomic.Uint64
	coldStarts  atomic.Uint64
	errors      atomic.Uint64

	mu          sync.Mutex // guards the last error
	lastError   string
	lastErrorAt time.Time
}

// record counts one invocation's outcome.
func (s *poolStats) record(resp *Response, err error, at time.Time) {
	s.invocations.Add(1)
	var out string
	switch {
	case err != nil:
		out = err.Error()
		if ce, ok := errors.AsType[*CrashError](err); ok && ce.Output != "" {
			out += "\n" + ce.Output
		}
	case resp != nil && resp.FunctionError != "":
		out = string(resp.Payload)
	default:
		return
	}
	s.errors.Add(1)
	if len(out) > maxErrorOutput {
		out = out[len(out)-maxErrorOutput:]
	}
	s.mu.Lock()
	s.lastError, s.lastErrorAt = out, at
	s.mu.Unlock()
}

// Stats returns every function's counters, by name. It only reads.
func (m *Manager) Stats() []Stats {
	pools := m.allPools()
	out := make([]Stats, 0, len(pools))
	for _, p := range pools {
		st := Stats{Name: p.cfg.Name, Runtime: p.cfg.Runtime, ReservedConcurrency: p.cfg.ReservedConcurrency,
			InFlight: p.inFlight.Load(), Invocations: p.stats.invocations.Load(), ColdStarts: p.stats.coldStarts.Load(),
			Errors: p.stats.errors.Load()}
		if st.Runtime == "" {
			st.Runtime = "provided"
		}
		p.mu.Lock()
		st.Warm = len(p.idle)
		st.Busy = len(p.all) - len(p.idle)
		p.mu.Unlock()
		p.stats.mu.Lock()
		st.LastError = p.stats.lastError
		if !p.stats.lastErrorAt.IsZero() {
			st.LastErrorAt = p.stats.lastErrorAt.UTC().Format(time.RFC3339)
		}
		p.stats.mu.Unlock()
		out = append(out, st)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}
