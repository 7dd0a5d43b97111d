package httpserver

import (
	"time"

	"github.com/portico-gw/portico/internal/contextvars"
	"github.com/portico-gw/portico/internal/pipeline"
	"github.com/portico-gw/portico/internal/telemetry"
)

// accessVars resolves access-log $context variables for one exchange through
// the contextvars table. It appends straight into the line's buffer; a
// variable with no value appends nothing, which the format renders as "-".
type accessVars struct {
	c *pipeline.Call
	o contextvars.Outcome
}

var _ telemetry.Vars = (*accessVars)(nil)

// AppendVar implements telemetry.Vars.
func (v *accessVars) AppendVar(dst []byte, id contextvars.ID, key string) []byte {
	return contextvars.AppendLog(dst, id, key, v.c, &v.o)
}

// accessVars is the exchange's values for its access-log line.
func (x *exchange) accessVars(latency time.Duration) *accessVars {
	return &accessVars{c: x.c, o: contextvars.Outcome{Status: x.status, Length: x.length, Latency: latency, Fault: x.fault}}
}
