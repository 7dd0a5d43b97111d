package function

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
)

// clients are Portico's runtime clients for Node.js and Python: small
// programs speaking the Runtime API that load the function's handler. They
// are written to the cache directory once and run by the local interpreter.
//
//go:embed runtimes/node/bootstrap.mjs runtimes/python/bootstrap.py
var clients embed.FS

// interpreter describes how a language runtime runs locally.
type interpreter struct {
	// language is "nodejs" or "python".
	language string
	// commands are the executables tried on PATH, in order.
	commands []string
	// pkg is the Debian package that provides them.
	pkg string
	// client is the embedded client's path in clients.
	client string
	// args come before the client's path.
	args []string
	// versionRe extracts the comparable version from `--version` output.
	versionRe *regexp.Regexp
}

var (
	nodeInterpreter = interpreter{language: "nodejs", commands: []string{"node", "nodejs"}, pkg: "nodejs",
		client: "runtimes/node/bootstrap.mjs", versionRe: regexp.MustCompile(`^v(\d+)\.`)}
	pythonInterpreter = interpreter{language: "python", commands: []string{"python3"}, pkg: "python3",
		client: "runtimes/python/bootstrap.py", args: []string{"-u"}, versionRe: regexp.MustCompile(`^Python (\d+\.\d+)`)}
)

// runtimeInfo returns the interpreter for a Node.js or Python runtime and
// the version it asks for ("20", "3.12"); ok is false for other runtimes.
func runtimeInfo(runtime string) (in interpreter, want string, ok bool) {
	switch {
	case strings.HasPrefix(runtime, "nodejs") && strings.HasSuffix(runtime, ".x"):
		return nodeInterpreter, strings.TrimSuffix(strings.TrimPrefix(runtime, "nodejs"), ".x"), true
	case strings.HasPrefix(runtime, "python"):
		return pythonInterpreter, strings.TrimPrefix(runtime, "python"), true
	}
	return interpreter{}, "", false
}

// knownRuntime matches the runtime identifiers Portico runs; compiled on first use, like every pattern of this package (docs/architecture.md#memory).
var knownRuntime = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`^(nodejs(18|20|22)\.x|python3\.(9|1[0-3])|provided\.al2|provided\.al2023|go1\.x)$`)
})

// checkRuntime reports a Runtime, Handler or CodeURI that cannot work
// together.
func checkRuntime(c Config) error {
	if !knownRuntime().MatchString(c.Runtime) {
		return fmt.Errorf("unknown runtime %q", c.Runtime)
	}
	if c.CodeURI == "" {
		return fmt.Errorf("runtime %s needs codeUri", c.Runtime)
	}
	if _, _, ok := runtimeInfo(c.Runtime); ok || c.Runtime == "go1.x" {
		if c.Handler == "" {
			return fmt.Errorf("runtime %s needs a handler", c.Runtime)
		}
	}
	return nil
}

// resolveRuntime resolves a nodejs*, python3.* or go1.x function.
func resolveRuntime(c Config, o Options) (program, error) {
	if c.Runtime == "go1.x" {
		exe := filepath.Join(c.CodeURI, c.Handler)
		fi, err := os.Stat(exe)
		if err != nil {
			return program{}, fmt.Errorf("function %s: handler: %w", c.Name, err)
		}
		if fi.IsDir() || fi.Mode()&0o111 == 0 {
			return program{}, fmt.Errorf("function %s: handler: %s is not an executable file", c.Name, exe)
		}
		env, err := layerEnv(c, "", "")
		if err != nil {
			return program{}, err
		}
		return program{path: exe, dir: c.CodeURI, handler: c.Handler, env: env}, nil
	}
	in, want, _ := runtimeInfo(c.Runtime)
	if fi, err := os.Stat(c.CodeURI); err != nil || !fi.IsDir() {
		return program{}, fmt.Errorf("function %s: codeUri %s is not a directory", c.Name, c.CodeURI)
	}
	interp, err := in.lookPath()
	if err != nil {
		return program{}, fmt.Errorf("function %s: runtime %s needs %s on PATH: install the Debian package %s (apt-get install %s)",
			c.Name, c.Runtime, in.commands[0], in.pkg, in.pkg)
	}
	client, err := writeClient(in.client, o.CacheDir)
	if err != nil {
		return program{}, fmt.Errorf("function %s: runtime client: %w", c.Name, err)
	}
	env, err := layerEnv(c, in.language, want)
	if err != nil {
		return program{}, err
	}
	env = append(env, "AWS_EXECUTION_ENV=AWS_Lambda_"+c.Runtime, "LAMBDA_RUNTIME_DIR="+filepath.Dir(client))
	args := append(append([]string{}, in.args...), client)
	return program{path: interp, args: args, dir: c.CodeURI, handler: c.Handler, env: env}, nil
}

// lookPath finds the interpreter on PATH. For Python it returns the
// interpreter's own sys.executable: a version manager's shim on PATH (pyenv)
// costs a shell and ~150 ms per process start.
func (in interpreter) lookPath() (string, error) {
	var first error
	for _, cmd := range in.commands {
		p, err := exec.LookPath(cmd)
		if err == nil {
			if in.language == "python" {
				p = realExecutable(p)
			}
			return p, nil
		}
		if first == nil {
			first = err
		}
	}
	return "", first
}

// executables caches realExecutable by PATH entry.
var executables sync.Map // path -> path

