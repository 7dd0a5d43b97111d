package app

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"

	"github.com/portico-gw/portico/internal/auth/sigv4"
	"github.com/portico-gw/portico/internal/config"
	"github.com/portico-gw/portico/internal/mgmt"
	"github.com/portico-gw/portico/internal/store/redis"
)

// managementFile is the management API's bbolt file inside store.path,
// beside the counters' file. It is a file of its own because a bbolt file
// admits one opener per process and the counters' store owns its handle.
const managementFile = "management.db"

// openManagement opens the management API's state: a bbolt file in
// store.path for the embedded store, memory for the memory store, and for
// redis a hash in the same Redis, shared by every replica (each polls its
// version and rebuilds when another replica changed something). With
// store.onError open the gateway starts while Redis is down and loads the
// state when it answers; with closed, Redis must answer at start.
func openManagement(cfg *config.File, log *slog.Logger) (*mgmt.Service, error) {
	var st mgmt.Store
	loadLater := false
	switch cfg.Store.Type {
	case "memory":
		st = mgmt.NewMemoryStore()
	case "redis":
		loadLater = cfg.Store.OnError != "closed"
		ds, err := redis.NewDocStore(redis.Options{URL: cfg.Store.URL, Prefix: cfg.Store.KeyPrefix + ":", Timeout: cfg.Store.Timeout.D(), ConnectLater: loadLater})
		if err != nil {
			return nil, fmt.Errorf("management store: redis %s: %w", redactURL(cfg.Store.URL), err)
		}
		st = ds
	default:
		if err := os.MkdirAll(cfg.Store.Path, 0o700); err != nil {
			return nil, fmt.Errorf("management store: %s: %w", cfg.Store.Path, err)
		}
		b, err := mgmt.OpenBolt(filepath.Join(cfg.Store.Path, managementFile))
		if err != nil {
			return nil, err
		}
		st = b
	}
	creds := make([]sigv4.Credential, 0, len(cfg.Admin.Credentials))
	for _, c := range cfg.Admin.Credentials {
		creds = append(creds, sigv4.Credential{AccessKeyID: c.AccessKeyID, SecretAccessKey: c.SecretAccessKey,
			ARN: "arn:aws:iam::" + cfg.AccountID + ":user/" + c.AccessKeyID})
	}
	s, err := mgmt.New(context.Background(), mgmt.Options{Store: st, Region: cfg.Region, AccountID: cfg.AccountID, Credentials: creds, Logger: log, LoadLater: loadLater})
	if err != nil {
		_ = st.Close()
		return nil, err
	}
	return s, nil
}

// ManagementAPI serves the management API (the apigateway REST
// operations) for the admin listener.
func (g *Gateway) ManagementAPI() http.Handler { return g.mgmt.Handler() }
