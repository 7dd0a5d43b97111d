package contextvars

import (
	"strings"
	"testing"
	"time"
)

// TestTableRows: names are unique, every row is known to some consumer,
// and a row has at most one accessor. Mapping cannot tell a known variable
// without a value from an unknown one, so its rows must have an accessor.
func TestTableRows(t *testing.T) {
	seen := map[string]bool{}
	for _, id := range All() {
		v := Get(id)
		if v.Name == "" || strings.HasPrefix(v.Name, ".") || strings.Contains(v.Name, "..") || seen[v.Name] {
			t.Errorf("row %d: bad or duplicate name %q", id, v.Name)
		}
		seen[v.Name] = true
		if v.In == 0 || v.In&^(Mapping|VTL|AccessLog) != 0 {
			t.Errorf("%s: consumers %b", v.Name, v.In)
		}
		n := 0
		for _, set := range []bool{v.Field != nil, v.Str != nil, v.Int != nil, v.Append != nil} {
			if set {
				n++
			}
		}
		if n > 1 {
			t.Errorf("%s: %d accessors, want at most one", v.Name, n)
		}
		if v.In&Mapping != 0 && n == 0 {
			t.Errorf("%s: known to mapping without an accessor", v.Name)
		}
		if (v.Secret || v.Log != nil) && v.In&AccessLog == 0 {
			t.Errorf("%s: Secret or Log set on a variable access logs do not know", v.Name)
		}
		if v.Secret && v.Str == nil && v.Field == nil {
			t.Errorf("%s: Secret needs a string accessor", v.Name)
		}
		if v.Optional && v.Field == nil {
			t.Errorf("%s: Optional applies to Field only", v.Name)
		}
	}
}

// TestLookupRoundTrip: every row resolves by its name, for exactly the
// consumers that know it; a parameterised row needs a key after its prefix.
func TestLookupRoundTrip(t *testing.T) {
	for _, id := range All() {
		v := Get(id)
		for _, in := range []Consumer{Mapping, VTL, AccessLog} {
			name := v.Name
			if v.Parameterised() {
				name += "x"
			}
			got, key, ok := Lookup(name, in)
			if known := v.In&in != 0; known != (ok && got == id) {
				t.Errorf("Lookup(%q, %b) = %d, %v; row %d known: %v", name, in, got, ok, id, known)
			}
			if ok && got == id && v.Parameterised() && key != "x" {
				t.Errorf("Lookup(%q) key = %q, want x", name, key)
			}
			if got, _, ok := Lookup(v.Name, in); ok && got == id && v.Parameterised() {
				t.Errorf("bare prefix %q resolved", v.Name)
			}
		}
	}
	if id, key, ok := Lookup("authorizer.claims.sub", AccessLog); !ok || id.Name() != "authorizer.claims." || key != "sub" {
		t.Errorf("the longest prefix must win: got %q %q %v", id.Name(), key, ok)
	}
	if _, _, ok := Lookup("RequestId", AccessLog); ok {
		t.Error("names are case-sensitive")
	}
}

func TestAppendRequestTimeMatchesLayout(t *testing.T) {
	const layout = "02/Jan/2006:15:04:05 -0700"
	times := []time.Time{
		time.Date(2026, 11, 26, 2, 42, 7, 999, time.UTC),
		time.Date(1999, 1, 1, 0, 0, 0, 0, time.FixedZone("x", -5*3600)),
		time.Date(2024, 2, 29, 23, 59, 59, 0, time.UTC),
		time.Date(12345, 12, 31, 23, 59, 59, 0, time.UTC),
		time.Unix(0, 0),
	}
	for i := range 1000 {
		times = append(times, time.Unix(int64(i)*7919*3607, 0))
	}
	for _, tm := range times {
		if got, want := string(AppendRequestTime(nil, tm)), tm.UTC().Format(layout); got != want {
			t.Fatalf("%v: got %q, want %q", tm, got, want)
		}
		if got, want := RequestTime(tm), tm.UTC().Format(layout); got != want {
			t.Fatalf("RequestTime(%v): got %q, want %q", tm, got, want)
		}
	}
}

// TestAccessLogMasksAPIKey: the key is never logged in clear; an empty
// key is no value.
func TestAccessLogMasksAPIKey(t *testing.T) {
	c, o := Sample()
	id, _, _ := Lookup("identity.apiKey", AccessLog)
	if got := string((&Values{Call: c, Outcome: *o}).AppendVar(nil, id, "")); got != "****ghij" {
		t.Errorf("got %q, want ****ghij", got)
	}
	c.Identity.APIKey = "abc"
	if got := string((&Values{Call: c, Outcome: *o}).AppendVar(nil, id, "")); got != "****" {
		t.Errorf("short key: got %q, want ****", got)
	}
	c.Identity.APIKey = ""
	if got := string((&Values{Call: c, Outcome: *o}).AppendVar(nil, id, "")); got != "" {
		t.Errorf("no key: got %q, want nothing", got)
	}
	if v, _ := Value(c, o, "identity.apiKey"); v != "" {
		t.Errorf("mapping: got %q", v)
	}
}

// TestMappingResolvesTheTable: every variable mapping knows resolves as a
// context.* source with the sample call and outcome, to the row's value.
func TestMappingResolvesTheTable(t *testing.T) {
	c, o := Sample()
	for _, id := range All() {
		v := Get(id)
		if v.In&Mapping == 0 {
			continue
		}
		key := SampleKey(v)
		got, ok := Resolve(c, o, "context."+v.Name+key)
		want, _ := v.String(c, o, key)
		if !ok || got != want || got == "" {
			t.Errorf("context.%s%s: got %q, %v; want %q", v.Name, key, got, ok, want)
		}
	}
}

// TestAuthorizerValuesAsText: authorizer values are strings as they are,
// numbers in plain decimal and booleans as true/false; a missing value is
// no value.
func TestAuthorizerValuesAsText(t *testing.T) {
	c, o := Sample()
	c.Authorizer = map[string]any{"s": "x", "n": 1.5e9, "f": 0.25, "b": true, "null": nil,
		"claims": map[string]any{"exp": float64(1787996002)}}
	for ref, want := range map[string]string{"authorizer.s": "x", "authorizer.n": "1500000000", "authorizer.f": "0.25",
		"authorizer.b": "true", "authorizer.null": "", "authorizer.claims.exp": "1787996002"} {
		if got, ok := Value(c, o, ref); !ok || got != want {
			t.Errorf("%s: got %q, %v; want %q", ref, got, ok, want)
		}
	}
	if _, ok := Value(c, o, "authorizer.missing"); ok {
		t.Error("a missing authorizer value resolved")
	}
}

// TestValuesInvalidID: an id outside the table appends nothing.
func TestValuesInvalidID(t *testing.T) {
	c, o := Sample()
	v := &Values{Call: c, Outcome: *o}
	for _, id := range []ID{0, ID(len(table) + 1), 255} {
		if got := v.AppendVar([]byte("x"), id, ""); string(got) != "x" {
			t.Errorf("id %d: got %q", id, got)
		}
	}
}