// realExecutable returns the Python interpreter that path runs
// (sys.executable), or path when that cannot be told.
func realExecutable(path string) string {
	if v, ok := executables.Load(path); ok {
		return v.(string)
	}
	real := path
	out, err := exec.Command(path, "-c", "import sys; print(sys.executable)").Output()
	if p := strings.TrimSpace(string(out)); err == nil && filepath.IsAbs(p) {
		if fi, err := os.Stat(p); err == nil && fi.Mode().IsRegular() && fi.Mode()&0o111 != 0 {
			real = p
		}
	}
	executables.Store(path, real)
	return real
}

// versions caches `interpreter --version` by interpreter path.
var versions sync.Map // path -> string

// localVersion returns the comparable version of the interpreter at path
// ("20" for node, "3.11" for python3), or "" when it cannot be told.
func (in interpreter) localVersion(path string) string {
	if v, ok := versions.Load(path); ok {
		return v.(string)
	}
	out, err := exec.Command(path, "--version").CombinedOutput()
	v := ""
	if err == nil {
		if m := in.versionRe.FindSubmatch(bytes.TrimSpace(out)); m != nil {
			v = string(m[1])
		}
	}
	versions.Store(path, v)
	return v
}

// RuntimeWarning returns a warning when the local interpreter for a Node.js
// or Python runtime has another version than the one asked for (node's
// major version; python's 3.minor), else "". A missing interpreter is not
// a warning: Check reports it as an error.
func RuntimeWarning(runtime string) string {
	in, want, ok := runtimeInfo(runtime)
	if !ok {
		return ""
	}
	path, err := in.lookPath()
	if err != nil {
		return ""
	}
	have := in.localVersion(path)
	if have == "" || have == want {
		return ""
	}
	if in.language == "nodejs" {
		return fmt.Sprintf("runtime %s runs on the local %s, which is Node.js %s, not %s", runtime, path, have, want)
	}
	return fmt.Sprintf("runtime %s runs on the local %s, which is Python %s, not %s", runtime, path, have, want)
}

// clientFiles caches written clients by embedded name and cache directory.
var clientFiles sync.Map // name + "\x00" + cacheDir -> path

// writeClient writes the embedded client name into the cache directory
// (runtimes/<content hash>/<file>), once, and returns its path.
func writeClient(name, cacheDir string) (string, error) {
	key := name + "\x00" + cacheDir
	if p, ok := clientFiles.Load(key); ok {
		return p.(string), nil
	}
	src, err := clients.ReadFile(name)
	if err != nil {
		return "", err
	}
	if cacheDir == "" {
		base, err := os.UserCacheDir()
		if err != nil {
			return "", fmt.Errorf("cache directory: %w", err)
		}
		cacheDir = filepath.Join(base, "portico", "functions")
	}
	sum := sha256.Sum256(src)
	dir := filepath.Join(cacheDir, "runtimes", hex.EncodeToString(sum[:8]))
	path := filepath.Join(dir, filepath.Base(name))
	if b, err := os.ReadFile(path); err != nil || !bytes.Equal(b, src) {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return "", err
		}
		tmp := path + ".tmp-" + randomHex(6)
		if err := os.WriteFile(tmp, src, 0o644); err != nil {
			return "", err
		}
		// Rename is atomic: a concurrent Portico sees the whole file or none.
		if err := os.Rename(tmp, path); err != nil {
			os.Remove(tmp)
			return "", err
		}
	}
	clientFiles.Store(key, path)
	return path, nil
}

// layerEnv returns the search paths for c's layers, laid out as Lambda
// extracts them into /opt: bin on PATH (after the inherited PATH); for
// Node.js nodejs/node<major>/node_modules and nodejs/node_modules on
// NODE_PATH (then the code directory, as Lambda's NODE_PATH ends with
// /var/task); for Python python/lib/python<version>/site-packages and
// python on PYTHONPATH. Every layer must be a directory.
func layerEnv(c Config, language, version string) ([]string, error) {
	var errs []error
	for _, l := range c.Layers {
		if fi, err := os.Stat(l); err != nil || !fi.IsDir() {
			errs = append(errs, fmt.Errorf("function %s: layer %s is not a directory", c.Name, l))
		}
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	// Lambda extracts layers in order, a later one overwriting an earlier
	// one's files: search the later layers first.
	layers := slices.Clone(c.Layers)
	slices.Reverse(layers)
	var env, bins, paths []string
	for _, l := range layers {
		bins = append(bins, filepath.Join(l, "bin"))
	}
	if len(bins) > 0 {
		env = append(env, "PATH="+strings.Join(append([]string{os.Getenv("PATH")}, bins...), string(os.PathListSeparator)))
	}
	switch language {
	case "nodejs":
		for _, l := range layers {
			paths = append(paths, filepath.Join(l, "nodejs", "node"+version, "node_modules"), filepath.Join(l, "nodejs", "node_modules"))
		}
		env = append(env, "NODE_PATH="+strings.Join(append(paths, c.CodeURI), string(os.PathListSeparator)))
	case "python":
		for _, l := range layers {
			paths = append(paths, filepath.Join(l, "python", "lib", "python"+version, "site-packages"), filepath.Join(l, "python"))
		}
		if len(paths) > 0 {
			env = append(env, "PYTHONPATH="+strings.Join(paths, string(os.PathListSeparator)))
		}
	}
	return env, nil
}
