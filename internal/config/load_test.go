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
		{"no apis", "listen: 127.0.0.1:1\n", []string{"/apis: at least one API is required"}},
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
	f, err := Quick(p, "", "127.0.0.1:7001")
	if err != nil {
		t.Fatal(err)
	}
	if f.APIs[0].ID != "pet-store" || f.APIs[0].Stages[0].Name != "dev" || f.Listen != "127.0.0.1:7001" {
		t.Errorf("got %+v", f.APIs[0])
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
