package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"runtime/debug"
	"strings"

	"github.com/portico-gw/portico/internal/app"
	"github.com/portico-gw/portico/internal/config"
)

// Exit codes (docs/architecture.md#command-line).
const (
	exitOK      = 0
	exitInvalid = 1
	exitRuntime = 2
)

// version is the release version; builds from source report "dev".
const version = "0.1.0-dev"

const usage = `portico — Amazon API Gateway semantics, self-hosted

Usage:
  portico serve --config portico.yaml
  portico serve --api openapi.yaml [--stage dev] [--listen 127.0.0.1:8080]
                [--admin-listen 127.0.0.1:9090|off] [--function NAME=PATH ...]
  portico serve --template template.yaml [--parameter-overrides 'K=V K2=V2']
                [--env-vars env.json] [--listen 127.0.0.1:3000]
  portico validate --config portico.yaml | --api openapi.yaml | --template template.yaml
  portico usage --config portico.yaml --plan P [--key K] [--from YYYY-MM-DD --to YYYY-MM-DD]
  portico version

Common flags: --log-level debug|info|warn|error, --log-format text|json
`

// run executes one command and returns the process exit code.
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer, hup <-chan os.Signal) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return exitInvalid
	}
	switch args[0] {
	case "serve":
		return serve(ctx, args[1:], getenv, stdout, stderr, hup)
	case "validate":
		return validate(args[1:], getenv, stdout, stderr)
	case "usage":
		return usageCmd(ctx, args[1:], getenv, stdout, stderr)
	case "version", "--version", "-v":
		printVersion(stdout)
		return exitOK
	case "help", "--help", "-h":
		fmt.Fprint(stdout, usage)
		return exitOK
	}
	fmt.Fprintf(stderr, "portico: unknown command %q\n\n%s", args[0], usage)
	return exitInvalid
}

// common holds the flags every command shares.
type common struct {
	config, api, stage, listen, adminListen string
	template, overrides, envVars            string
	functions                               []string
	logLevel, logFormat                     string
	pprof                                   bool
}

// quickOnly are the flags that only mean something in quick mode: with
// --config the settings file says all of it.
var quickOnly = map[string]string{"stage": "the stages under apis", "listen": "listen", "admin-listen": "admin.listen", "pprof": "admin.profiling", "function": "functions",
	"parameter-overrides": "templates[].parameterOverrides", "env-vars": "templates[].envVars"}

