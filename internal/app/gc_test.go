package app

import (
	"bytes"
	"log/slog"
	"math"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"
	"testing"
)

// gcNow returns the collector's current percent and memory limit.
func gcNow() (int, int64) {
	p := debug.SetGCPercent(100)
	debug.SetGCPercent(p)
	return p, debug.SetMemoryLimit(-1)
}

// TestGCSettings: server.gc is applied at start and on reload, an empty
// setting restores Go's default, and GOGC/GOMEMLIMIT in the environment
// win over the settings. Not parallel: the collector's target is
// process-wide.
func TestGCSettings(t *testing.T) {
	p0, l0 := gcNow()
	t.Cleanup(func() { debug.SetGCPercent(p0); debug.SetMemoryLimit(l0) })
	env := map[string]string{}
	runtimeEnv = func(k string) string { return env[k] }
	t.Cleanup(func() { runtimeEnv = os.Getenv })

	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "api.yaml"), []byte(strings.Replace(defTemplate, "BODY", "ok", 1)), 0o600); err != nil {
		t.Fatal(err)
	}
	cfgPath := filepath.Join(dir, "portico.yaml")
	write := func(server string) {
		cfg := "server: " + server + "\nadmin: {listen: \"off\"}\nstore: {type: memory}\napis:\n  - id: t\n    definition: api.yaml\n    stages: [{name: dev}]\n"
		if err := os.WriteFile(cfgPath, []byte(cfg), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	var logs bytes.Buffer
	write("{gc: {percent: 300, memoryLimit: 256MiB}}")
	g, err := New(Source{ConfigPath: cfgPath, Getenv: os.Getenv}, Options{Logger: slog.New(slog.NewTextHandler(&logs, nil))})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = g.Close() })
	if p, l := gcNow(); p != 300 || l != 256<<20 {
		t.Errorf("at start: percent %d, limit %d; want 300, %d", p, l, 256<<20)
	}
	reload := func(server string) {
		t.Helper()
		write(server)
		if err := g.Reload(); err != nil {
			t.Fatal(err)
		}
	}
	reload("{gc: {percent: \"off\", memoryLimit: 1GiB}}")
	if p, l := gcNow(); p != -1 || l != 1<<30 {
		t.Errorf("after reload: percent %d, limit %d; want -1 (off), %d", p, l, 1<<30)
	}
	reload("{}")
	if p, l := gcNow(); p != 100 || l != math.MaxInt64 {
		t.Errorf("gc removed: percent %d, limit %d; want Go's defaults 100, no limit", p, l)
	}
	env["GOGC"], env["GOMEMLIMIT"] = "150", "64MiB"
	reload("{gc: {percent: 400, memoryLimit: 2GiB}}")
	if p, l := gcNow(); p != 100 || l != math.MaxInt64 {
		t.Errorf("with GOGC and GOMEMLIMIT set: percent %d, limit %d; want them untouched", p, l)
	}
	for _, want := range []string{"GOGC is set in the environment; server.gc.percent is ignored", "GOMEMLIMIT is set in the environment; server.gc.memoryLimit is ignored"} {
		if !strings.Contains(logs.String(), want) {
			t.Errorf("logs lack %q:\n%s", want, logs.String())
		}
	}
}
