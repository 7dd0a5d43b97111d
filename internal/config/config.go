package config

// File is the whole settings file. Each feature owns one section.
type File struct {
	// Listen is the data-plane address. Default 127.0.0.1:8080. The
	// settings key listen is either the address or a mapping
	// {address, tls, http2} (see Serve).
	Listen string `yaml:"-"`
	// Serve is the listen mapping: TLS and HTTP/2 of the data plane.
	Serve Listener `yaml:"listen"`
	// Domains are the custom domain names and their base path mappings.
	Domains []Domain `yaml:"domains"`
	// Admin holds the admin listener (health, readiness, metrics).
	Admin Admin `yaml:"admin"`
	// Region is used in ARNs and $context. Default us-east-1.
	Region string `yaml:"region"`
	// AccountID is the 12-digit account used in ARNs. Default 123456789012.
	AccountID string `yaml:"accountId"`
	// Server holds the edge's limits and timeouts.
	Server Server `yaml:"server"`
	// Account holds the account-level throttle.
	Account Account `yaml:"account"`
	// Store says where usage counters, quotas and throttle buckets live.
	Store Store `yaml:"store"`
	// Functions are the local functions integrations invoke.
	Functions []Function `yaml:"functions"`
	// FunctionRuntime holds the function runtime's settings for every
	// function (memory limit mode, code check interval).
	FunctionRuntime FunctionRuntime `yaml:"functionRuntime"`
	// APIs are the REST and HTTP APIs to serve from definition files; none
	// is fine (APIs may come from the management API alone).
	APIs []API `yaml:"apis"`
	// APIKeys are the API keys.
	APIKeys []APIKey `yaml:"apiKeys"`
	// UsagePlans are the usage plans.
	UsagePlans []UsagePlan `yaml:"usagePlans"`
	// IAM holds the credentials AWS_IAM methods accept.
	IAM IAM `yaml:"iam"`
	// CognitoUserPools locate the keys of Cognito user-pool authorizers.
	CognitoUserPools []CognitoUserPool `yaml:"cognitoUserPools"`
	// JWTAuthorizers are JWT authorizers REST definitions refer to by name.
	JWTAuthorizers []JWTAuthorizer `yaml:"jwtAuthorizers"`
	// Authorization holds authorization message choices.
	Authorization Authorization `yaml:"authorization"`
	// Tracing configures OpenTelemetry span export.
	Tracing Tracing `yaml:"tracing"`
	// AWSServices configures AWS service integrations (DynamoDB, SQS, ...).
	AWSServices AWSServices `yaml:"awsServices"`
	// Templates are SAM or CloudFormation templates whose APIs and
	// functions are served (docs/templates.md).
	Templates []Template `yaml:"templates"`
	// Notes are warnings found while expanding templates; not a settings key.
	Notes []Note `yaml:"-"`
	// TemplateFiles are the files templates name, for watching; not a
	// settings key.
	TemplateFiles []string `yaml:"-"`
	// FunctionOrigins locate, by function name, the Runtime of functions
	// templates define; not a settings key.
	FunctionOrigins map[string]Note `yaml:"-"`

	// path is the file the settings came from ("" in quick mode).
	path string
}

// Admin is the admin listener's section.
type Admin struct {
	// Listen is the admin address; "off" disables it. Default 127.0.0.1:9090.
	Listen string `yaml:"listen"`
	// Credentials are the access keys whose SigV4 signatures (service
	// apigateway) the management API accepts. With none, any well-formed
	// signature is accepted, so Listen must then be a loopback address.
	// Secrets may be ${env:NAME}; they are never logged.
	Credentials []AdminCredential `yaml:"credentials"`
	// Profiling serves Go's runtime profiles (net/http/pprof) under
	// /debug/pprof/ on the admin listener, with no more protection than its
	// other read endpoints (/metrics): the listener's address. Off by
	// default (/debug/pprof/ is then 404); a reload applies a change.
	Profiling bool `yaml:"profiling"`
}

// AdminCredential is one access key of the management API.
type AdminCredential struct {
	AccessKeyID     string `yaml:"accessKeyId"`
	SecretAccessKey string `yaml:"secretAccessKey"`
}

// Server holds the data-plane edge settings. Durations are Go durations ("5s").
type Server struct {
	// ReadHeaderTimeout bounds reading the request line and headers. Default 10s.
	ReadHeaderTimeout Duration `yaml:"readHeaderTimeout"`
	// ReadTimeout bounds reading the whole request, body included. Default 60s.
	ReadTimeout Duration `yaml:"readTimeout"`
	// IdleTimeout closes idle keep-alive connections. Default 120s.
	IdleTimeout Duration `yaml:"idleTimeout"`
	// ShutdownTimeout bounds draining in-flight requests on stop. Default 30s.
	ShutdownTimeout Duration `yaml:"shutdownTimeout"`
	// MaxHeaderBytes is the request header block limit, enforced exactly:
	// the request line, every header line and the blank line that ends the
	// block, CRLFs included. Default 10240 (AWS).
	MaxHeaderBytes int `yaml:"maxHeaderBytes"`
	// MaxBodyBytes is the payload limit. Default 10485760 (AWS, 10 MB).
	MaxBodyBytes int64 `yaml:"maxBodyBytes"`
	// RejectionLog rate-limits the "request rejected" log lines.
	RejectionLog RejectionLog `yaml:"rejectionLog"`
	// GC is the Go garbage collector's target, applied at start and on
	// every reload.
	GC GC `yaml:"gc"`
	// HTTP1 picks the server of plain HTTP/1.1 on the data plane: "portico"
	// (the default, internal/h1) or "net/http" (Go's own; TLS and h2c
	// always use it). See docs/architecture.md#the-http1-server.
	HTTP1 string `yaml:"http1"`
}

