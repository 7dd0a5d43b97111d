// Package internal_test enforces the import direction of
// docs/architecture.md#packages-and-layering.
package internal_test

import (
	"fmt"
	"os/exec"
	"slices"
	"strings"
	"testing"
)

const modulePath = "github.com/portico-gw/portico/"

// layerRule is one import rule of docs/architecture.md#packages-and-layering.
// A rule applies to the packages From names; for each of their imports of a
// module package, Only (when not nil) lists what they may import and Never
// what they must not. A name ending in "/..." also names its subpackages.
type layerRule struct {
	Rule  string // the rule as the architecture document states it
	From  []string
	Only  []string
	Never []string
	// Allowed are imports the rule's text permits though Never names them.
	Allowed []importEdge
}

// importEdge is one import: From imports To.
type importEdge struct{ From, To string }

var (
	steps       = []string{"internal/throttle", "internal/usage", "internal/validate", "internal/auth"}
	integrating = []string{"internal/integration", "internal/awsservice"}
)

// layerRules are the rules of docs/architecture.md#packages-and-layering,
// numbered as there; a change to one changes both.
var layerRules = []layerRule{
	{
		Rule: "1. the leaves (fault, apidef, router, subst, source) import no internal package except fault",
		From: []string{"internal/fault", "internal/apidef", "internal/router", "internal/subst", "internal/source"},
		Only: []string{"internal/fault"},
	},
	{
		Rule: "1. pipeline, jsontok, function, auth/jwt and auth/policy import no internal package apart from awslimits",
		From: []string{"internal/pipeline", "internal/jsontok", "internal/function", "internal/auth/jwt", "internal/auth/policy"},
		Only: []string{"internal/awslimits"},
	},
	{
		Rule: "1. vtl imports only jsontok and awslimits",
		From: []string{"internal/vtl"},
		Only: []string{"internal/jsontok", "internal/awslimits"},
	},
	{
		Rule: "1. cors imports only apidef and awslimits",
		From: []string{"internal/cors"},
		Only: []string{"internal/apidef", "internal/awslimits"},
	},
	{
		Rule: "1. cfn imports only source",
		From: []string{"internal/cfn"},
		Only: []string{"internal/source"},
	},
	{
		Rule: "1. template imports only cfn, config and source",
		From: []string{"internal/template"},
		Only: []string{"internal/cfn", "internal/config", "internal/source"},
	},
	{
		Rule: "1. h1 imports only wirenames",
		From: []string{"internal/h1"},
		Only: []string{"internal/wirenames"},
	},
	{
		Rule: "1. tlsedge imports only pipeline",
		From: []string{"internal/tlsedge"},
		Only: []string{"internal/pipeline"},
	},
	{
		Rule: "3. contextvars imports only pipeline, fault and auth/jwt",
		From: []string{"internal/contextvars"},
		Only: []string{"internal/pipeline", "internal/fault", "internal/auth/jwt"},
	},
	{
		Rule: "3. telemetry imports only contextvars",
		From: []string{"internal/telemetry"},
		Only: []string{"internal/contextvars"},
	},
	{
		Rule:  "2. nothing imports httpserver, admin, app or cmd/portico except cmd/portico, app and gatewaytest",
		From:  []string{"..."},
		Never: []string{"internal/httpserver", "internal/admin", "internal/app", "cmd/portico"},
		Allowed: []importEdge{
			{"cmd/portico", "internal/app"}, {"internal/app", "internal/httpserver"}, {"internal/app", "internal/admin"},
			{"internal/gatewaytest/...", "internal/app"}, {"internal/gatewaytest/...", "internal/httpserver"},
			{"internal/gatewaytest/...", "internal/admin"},
		},
	},
	{
		Rule: "3. pipeline imports no internal package: steps and integrations depend on it, never the reverse",
		From: []string{"internal/pipeline"},
		Only: []string{},
	},
	{
		Rule:  "4. steps (throttle, usage, validate, auth) and integrations (integration, awsservice) never import deploy, httpserver or each other; usage imports throttle for the plan's buckets, and awsservice builds on integration's HTTP integration",
		From:  append(slices.Clone(steps), integrating...),
		Never: append(append([]string{"internal/deploy", "internal/httpserver"}, steps...), integrating...),
		Allowed: []importEdge{
			{"internal/usage", "internal/throttle"},
			{"internal/awsservice", "internal/integration"},
		},
	},
	{
		Rule:  "5. deploy imports the steps and integrations: nothing else does but app (and rules 4 and 6)",
		From:  []string{"..."},
		Never: append(slices.Clone(steps), integrating...),
		Allowed: []importEdge{
			{"internal/deploy", "..."}, {"internal/app", "..."},
			{"internal/usage", "internal/throttle"}, {"internal/awsservice", "internal/integration"},
			{"internal/store/...", "internal/throttle"},
		},
	},
	{
		Rule: "5. httpserver imports deploy, pipeline, fault, contextvars and telemetry, and the leaf helpers awslimits, awsheaders, wirenames, router (the match it runs) and cors (an HTTP API's preflights)",
		From: []string{"internal/httpserver"},
		Only: []string{"internal/deploy", "internal/pipeline", "internal/fault", "internal/contextvars", "internal/telemetry", "internal/awslimits", "internal/awsheaders", "internal/wirenames", "internal/router", "internal/cors"},
	},
	{
		Rule: "6. store/* implement the counter interfaces that throttle declares and import only throttle",
		From: []string{"internal/store/..."},
		Only: []string{"internal/throttle", "internal/store/..."},
	},
	{
		Rule:  "7. only tests import gatewaytest and function/functiontest",
		From:  []string{"..."},
		Never: []string{"internal/gatewaytest/...", "internal/function/functiontest"},
	},
	{
		Rule:  "4. lambdaevent, what Lambda integrations and authorizers share, imports neither of them",
		From:  []string{"internal/lambdaevent"},
		Never: append(slices.Clone(steps), integrating...),
	},
	{
		Rule: "9. mgmt, the management API, imports only apidef, openapi, source, deploy, telemetry, auth/sigv4, awslimits and fault",
		From: []string{"internal/mgmt"},
		Only: []string{"internal/apidef", "internal/openapi", "internal/source", "internal/deploy", "internal/telemetry", "internal/auth/sigv4", "internal/awslimits", "internal/fault"},
	},
	{
		Rule: "10. cache, the integration's cache wrapper, imports only pipeline, fault, telemetry and awslimits",
		From: []string{"internal/cache"},
		Only: []string{"internal/pipeline", "internal/fault", "internal/telemetry", "internal/awslimits"},
	},
	{
		Rule: "11. dashboard imports only apidef, config, fault, function, telemetry and awslimits",
		From: []string{"internal/dashboard"},
		Only: []string{"internal/apidef", "internal/config", "internal/fault", "internal/function", "internal/telemetry", "internal/awslimits"},
	},
	{
		Rule:    "11. only app imports dashboard",
		From:    []string{"..."},
		Never:   []string{"internal/dashboard"},
		Allowed: []importEdge{{"internal/app", "internal/dashboard"}},
	},
	{
		Rule: "8. awslimits and awsheaders import no internal package",
		From: []string{"internal/awslimits", "internal/awsheaders"},
		Only: []string{},
	},
}

