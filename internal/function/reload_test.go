package function

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// copyExecutable writes src's contents to dst the way builds and editors
// replace files: into a temporary file, renamed over dst.
func copyExecutable(t *testing.T, src, dst string) {
	t.Helper()
	b, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	writeAtomic(t, dst, string(b), 0o755)
}

// writeAtomic writes data to path through a renamed temporary file.
func writeAtomic(t *testing.T, path, data string, mode os.FileMode) {
	t.Helper()
	tmp := filepath.Join(filepath.Dir(path), "."+filepath.Base(path)+".tmp")
	if err := os.WriteFile(tmp, []byte(data), mode); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(tmp, path); err != nil {
		t.Fatal(err)
	}
}

// reloadOptions checks code often, so tests see a change quickly.
var reloadOptions = Options{CodeCheckInterval: 10 * time.Millisecond}

// TestReloadCommandKeepsInFlight replaces a command's executable while an
// invocation runs on it: the next invocations run the new code at once (on
// a new process), the running one ends with the old code, and its process
// is retired afterwards instead of going back to the warm set.
func TestReloadCommandKeepsInFlight(t *testing.T) {
	skipUnlessLinux(t)
	dir := t.TempDir()
	exe := filepath.Join(dir, "fn")
	copyExecutable(t, fnBin(t, "gate"), exe)
	m := newTestManager(t, reloadOptions, Config{Name: "fn", Command: []string{exe}, Timeout: time.Minute})

	gate := filepath.Join(dir, "open")
	type answer struct {
		resp *Response
		err  error
	}
	old := make(chan answer, 1)
	go func() {
		resp, err := m.Invoke(context.Background(), "fn", []byte(`{"waitFor":"`+gate+`"}`), InvokeOptions{})
		old <- answer{resp, err}
	}()
	waitFor(t, "the invocation to reach the process", 10*time.Second, func() bool { return m.busy("fn") == 1 })
	oldPID := m.pids.last(t)

	copyExecutable(t, fnBin(t, "echo"), exe)
	// Until the change is noticed, a new invocation would start the old
	// code, which waits for its gate.
	waitFor(t, "the change to be noticed", 10*time.Second, func() bool { return strings.Contains(m.logs.String(), "function code changed") })
	waitFor(t, "the new code to answer", 10*time.Second, func() bool {
		resp, err := m.invoke(t, "fn", `{"new":true}`)
		return err == nil && string(resp.Payload) == `{"new":true}`
	})
	if processGone(oldPID) {
		t.Fatal("the busy process was killed before its invocation ended")
	}
	if err := os.WriteFile(gate, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	a := <-old
	if a.err != nil || string(a.resp.Payload) != `{"opened":"`+gate+`"}` {
		t.Fatalf("in-flight invocation: %v %s, want the old code's answer", a.err, payloadOf(a.resp))
	}
	waitFor(t, "the old process to be retired", 10*time.Second, func() bool { return processGone(oldPID) })
	if got := strings.Count(m.logs.String(), "function code changed"); got != 1 {
		t.Errorf("the change was logged %d times, want once", got)
	}
	resp, err := m.invoke(t, "fn", `"again"`)
	if err != nil || string(resp.Payload) != `"again"` {
		t.Fatalf("after the reload: %v %s", err, payloadOf(resp))
	}
}

// payloadOf returns resp's payload, or "" for nil.
func payloadOf(resp *Response) string {
	if resp == nil {
		return ""
	}
	return string(resp.Payload)
}

// TestReloadCodeURIFile changes a file under a codeUri other than
// bootstrap (the bootstrap script reads it): warm processes are replaced
// and the next invocation runs the new code.
func TestReloadCodeURIFile(t *testing.T) {
	skipUnlessLinux(t)
	dir := t.TempDir()
	copyExecutable(t, fnBin(t, "echo"), filepath.Join(dir, "echo"))
	copyExecutable(t, fnBin(t, "envdump"), filepath.Join(dir, "envdump"))
	writeAtomic(t, filepath.Join(dir, "bootstrap"), "#!/bin/sh\nexec \"$LAMBDA_TASK_ROOT/$(cat \"$LAMBDA_TASK_ROOT/handler.txt\")\"\n", 0o755)
	writeAtomic(t, filepath.Join(dir, "handler.txt"), "echo", 0o644)
	m := newTestManager(t, reloadOptions, Config{Name: "fn", CodeURI: dir})
	resp, err := m.invoke(t, "fn", `{"x":1}`)
	if err != nil || string(resp.Payload) != `{"x":1}` {
		t.Fatalf("before: %v %s", err, payloadOf(resp))
	}
	warm := m.pids.last(t)

	writeAtomic(t, filepath.Join(dir, "handler.txt"), "envdump", 0o644)
	waitFor(t, "the new code to answer", 10*time.Second, func() bool {
		resp, err := m.invoke(t, "fn", `{}`)
		var r struct{ Env map[string]string }
		return err == nil && json.Unmarshal(resp.Payload, &r) == nil && r.Env["AWS_LAMBDA_FUNCTION_NAME"] == "fn"
	})
	waitFor(t, "the warm process to be replaced", 10*time.Second, func() bool { return processGone(warm) })
	if n := m.processes("fn"); n != 1 {
		t.Errorf("%d processes after the reload, want 1", n)
	}
	logs := m.logs.String()
	if got := strings.Count(logs, "function code changed"); got != 1 || !strings.Contains(logs, "handler.txt") {
		t.Errorf("the change was logged %d times (want once, naming handler.txt):\n%s", got, logs)
	}
}

// runtimeClient is a Go Lambda function without dependencies: a minimal
// Runtime API client answering {"version": VERSION}.
const runtimeClient = `package main

import (
	"io"
	"net/http"
	"os"
	"strings"
)

func main() {
	api := "http://" + os.Getenv("AWS_LAMBDA_RUNTIME_API") + "/2018-06-01/runtime/invocation/"
	for {
		resp, err := http.Get(api + "next")
		if err != nil {
			os.Exit(1)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		id := resp.Header.Get("Lambda-Runtime-Aws-Request-Id")
		r, err := http.Post(api+id+"/response", "application/json", strings.NewReader("{\"version\":\""+version+"\"}"))
		if err != nil {
			os.Exit(1)
		}
		r.Body.Close()
	}
}
`

// writeBuildSource writes a Go module whose function answers version; the
// version lives in a second file of the package.
func writeBuildSource(t *testing.T, dir, version string) {
	t.Helper()
	writeAtomic(t, filepath.Join(dir, "version.go"), "package main\n\nconst version = \""+version+"\"\n", 0o644)
}

// TestReloadBuild edits a Go source of a build function: it is rebuilt and
// the next invocation runs the new binary. A change that does not compile
// is logged once with the compiler output and the old binary keeps serving;
// fixing it is picked up again.
func TestReloadBuild(t *testing.T) {
	skipUnlessLinux(t)
	dir := t.TempDir()
	writeAtomic(t, filepath.Join(dir, "go.mod"), "module example.com/fn\n\ngo 1.22\n", 0o644)
	writeAtomic(t, filepath.Join(dir, "main.go"), runtimeClient, 0o644)
	writeBuildSource(t, dir, "v1")
	m := newTestManager(t, reloadOptions, Config{Name: "fn", Build: dir})
	version := func() string {
		resp, err := m.invoke(t, "fn", `{}`)
		if err != nil {
			t.Fatal(err)
		}
		var r struct{ Version string }
		if err := json.Unmarshal(resp.Payload, &r); err != nil {
			t.Fatalf("%v: %s", err, resp.Payload)
		}
		return r.Version
	}
	if v := version(); v != "v1" {
		t.Fatalf("got %q, want v1", v)
	}

	writeBuildSource(t, dir, "v2")
	waitFor(t, "the rebuilt function to answer", time.Minute, func() bool { return version() == "v2" })

	writeAtomic(t, filepath.Join(dir, "version.go"), "package main\n\nconst version = undefinedName\n", 0o644)
	waitFor(t, "the failed rebuild to be logged", time.Minute, func() bool { return strings.Contains(m.logs.String(), "cannot be loaded") })
	if v := version(); v != "v2" {
		t.Errorf("after a failed rebuild got %q, want the previous binary's v2", v)
	}
	if !strings.Contains(m.logs.String(), "undefined: undefinedName") {
		t.Errorf("the compiler output is not logged:\n%s", m.logs.String())
	}

	writeBuildSource(t, dir, "v3")
	waitFor(t, "the fixed function to answer", time.Minute, func() bool { return version() == "v3" })
	if got := strings.Count(m.logs.String(), "cannot be loaded"); got != 1 {
		t.Errorf("the failed rebuild was logged %d times, want once", got)
	}
}

// TestWatchedStateSkips checks what counts as a code change under a
// codeUri: files anywhere in the tree, but not dependencies, bytecode
// caches or hidden directories.
func TestWatchedStateSkips(t *testing.T) {
	dir := t.TempDir()
	for _, d := range []string{"src", "node_modules/x", "__pycache__", ".git"} {
		if err := os.MkdirAll(filepath.Join(dir, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	writeAtomic(t, filepath.Join(dir, "src", "app.js"), "1", 0o644)
	cfg := Config{Name: "fn", CodeURI: dir}
	before := watchedState(cfg, program{})
	for _, f := range []string{"node_modules/x/index.js", "__pycache__/app.cpython-312.pyc", ".git/index", "src/.app.js.swp", "src/app.js~"} {
		writeAtomic(t, filepath.Join(dir, f), "x", 0o644)
	}
	if p := before.changed(watchedState(cfg, program{})); p != "" {
		t.Errorf("%s counted as a code change", p)
	}
	writeAtomic(t, filepath.Join(dir, "src", "app.js"), "2", 0o644)
	if p := before.changed(watchedState(cfg, program{})); p != filepath.Join(dir, "src", "app.js") {
		t.Errorf("changed = %q, want src/app.js", p)
	}
	writeAtomic(t, filepath.Join(dir, "src", "new.js"), "", 0o644)
	if err := os.Remove(filepath.Join(dir, "src", "app.js")); err != nil {
		t.Fatal(err)
	}
	if p := before.changed(watchedState(cfg, program{})); p == "" {
		t.Error("a removed and an added file went unnoticed")
	}
}

// BenchmarkWatchedState is the cost of one code check of a codeUri with
// 200 files in 10 directories (plus a node_modules that is skipped).
func BenchmarkWatchedState(b *testing.B) {
	dir := b.TempDir()
	for d := range 10 {
		sub := filepath.Join(dir, "pkg"+strconv.Itoa(d))
		if err := os.MkdirAll(filepath.Join(dir, "node_modules", "m"+strconv.Itoa(d)), 0o755); err != nil {
			b.Fatal(err)
		}
		if err := os.MkdirAll(sub, 0o755); err != nil {
			b.Fatal(err)
		}
		for f := range 20 {
			if err := os.WriteFile(filepath.Join(sub, "f"+strconv.Itoa(f)+".js"), []byte("x"), 0o644); err != nil {
				b.Fatal(err)
			}
		}
	}
	cfg := Config{Name: "fn", CodeURI: dir}
	for b.Loop() {
		if st := watchedState(cfg, program{}); len(st) != 200 {
			b.Fatalf("%d files", len(st))
		}
	}
}

// TestReloadLayerFile: a layer is code too; changing a file in one reloads
// the function.
func TestReloadLayerFile(t *testing.T) {
	skipUnlessLinux(t)
	dir, layer := t.TempDir(), t.TempDir()
	copyExecutable(t, fnBin(t, "echo"), filepath.Join(dir, "echo"))
	copyExecutable(t, fnBin(t, "envdump"), filepath.Join(dir, "envdump"))
	writeAtomic(t, filepath.Join(dir, "bootstrap"), "#!/bin/sh\nexec \"$LAMBDA_TASK_ROOT/$(cat '"+layer+"/handler.txt')\"\n", 0o755)
	writeAtomic(t, filepath.Join(layer, "handler.txt"), "echo", 0o644)
	m := newTestManager(t, reloadOptions, Config{Name: "fn", CodeURI: dir, Layers: []string{layer}})
	resp, err := m.invoke(t, "fn", `{"x":1}`)
	if err != nil || string(resp.Payload) != `{"x":1}` {
		t.Fatalf("before: %v %s", err, payloadOf(resp))
	}
	writeAtomic(t, filepath.Join(layer, "handler.txt"), "envdump", 0o644)
	waitFor(t, "the new code to answer", 10*time.Second, func() bool {
		resp, err := m.invoke(t, "fn", `{}`)
		var r struct{ Env map[string]string }
		return err == nil && json.Unmarshal(resp.Payload, &r) == nil && r.Env["AWS_LAMBDA_FUNCTION_NAME"] == "fn"
	})
}
