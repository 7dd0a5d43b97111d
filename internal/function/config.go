package function

import (
	"errors"
	"fmt"
	"log/slog"
	"path/filepath"
	"time"

	"github.com/portico-gw/portico/internal/awslimits"
)

// Defaults applied by NewManager to zero fields.
const (
	// DefaultTimeout is Lambda's default function timeout.
	DefaultTimeout = awslimits.LambdaDefaultTimeout
	// DefaultMemorySize is Lambda's default memory size in MB.
	DefaultMemorySize = awslimits.LambdaDefaultMemoryMB
	// DefaultIdleTimeout is how long an idle process is kept warm.
	DefaultIdleTimeout = 5 * time.Minute
	// DefaultInitTimeout is Lambda's limit on a runtime's init phase.
	DefaultInitTimeout = awslimits.LambdaInitTimeout
	// DefaultRegion and DefaultAccountID appear in function ARNs.
	DefaultRegion    = "us-east-1"
	DefaultAccountID = "123456789012"
	// maxPayload is Lambda's 6 MB limit on synchronous request and
	// response payloads.
	maxPayload = awslimits.LambdaPayloadBytes
)

// Config describes one function. Exactly one of Command, Build and CodeURI is
// set; paths are absolute (the caller resolves relative ones).
type Config struct {
	// Name is the function name (Lambda's rules: 1-64 of [a-zA-Z0-9_-]).
	Name string
	// Command is the argv of a program speaking the Runtime API.
	Command []string
	// Build is the directory of a Go main package, built with `go build`
	// into the cache directory and reused while its sources are unchanged.
	Build string
	// CodeURI is a directory holding an executable `bootstrap`
	// (the provided.al2023 layout), or with Runtime set, the code
	// directory (LAMBDA_TASK_ROOT).
	CodeURI string
	// Runtime is Lambda's runtime identifier. nodejs18.x/20.x/22.x and
	// python3.9 to python3.13 run Handler from CodeURI with Portico's
	// embedded runtime client on the local node or python3; go1.x runs
	// the executable Handler names in CodeURI; provided.al2 and
	// provided.al2023 (like no runtime) run CodeURI/bootstrap.
	Runtime string
	// Handler is the handler (file.export, module.function, or the go1.x
	// executable).
	Handler string
	// Layers are absolute paths of local directories laid out as Lambda
	// extracts layers into /opt: nodejs/node_modules on NODE_PATH,
	// python and python/lib/pythonX.Y/site-packages on PYTHONPATH, bin on
	// PATH.
	Layers []string
	// Timeout is the function timeout; default DefaultTimeout.
	Timeout time.Duration
	// MemorySize in MB is reported to the function and enforced (see
	// Options.MemoryLimit): a process over it is killed and its
	// invocation fails with Runtime.OutOfMemory; default 128.
	MemorySize int
	// ReservedConcurrency caps concurrent invocations; 0 means unlimited.
	ReservedConcurrency int
	// Environment is added to the process environment, after PATH and
	// HOME (which it may override). Keys the runtime sets itself
	// (AWS_LAMBDA_RUNTIME_API, AWS_LAMBDA_FUNCTION_NAME, AWS_REGION,
	// _HANDLER, LAMBDA_TASK_ROOT, TZ, ...) are rejected. Values are never
	// logged.
	Environment map[string]string
	// IdleTimeout is how long an idle process is kept; default
	// Options.IdleTimeout, then DefaultIdleTimeout.
	IdleTimeout time.Duration
	// Region and AccountID build the function ARN; defaults DefaultRegion
	// and DefaultAccountID.
	Region, AccountID string
}