// knownExceptions are imports that break a rule today and are being
// removed; each names the rule it breaks. An exception that is no longer
// needed fails the test, so that it is deleted.
var knownExceptions = []importEdge{}

// TestImportDirection: every import between the module's packages obeys
// the layering rules.
func TestImportDirection(t *testing.T) {
	out, err := exec.Command("go", "list", "-f", `{{.ImportPath}}{{range .Imports}} {{.}}{{end}}`, modulePath+"...").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	graph := map[string][]string{}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		fields := strings.Fields(line)
		pkg := strings.TrimPrefix(fields[0], modulePath)
		graph[pkg] = nil
		for _, imp := range fields[1:] {
			if dep, ok := strings.CutPrefix(imp, modulePath); ok {
				graph[pkg] = append(graph[pkg], dep)
			}
		}
	}
	for _, v := range layerViolations(graph, layerRules, knownExceptions) {
		t.Error(v)
	}
	// A rule naming a package that no longer exists would pass forever.
	for _, r := range layerRules {
		for _, p := range slices.Concat(r.From, r.Only, r.Never) {
			if !strings.HasSuffix(p, "...") {
				if _, ok := graph[p]; !ok {
					t.Errorf("rule %q names %s, which is not a package of the module", r.Rule, p)
				}
			}
		}
	}
}

