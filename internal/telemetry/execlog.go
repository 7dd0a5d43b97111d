package telemetry

import (
	"context"
	"fmt"
	"github.com/portico-gw/portico/internal/contextvars"
	"log/slog"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
)

// LogLevel is a stage's execution-logging level (loggingLevel in AWS's
// method settings).
type LogLevel uint8

const (
	// LogOff writes no execution log.
	LogOff LogLevel = iota
	// LogError writes only failures.
	LogError
	// LogInfo writes failures and the request's progress.
	LogInfo
)

// ParseLogLevel parses AWS's spelling: OFF, ERROR or INFO (any case).
func ParseLogLevel(s string) (LogLevel, error) {
	switch strings.ToUpper(s) {
	case "OFF":
		return LogOff, nil
	case "ERROR":
		return LogError, nil
	case "INFO":
		return LogInfo, nil
	}
	return LogOff, fmt.Errorf("logging level %q: want OFF, ERROR or INFO", s)
}

// maxLoggedBody is how much of a body a data-trace line shows.
const maxLoggedBody = 1024

// ExecLogConfig configures a stage's execution log.
type ExecLogConfig struct {
	// Logger receives the lines; nil disables the log.
	Logger *slog.Logger
	// Level is the stage's logging level.
	Level LogLevel
	// DataTrace logs request bodies too (AWS's dataTraceEnabled), cut at
	// 1 KiB. Leave it off in production: bodies may hold personal data.
	DataTrace bool
	// API and Stage label every line.
	API, Stage string
}

// ExecLog writes AWS-style execution-log lines for one stage through slog:
// the message is AWS's text ("Method request path: {petId=1}") and the
// attributes are requestId, apiId and stage. Credentials are masked: the
// values of Authorization, Proxy-Authorization, Cookie, X-Api-Key and
// X-Amz-Security-Token headers show their first 4 characters and "****".
//
// A nil *ExecLog logs nothing, so the gateway can hold nil for OFF.
type ExecLog struct {
	log       *slog.Logger
	level     LogLevel
	dataTrace bool
}

// NewExecLog returns the execution log for a stage, or nil when the level is
// OFF or there is no logger.
func NewExecLog(cfg ExecLogConfig) *ExecLog {
	if cfg.Logger == nil || cfg.Level == LogOff {
		return nil
	}
	return &ExecLog{
		log:       cfg.Logger.With(slog.String("apiId", cfg.API), slog.String("stage", cfg.Stage)),
		level:     cfg.Level,
		dataTrace: cfg.DataTrace,
	}
}

// Enabled reports whether lines of the level are written, so callers can
// skip building expensive arguments.
func (e *ExecLog) Enabled(level LogLevel) bool {
	return e != nil && level != LogOff && e.level >= level
}

// MethodRequest logs the method request as AWS's INFO level does: path
// parameters, query string and headers (masked), and the body when data
// tracing is on.
func (e *ExecLog) MethodRequest(ctx context.Context, requestID string, path map[string]string, query url.Values, header http.Header, body []byte) {
	if !e.Enabled(LogInfo) {
		return
	}
	e.info(ctx, requestID, "Method request path: "+formatMap(path))
	e.info(ctx, requestID, "Method request query string: "+formatValues(query, false))
	e.info(ctx, requestID, "Method request headers: "+formatValues(url.Values(header), true))
	if e.dataTrace {
		e.info(ctx, requestID, "Method request body before transformations: "+truncateBody(body))
	}
}

// EndpointRequest logs the URI the integration is about to call.
func (e *ExecLog) EndpointRequest(ctx context.Context, requestID, uri string) {
	if e.Enabled(LogInfo) {
		e.info(ctx, requestID, "Endpoint request URI: "+uri)
	}
}

// Completed logs the status the method answered with.
func (e *ExecLog) Completed(ctx context.Context, requestID string, status int) {
	if e.Enabled(LogInfo) {
		e.info(ctx, requestID, "Method completed with status: "+strconv.Itoa(status))
	}
}

// ConfigurationError logs a failure caused by the API's definition, e.g.
// "No match for output mapping and no default output mapping".
func (e *ExecLog) ConfigurationError(ctx context.Context, requestID, reason string) {
	e.error(ctx, requestID, "Execution failed due to configuration error: "+reason)
}

// Timeout logs an integration that did not answer in time.
func (e *ExecLog) Timeout(ctx context.Context, requestID string) {
	e.error(ctx, requestID, "Execution failed due to a timeout error")
}

// FunctionError logs a function that returned an error payload; status is
// the status of the invoke itself (200 for a function error).
func (e *ExecLog) FunctionError(ctx context.Context, requestID string, status int, payload string) {
	e.error(ctx, requestID, "Lambda execution failed with status "+strconv.Itoa(status)+
		" due to customer function error: "+truncateBody([]byte(payload)))
}

func (e *ExecLog) info(ctx context.Context, requestID, msg string) {
	e.log.LogAttrs(ctx, slog.LevelInfo, msg, slog.String("requestId", requestID))
}

func (e *ExecLog) error(ctx context.Context, requestID, msg string) {
	if e.Enabled(LogError) {
		e.log.LogAttrs(ctx, slog.LevelError, msg, slog.String("requestId", requestID))
	}
}

// MaskSecret is the one credential masker (pipeline.MaskKey), here for
// the execution log, which sees the $context table but not the pipeline.
func MaskSecret(v string) string { return contextvars.Mask(v) }

// sensitiveHeader reports parameters (headers or query string) whose
// values may be credentials: the well-known credential headers, every
// X-Amz-* parameter (SigV4 and presigned URLs), and any name that mentions
// a token, key, secret, password, signature, session or auth.
func sensitiveHeader(name string) bool {
	n := strings.ToLower(name)
	switch n {
	case "authorization", "proxy-authorization", "cookie", "set-cookie", "x-api-key":
		return true
	}
	if strings.HasPrefix(n, "x-amz-") {
		return true
	}
	for _, w := range []string{"token", "key", "secret", "password", "signature", "session", "auth", "credential"} {
		if strings.Contains(n, w) {
			return true
		}
	}
	return false
}

// formatMap renders a map as AWS's logs do, Java-style: {a=1, b=2}, sorted.
func formatMap(m map[string]string) string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	var b strings.Builder
	b.WriteByte('{')
	for i, k := range keys {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(k)
		b.WriteByte('=')
		b.WriteString(m[k])
	}
	b.WriteByte('}')
	return b.String()
}

// formatValues renders multi-valued parameters, values joined with ',';
// credentials (in headers or the query string) are masked.
func formatValues(v url.Values, headers bool) string {
	m := make(map[string]string, len(v))
	for k, vs := range v {
		joined := strings.Join(vs, ",")
		if sensitiveHeader(k) {
			joined = MaskSecret(joined)
		}
		m[k] = joined
	}
	return formatMap(m)
}

func truncateBody(b []byte) string {
	if len(b) > maxLoggedBody {
		return string(b[:maxLoggedBody]) + " [TRUNCATED]"
	}
	return string(b)
}
