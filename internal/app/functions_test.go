package app

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/portico-gw/portico/internal/config"
	"github.com/portico-gw/portico/internal/function"
)

// The functionRuntime section reaches the function runtime's options: each
// memoryLimit under the name internal/function uses, the code check
// interval, and "off" as a negative interval (never check).
func TestFunctionOptions(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "api.yaml"), []byte("openapi: 3.0.1\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		section string
		mode    string
		every   time.Duration
	}{
		{"", function.MemoryLimitAuto, time.Second},
		{"functionRuntime: {memoryLimit: cgroup, codeCheckInterval: 3s}\n", function.MemoryLimitCgroup, 3 * time.Second},
		{"functionRuntime: {memoryLimit: rss}\n", function.MemoryLimitRSS, time.Second},
		{"functionRuntime: {memoryLimit: \"off\", codeCheckInterval: \"off\"}\n", function.MemoryLimitOff, -1},
	} {
		p := filepath.Join(dir, "portico.yaml")
		settings := tc.section + "apis:\n  - id: a\n    definition: ./api.yaml\n    stages: [{name: dev}]\n"
		if err := os.WriteFile(p, []byte(settings), 0o600); err != nil {
			t.Fatal(err)
		}
		cfg, err := config.Load(p, func(string) string { return "" })
		if err != nil {
			t.Fatal(err)
		}
		o := functionOptions(cfg, nil)
		if o.MemoryLimit != tc.mode || o.CodeCheckInterval != tc.every {
			t.Errorf("%q: got memoryLimit %q, interval %s; want %q, %s", tc.section, o.MemoryLimit, o.CodeCheckInterval, tc.mode, tc.every)
		}
	}
}
