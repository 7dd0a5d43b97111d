package httpserver

import (
	"strings"
	"testing"

	"github.com/portico-gw/portico/internal/contextvars"
	"github.com/portico-gw/portico/internal/telemetry"
)

// tableRef is the reference of a row after "$context.", with a key that
// has a value in the sample for parameterised rows.
func tableRef(v *contextvars.Var) string {
	if !v.Parameterised() {
		return v.Name
	}
	if k := contextvars.SampleKey(v); k != "" {
		return v.Name + k
	}
	return v.Name + "x"
}

// TestAccessLogResolvesTheTable: every variable of the contextvars table
// that access logs know compiles in a format and renders through the
// exchange's values (a value wherever the row has an accessor, "-" where
// Portico has none); every other variable is refused by the compiler.
func TestAccessLogResolvesTheTable(t *testing.T) {
	c, o := contextvars.Sample()
	x := &exchange{c: c, status: o.Status, length: o.Length, fault: o.Fault}
	for _, id := range contextvars.All() {
		v := contextvars.Get(id)
		ref := tableRef(v)
		a, err := telemetry.CompileAccessLog("$context.requestId $context." + ref)
		if v.In&contextvars.AccessLog == 0 {
			if _, _, other := contextvars.Lookup(ref, contextvars.AccessLog); err == nil && !other {
				t.Errorf("$context.%s: access logs accept a variable the table does not give them", ref)
			}
			continue
		}
		if err != nil {
			t.Errorf("$context.%s: %v", ref, err)
			continue
		}
		line := string(a.Append(nil, x.accessVars(o.Latency)))
		got := strings.TrimPrefix(line, c.RequestID+" ")
		// Some variables only have a value for some faults.
		for _, other := range contextvars.SampleOutcomes() {
			if got != "-" {
				break
			}
			y := &exchange{c: c, status: other.Status, length: other.Length, fault: other.Fault}
			got = strings.TrimPrefix(string(a.Append(nil, y.accessVars(other.Latency))), c.RequestID+" ")
		}
		hasValue := v.HasAccessor()
		if hasValue && v.Parameterised() && contextvars.SampleKey(v) == "" {
			hasValue = false
		}
		if hasValue == (got == "-") {
			t.Errorf("$context.%s rendered %q (accessor: %v)", ref, got, hasValue)
		}
	}
}

// TestGatewayResponseResolvesTheTable: gateway-response templates resolve
// every variable mapping knows (with the fault's $context.error.*), and
// no variable only other consumers know.
func TestGatewayResponseResolvesTheTable(t *testing.T) {
	c, o := contextvars.Sample()
	look := errorLookup(c, o.Fault)
	for _, id := range contextvars.All() {
		v := contextvars.Get(id)
		ref := tableRef(v)
		got, ok := look("context." + ref)
		if v.In&contextvars.Mapping != 0 {
			want, _ := v.String(c, &contextvars.Outcome{Fault: o.Fault}, contextvars.SampleKey(v))
			if !ok || got != want {
				t.Errorf("$context.%s: got %q, %v; want %q", ref, got, ok, want)
			}
			continue
		}
		if other, _, known := contextvars.Lookup(ref, contextvars.Mapping); ok && (!known || other == id) {
			t.Errorf("$context.%s: resolved to %q though only %b know it", ref, got, v.In)
		}
	}
}
