package app

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/portico-gw/portico/internal/config"
	"github.com/portico-gw/portico/internal/usage"
)

// OfflineUsage builds a usage report straight from the configured store,
// for when no gateway is running (the embedded store admits one process).
// from and to are YYYY-MM-DD or empty.
func OfflineUsage(ctx context.Context, cfg *config.File, plan, key, from, to string) (*usage.UsageReport, error) {
	sc := cfg.Store
	sc.OnError = "closed" // a report needs the store: fail at once if it is unreachable
	st, err := openStore(sc, slog.New(slog.DiscardHandler), nil)
	if err != nil {
		return nil, err
	}
	defer st.Close()
	lim, err := limits(cfg, st, &storeHealth{log: slog.New(slog.DiscardHandler)}, nil, slog.New(slog.DiscardHandler))
	if err != nil {
		return nil, err
	}
	var f, t time.Time
	if from != "" {
		if f, err = time.Parse("2006-01-02", from); err != nil {
			return nil, fmt.Errorf("--from: %w", err)
		}
		if t, err = time.Parse("2006-01-02", to); err != nil {
			return nil, fmt.Errorf("--to: %w", err)
		}
		t = t.Add(24*time.Hour - time.Nanosecond)
	}
	return usage.Report(ctx, lim.Registry, st, plan, key, f, t, time.Now())
}
