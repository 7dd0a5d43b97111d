package function

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// program is a resolved function source: what to run and where.
type program struct {
	path string   // executable
	args []string // arguments after the executable
	dir  string   // working directory and LAMBDA_TASK_ROOT
	// handler is reported as _HANDLER.
	handler string
	// srcDirs are the directories whose files a Build binary was built
	// from (the package and its dependencies outside the module cache),
	// and the module's go.mod and go.sum.
	srcDirs []string
	// env is added after PATH and HOME, before the configured variables
	// (which may override it): NODE_PATH, PYTHONPATH, PATH with layers.
	env []string
}

// BuildError reports a Build source that `go build` could not build.
type BuildError struct {
	// Function and Dir name the source; Output is go's output.
	Function, Dir, Output string
	// Err is the underlying failure.
	Err error
}

// Error names the function and includes go's output.
func (e *BuildError) Error() string {
	return fmt.Sprintf("function %s: go build %s: %v\n%s", e.Function, e.Dir, e.Err, e.Output)
}

// Unwrap returns the underlying failure.
func (e *BuildError) Unwrap() error { return e.Err }

// resolve turns c's source into a program, building Go sources as needed.
func resolve(ctx context.Context, c Config, o Options) (program, error) {
	switch {
	case c.Runtime != "" && c.Runtime != "provided.al2" && c.Runtime != "provided.al2023":
		return resolveRuntime(c, o)
	case len(c.Command) > 0:
		dir, _ := os.Getwd()
		if filepath.IsAbs(c.Command[0]) {
			dir = filepath.Dir(c.Command[0])
		}
		return program{path: c.Command[0], args: c.Command[1:], dir: dir, handler: filepath.Base(c.Command[0])}, nil
	case c.CodeURI != "":
		exe := filepath.Join(c.CodeURI, "bootstrap")
		fi, err := os.Stat(exe)
		if err != nil {
			return program{}, fmt.Errorf("function %s: codeUri: %w", c.Name, err)
		}
		if fi.IsDir() || fi.Mode()&0o111 == 0 {
			return program{}, fmt.Errorf("function %s: codeUri: %s is not an executable file", c.Name, exe)
		}
		env, err := layerEnv(c, "", "")
		if err != nil {
			return program{}, err
		}
		return program{path: exe, dir: c.CodeURI, handler: "bootstrap", env: env}, nil
	default:
		exe, dirs, err := buildCached(ctx, c.Build, o)
		if err != nil {
			return program{}, &BuildError{Function: c.Name, Dir: c.Build, Output: outputOf(err), Err: err}
		}
		return program{path: exe, dir: c.Build, handler: "bootstrap", srcDirs: dirs}, nil
	}
}

// goEnv is the part of `go env` that changes what a build produces.
type goEnv struct {
	GOVERSION, GOOS, GOARCH, CGO_ENABLED, GOFLAGS, GOMOD, GOMODCACHE, GOEXPERIMENT string //nolint:revive // go env names
}

// buildCached returns the path of the binary built from the Go main package
// in dir, building it unless the cache already holds a binary for the same
// sources and go version. The key hashes the go environment, the module's
// go.mod and go.sum, and every file in the directories of the package's
// non-standard dependencies outside the module cache (whose contents are
// fixed by their versions). It also returns those directories.
func buildCached(ctx context.Context, dir string, o Options) (string, []string, error) {
	goCmd := o.GoCommand
	if goCmd == "" {
		goCmd = "go"
	}
	key, dirs, err := sourceKey(ctx, goCmd, dir)
	if err != nil {
		return "", nil, err
	}
	cacheDir := o.CacheDir
	if cacheDir == "" {
		base, err := os.UserCacheDir()
		if err != nil {
			return "", nil, fmt.Errorf("cache directory: %w", err)
		}
		cacheDir = filepath.Join(base, "portico", "functions")
	}
	exeDir := filepath.Join(cacheDir, key)
	exe := filepath.Join(exeDir, "bootstrap")
	if fi, err := os.Stat(exe); err == nil && fi.Mode().IsRegular() {
		return exe, dirs, nil
	}
	if err := os.MkdirAll(exeDir, 0o755); err != nil {
		return "", nil, err
	}
	tmp := filepath.Join(exeDir, "bootstrap.tmp-"+randomHex(6))
	if _, err := runGo(ctx, goCmd, dir, "build", "-o", tmp, "."); err != nil {
		os.Remove(tmp)
		return "", nil, err
	}
	// Rename is atomic, so a concurrent Portico sees a whole binary or none.
	if err := os.Rename(tmp, exe); err != nil {
		os.Remove(tmp)
		return "", nil, err
	}
	return exe, dirs, nil
}

