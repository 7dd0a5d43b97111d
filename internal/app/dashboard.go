package app

import (
	"context"
	"log/slog"
	"net/http"
	"slices"
	"sync/atomic"
	"time"

	"github.com/portico-gw/portico/internal/apidef"
	"github.com/portico-gw/portico/internal/config"
	"github.com/portico-gw/portico/internal/dashboard"
	"github.com/portico-gw/portico/internal/function"
	"github.com/portico-gw/portico/internal/pipeline"
	"github.com/portico-gw/portico/internal/usage"
)

// dashboardSource implements dashboard.Source over a gateway.
type dashboardSource struct {
	g *Gateway
	// cfg is the settings of the last successful build.
	cfg atomic.Pointer[config.File]
}

// newDashboard returns the admin dashboard of g, or nil when the admin
// listener is off (then nothing is recorded for it).
func newDashboard(g *Gateway, cfg *config.File) (*dashboard.Board, *dashboardSource) {
	if cfg.Admin.Listen == "off" {
		return nil, nil
	}
	src := &dashboardSource{g: g}
	src.cfg.Store(cfg)
	return dashboard.New(src), src
}

// dashboardDeployed gives the dashboard the settings and definitions of a
// successful build.
func (g *Gateway) dashboardDeployed(cfg *config.File, l *Loaded) {
	if g.dash == nil {
		return
	}
	g.dashSrc.cfg.Store(cfg)
	defs := map[string]*apidef.RestAPI{}
	for _, s := range l.Specs {
		defs[s.ID] = s.Def
	}
	g.dash.Deployed(dashboard.DescribeAPIs(withManagedAPIs(cfg, l), defs, l.Warnings))
}

// withManagedAPIs lists the APIs the management API deployed next to the
// settings file's, so that the dashboard shows them too; their source reads
// "management API".
func withManagedAPIs(cfg *config.File, l *Loaded) *config.File {
	known := map[string]bool{}
	for _, a := range cfg.APIs {
		known[a.ID] = true
	}
	out := *cfg
	out.APIs = slices.Clone(cfg.APIs)
	for _, s := range l.Specs {
		if known[s.ID] {
			continue
		}
		known[s.ID] = true
		a := config.API{ID: s.ID, Definition: "management API"}
		for _, st := range s.Stages {
			a.Stages = append(a.Stages, config.Stage{Name: st.Name, Variables: st.Variables})
		}
		out.APIs = append(out.APIs, a)
	}
	return &out
}

// execLogger is the logger of stage execution logs: the gateway's, teed
// into the dashboard so that the tail can show a request's lines.
func (g *Gateway) execLogger() *slog.Logger {
	if g.dash == nil {
		return g.log
	}
	return slog.New(g.dash.ExecLogHandler(g.log.Handler()))
}

// DashboardHandler serves the dashboard (/ and /portico/...) for the admin
// listener; nil when the admin listener is off.
func (g *Gateway) DashboardHandler() http.Handler {
	if g.dash == nil {
		return nil
	}
	return g.dash.Handler()
}

// withDashboard serves the dashboard's routes (/, /static/, /portico/)
// beside the admin routes of h.
func withDashboard(h, dash http.Handler) http.Handler {
	if dash == nil {
		return h
	}
	mux := http.NewServeMux()
	mux.Handle("/", h)
	mux.Handle("GET /{$}", dash)
	mux.Handle("GET /static/", dash)
	mux.Handle("/portico/", dash)
	return mux
}

// Functions implements dashboard.Source.
func (s *dashboardSource) Functions() []function.Stats { return s.g.functions.Stats() }

// DataPlane implements dashboard.Source: the edge, in process.
func (s *dashboardSource) DataPlane() http.Handler { return s.g.edge }

// Keys implements dashboard.Source: every key with its plans, masked.
func (s *dashboardSource) Keys(ctx context.Context) ([]dashboard.Key, error) {
	cfg, reg := s.cfg.Load(), s.g.registry.Load()
	now := time.Now()
	out := []dashboard.Key{}
	for _, k := range cfg.APIKeys {
		dk := dashboard.Key{Name: k.Name, ID: k.ID, Value: pipeline.MaskKey(k.Value), Enabled: k.IsEnabled(), Description: k.Description, Plans: []dashboard.KeyPlan{}}
		for _, p := range cfg.UsagePlans {
			if !contains(p.APIKeys, k.Name) {
				continue
			}
			kp := dashboard.KeyPlan{ID: p.ID, Name: p.Name, Stages: []string{}}
			for _, st := range p.APIStages {
				kp.Stages = append(kp.Stages, st.API+"/"+st.Stage)
			}
			if p.Throttle != nil {
				kp.Throttle = &dashboard.Limit{Rate: p.Throttle.RateLimit, Burst: p.Throttle.BurstLimit}
			}
			if p.Quota != nil && reg != nil {
				kp.Quota, kp.Error = quotaUse(ctx, s.g, reg, p.ID, k, now)
			}
			dk.Plans = append(dk.Plans, kp)
		}
		out = append(out, dk)
	}
	return out, nil
}

// quotaUse reads a key's use of a plan's quota in the current period from
// the store, as the /usage report does.
func quotaUse(ctx context.Context, g *Gateway, reg *usage.Registry, plan string, k config.APIKey, now time.Time) (*dashboard.Quota, string) {
	p, ok := reg.Plan(plan)
	if !ok || p.Quota == nil {
		return nil, ""
	}
	w, limit, err := p.Quota.At(now)
	if err != nil {
		return nil, err.Error()
	}
	q := &dashboard.Quota{Limit: limit, Period: string(p.Quota.Period), Remaining: limit, ResetsAt: w.End.UTC().Format(time.RFC3339)}
	rep, err := usage.Report(ctx, reg, g.store, plan, k.Name, time.Time{}, time.Time{}, now)
	if err != nil {
		return q, err.Error()
	}
	rows := rep.Items[k.ID]
	for _, r := range rows {
		q.Used += r[0]
	}
	if len(rows) > 0 {
		q.Remaining = rows[len(rows)-1][1]
	}
	return q, ""
}

func contains(list []string, s string) bool {
	for _, e := range list {
		if e == s {
			return true
		}
	}
	return false
}
