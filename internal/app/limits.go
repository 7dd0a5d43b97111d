package app

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"time"

	"github.com/portico-gw/portico/internal/config"
	"github.com/portico-gw/portico/internal/deploy"
	"github.com/portico-gw/portico/internal/mgmt"
	"github.com/portico-gw/portico/internal/store/bolt"
	"github.com/portico-gw/portico/internal/store/fallback"
	"github.com/portico-gw/portico/internal/store/memory"
	"github.com/portico-gw/portico/internal/store/redis"
	"github.com/portico-gw/portico/internal/telemetry"
	"github.com/portico-gw/portico/internal/throttle"
	"github.com/portico-gw/portico/internal/usage"
)

// counters is a store that serves both throttling and quotas.
type counters interface {
	throttle.Buckets
	throttle.Quotas
	Close() error
}

// openStore opens the configured store. The embedded store's file is
// counters.db inside store.path. It starts background work (bolt's flush
// loop, Redis connections) that Close stops.
//
// Redis is wrapped in a fallback.Store, whose health /readyz reports. With
// store.onError open, an unreachable Redis does not stop the start: the
// gateway serves, quotas are decided locally (bounded by the counts last
// seen), and Redis is used as soon as it answers. With onError closed,
// Redis must answer at start.
func openStore(s config.Store, log *slog.Logger, report func(error)) (counters, error) {
	switch s.Type {
	case "memory":
		return memory.New(memory.Options{}), nil
	case "redis":
		open := s.OnError != "closed"
		st, err := redis.New(redis.Options{URL: s.URL, Prefix: s.KeyPrefix + ":", Timeout: s.Timeout.D(), ConnectLater: open})
		if err != nil {
			return nil, fmt.Errorf("store: redis %s: %w", redactURL(s.URL), err)
		}
		if !st.Connected() {
			log.Warn("store: redis unreachable at start; serving with store.onError open until it answers", "url", redactURL(s.URL))
		}
		return fallback.New(st, fallback.Options{Local: open, Report: report}), nil
	}
	if err := os.MkdirAll(s.Path, 0o700); err != nil {
		return nil, fmt.Errorf("store: embedded %s: %w", s.Path, err)
	}
	st, err := bolt.Open(bolt.Options{Path: filepath.Join(s.Path, "counters.db"), FlushInterval: s.FlushInterval.D(), Logger: log})
	if err != nil {
		return nil, fmt.Errorf("store: embedded %s: %w", s.Path, err)
	}
	return st, nil
}

// redactURL drops credentials from a Redis URL for messages.
func redactURL(u string) string {
	scheme, rest, ok := strings.Cut(u, "://")
	if !ok {
		return u
	}
	if _, host, ok := strings.Cut(rest, "@"); ok {
		return scheme + "://****@" + host
	}
	return u
}

// storeHealth counts store failures and logs them, at most once a second.
type storeHealth struct {
	log       *slog.Logger
	metrics   *telemetry.Metrics
	storeType string
	failures  atomic.Int64
	lastLog   atomic.Int64
}

func (h *storeHealth) report(err error) {
	h.failures.Add(1)
	if h.metrics != nil {
		h.metrics.StoreError(h.storeType, "check")
	}
	now := time.Now().UnixNano()
	if last := h.lastLog.Load(); now-last > int64(time.Second) && h.lastLog.CompareAndSwap(last, now) {
		h.log.Error("usage store failure; limits applied per store.onError", "error", err, "failuresTotal", h.failures.Load())
	}
}