func parseFlags(name string, args []string, stderr io.Writer) (*common, error) {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	c := &common{}
	fs.StringVar(&c.config, "config", "", "settings file (portico.yaml)")
	fs.StringVar(&c.api, "api", "", "quick mode: one OpenAPI/Swagger definition")
	fs.StringVar(&c.stage, "stage", "dev", "quick mode: stage name")
	fs.StringVar(&c.template, "template", "", "a SAM or CloudFormation template, served as sam local start-api does")
	fs.StringVar(&c.overrides, "parameter-overrides", "", "with --template: parameters as 'Key=Value Key2=Value2' (SAM's syntax)")
	fs.StringVar(&c.envVars, "env-vars", "", "with --template: sam local's JSON file of function environment variables")
	fs.StringVar(&c.listen, "listen", "", "quick mode: data-plane address (default 127.0.0.1:8080)")
	fs.StringVar(&c.adminListen, "admin-listen", "", "quick mode: admin address, or off (default 127.0.0.1:9090)")
	fs.BoolVar(&c.pprof, "pprof", false, "quick mode: serve Go's runtime profiles under /debug/pprof/ on the admin listener")
	fs.Func("function", "quick mode: NAME=PATH, a function the definition invokes (a Go main package directory, a directory with an executable bootstrap, or an executable); repeatable", func(v string) error {
		c.functions = append(c.functions, v)
		return nil
	})
	fs.StringVar(&c.logLevel, "log-level", "info", "debug, info, warn or error")
	fs.StringVar(&c.logFormat, "log-format", "text", "text or json")
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	if fs.NArg() > 0 {
		return nil, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	given := 0
	for _, s := range []string{c.config, c.api, c.template} {
		if s != "" {
			given++
		}
	}
	if given != 1 {
		return nil, errors.New("give exactly one of --config FILE, --api FILE or --template FILE")
	}
	if c.template == "" && (c.overrides != "" || c.envVars != "") {
		return nil, errors.New("--parameter-overrides and --env-vars go with --template")
	}
	if c.template != "" {
		var errs []error
		fs.Visit(func(f *flag.Flag) {
			if f.Name == "stage" || f.Name == "function" {
				errs = append(errs, fmt.Errorf("--%s is for --api; a template names its own stages and functions", f.Name))
			}
		})
		if err := errors.Join(errs...); err != nil {
			return nil, err
		}
	}
	if c.config != "" {
		var errs []error
		fs.Visit(func(f *flag.Flag) {
			if where, ok := quickOnly[f.Name]; ok {
				errs = append(errs, fmt.Errorf("--%s is for quick mode (--api); with --config set %s in the settings file", f.Name, where))
			}
		})
		if err := errors.Join(errs...); err != nil {
			return nil, err
		}
	}
	return c, nil
}

func (c *common) source(getenv func(string) string) app.Source {
	return app.Source{ConfigPath: c.config, Getenv: getenv, Quick: func() (*config.File, error) {
		return config.Quick(config.QuickOptions{API: c.api, Stage: c.stage, Listen: c.listen, AdminListen: c.adminListen, Profiling: c.pprof, Functions: c.functions,
			Template: c.template, ParameterOverrides: c.overrides, EnvVars: c.envVars})
	}}
}

func (c *common) logger(w io.Writer) (*slog.Logger, error) {
	var lvl slog.Level
	if err := lvl.UnmarshalText([]byte(c.logLevel)); err != nil {
		return nil, fmt.Errorf("--log-level: %w", err)
	}
	o := &slog.HandlerOptions{Level: lvl}
	switch c.logFormat {
	case "json":
		return slog.New(slog.NewJSONHandler(w, o)), nil
	case "text":
		return slog.New(slog.NewTextHandler(w, o)), nil
	}
	return nil, fmt.Errorf("--log-format must be text or json, not %q", c.logFormat)
}

func serve(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer, hup <-chan os.Signal) int {
	c, err := parseFlags("serve", args, stderr)
	if err != nil {
		fmt.Fprintf(stderr, "portico serve: %v\n", err)
		return exitInvalid
	}
	log, err := c.logger(stderr)
	if err != nil {
		fmt.Fprintf(stderr, "portico serve: %v\n", err)
		return exitInvalid
	}
	g, err := app.New(c.source(getenv), app.Options{Logger: log, AccessLog: stdout})
	if err != nil {
		printProblems(stderr, err)
		return exitInvalid
	}
	if err := g.Run(ctx, app.RunOptions{Reload: hup}); err != nil {
		fmt.Fprintf(stderr, "portico serve: %v\n", err)
		return exitRuntime
	}
	return exitOK
}

func validate(args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	c, err := parseFlags("validate", args, stderr)
	if err != nil {
		fmt.Fprintf(stderr, "portico validate: %v\n", err)
		return exitInvalid
	}
	rep, err := app.Validate(c.source(getenv))
	for _, w := range rep.Warnings {
		fmt.Fprintf(stdout, "%s:%d: %s: warning: %s\n", w.Loc.File, w.Loc.Line, w.Loc.Pointer, w.Message)
	}
	if err != nil {
		printProblems(stdout, err)
		fmt.Fprintf(stdout, "invalid: %d problem(s), %d warning(s)\n", countProblems(err), len(rep.Warnings))
		return exitInvalid
	}
	fmt.Fprintf(stdout, "ok: %d API(s), %d method(s), %d warning(s)\n", rep.APIs, rep.Methods, len(rep.Warnings))
	return exitOK
}

// printProblems prints each joined error on its own line.
func printProblems(w io.Writer, err error) {
	for _, line := range strings.Split(err.Error(), "\n") {
		fmt.Fprintf(w, "error: %s\n", line)
	}
}

func countProblems(err error) int { return len(strings.Split(err.Error(), "\n")) }

func printVersion(w io.Writer) {
	fmt.Fprintf(w, "portico %s", version)
	if bi, ok := debug.ReadBuildInfo(); ok {
		fmt.Fprintf(w, " (%s", bi.GoVersion)
		for _, s := range bi.Settings {
			if s.Key == "vcs.revision" && len(s.Value) >= 12 {
				fmt.Fprintf(w, ", commit %s", s.Value[:12])
			}
		}
		fmt.Fprint(w, ")")
	}
	fmt.Fprintln(w)
}
