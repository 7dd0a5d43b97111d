package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func write(t *testing.T, name, body string) string {
	t.Helper()
	dir := t.TempDir()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "api.yaml"), []byte("openapi: 3.0.1\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func noEnv(string) string { return "" }

func TestLoadDefaultsAndPaths(t *testing.T) {
	t.Parallel()
	p := write(t, "portico.yaml", "apis:\n  - id: pets\n    definition: ./api.yaml\n    stages: [{name: prod, variables: {backend: \"127.0.0.1:9001\"}}]\n")
	f, err := Load(p, noEnv)
	if err != nil {
		t.Fatal(err)
	}
	if f.Listen != "127.0.0.1:8080" || f.Admin.Listen != "127.0.0.1:9090" || f.Region != "us-east-1" || f.AccountID != "123456789012" {
		t.Errorf("defaults not applied: %+v", f)
	}
	if f.Server.MaxBodyBytes != 10<<20 || f.Server.MaxHeaderBytes != 10240 {
		t.Errorf("limits: %+v", f.Server)
	}
	if want := filepath.Join(filepath.Dir(p), "api.yaml"); f.APIs[0].Definition != want {
		t.Errorf("definition path: got %s, want %s", f.APIs[0].Definition, want)
	}
}

// TestLocatedErrors checks that each problem names the file, line and field.
func TestLocatedErrors(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name, body string
		want       []string
	}{
		{"unknown key", "listen: 127.0.0.1:1\nlistne: x\n", []string{"portico.yaml:2: field listne is not a known setting"}},
		{"bad values", "listen: nope\nregion: moon\naccountId: \"12\"\napis:\n  - id: \"a b\"\n    definition: ./missing.yaml\n    stages: [{name: \"bad stage\"}]\n",
			[]string{"portico.yaml:1: /listen:", "portico.yaml:2: /region:", "portico.yaml:3: /accountId:", "portico.yaml:5: /apis/0/id:", "portico.yaml:6: /apis/0/definition: cannot read definition", "portico.yaml:7: /apis/0/stages/0/name:"}},
		{"stage variable value", "apis:\n  - id: a\n    definition: ./api.yaml\n    stages:\n      - name: dev\n        variables:\n          url: \"has space\"\n",
			[]string{"portico.yaml:7: /apis/0/stages/0/variables/url:"}},
		{"duplicate stage", "apis:\n  - id: a\n    definition: ./api.yaml\n    stages: [{name: dev}, {name: dev}]\n", []string{"duplicate stage \"dev\""}},
		{"open admin listener", "admin: {listen: \"0.0.0.0:9090\"}\n", []string{"portico.yaml:1: /admin/listen: \"0.0.0.0:9090\" is not a loopback address: with no admin.credentials"}},
		{"admin on every interface", "admin:\n  listen: \":9090\"\n", []string{"portico.yaml:2: /admin/listen: \":9090\" is not a loopback address"}},
		{"admin credential", "admin:\n  credentials:\n    - {accessKeyId: AKID}\n    - {accessKeyId: AKID, secretAccessKey: s}\n",
			[]string{"portico.yaml:3: /admin/credentials/0/secretAccessKey: secretAccessKey is required", "/admin/credentials/1/accessKeyId: duplicate accessKeyId \"AKID\""}},
		{"profiling without admin listener", "admin:\n  listen: \"off\"\n  profiling: true\n", []string{"portico.yaml:3: /admin/profiling: profiling is served on the admin listener, which is off"}},
		{"gc values", "server:\n  gc:\n    percent: lots\n    memoryLimit: 12XB\n", []string{"portico.yaml:3: /server/gc/percent: \"lots\" must be an integer of at least 1, or off",
			"portico.yaml:4: /server/gc/memoryLimit: \"12XB\" must be a size such as \"512MiB\""}},
		{"gc off without a limit", "server: {gc: {percent: \"off\"}}\n", []string{"portico.yaml:1: /server/gc/percent: off needs a memoryLimit"}},
		{"gc percent zero", "server:\n  gc: {percent: 0, memoryLimit: 0}\n", []string{"portico.yaml:2: /server/gc/percent: \"0\" must be an integer", "portico.yaml:2: /server/gc/memoryLimit: \"0\" must be a size"}},
		{"bad duration", "server: {readTimeout: soon}\n", []string{"is not a duration"}},
		{"not yaml", "listen: [\n", []string{"portico.yaml"}},
		{"unset env", "listen: ${env:PORTICO_TEST_UNSET}\n", []string{"portico.yaml:1: environment variable PORTICO_TEST_UNSET is not set"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			_, err := Load(write(t, "portico.yaml", c.body), noEnv)
			if err == nil {
				t.Fatal("got no error")
			}
			for _, w := range c.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not contain %q", err, w)
				}
			}
		})
	}
}

