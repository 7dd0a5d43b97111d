package config

// Function is one local function that integrations and authorizers invoke:
// any program speaking the AWS Lambda Runtime API, or a Node.js or Python
// handler run by Portico's own runtime client.
type Function struct {
	// Name is matched against the function name inside integration URIs.
	Name string `yaml:"name"`
	// Command runs the function (argv); or Build, or CodeURI.
	Command []string `yaml:"command"`
	// Build is a Go main package, built with `go build` at start (cached).
	Build string `yaml:"build"`
	// CodeURI is the function's code directory: with no Runtime (or a
	// provided.* one) it holds an executable `bootstrap`; with go1.x the
	// Handler names the executable; with nodejs* and python3.* it holds
	// the handler's module.
	CodeURI string `yaml:"codeUri"`
	// Runtime is Lambda's runtime identifier: nodejs18.x, nodejs20.x,
	// nodejs22.x, python3.9 to python3.13, provided.al2, provided.al2023
	// or go1.x.
	Runtime string `yaml:"runtime"`
	// Handler is the handler: file.export for Node.js (src/app.handler),
	// module.function for Python (pkg/module.function), the executable
	// for go1.x. Required with a Node.js, Python or go1.x runtime.
	Handler string `yaml:"handler"`
	// Layers are local directories laid out as Lambda extracts layers
	// into /opt (nodejs/node_modules, python, bin, ...).
	Layers []string `yaml:"layers"`
	// Timeout is the function timeout. Default 3s (Lambda's default).
	Timeout Duration `yaml:"timeout"`
	// MemorySize in MB is reported to the function and enforced: a
	// process above it is killed (Runtime.OutOfMemory). Default 128.
	MemorySize int `yaml:"memorySize"`
	// ReservedConcurrency caps concurrent invocations (0 = no cap); more are
	// rejected at once with 429.
	ReservedConcurrency int `yaml:"reservedConcurrency"`
	// IdleTimeout reaps warm processes unused this long. Default 5m.
	IdleTimeout Duration `yaml:"idleTimeout"`
	// Environment is added to the function's environment.
	Environment map[string]string `yaml:"environment"`

	runtimeLine int
}

// RuntimeLine is the line of the function's runtime field in the settings
// file, 0 when unknown (set by validation).
func (f Function) RuntimeLine() int { return f.runtimeLine }
