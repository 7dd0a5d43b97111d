// Package internal_test enforces the import direction of style.md §5.
package internal_test

import (
	"os/exec"
	"strings"
	"testing"
)

// TestImportDirection: the bottom packages import no other internal package,
// and nothing imports the edge, the wiring or the command.
func TestImportDirection(t *testing.T) {
	out, err := exec.Command("go", "list", "-f", `{{.ImportPath}} {{join .Imports " "}}`, "github.com/portico-gw/portico/...").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	const mod = "github.com/portico-gw/portico/"
	leaves := map[string]bool{"internal/fault": true, "internal/apidef": true, "internal/router": true, "internal/subst": true, "internal/source": true}
	top := map[string]bool{"internal/httpserver": true, "internal/app": true, "cmd/portico": true, "internal/admin": true}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		fields := strings.Fields(line)
		pkg := strings.TrimPrefix(fields[0], mod)
		for _, imp := range fields[1:] {
			dep, ok := strings.CutPrefix(imp, mod)
			if !ok {
				continue
			}
			if leaves[pkg] && dep != "internal/fault" {
				t.Errorf("%s imports %s; it must stay at the bottom", pkg, dep)
			}
			if top[dep] && !(pkg == "cmd/portico" || pkg == "internal/app" || strings.HasPrefix(pkg, "internal/gatewaytest")) {
				t.Errorf("%s imports %s; only the wiring may", pkg, dep)
			}
		}
	}
}
