package function

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// A Node.js or Python function whose interpreter is not on PATH fails the
// check, naming the Debian package to install.
func TestRuntimeMissingInterpreter(t *testing.T) {
	t.Setenv("PATH", t.TempDir())
	code := t.TempDir()
	err := Check([]Config{
		{Name: "N", Runtime: "nodejs20.x", Handler: "app.handler", CodeURI: code},
		{Name: "P", Runtime: "python3.12", Handler: "app.handler", CodeURI: code},
	}, Options{CacheDir: t.TempDir()})
	for _, want := range []string{
		"function N: runtime nodejs20.x needs node on PATH: install the Debian package nodejs",
		"function P: runtime python3.12 needs python3 on PATH: install the Debian package python3",
	} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("got %v, want %q", err, want)
		}
	}
}

// Layers are searched as Lambda lays out /opt, the last layer first; a
// layer that is not a directory is an error.
func TestLayerEnv(t *testing.T) {
	a, b := t.TempDir(), t.TempDir()
	env, err := layerEnv(Config{Name: "F", CodeURI: "/code", Layers: []string{a, b}}, "nodejs", "20")
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"PATH=" + os.Getenv("PATH") + ":" + b + "/bin:" + a + "/bin",
		"NODE_PATH=" + b + "/nodejs/node20/node_modules:" + b + "/nodejs/node_modules:" + a + "/nodejs/node20/node_modules:" + a + "/nodejs/node_modules:/code",
	}
	if strings.Join(env, "\n") != strings.Join(want, "\n") {
		t.Errorf("node: got %q, want %q", env, want)
	}
	env, err = layerEnv(Config{Name: "F", CodeURI: "/code", Layers: []string{a}}, "python", "3.12")
	if err != nil {
		t.Fatal(err)
	}
	if got := env[len(env)-1]; got != "PYTHONPATH="+a+"/python/lib/python3.12/site-packages:"+a+"/python" {
		t.Errorf("python: got %q", got)
	}
	if env, _ := layerEnv(Config{Name: "F", CodeURI: "/code"}, "python", "3.12"); len(env) != 0 {
		t.Errorf("no layers: got %q, want nothing", env)
	}
	missing := filepath.Join(a, "nope")
	if _, err := layerEnv(Config{Name: "F", Layers: []string{missing}}, "", ""); err == nil || !strings.Contains(err.Error(), "layer "+missing+" is not a directory") {
		t.Errorf("missing layer: got %v", err)
	}
}

// A local interpreter whose version differs from the runtime's is a
// warning; the same version is not.
func TestRuntimeWarning(t *testing.T) {
	path, err := exec.LookPath("node")
	if err != nil {
		t.Skip("node is not installed")
	}
	have := nodeInterpreter.localVersion(path)
	if have == "" {
		t.Fatalf("could not read %s --version", path)
	}
	if w := RuntimeWarning("nodejs" + have + ".x"); w != "" {
		t.Errorf("same version: got warning %q", w)
	}
	other := "18"
	if have == "18" {
		other = "22"
	}
	if w := RuntimeWarning("nodejs" + other + ".x"); !strings.Contains(w, "which is Node.js "+have+", not "+other) {
		t.Errorf("other version: got %q", w)
	}
	if w := RuntimeWarning("provided.al2023"); w != "" {
		t.Errorf("provided: got %q", w)
	}
}
