package integration

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/portico-gw/portico/internal/contextvars"
)

// TestVTLResolvesTheTable: $context in mapping templates has every variable
// of the contextvars table that VTL knows (a value where the row has an
// accessor, null where Portico has none; the parameterised rows as their
// groups), and nothing else outside the groups VTL builds itself.
func TestVTLResolvesTheTable(t *testing.T) {
	c, _ := contextvars.Sample()
	m := contextVars(c, &Overrides{})
	want := map[string]bool{}
	for _, id := range contextvars.All() {
		v := contextvars.Get(id)
		if v.In&contextvars.VTL == 0 {
			continue
		}
		path := strings.TrimSuffix(v.Name, ".")
		want[path] = true
		got, ok := lookupPath(m, path)
		if !ok {
			t.Errorf("$context.%s is missing", path)
			continue
		}
		switch {
		case v.Parameterised():
			if _, isMap := got.(map[string]any); !isMap {
				t.Errorf("$context.%s: got %T, want a group", path, got)
			}
		case !v.HasAccessor():
			if got != nil {
				t.Errorf("$context.%s: got %v, want null", path, got)
			}
		default:
			if typed, _ := v.Typed(c, nil); got != typed {
				t.Errorf("$context.%s: got %#v, want %#v", path, got, typed)
			}
		}
		if v.Parameterised() || strings.Contains(path, ".") && got == nil {
			continue
		}
		tmpl, err := VTL("t", "[$context."+path+"]")
		if err != nil {
			t.Fatal(err)
		}
		out, err := tmpl.Render(context.Background(), c, nil, &Overrides{})
		if want := "[" + fmt.Sprint(got) + "]"; err != nil || out != want {
			t.Errorf("$context.%s rendered %q, %v; want %q", path, out, err, want)
		}
	}
	// Vice versa: every leaf outside the groups VTL builds is a row.
	var walk func(prefix string, m map[string]any)
	walk = func(prefix string, m map[string]any) {
		for k, val := range m {
			path := prefix + k
			if want[path] {
				continue
			}
			sub, isMap := val.(map[string]any)
			if !isMap {
				t.Errorf("$context.%s is not in the contextvars table for VTL", path)
				continue
			}
			walk(path+".", sub)
		}
	}
	walk("", m)
}

func lookupPath(m map[string]any, path string) (any, bool) {
	var cur any = m
	for _, p := range strings.Split(path, ".") {
		g, ok := cur.(map[string]any)
		if !ok {
			return nil, false
		}
		if cur, ok = g[p]; !ok {
			return nil, false
		}
	}
	return cur, true
}
