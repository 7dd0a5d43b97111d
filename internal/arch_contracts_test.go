package internal_test

import (
	"os/exec"
	"strings"
	"testing"
)

// TestContractPackages: the packages that hold AWS's rules and contracts
// (docs/architecture.md#packages-and-layering) keep their place. awslimits
// and awsheaders import no internal package, so every package may use them;
// lambdaevent (the Lambda function contract) imports neither integrations
// nor authorizers, and authorizers reach Lambda through it, never through
// integration.
func TestContractPackages(t *testing.T) {
	out, err := exec.Command("go", "list", "-f", `{{.ImportPath}} {{join .Imports " "}}`, "github.com/portico-gw/portico/...").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	const mod = "github.com/portico-gw/portico/"
	bottom := map[string]bool{"internal/awslimits": true, "internal/awsheaders": true}
	forbidden := []struct{ from, to string }{
		{"internal/auth", "internal/integration"},
		{"internal/lambdaevent", "internal/integration"},
		{"internal/lambdaevent", "internal/auth"},
	}
	under := func(pkg, root string) bool { return pkg == root || strings.HasPrefix(pkg, root+"/") }
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		fields := strings.Fields(line)
		pkg := strings.TrimPrefix(fields[0], mod)
		for _, imp := range fields[1:] {
			dep, ok := strings.CutPrefix(imp, mod)
			if !ok {
				continue
			}
			if bottom[pkg] {
				t.Errorf("%s imports %s; it must import no internal package", pkg, dep)
			}
			for _, f := range forbidden {
				if under(pkg, f.from) && under(dep, f.to) {
					t.Errorf("%s imports %s; %s must not import %s", pkg, dep, f.from, f.to)
				}
			}
		}
	}
}
