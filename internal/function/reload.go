package function

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

// DefaultCodeCheckInterval is how often function code is checked for
// changes.
const DefaultCodeCheckInterval = time.Second

// stamp identifies one version of a file without reading it.
type stamp struct {
	size    int64
	modTime time.Time
	info    os.FileInfo // for os.SameFile: a file replaced by rename is new
}

// codeState is what a function's code looked like at one check: a stamp
// per watched file, "" mapping to nothing when a watched path is missing.
type codeState map[string]stamp

// changed returns a path that differs between s and t, or "".
func (s codeState) changed(t codeState) string {
	for p, a := range s {
		b, ok := t[p]
		if !ok || a.size != b.size || !a.modTime.Equal(b.modTime) || (a.info != nil) != (b.info != nil) ||
			a.info != nil && !os.SameFile(a.info, b.info) {
			return p
		}
	}
	for p := range t {
		if _, ok := s[p]; !ok {
			return p
		}
	}
	return ""
}

// skipDir reports whether a directory under a codeUri is not code the
// function runs from: dependencies (node_modules), bytecode caches
// (__pycache__, which Python writes on import) and hidden directories.
func skipDir(name string) bool {
	return name == "node_modules" || name == "__pycache__" || strings.HasPrefix(name, ".")
}

// skipFile reports whether a file is an editor's scratch
// file rather than code: hidden files (.app.js.swp, .#app.py) and backups
// (app.py~).
func skipFile(name string) bool {
	return strings.HasPrefix(name, ".") || strings.HasSuffix(name, "~")
}

// watchedState stamps the files that make up the code of c run as prog:
//   - Build: go.mod, go.sum and the files of the package's directory and
//     of its dependencies outside the module cache;
//   - CodeURI: every file under the directory, except in skipDir ones;
//   - Command: the executable, and every argument naming an existing file
//     (a script).
//
// Editors' scratch files (skipFile) never count.
func watchedState(c Config, prog program) codeState {
	st := codeState{}
	add := func(path string, fi os.FileInfo) {
		st[path] = stamp{size: fi.Size(), modTime: fi.ModTime(), info: fi}
	}
	file := func(path string) {
		if fi, err := os.Stat(path); err == nil {
			add(path, fi)
		} else {
			st[path] = stamp{size: -1}
		}
	}
	// tree adds every file under dir, except dependency caches, hidden
	// directories and editor scratch files.
	tree := func(dir string) {
		_ = filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return nil //nolint:nilerr // an unreadable entry is skipped, the rest still counts
			}
			if d.IsDir() {
				if path != dir && skipDir(d.Name()) {
					return filepath.SkipDir
				}
				return nil
			}
			if skipFile(d.Name()) {
				return nil
			}
			if fi, err := os.Stat(path); err == nil && fi.Mode().IsRegular() { // follows symlinks
				add(path, fi)
			}
			return nil
		})
	}
	// Layers are code too: a change to one reloads the function.
	for _, l := range c.Layers {
		tree(l)
	}
	switch {
	case c.Build != "":
		for _, p := range prog.srcDirs {
			entries, err := os.ReadDir(p)
			if err != nil {
				file(p) // go.mod, go.sum, or a vanished directory
				continue
			}
			for _, e := range entries {
				if !e.Type().IsRegular() || skipFile(e.Name()) {
					continue
				}
				if fi, err := e.Info(); err == nil {
					add(filepath.Join(p, e.Name()), fi)
				}
			}
		}
	case c.CodeURI != "":
		tree(c.CodeURI)
	default:
		exe := prog.path
		if !strings.ContainsRune(exe, filepath.Separator) {
			if p, err := exec.LookPath(exe); err == nil {
				exe = p
			}
		}
		file(exe)
		for _, a := range prog.args {
			p := a
			if !filepath.IsAbs(p) {
				p = filepath.Join(prog.dir, p)
			}
			if fi, err := os.Stat(p); err == nil && fi.Mode().IsRegular() {
				add(p, fi)
			}
		}
	}
	return st
}

// codeWatcher notices code changes of one pool's function.
type codeWatcher struct {
	p     *pool
	opts  Options
	state codeState // what the running code was loaded from
	// pending is a changed state seen at the last check; it is acted on
	// once a check finds it unchanged, so a save in several steps (or a
	// build writing its output) is taken as one change.
	pending codeState
}

// newCodeWatchers takes the first look at every function's code.
func (m *Manager) newCodeWatchers() []*codeWatcher {
	pools := m.allPools()
	ws := make([]*codeWatcher, 0, len(pools))
	for _, p := range pools {
		ws = append(ws, &codeWatcher{p: p, opts: m.opts, state: watchedState(p.cfg, p.program())})
	}
	return ws
}

// watchLoop checks every function's code every interval until Close, and
// replaces the processes of a function whose code changed.
func (m *Manager) watchLoop(ws []*codeWatcher, interval time.Duration) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() {
		select {
		case <-m.done:
			cancel()
		case <-ctx.Done():
		}
	}()
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-m.done:
			return
		case <-t.C:
			for _, w := range ws {
				w.check(ctx)
			}
		}
	}
}

// check compares the function's code with the last check and, when it
// changed, resolves it again (rebuilding a Build source) and swaps the
// pool to it. Each change is logged once; a failed rebuild keeps the
// current program, so invocations go on with the old binary.
func (w *codeWatcher) check(ctx context.Context) {
	p := w.p
	prog := p.program()
	now := watchedState(p.cfg, prog)
	path := w.state.changed(now)
	if path == "" {
		w.pending = nil
		return
	}
	if w.pending == nil || w.pending.changed(now) != "" {
		w.pending = now
		return
	}
	w.pending = nil
	w.state = now
	if p.cfg.Build != "" {
		p.log.Info("function source changed; rebuilding", "function", p.cfg.Name, "file", path)
	}
	next, err := resolve(ctx, p.cfg, w.opts)
	if err != nil {
		if ctx.Err() != nil {
			return
		}
		attrs := []any{"function", p.cfg.Name, "file", path, "error", err}
		if be, ok := errors.AsType[*BuildError](err); ok {
			attrs = []any{"function", p.cfg.Name, "file", path, "error", be.Err, "output", be.Output}
		}
		p.log.Warn("function code changed but cannot be loaded; processes keep the previous code", attrs...)
		return
	}
	if p.cfg.Build != "" {
		// A rebuild can bring new dependencies to watch.
		if !slices.Equal(next.srcDirs, prog.srcDirs) {
			w.state = watchedState(p.cfg, next)
		}
		if next.path == prog.path {
			p.log.Debug("function rebuilt to the same binary; processes kept", "function", p.cfg.Name)
			return
		}
	}
	p.swap(next)
	p.log.Info("function code changed; warm processes replaced, busy ones after their invocation",
		"function", p.cfg.Name, "file", path)
}