func TestEnvExpansion(t *testing.T) {
	t.Parallel()
	p := write(t, "portico.yaml", "listen: ${env:ADDR}\nregion: ${env:BAD}\napis:\n  - id: a\n    definition: ./api.yaml\n    stages: [{name: dev}]\n")
	env := map[string]string{"ADDR": "127.0.0.1:7000", "BAD": "s3cr3t-value"}
	_, err := Load(p, func(k string) string { return env[k] })
	if err == nil || !strings.Contains(err.Error(), "portico.yaml:2: /region") {
		t.Fatalf("got %v, want a located region error", err)
	}
	f, err := Load(write(t, "ok.yaml", "# ${env:IN_A_COMMENT} is not expanded\nlisten: ${env:ADDR}\napis:\n  - id: a\n    definition: ./api.yaml\n    stages: [{name: dev}]\n"), func(k string) string { return env[k] })
	if err != nil || f.Listen != "127.0.0.1:7000" {
		t.Fatalf("got %v, %v", f, err)
	}
}

func TestQuick(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	p := filepath.Join(dir, "pet store.yaml")
	if err := os.WriteFile(p, []byte("openapi: 3.0.1\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	f, err := Quick(QuickOptions{API: p, Listen: "127.0.0.1:7001", AdminListen: "off"})
	if err != nil {
		t.Fatal(err)
	}
	// The stage is left to the import: dev for a REST API, $default for an HTTP API.
	if f.APIs[0].ID != "pet-store" || len(f.APIs[0].Stages) != 0 || f.APIs[0].DefaultStage != "dev" || f.Listen != "127.0.0.1:7001" || f.Admin.Listen != "off" {
		t.Errorf("got %+v, admin %q", f.APIs[0], f.Admin.Listen)
	}
	if f.Admin.Profiling {
		t.Error("profiling is on without --pprof")
	}
	if f, err = Quick(QuickOptions{API: p, Profiling: true}); err != nil || !f.Admin.Profiling {
		t.Errorf("--pprof: profiling %v, error %v", f != nil && f.Admin.Profiling, err)
	}
}

func TestQuickNamedStage(t *testing.T) {
	t.Parallel()
	p := filepath.Join(t.TempDir(), "api.yaml")
	if err := os.WriteFile(p, []byte("openapi: 3.0.1\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	f, err := Quick(QuickOptions{API: p, Stage: "prod"})
	if err != nil {
		t.Fatal(err)
	}
	if len(f.APIs[0].Stages) != 1 || f.APIs[0].Stages[0].Name != "prod" {
		t.Errorf("stages %+v", f.APIs[0].Stages)
	}
}

// HTTP API stage settings: $default is an HTTP API stage name, route keys
// are checked, and each kind refuses the other's throttle settings.
func TestHTTPAPIStageSettings(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "api.yaml"), []byte("openapi: 3.0.1\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	ok := "apis:\n  - id: a\n    type: http\n    definition: ./api.yaml\n    stages:\n      - name: $default\n        defaultRouteSettings: {throttlingRateLimit: 5, throttlingBurstLimit: 2}\n        routeSettings:\n          \"GET /pets\": {throttlingBurstLimit: 1}\n"
	cfgPath := filepath.Join(dir, "ok.yaml")
	if err := os.WriteFile(cfgPath, []byte(ok), 0o600); err != nil {
		t.Fatal(err)
	}
	f, err := Load(cfgPath, func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	st := f.APIs[0].Stages[0]
	if st.Name != "$default" || *st.DefaultRouteSettings.ThrottlingRateLimit != 5 || *st.RouteSettings["GET /pets"].ThrottlingBurstLimit != 1 {
		t.Errorf("got %+v", st)
	}
	for name, tc := range map[string]struct{ doc, want string }{
		"bad type":            {"apis:\n  - id: a\n    type: websocket\n    definition: ./api.yaml\n", `/apis/0/type: type must be rest or http, not "websocket"`},
		"rest $default":       {"apis:\n  - id: a\n    type: rest\n    definition: ./api.yaml\n    stages: [{name: $default}]\n", "$default is a stage of HTTP APIs only"},
		"rest no stages":      {"apis:\n  - id: a\n    type: rest\n    definition: ./api.yaml\n", "/apis/0/stages: at least one stage is required"},
		"bad route key":       {"apis:\n  - id: a\n    type: http\n    definition: ./api.yaml\n    stages:\n      - name: dev\n        routeSettings: {\"/pets\": {throttlingBurstLimit: 1}}\n", `"/pets" is not a route key`},
		"negative":            {"apis:\n  - id: a\n    type: http\n    definition: ./api.yaml\n    stages:\n      - name: dev\n        defaultRouteSettings: {throttlingBurstLimit: -1}\n", "/defaultRouteSettings/throttlingBurstLimit: must not be negative"},
		"http methodSettings": {"apis:\n  - id: a\n    type: http\n    definition: ./api.yaml\n    stages:\n      - name: dev\n        methodSettings: [{resourcePath: /*, httpMethod: \"*\", throttlingBurstLimit: 1}]\n", "HTTP APIs take defaultRouteSettings and routeSettings"},
		"rest routeSettings":  {"apis:\n  - id: a\n    type: rest\n    definition: ./api.yaml\n    stages:\n      - name: dev\n        defaultRouteSettings: {throttlingBurstLimit: 1}\n", "REST APIs take methodSettings, not routeSettings"},
	} {
		p := filepath.Join(dir, strings.ReplaceAll(name, " ", "_")+".yaml")
		if err := os.WriteFile(p, []byte(tc.doc), 0o600); err != nil {
			t.Fatal(err)
		}
		_, err := Load(p, func(string) string { return "" })
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: got %v, want %q", name, err, tc.want)
		}
	}
}

// A file name longer than an API id may be, or with nothing usable in it,
// still gives a valid id: quick mode never refuses a definition for its
// name.
func TestQuickAPIIDFromAnyFileName(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("awsdocs_amazon-api-gateway-developer-guide.", 3) + "swagger2.json"
	for name, want := range map[string]string{
		long:        strings.Repeat("awsdocs_amazon-api-gateway-developer-guide-", 3)[:64],
		"....json":  "api",
		"@@@.yaml":  "api",
		"a.b.c.yml": "a-b-c",
	} {
		dir := t.TempDir()
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte("openapi: 3.0.1\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		f, err := Quick(QuickOptions{API: p})
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if f.APIs[0].ID != want {
			t.Errorf("%s: id %q, want %q", name, f.APIs[0].ID, want)
		}
	}
}

// --function NAME=PATH tells a Go package, a bootstrap directory and an
// executable apart, and reports every bad one at once.
func TestQuickFunctions(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	api := filepath.Join(dir, "api.yaml")
	goPkg := filepath.Join(dir, "gofn")
	boot := filepath.Join(dir, "bootdir")
	exe := filepath.Join(dir, "fn.sh")
	empty := filepath.Join(dir, "empty")
	for _, d := range []string{goPkg, boot, empty} {
		if err := os.Mkdir(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	for p, mode := range map[string]os.FileMode{api: 0o600, filepath.Join(goPkg, "main.go"): 0o600, filepath.Join(boot, "bootstrap"): 0o755, exe: 0o755} {
		if err := os.WriteFile(p, []byte("x"), mode); err != nil {
			t.Fatal(err)
		}
	}
	f, err := Quick(QuickOptions{API: api, Functions: []string{"A=" + goPkg, "B=" + boot, "C=" + exe}})
	if err != nil {
		t.Fatal(err)
	}
	got := f.Functions
	if len(got) != 3 || got[0].Build != goPkg || got[1].CodeURI != boot || len(got[2].Command) != 1 || got[2].Command[0] != exe {
		t.Errorf("functions: %+v", got)
	}
	_, err = Quick(QuickOptions{API: api, Functions: []string{"noequals", "D=" + empty, "E=" + filepath.Join(dir, "missing"), "bad name=" + exe}})
	if err == nil {
		t.Fatal("bad --function values accepted")
	}
	for _, want := range []string{`"noequals": want NAME=PATH`, "--function D: directory", "--function E: stat", "bad name"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error lacks %q:\n%v", want, err)
		}
	}
}

// Relative paths in a settings file named by a relative path are resolved
// against the file's directory and come out absolute, so function builds
// work whatever the working directory (a relative build path used to fail
// at serve time while validate said ok).
func TestRelativeConfigPathGivesAbsolutePaths(t *testing.T) {
	dir := t.TempDir()
	sub := filepath.Join(dir, "proj")
	if err := os.MkdirAll(filepath.Join(sub, "fn"), 0o755); err != nil {
		t.Fatal(err)
	}
	body := "apis:\n  - id: a\n    definition: ./api.yaml\n    stages: [{name: dev}]\nfunctions:\n  - {name: F, build: ./fn}\n  - {name: G, codeUri: ./dist}\n  - {name: H, command: [./bin/h]}\n"
	for name, data := range map[string]string{"portico.yaml": body, "api.yaml": "openapi: 3.0.1\n"} {
		if err := os.WriteFile(filepath.Join(sub, name), []byte(data), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	t.Chdir(dir)
	f, err := Load(filepath.Join("proj", "portico.yaml"), noEnv)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{f.APIs[0].Definition, f.Functions[0].Build, f.Functions[1].CodeURI, f.Functions[2].Command[0], f.Store.Path} {
		if !filepath.IsAbs(p) || !strings.HasPrefix(p, sub) {
			t.Errorf("path %q is not absolute under %s", p, sub)
		}
	}
}

func FuzzParse(f *testing.F) {
	f.Add([]byte("listen: 127.0.0.1:8080\napis:\n  - id: a\n    definition: x\n    stages: [{name: dev}]\n"))
	f.Add([]byte("{\"listen\": 1, \"apis\": [{}]}"))
	f.Add([]byte("a: &x [*x]\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		_, _ = Parse("fuzz.yaml", data, noEnv)
	})
}

// TestNoAPIsAndAdminCredentials: a settings file without apis is valid
// (APIs come from the management API), and admin.credentials lets the
// admin listener leave loopback.
func TestNoAPIsAndAdminCredentials(t *testing.T) {
	t.Parallel()
	f, err := Load(write(t, "portico.yaml", "listen: 127.0.0.1:1\n"), noEnv)
	if err != nil {
		t.Fatalf("no apis: %v", err)
	}
	if len(f.APIs) != 0 || f.Admin.Listen != "127.0.0.1:9090" || len(f.Admin.Credentials) != 0 {
		t.Errorf("got apis %v, admin %+v", f.APIs, f.Admin)
	}
	env := func(k string) string { return map[string]string{"ADMIN_SECRET": "s3cret"}[k] }
	f, err = Load(write(t, "portico.yaml", "admin:\n  listen: 0.0.0.0:9090\n  credentials:\n    - {accessKeyId: AKIDADMIN, secretAccessKey: \"${env:ADMIN_SECRET}\"}\n"), env)
	if err != nil {
		t.Fatalf("credentials: %v", err)
	}
	if want := []AdminCredential{{AccessKeyID: "AKIDADMIN", SecretAccessKey: "s3cret"}}; len(f.Admin.Credentials) != 1 || f.Admin.Credentials[0] != want[0] {
		t.Errorf("credentials = %+v", f.Admin.Credentials)
	}
	for _, addr := range []string{"localhost:9090", "[::1]:9090", "127.0.0.2:9090"} {
		if _, err := Load(write(t, "portico.yaml", "admin: {listen: \""+addr+"\"}\n"), noEnv); err != nil {
			t.Errorf("%s: %v", addr, err)
		}
	}
}

// TestGCValues reads server.gc as GOGC and GOMEMLIMIT write their values.
func TestGCValues(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		percent, limit string
		p              int
		l              int64
	}{
		{"", "", 100, NoMemoryLimit},
		{"200", "512MiB", 200, 512 << 20},
		{"off", "1GiB", -1, 1 << 30},
		{"50", "1048576", 50, 1 << 20},
		{"", "3B", 100, 3},
		{"", "2KiB", 100, 2048},
		{"", "1TiB", 100, 1 << 40},
		{"", "off", 100, NoMemoryLimit},
	} {
		g := GC{Percent: c.percent, MemoryLimit: c.limit}
		if p, l := g.PercentValue(), g.MemoryLimitBytes(); p != c.p || l != c.l {
			t.Errorf("%+v: got %d, %d; want %d, %d", g, p, l, c.p, c.l)
		}
	}
	for _, bad := range []string{"-1", "1.5GiB", "GiB", "8388608TiB", "512M", "512 MiB"} {
		if _, err := parseByteSize(bad); err == nil {
			t.Errorf("memoryLimit %q accepted", bad)
		}
	}
}
