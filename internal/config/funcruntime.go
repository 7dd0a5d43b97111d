package config

import (
	"time"

	"go.yaml.in/yaml/v4"
)

// FunctionRuntime holds the local function runtime's settings that apply to
// every function (section functionRuntime). Defaults:
//
//	functionRuntime:
//	  memoryLimit: auto        # auto | cgroup | rss | off
//	  codeCheckInterval: 1s    # a duration of at least 100ms, or off
type FunctionRuntime struct {
	// MemoryLimit is how each function's memorySize is enforced: "auto"
	// (default) uses a cgroup v2 per function process when Portico may
	// create memory-limited cgroups and else polls the processes' resident
	// memory; "cgroup" requires cgroup v2 (serve fails without it); "rss"
	// polls each process group's resident memory (Linux); "off" only
	// reports memorySize to the function.
	MemoryLimit string `yaml:"memoryLimit"`
	// CodeCheckInterval is how often each function's code (codeUri files,
	// command executable and scripts, a build's Go sources) is checked for
	// changes, which are picked up without a restart: a duration of at
	// least 100ms, or "off" to never check. Default 1s.
	CodeCheckInterval Interval `yaml:"codeCheckInterval"`
}

// Memory limit modes (FunctionRuntime.MemoryLimit), named as
// internal/function names them.
var memoryLimits = []string{"auto", "cgroup", "rss", "off"}

// minCodeCheckInterval is the shortest code check interval accepted.
const minCodeCheckInterval = 100 * time.Millisecond

// Interval is a period written as a duration ("2s", or a number of
// seconds) or "off".
type Interval struct {
	// Every is the period when Off is false.
	Every Duration
	// Off is true for "off".
	Off bool
}

// UnmarshalYAML accepts "off" or a duration.
func (i *Interval) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind == yaml.ScalarNode && n.Value == "off" {
		*i = Interval{Off: true}
		return nil
	}
	*i = Interval{}
	return i.Every.UnmarshalYAML(n)
}
