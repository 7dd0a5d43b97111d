package app

import (
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// newProfilingGateway deploys a one-method MOCK API with the given admin
// section; it returns the gateway and its settings file.
func newProfilingGateway(t *testing.T, admin string) (*Gateway, string) {
	t.Helper()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "api.yaml"), []byte(strings.Replace(defTemplate, "BODY", "ok", 1)), 0o600); err != nil {
		t.Fatal(err)
	}
	cfgPath := filepath.Join(dir, "portico.yaml")
	writeProfilingSettings(t, cfgPath, admin)
	g, err := New(Source{ConfigPath: cfgPath, Getenv: os.Getenv}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = g.Close() })
	return g, cfgPath
}

func writeProfilingSettings(t *testing.T, path, admin string) {
	t.Helper()
	cfg := "admin: " + admin + "\nstore: {type: memory}\napis:\n  - id: t\n    definition: api.yaml\n    stages: [{name: dev, variables: {backend: 127.0.0.1:1}}]\n"
	if err := os.WriteFile(path, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
}

// serve answers one GET through h.
func serve(h http.Handler, path string) (int, string) {
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
	b, _ := io.ReadAll(rec.Body)
	return rec.Code, string(b)
}

// TestProfilingOnTheAdminListenerOnly: with admin.profiling the admin
// listener serves the pprof index and profiles; the data plane never does.
func TestProfilingOnTheAdminListenerOnly(t *testing.T) {
	g, _ := newProfilingGateway(t, "{listen: 127.0.0.1:0, profiling: true}")
	adminH := withDashboard(g.AdminHandler(), g.DashboardHandler()) // as Run mounts it
	if code, body := serve(adminH, "/debug/pprof/"); code != http.StatusOK || !strings.Contains(body, "goroutine") {
		t.Errorf("/debug/pprof/: %d %.200q", code, body)
	}
	if code, body := serve(adminH, "/debug/pprof/heap?debug=1"); code != http.StatusOK || !strings.Contains(body, "heap profile") {
		t.Errorf("/debug/pprof/heap?debug=1: %d %.200q", code, body)
	}
	if code, _ := serve(adminH, "/debug/pprof/cmdline"); code != http.StatusOK {
		t.Errorf("/debug/pprof/cmdline: %d", code)
	}
	for _, p := range []string{"/debug/pprof/", "/debug/pprof/heap?debug=1", "/dev/debug/pprof/heap?debug=1"} {
		if code, body := serve(g.Handler(), p); code == http.StatusOK || strings.Contains(body, "profile") {
			t.Errorf("data plane %s: %d %.200q", p, code, body)
		}
	}
}

// TestProfilingOffByDefault: without admin.profiling /debug/pprof/ is 404;
// a reload turns it on and off.
func TestProfilingOffByDefault(t *testing.T) {
	g, cfgPath := newProfilingGateway(t, "{listen: 127.0.0.1:0}")
	adminH := withDashboard(g.AdminHandler(), g.DashboardHandler())
	for _, p := range []string{"/debug/pprof/", "/debug/pprof/heap?debug=1", "/debug/pprof/profile?seconds=1"} {
		if code, _ := serve(adminH, p); code != http.StatusNotFound {
			t.Errorf("%s with profiling off: %d, want 404", p, code)
		}
	}
	writeProfilingSettings(t, cfgPath, "{listen: 127.0.0.1:0, profiling: true}")
	if err := g.Reload(); err != nil {
		t.Fatal(err)
	}
	if code, _ := serve(adminH, "/debug/pprof/heap?debug=1"); code != http.StatusOK {
		t.Errorf("after turning profiling on: %d, want 200", code)
	}
	writeProfilingSettings(t, cfgPath, "{listen: 127.0.0.1:0}")
	if err := g.Reload(); err != nil {
		t.Fatal(err)
	}
	if code, _ := serve(adminH, "/debug/pprof/heap?debug=1"); code != http.StatusNotFound {
		t.Errorf("after turning profiling off: %d, want 404", code)
	}
}
