package telemetry_test

import (
	"fmt"
	"os"
	"strconv"
	"time"

	"github.com/portico-gw/portico/internal/contextvars"
	"github.com/portico-gw/portico/internal/telemetry"
)

// call stands in for the gateway's per-request type. Implementing Vars is a
// switch over the ids the gateway can answer; everything else has no value
// and renders "-".
type call struct {
	requestID, sourceIP, method, resourcePath string
	start                                     time.Time
	status                                    int
	latency                                   time.Duration
	authorizer                                map[string]string
}

func (c *call) AppendVar(dst []byte, id contextvars.ID, key string) []byte {
	switch id.Name() {
	case "requestId":
		return append(dst, c.requestID...)
	case "identity.sourceIp":
		return append(dst, c.sourceIP...)
	case "httpMethod":
		return append(dst, c.method...)
	case "resourcePath":
		return append(dst, c.resourcePath...)
	case "requestTime":
		return contextvars.AppendRequestTime(dst, c.start)
	case "status":
		return strconv.AppendInt(dst, int64(c.status), 10)
	case "responseLatency":
		return strconv.AppendInt(dst, c.latency.Milliseconds(), 10)
	case "authorizer.":
		return append(dst, c.authorizer[key]...)
	}
	return dst
}

func ExampleCompileAccessLog() {
	format := `{"requestId":"$context.requestId","ip":"$context.identity.sourceIp","time":"$context.requestTime",` +
		`"route":"$context.httpMethod $context.resourcePath","status":$context.status,` +
		`"latency":$context.responseLatency,"tenant":"$context.authorizer.tenant","user":"$context.identity.user"}`
	alog, err := telemetry.CompileAccessLog(format)
	if err != nil {
		fmt.Println(err)
		return
	}
	c := &call{
		requestID: "c6af9ac6-7b61-11e6-9a41-93e8deadbeef", sourceIP: "203.0.113.7", method: "GET",
		resourcePath: "/pets/{petId}", start: time.Date(2026, 11, 26, 2, 42, 7, 0, time.UTC), status: 200,
		latency: 12 * time.Millisecond, authorizer: map[string]string{"tenant": `acme "east"`},
	}
	w, err := telemetry.NewAccessLogWriter(telemetry.AccessLogWriterConfig{Writer: os.Stdout})
	if err != nil {
		fmt.Println(err)
		return
	}
	_ = w.Log(alog, c)
	_ = w.Close()

	_, err = telemetry.CompileAccessLog("$context.requestId $context.requestTimeEpochs")
	fmt.Println(err)
	// Output:
	// {"requestId":"c6af9ac6-7b61-11e6-9a41-93e8deadbeef","ip":"203.0.113.7","time":"26/Nov/2026:02:42:07 +0000","route":"GET /pets/{petId}","status":200,"latency":12,"tenant":"acme \"east\"","user":"-"}
	// access log format: column 20: unknown variable $context.requestTimeEpochs
}
