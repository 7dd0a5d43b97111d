package config

// Function is one local function that integrations and authorizers invoke:
// any program speaking the AWS Lambda Runtime API.
type Function struct {
	// Name is matched against the function name inside integration URIs.
	Name string `yaml:"name"`
	// Command runs the function (argv); or Build, or CodeURI.
	Command []string `yaml:"command"`
	// Build is a Go main package, built with `go build` at start (cached).
	Build string `yaml:"build"`
	// CodeURI is a directory holding an executable `bootstrap`.
	CodeURI string `yaml:"codeUri"`
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
}
