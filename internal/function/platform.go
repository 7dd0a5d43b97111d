package function

import (
	"context"
	"log/slog"
	"math"
	"strconv"
	"time"
)

// Lambda's platform lines, written to a function's log for every runtime
// as Lambda writes them to its log stream
// (https://docs.aws.amazon.com/lambda/latest/dg/monitoring-cloudwatchlogs.html):
//
//	START RequestId: <id> Version: $LATEST
//	END RequestId: <id>
//	REPORT RequestId: <id>	Duration: 1.23 ms	Billed Duration: 2 ms	Memory Size: 128 MB	Max Memory Used: 20 MB	Init Duration: 45.67 ms
//
// Init Duration (process start until it first asked for work) is only on
// the first invocation of a process. Max Memory Used is the process's peak
// memory use (its cgroup's memory.peak in cgroup mode, else its own peak
// resident set). They are records of the function's stdout stream, tagged
// like its output lines (function, stream, pid, requestId).

// platformStart logs the START line of inv, just handed to sb.
func (p *pool) platformStart(sb *sandbox, inv *invocation) {
	if !p.log.Enabled(context.Background(), slog.LevelInfo) {
		return
	}
	b := make([]byte, 0, 64)
	b = append(b, "START RequestId: "...)
	b = append(b, inv.id...)
	b = append(b, " Version: $LATEST"...)
	p.platformLine(sb, inv, string(b))
}

// platformEnd logs the END and REPORT lines of inv, which ran on sb since
// start; cold marks the process's first invocation. An invocation that
// never reached the runtime has no lines (platformStart was not called).
func (p *pool) platformEnd(sb *sandbox, inv *invocation, start time.Time, cold bool) {
	if !p.log.Enabled(context.Background(), slog.LevelInfo) {
		return
	}
	d := time.Since(start)
	p.platformLine(sb, inv, "END RequestId: "+inv.id)
	ms := float64(d) / float64(time.Millisecond)
	b := make([]byte, 0, 192)
	b = append(b, "REPORT RequestId: "...)
	b = append(b, inv.id...)
	b = append(b, "\tDuration: "...)
	b = strconv.AppendFloat(b, ms, 'f', 2, 64)
	b = append(b, " ms\tBilled Duration: "...)
	b = strconv.AppendInt(b, int64(math.Ceil(ms)), 10)
	b = append(b, " ms\tMemory Size: "...)
	b = strconv.AppendInt(b, int64(p.cfg.MemorySize), 10)
	b = append(b, " MB\tMax Memory Used: "...)
	b = strconv.AppendInt(b, (sb.peak.read()+(1<<20)-1)>>20, 10)
	b = append(b, " MB"...)
	if cold {
		b = append(b, "\tInit Duration: "...)
		b = strconv.AppendFloat(b, float64(sb.initDuration)/float64(time.Millisecond), 'f', 2, 64)
		b = append(b, " ms"...)
	}
	p.platformLine(sb, inv, string(b))
}

// platformLine logs one platform line, tagged like the function's output.
func (p *pool) platformLine(sb *sandbox, inv *invocation, line string) {
	p.log.LogAttrs(context.Background(), slog.LevelInfo, line,
		slog.String("function", sb.fn), slog.String("stream", "stdout"), slog.Int("pid", sb.pid), slog.String("requestId", inv.id))
}