// sourceKey hashes everything that decides the binary built from dir, and
// returns the hashed go.mod and go.sum and the directories of the other
// hashed files.
func sourceKey(ctx context.Context, goCmd, dir string) (string, []string, error) {
	out, err := runGo(ctx, goCmd, dir, "env", "-json", "GOVERSION", "GOOS", "GOARCH", "CGO_ENABLED",
		"GOFLAGS", "GOMOD", "GOMODCACHE", "GOEXPERIMENT")
	if err != nil {
		return "", nil, err
	}
	var env goEnv
	if err := json.Unmarshal(out, &env); err != nil {
		return "", nil, fmt.Errorf("go env: %w", err)
	}
	var dirs []string
	h := sha256.New()
	fmt.Fprintf(h, "%+v\n", env)
	if env.GOMOD != "" && env.GOMOD != os.DevNull {
		for _, f := range []string{env.GOMOD, strings.TrimSuffix(env.GOMOD, ".mod") + ".sum"} {
			hashFile(h, f)
		}
		dirs = append(dirs, env.GOMOD, strings.TrimSuffix(env.GOMOD, ".mod")+".sum")
	}
	deps, err := runGo(ctx, goCmd, dir, "list", "-deps", "-f", "{{if not .Standard}}{{.Dir}}{{end}}", ".")
	if err != nil {
		return "", nil, err
	}
	for d := range strings.Lines(string(deps)) {
		d = strings.TrimSpace(d)
		if d == "" {
			continue
		}
		fmt.Fprintf(h, "dir %s\n", d)
		if env.GOMODCACHE != "" && strings.HasPrefix(d, env.GOMODCACHE+string(filepath.Separator)) {
			continue
		}
		dirs = append(dirs, d)
		entries, err := os.ReadDir(d)
		if err != nil {
			return "", nil, err
		}
		for _, e := range entries {
			if e.Type().IsRegular() {
				hashFile(h, filepath.Join(d, e.Name()))
			}
		}
	}
	return hex.EncodeToString(h.Sum(nil))[:32], dirs, nil
}

// hashFile writes f's name and contents to h; a missing file hashes as such.
func hashFile(h io.Writer, f string) {
	fmt.Fprintf(h, "file %s\n", f)
	b, err := os.ReadFile(f)
	if err != nil {
		fmt.Fprintf(h, "missing\n")
		return
	}
	fmt.Fprintf(h, "%d\n", len(b))
	_, _ = h.Write(b)
}

// goError is a failed go command with its combined output.
type goError struct {
	args   []string
	output string
	err    error
}

func (e *goError) Error() string { return "go " + strings.Join(e.args, " ") + ": " + e.err.Error() }
func (e *goError) Unwrap() error { return e.err }

// outputOf returns the go command output carried by err, if any.
func outputOf(err error) string {
	if ge, ok := errors.AsType[*goError](err); ok {
		return ge.output
	}
	return ""
}

// runGo runs the go tool in dir and returns its stdout.
func runGo(ctx context.Context, goCmd, dir string, args ...string) ([]byte, error) {
	cmd := exec.CommandContext(ctx, goCmd, args...)
	cmd.Dir = dir
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return nil, &goError{args: args, output: stderr.String(), err: err}
	}
	return stdout.Bytes(), nil
}