// Options are the Manager-wide settings.
type Options struct {
	// Logger receives function output (one record per line, tagged with
	// the function name and request id) and runtime events. Nil discards.
	Logger *slog.Logger
	// CacheDir holds binaries built from Build sources; default
	// $XDG_CACHE_HOME/portico/functions (os.UserCacheDir).
	CacheDir string
	// GoCommand is the go tool used for Build sources; default "go".
	GoCommand string
	// IdleTimeout is the default for Config.IdleTimeout.
	IdleTimeout time.Duration
	// InitTimeout bounds a cold start (process start until it asks for
	// work); default DefaultInitTimeout.
	InitTimeout time.Duration
	// CodeCheckInterval is how often each function's code (its codeUri
	// files, its command's executable and scripts, the Go sources of a
	// Build) is checked for changes; default DefaultCodeCheckInterval,
	// negative to never check.
	CodeCheckInterval time.Duration
	// MemoryLimit chooses how MemorySize is enforced: MemoryLimitAuto
	// (default: cgroup v2 when usable, else RSS polling),
	// MemoryLimitCgroup, MemoryLimitRSS or MemoryLimitOff.
	MemoryLimit string
	// MemoryCheckInterval is RSS polling's period for busy processes;
	// default DefaultMemoryCheckInterval.
	MemoryCheckInterval time.Duration
}

// validName reports whether name follows Lambda's rule for function names:
// 1 to 64 letters, digits, hyphens or underscores.
func validName(name string) bool {
	if name == "" || len(name) > 64 {
		return false
	}
	for _, r := range name {
		ok := r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_'
		if !ok {
			return false
		}
	}
	return true
}

// ARN returns the function's ARN, arn:aws:lambda:REGION:ACCOUNT:function:NAME.
func (c Config) ARN() string {
	region, account := c.Region, c.AccountID
	if region == "" {
		region = DefaultRegion
	}
	if account == "" {
		account = DefaultAccountID
	}
	return "arn:aws:lambda:" + region + ":" + account + ":function:" + c.Name
}

// withDefaults returns c with zero fields filled in.
func (c Config) withDefaults(o Options) Config {
	if c.Timeout == 0 {
		c.Timeout = DefaultTimeout
	}
	if c.MemorySize == 0 {
		c.MemorySize = DefaultMemorySize
	}
	if c.IdleTimeout == 0 {
		c.IdleTimeout = o.IdleTimeout
	}
	if c.IdleTimeout == 0 {
		c.IdleTimeout = DefaultIdleTimeout
	}
	if c.Region == "" {
		c.Region = DefaultRegion
	}
	if c.AccountID == "" {
		c.AccountID = DefaultAccountID
	}
	return c
}

// validate reports every problem with c, joined.
func (c Config) validate() error {
	var errs []error
	bad := func(format string, args ...any) {
		errs = append(errs, fmt.Errorf("function %q: "+format, append([]any{c.Name}, args...)...))
	}
	if !validName(c.Name) {
		bad("name must be 1-64 letters, digits, '-' or '_'")
	}
	sources := 0
	if len(c.Command) > 0 {
		sources++
	}
	if c.Build != "" {
		sources++
		if !filepath.IsAbs(c.Build) {
			bad("build path %q is not absolute", c.Build)
		}
	}
	if c.CodeURI != "" {
		sources++
		if !filepath.IsAbs(c.CodeURI) {
			bad("codeUri %q is not absolute", c.CodeURI)
		}
	}
	if sources != 1 {
		bad("exactly one of command, build and codeUri must be set")
	}
	if c.Runtime != "" {
		if err := checkRuntime(c); err != nil {
			errs = append(errs, fmt.Errorf("function %q: %w", c.Name, err))
		}
	}
	for _, l := range c.Layers {
		if !filepath.IsAbs(l) {
			bad("layer path %q is not absolute", l)
		}
	}
	if c.Timeout < 0 {
		bad("timeout %s is negative", c.Timeout)
	}
	if c.MemorySize < 0 {
		bad("memorySize %d is negative", c.MemorySize)
	}
	if c.ReservedConcurrency < 0 {
		bad("reservedConcurrency %d is negative", c.ReservedConcurrency)
	}
	if c.IdleTimeout < 0 {
		bad("idleTimeout %s is negative", c.IdleTimeout)
	}
	for k := range c.Environment {
		if isReservedEnv(k) {
			bad("environment variable %s is reserved by the runtime", k)
		}
	}
	return errors.Join(errs...)
}
