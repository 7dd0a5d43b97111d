package config

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"

	"go.yaml.in/yaml/v4"

	"github.com/portico-gw/portico/internal/source"
)

// Load reads the settings file at path, expands ${env:NAME} references with
// getenv, decodes strictly over Default, resolves relative paths against the
// file's directory and validates. The error joins every problem found, each
// naming the file, line and field.
func Load(path string, getenv func(string) string) (*File, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read config: %w", err)
	}
	return Parse(path, data, getenv)
}

// Parse is Load on bytes already read; path is used in messages and to
// resolve relative definition paths.
func Parse(path string, data []byte, getenv func(string) string) (*File, error) {
	ix, err := source.NewIndex(path, data)
	if err != nil {
		return nil, yamlError(path, err)
	}
	if n := ix.ExpandedNodes(); n > 100_000 {
		return nil, &source.Error{File: path, Message: fmt.Sprintf("settings expand to %d nodes through YAML aliases; the limit is 100000", n)}
	}
	var root yaml.Node
	if err := source.UnmarshalYAML(data, &root); err != nil {
		return nil, yamlError(path, err)
	}
	if err := expandEnv(path, &root, getenv, 0); err != nil {
		return nil, err
	}
	f := Default()
	if len(root.Content) > 0 {
		if err := root.Load(&f, yaml.WithKnownFields(), yaml.WithUniqueKeys(true)); err != nil {
			return nil, yamlError(path, err)
		}
	}
	f.path = path
	if f.Serve.Address != "" {
		f.Listen = f.Serve.Address
	}
	// Relative paths inside the file are relative to the file, whatever the
	// working directory: resolve against its absolute directory so that every
	// consumer (function builds, stores, logs) sees absolute paths.
	dir := filepath.Dir(path)
	if a, err := filepath.Abs(dir); err == nil {
		dir = a
	}
	f.applyDefaults(dir)
	f.AWSServices.envCredentials(getenv)
	for i := range f.APIs {
		if d := f.APIs[i].Definition; d != "" && !filepath.IsAbs(d) {
			f.APIs[i].Definition = filepath.Join(dir, d)
		}
	}
	if err := f.Validate(ix); err != nil {
		return nil, err
	}
	return &f, nil
}

// envRef matches ${env:NAME}.
var envRef = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`\$\{env:([A-Za-z_][A-Za-z0-9_]*)\}`) })

// expandEnv replaces ${env:NAME} inside scalar values (never in comments or
// keys) with the variable's value; an unset variable is an error located at
// its line. Values are never echoed in messages.
func expandEnv(file string, n *yaml.Node, getenv func(string) string, depth int) error {
	if depth > 256 {
		return nil
	}
	if n.Kind == yaml.ScalarNode && strings.Contains(n.Value, "${env:") {
		var errs []error
		n.Value = envRef().ReplaceAllStringFunc(n.Value, func(m string) string {
			name := envRef().FindStringSubmatch(m)[1]
			v := getenv(name)
			if v == "" {
				errs = append(errs, &source.Error{File: file, Line: n.Line, Message: fmt.Sprintf("environment variable %s is not set", name)})
			}
			return v
		})
		return errors.Join(errs...)
	}
	var errs []error
	for i, c := range n.Content {
		if n.Kind == yaml.MappingNode && i%2 == 0 {
			continue // keys are never expanded
		}
		errs = append(errs, expandEnv(file, c, getenv, depth+1))
	}
	return errors.Join(errs...)
}

// yamlError turns yaml's messages into one "file:line: message" error per
// problem, with setting names instead of Go type names.
func yamlError(path string, err error) error {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	msg = strings.TrimPrefix(msg, "construct errors:")
	msg = regexp.MustCompile(` in type [\w.\[\]*]+`).ReplaceAllString(msg, "")
	msg = strings.ReplaceAll(msg, "not found", "is not a known setting")
	lineRe := regexp.MustCompile(`(?m)^\s*line (\d+): `)
	var errs []error
	for _, part := range strings.Split(strings.TrimSpace(msg), "\n") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		if m := lineRe.FindStringSubmatch(part); m != nil {
			n, _ := strconv.Atoi(m[1])
			errs = append(errs, &source.Error{File: path, Line: n, Message: lineRe.ReplaceAllString(part, "")})
			continue
		}
		errs = append(errs, &source.Error{File: path, Message: part})
	}
	return errors.Join(errs...)
}