// limits compiles keys and plans from the settings, and those of the
// management API (managed; nil for none), into deploy.Limits.
func limits(cfg *config.File, st counters, h *storeHealth, managed *mgmt.Service, log *slog.Logger) (*deploy.Limits, error) {
	keys := make([]usage.Key, 0, len(cfg.APIKeys))
	for _, k := range cfg.APIKeys {
		keys = append(keys, usage.Key{ID: k.ID, Name: k.Name, Value: k.Value, Enabled: k.IsEnabled()})
	}
	plans := make([]usage.Plan, 0, len(cfg.UsagePlans))
	for _, p := range cfg.UsagePlans {
		up := usage.Plan{ID: p.ID, Name: p.Name, Keys: p.APIKeys}
		if p.Throttle != nil {
			up.Throttle = &throttle.Limit{Rate: p.Throttle.RateLimit, Burst: p.Throttle.BurstLimit}
		}
		if q := p.Quota; q != nil {
			up.Quota = &throttle.Quota{Limit: q.Limit, Offset: q.Offset, Period: throttle.Period(q.Period), Start: q.Start()}
		}
		for _, s := range p.APIStages {
			ps := usage.PlanStage{API: s.API, Stage: s.Stage, Methods: map[string]usage.Limit{}}
			for m, t := range s.Throttle {
				ps.Methods[m] = throttle.Limit{Rate: t.RateLimit, Burst: t.BurstLimit}
			}
			up.Stages = append(up.Stages, ps)
		}
		plans = append(plans, up)
	}
	if managed != nil {
		keys, plans = addManaged(keys, plans, managed, log)
	}
	reg, err := usage.NewRegistry(keys, plans)
	if err != nil {
		return nil, err
	}
	acct := throttle.Limit{Rate: cfg.Account.Throttle.RateLimit, Burst: cfg.Account.Throttle.BurstLimit}
	return &deploy.Limits{Registry: reg, Buckets: st, Quotas: st, Account: &acct,
		Errors: throttle.StoreErrors{Closed: cfg.Store.OnError == "closed", Report: h.report}}, nil
}

// addManaged adds the management API's keys and plans. Its plans name
// their keys by ID. A managed key whose value a settings-file key has is
// left out (the settings file wins, as for API ids), with a warning.
func addManaged(keys []usage.Key, plans []usage.Plan, m *mgmt.Service, log *slog.Logger) ([]usage.Key, []usage.Plan) {
	fileValues := make(map[string]bool, len(keys))
	for _, k := range keys {
		fileValues[k.Value] = true
	}
	mkeys, mplans := m.KeysAndPlans()
	for _, k := range mkeys {
		if fileValues[k.Value] {
			log.Warn("management API: API key left out: a settings-file key has the same value", "apiKeyId", k.ID)
			continue
		}
		keys = append(keys, usage.Key{ID: k.ID, Name: k.Name, Value: k.Value, Enabled: k.Enabled})
	}
	known := make(map[string]bool, len(keys))
	for _, k := range keys {
		known[k.ID] = true
	}
	for _, p := range mplans {
		up := usage.Plan{ID: p.ID, Name: p.Name}
		for _, id := range p.KeyIDs {
			if known[id] {
				up.Keys = append(up.Keys, id)
			}
		}
		if p.Throttle != nil {
			up.Throttle = &throttle.Limit{Rate: p.Throttle.RateLimit, Burst: p.Throttle.BurstLimit}
		}
		if q := p.Quota; q != nil {
			up.Quota = &throttle.Quota{Limit: q.Limit, Offset: q.Offset, Period: throttle.Period(q.Period), Start: p.Created.Time}
		}
		for _, s := range p.APIStages {
			ps := usage.PlanStage{API: s.APIID, Stage: s.Stage, Methods: map[string]usage.Limit{}}
			for m, t := range s.Throttle {
				ps.Methods[m] = throttle.Limit{Rate: t.RateLimit, Burst: t.BurstLimit}
			}
			up.Stages = append(up.Stages, ps)
		}
		if len(p.Grants) > 0 {
			up.Grants = map[string]usage.Grant{}
			for id, g := range p.Grants {
				up.Grants[id] = usage.Grant{At: g.At.Time, Extra: g.Extra}
			}
		}
		plans = append(plans, up)
	}
	return keys, plans
}

// managedUsage reads usage-plan counters for the management API's
// GetUsage and UpdateUsage, over the gateway's current keys and plans.
type managedUsage struct{ g *Gateway }

func (u managedUsage) Usage(ctx context.Context, planID, keyID string, from, to time.Time) (map[string][][2]int64, error) {
	r, err := usage.Report(ctx, u.g.registry.Load(), u.g.store, planID, keyID, from, to, time.Now())
	if err != nil {
		return nil, err
	}
	return r.Items, nil
}
