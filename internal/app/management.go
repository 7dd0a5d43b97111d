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
)

// managementFile is the management API's bbolt file inside store.path,
// beside the counters' file. It is a file of its own because a bbolt file
// admits one opener per process and the counters' store owns its handle.
const managementFile = "management.db"

// openManagement opens the management API's state: a bbolt file in
// store.path for the embedded store, memory for the memory store. With
// redis it is memory too until the management API has a Redis store:
// replicas share a store.path, and a bbolt file admits one process.
func openManagement(cfg *config.File, log *slog.Logger) (*mgmt.Service, error) {
	var st mgmt.Store
	switch cfg.Store.Type {
	case "memory":
		st = mgmt.NewMemoryStore()
	case "redis":
		log.Warn("management API: with store type redis its state is kept in memory, per replica, and lost on restart (a Redis management store is a later phase)")
		st = mgmt.NewMemoryStore()
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
	s, err := mgmt.New(context.Background(), mgmt.Options{Store: st, Region: cfg.Region, AccountID: cfg.AccountID, Credentials: creds, Logger: log})
	if err != nil {
		_ = st.Close()
		return nil, err
	}
	return s, nil
}

// ManagementAPI serves the management API (the apigateway REST
// operations) for the admin listener.
func (g *Gateway) ManagementAPI() http.Handler { return g.mgmt.Handler() }