// TestLayerRulesCatch: each rule reports an import that breaks it, and a
// known exception that is no longer needed is reported too.
func TestLayerRulesCatch(t *testing.T) {
	base := map[string][]string{
		"cmd/portico":          {"internal/app"},
		"internal/app":         {"internal/httpserver", "internal/admin", "internal/deploy", "internal/throttle"},
		"internal/deploy":      {"internal/auth", "internal/integration", "internal/pipeline"},
		"internal/httpserver":  {"internal/deploy", "internal/fault"},
		"internal/usage":       {"internal/throttle"},
		"internal/awsservice":  {"internal/integration"},
		"internal/store/redis": {"internal/throttle"},
		"internal/auth":        {"internal/lambdaevent"},
		"internal/gatewaytest": {"internal/app"},
		"internal/mgmt":        {"internal/deploy", "internal/openapi", "internal/auth/sigv4"},
		"internal/dashboard":   {"internal/telemetry", "internal/function"},
	}
	if v := layerViolations(base, layerRules, knownExceptions); len(v) > 0 {
		t.Fatalf("the allowed graph breaks rules: %v", v)
	}
	bad := []struct {
		edge importEdge
		rule string
	}{
		{importEdge{"internal/apidef", "internal/pipeline"}, "1. the leaves"},
		{importEdge{"internal/vtl", "internal/fault"}, "1. vtl"},
		{importEdge{"internal/cfn", "internal/apidef"}, "1. cfn"},
		{importEdge{"internal/jsontok", "internal/fault"}, "1. pipeline, jsontok"},
		{importEdge{"internal/deploy", "internal/httpserver"}, "2."},
		{importEdge{"internal/openapi", "cmd/portico"}, "2."},
		{importEdge{"internal/pipeline", "internal/fault"}, "3."},
		{importEdge{"internal/validate", "internal/usage"}, "4."},
		{importEdge{"internal/integration", "internal/deploy"}, "4."},
		{importEdge{"internal/openapi", "internal/validate"}, "5. deploy"},
		{importEdge{"internal/httpserver", "internal/integration"}, "5. httpserver"},
		{importEdge{"internal/store/bolt", "internal/fault"}, "6."},
		{importEdge{"internal/app", "internal/gatewaytest"}, "7."},
		{importEdge{"internal/auth", "internal/integration"}, "4."},
		{importEdge{"internal/awslimits", "internal/fault"}, "8."},
		{importEdge{"internal/lambdaevent", "internal/auth"}, "4. lambdaevent"},
		{importEdge{"internal/telemetry", "internal/pipeline"}, "3. telemetry"},
		{importEdge{"internal/mgmt", "internal/httpserver"}, "9. mgmt"},
		{importEdge{"internal/dashboard", "internal/usage"}, "11. dashboard imports"},
		{importEdge{"internal/admin", "internal/dashboard"}, "11. only app"},
	}
	for _, b := range bad {
		g := map[string][]string{}
		for k, v := range base {
			g[k] = slices.Clone(v)
		}
		g[b.edge.From] = append(g[b.edge.From], b.edge.To)
		v := layerViolations(g, layerRules, knownExceptions)
		if !slices.ContainsFunc(v, func(s string) bool {
			return strings.Contains(s, b.edge.From+" imports "+b.edge.To) && strings.Contains(s, b.rule)
		}) {
			t.Errorf("%s → %s: want a violation of rule %q, got %q", b.edge.From, b.edge.To, b.rule, v)
		}
	}
	stale := append(slices.Clone(knownExceptions), importEdge{"internal/auth", "internal/integration"})
	if v := layerViolations(base, layerRules, stale); len(v) != 1 || !strings.Contains(v[0], "no longer needed") {
		t.Errorf("unused exception: got %q, want one report", v)
	}
}

// layerViolations lists the imports of graph (package → module imports)
// that break a rule, and the exceptions no import needs.
func layerViolations(graph map[string][]string, rules []layerRule, exceptions []importEdge) []string {
	var out []string
	used := make([]bool, len(exceptions))
	pkgs := make([]string, 0, len(graph))
	for p := range graph {
		pkgs = append(pkgs, p)
	}
	slices.Sort(pkgs)
	for _, pkg := range pkgs {
		for _, dep := range graph[pkg] {
			for _, r := range rules {
				if !matchAny(pkg, r.From) || !r.breaks(pkg, dep) {
					continue
				}
				if i := slices.IndexFunc(exceptions, func(e importEdge) bool { return e.matches(pkg, dep) }); i >= 0 {
					used[i] = true
					continue
				}
				out = append(out, fmt.Sprintf("%s imports %s, which breaks rule %q (docs/architecture.md#packages-and-layering)", pkg, dep, r.Rule))
			}
		}
	}
	for i, e := range exceptions {
		if !used[i] {
			out = append(out, fmt.Sprintf("known exception %s → %s is no longer needed: delete it from knownExceptions", e.From, e.To))
		}
	}
	return out
}

// breaks reports whether pkg importing dep breaks the rule.
func (r layerRule) breaks(pkg, dep string) bool {
	if pkg == dep || slices.ContainsFunc(r.Allowed, func(e importEdge) bool { return e.matches(pkg, dep) }) {
		return false
	}
	if r.Only != nil && !matchAny(dep, r.Only) {
		return true
	}
	return matchAny(dep, r.Never)
}

func (e importEdge) matches(from, to string) bool {
	return match(from, e.From) && match(to, e.To)
}

// match reports whether pkg is pattern, or under it when pattern ends in
// "/..."; "..." alone matches every package.
func match(pkg, pattern string) bool {
	if pattern == "..." {
		return true
	}
	if base, ok := strings.CutSuffix(pattern, "/..."); ok {
		return pkg == base || strings.HasPrefix(pkg, base+"/")
	}
	return pkg == pattern
}

func matchAny(pkg string, patterns []string) bool {
	return slices.ContainsFunc(patterns, func(p string) bool { return match(pkg, p) })
}
