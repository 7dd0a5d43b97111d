package function

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// minimalRuntime is a function without aws-lambda-go: a bare Runtime API
// client that answers VERSION to every event.
const minimalRuntime = `package main

import (
	"bytes"
	"io"
	"net/http"
	"os"
)

func main() {
	base := "http://" + os.Getenv("AWS_LAMBDA_RUNTIME_API") + "/2018-06-01/runtime/invocation/"
	for {
		resp, err := http.Get(base + "next")
		if err != nil {
			os.Exit(1)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		id := resp.Header.Get("Lambda-Runtime-Aws-Request-Id")
		r, err := http.Post(base+id+"/response", "application/json", bytes.NewBufferString(` + "`" + `"VERSION"` + "`" + `))
		if err != nil {
			os.Exit(1)
		}
		r.Body.Close()
	}
}
`

// writeModule writes a one-package module with main.go in a new directory.
func writeModule(t *testing.T, main string) string {
	t.Helper()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "go.mod"), []byte("module example.com/fn\n\ngo 1.26\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "main.go"), []byte(main), 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

// cachedBinaries lists the binaries in a build cache.
func cachedBinaries(t *testing.T, cache string) []string {
	t.Helper()
	bins, err := filepath.Glob(filepath.Join(cache, "*", "bootstrap"))
	if err != nil {
		t.Fatal(err)
	}
	return bins
}

// TestBuildSource builds a Go package, reuses the cached binary while the
// sources are unchanged, and rebuilds when they change.
func TestBuildSource(t *testing.T) {
	skipUnlessLinux(t)
	cache := t.TempDir()
	dir := writeModule(t, strings.Replace(minimalRuntime, "VERSION", "v1", 1))
	cfg := Config{Name: "fn", Build: dir}

	m1 := newTestManager(t, Options{CacheDir: cache}, cfg)
	if resp, err := m1.invoke(t, "fn", `{}`); err != nil || string(resp.Payload) != `"v1"` {
		t.Fatalf("first build: %v %s", err, resp.Payload)
	}
	bins := cachedBinaries(t, cache)
	if len(bins) != 1 {
		t.Fatalf("cache holds %v, want one binary", bins)
	}
	before, err := os.Stat(bins[0])
	if err != nil {
		t.Fatal(err)
	}

	newTestManager(t, Options{CacheDir: cache}, cfg)
	after, err := os.Stat(bins[0])
	if err != nil || !os.SameFile(before, after) || len(cachedBinaries(t, cache)) != 1 {
		t.Fatalf("unchanged sources were rebuilt (%v)", err)
	}

	if err := os.WriteFile(filepath.Join(dir, "main.go"), []byte(strings.Replace(minimalRuntime, "VERSION", "v2", 1)), 0o644); err != nil {
		t.Fatal(err)
	}
	m3 := newTestManager(t, Options{CacheDir: cache}, cfg)
	if resp, err := m3.invoke(t, "fn", `{}`); err != nil || string(resp.Payload) != `"v2"` {
		t.Fatalf("after the change: %v %s", err, resp.Payload)
	}
	if n := len(cachedBinaries(t, cache)); n != 2 {
		t.Errorf("cache holds %d binaries, want 2", n)
	}
}

// TestBuildSourceInModule builds a test function that lives inside this
// module and depends on aws-lambda-go.
func TestBuildSourceInModule(t *testing.T) {
	skipUnlessLinux(t)
	dir, err := filepath.Abs("testdata/functions/echo")
	if err != nil {
		t.Fatal(err)
	}
	m := newTestManager(t, Options{}, Config{Name: "echo", Build: dir})
	if resp, err := m.invoke(t, "echo", `"built"`); err != nil || string(resp.Payload) != `"built"` {
		t.Fatalf("%v %v", err, resp)
	}
}

// TestBuildError reports compiler output.
func TestBuildError(t *testing.T) {
	dir := writeModule(t, "package main\n\nfunc main() { undefinedThing() }\n")
	_, err := NewManager([]Config{{Name: "broken", Build: dir}}, Options{CacheDir: t.TempDir()})
	be, ok := errors.AsType[*BuildError](err)
	if !ok {
		t.Fatalf("got %v, want *BuildError", err)
	}
	if be.Function != "broken" || !strings.Contains(be.Output, "undefined: undefinedThing") {
		t.Errorf("got %+v", be)
	}
}

// TestCodeURI runs a bootstrap from a directory, provided.al2023 style.
func TestCodeURI(t *testing.T) {
	skipUnlessLinux(t)
	dir := t.TempDir()
	src, err := os.ReadFile(fnBin(t, "envdump"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "bootstrap"), src, 0o755); err != nil {
		t.Fatal(err)
	}
	m := newTestManager(t, Options{}, Config{Name: "dump", CodeURI: dir})
	resp, err := m.invoke(t, "dump", `{}`)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`"_HANDLER":"bootstrap"`, `"LAMBDA_TASK_ROOT":"` + dir + `"`, `"cwd":"` + dir + `"`} {
		if !strings.Contains(string(resp.Payload), want) {
			t.Errorf("payload lacks %s: %s", want, resp.Payload)
		}
	}

	empty := t.TempDir()
	if _, err := NewManager([]Config{{Name: "none", CodeURI: empty}}, Options{}); err == nil {
		t.Error("a codeUri without bootstrap was accepted")
	}
	if err := os.WriteFile(filepath.Join(empty, "bootstrap"), []byte("#!/bin/sh\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := NewManager([]Config{{Name: "noexec", CodeURI: empty}}, Options{}); err == nil ||
		!strings.Contains(err.Error(), "not an executable") {
		t.Errorf("got %v, want a not-executable error", err)
	}
}
