package function

import (
	"crypto/rand"
	"encoding/hex"
	"os"
	"strconv"
	"time"
)

// isReservedEnv reports whether key is one the runtime sets for every
// process, so a configured value would be overwritten (Lambda rejects these
// keys too).
func isReservedEnv(key string) bool {
	switch key {
	case "AWS_LAMBDA_RUNTIME_API", "AWS_LAMBDA_FUNCTION_NAME", "AWS_LAMBDA_FUNCTION_VERSION",
		"AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "AWS_LAMBDA_LOG_GROUP_NAME", "AWS_LAMBDA_LOG_STREAM_NAME",
		"AWS_LAMBDA_INITIALIZATION_TYPE", "AWS_REGION", "AWS_DEFAULT_REGION", "_HANDLER",
		"LAMBDA_TASK_ROOT", "TZ":
		return true
	}
	return false
}

// environment builds a process environment: PATH and HOME from Portico's
// own environment, then the runtime's (layer paths), then the configured
// variables, then the Lambda ones. A later value of a key wins (os/exec
// keeps the last).
func environment(c Config, prog program, runtimeAPI string) []string {
	env := make([]string, 0, len(c.Environment)+16)
	for _, k := range []string{"PATH", "HOME"} {
		if v, ok := os.LookupEnv(k); ok {
			env = append(env, k+"="+v)
		}
	}
	env = append(env, prog.env...)
	for k, v := range c.Environment {
		env = append(env, k+"="+v)
	}
	return append(env,
		"AWS_LAMBDA_RUNTIME_API="+runtimeAPI,
		"AWS_LAMBDA_FUNCTION_NAME="+c.Name,
		"AWS_LAMBDA_FUNCTION_VERSION="+latest,
		"AWS_LAMBDA_FUNCTION_MEMORY_SIZE="+strconv.Itoa(c.MemorySize),
		"AWS_LAMBDA_INITIALIZATION_TYPE=on-demand",
		"AWS_LAMBDA_LOG_GROUP_NAME=/aws/lambda/"+c.Name,
		"AWS_LAMBDA_LOG_STREAM_NAME="+logStreamName(time.Now()),
		"AWS_REGION="+c.Region,
		"AWS_DEFAULT_REGION="+c.Region,
		"_HANDLER="+prog.handler,
		"LAMBDA_TASK_ROOT="+prog.dir,
		"TZ=:UTC",
	)
}

// latest is the only version Portico runs.
const latest = "$LATEST"

// logStreamName returns a stream name in Lambda's format,
// 2006/01/02/[$LATEST]<32 hex digits>.
func logStreamName(now time.Time) string {
	return now.UTC().Format("2006/01/02") + "/[" + latest + "]" + randomHex(16)
}

// newRequestID returns a random UUID (version 4), the format of Lambda
// request ids.
func newRequestID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	h := hex.EncodeToString(b[:])
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:32]
}

// newTraceID returns an X-Ray trace header value, as Lambda passes in
// Lambda-Runtime-Trace-Id.
func newTraceID(now time.Time) string {
	return "Root=1-" + strconv.FormatInt(now.Unix(), 16) + "-" + randomHex(12) +
		";Parent=" + randomHex(8) + ";Sampled=0"
}

// randomHex returns n random bytes as hex.
func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