// GC sets the Go garbage collector's target (runtime/debug.SetGCPercent and
// SetMemoryLimit). The environment variables GOGC and GOMEMLIMIT, when set,
// win over Percent and MemoryLimit respectively.
type GC struct {
	// Percent is how much the heap may grow over the live heap before a
	// collection: an integer of at least 1, or "off" (collect only at
	// MemoryLimit, which is then required). Empty keeps Go's default, 100.
	Percent string `yaml:"percent"`
	// MemoryLimit is a soft limit on the memory the Go runtime uses, in
	// GOMEMLIMIT's syntax: a number of bytes with an optional unit B, KiB,
	// MiB, GiB or TiB ("512MiB"), or "off". Empty keeps Go's default, no
	// limit.
	MemoryLimit string `yaml:"memoryLimit"`
}

// RejectionLog bounds the "request rejected" lines: per gateway response
// type and status, the first Burst rejections of every Interval are logged,
// the rest are counted in one summary line. Metrics count every request.
type RejectionLog struct {
	// Burst is how many lines per key and interval. Default 10.
	Burst int `yaml:"burst"`
	// Interval is the window. Default 10s.
	Interval Duration `yaml:"interval"`
}

// API is one REST API served from a definition file.
type API struct {
	// ID is the apiId: {id}.execute-api.* hosts, ARNs and metrics.
	ID string `yaml:"id"`
	// Definition is the OpenAPI 3 / Swagger 2 file, relative to the config file.
	Definition string `yaml:"definition"`
	// Type is rest or http (an HTTP API, API Gateway v2); empty means
	// detected from the definition (x-amazon-apigateway-importexport-version
	// marks an HTTP API).
	Type string `yaml:"type"`
	// Stages are the API's stages. A REST API needs at least one; an HTTP
	// API without any has the $default stage, served without a stage
	// prefix.
	Stages []Stage `yaml:"stages"`
	// DefaultStage names the stage of a REST API listed without stages
	// (quick mode's "dev"); not a settings key.
	DefaultStage string `yaml:"-"`
	// Body is the definition itself, when an API comes from a template
	// (Definition then names the template and the resource); not a
	// settings key.
	Body []byte `yaml:"-"`
	// TemplateRoot also mounts the API's first stage at the listener's
	// root, as sam local start-api does (docs/templates.md#root-mount); not
	// a settings key.
	TemplateRoot bool `yaml:"-"`
	// Locate maps a JSON Pointer of Body to the template's file, line and
	// pointer, when Body is a definition written in the template; nil
	// otherwise. Not a settings key.
	Locate func(pointer string) (file string, line int, templatePointer string) `yaml:"-"`
}

// API types.
const (
	APITypeREST = "rest"
	APITypeHTTP = "http"
)

// Stage is one deployment stage of an API.
type Stage struct {
	// Name is the stage name, the first path segment of requests.
	Name string `yaml:"name"`
	// Variables are the stage variables ($stageVariables.*).
	Variables map[string]string `yaml:"variables"`
	// MethodSettings are the stage's per-method throttles and caching (REST APIs).
	MethodSettings []MethodSetting `yaml:"methodSettings"`
	// Cache is the stage's response cache (REST APIs): the cluster, which
	// caches nothing until method settings turn cachingEnabled on.
	Cache *StageCache `yaml:"cache"`
	// DefaultRouteSettings and RouteSettings are an HTTP API stage's
	// throttles: for every route, and per route key ("GET /pets").
	DefaultRouteSettings *RouteSetting           `yaml:"defaultRouteSettings"`
	RouteSettings        map[string]RouteSetting `yaml:"routeSettings"`
	// AccessLogSettings replaces the default JSON access line with a
	// $context format; absent means the default line on stdout.
	AccessLogSettings *AccessLogSettings `yaml:"accessLogSettings"`
	// LoggingLevel is the execution log: OFF (default), ERROR or INFO.
	LoggingLevel string `yaml:"loggingLevel"`
	// DataTraceEnabled adds request bodies (cut at 1 KiB) to INFO lines.
	DataTraceEnabled bool `yaml:"dataTraceEnabled"`
	// DebugErrors adds x-portico-error-reason to gateway responses (local
	// development only: it reveals internal reasons).
	DebugErrors bool `yaml:"debugErrors"`
}

// AccessLogSettings is a stage's access log.
type AccessLogSettings struct {
	// Format uses $context variables (AWS's CLF, JSON, XML and CSV
	// examples work unchanged).
	Format string `yaml:"format"`
	// Destination is stdout (default) or a file path.
	Destination string `yaml:"destination"`
}

// Tracing configures OpenTelemetry export (off by default).
type Tracing struct {
	Enabled     bool              `yaml:"enabled"`
	Endpoint    string            `yaml:"endpoint"`
	Headers     map[string]string `yaml:"headers"`
	SampleRatio float64           `yaml:"sampleRatio"`
}

// Path returns the file the settings were loaded from ("" in quick mode).
func (f *File) Path() string { return f.path }
