package httpserver

import (
	"time"

	"github.com/portico-gw/portico/internal/contextvars"
	"github.com/portico-gw/portico/internal/telemetry"
)

var _ telemetry.Vars = (*contextvars.Values)(nil)

// accessVars is the exchange's values for its access-log line: the
// contextvars table resolves every variable. A variable with no value
// appends nothing, which the format renders as "-".
func (x *exchange) accessVars(latency time.Duration) *contextvars.Values {
	return &contextvars.Values{Call: x.c, Outcome: contextvars.Outcome{Status: x.status, Length: x.length, Latency: latency, Fault: x.fault}}
}
