package function

import (
	"strings"
	"testing"
)

// TestStats: invocations, cold starts, warm processes, errors and the last
// error's output (the error document, or a crash's output).
func TestStats(t *testing.T) {
	skipUnlessLinux(t)
	m := newTestManager(t, Options{},
		Config{Name: "echo", Command: []string{fnBin(t, "echo")}, ReservedConcurrency: 3},
		Config{Name: "errormsg", Command: []string{fnBin(t, "errormsg")}},
		Config{Name: "crash", Command: []string{fnBin(t, "crash")}})
	byName := func() map[string]Stats {
		out := map[string]Stats{}
		for _, s := range m.Stats() {
			out[s.Name] = s
		}
		return out
	}
	if got := byName()["echo"]; got != (Stats{Name: "echo", Runtime: "provided", ReservedConcurrency: 3}) {
		t.Errorf("before use: %+v", got)
	}
	for range 2 {
		if _, err := m.invoke(t, "echo", `{}`); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := m.invoke(t, "errormsg", `{"message":"table pets missing"}`); err != nil {
		t.Fatal(err)
	}
	if _, err := m.invoke(t, "crash", `{"code":7}`); err == nil {
		t.Fatal("crash did not fail")
	}
	s := byName()
	if e := s["echo"]; e.Invocations != 2 || e.ColdStarts != 1 || e.Warm != 1 || e.Busy != 0 || e.Errors != 0 || e.LastError != "" || e.InFlight != 0 {
		t.Errorf("echo: %+v", e)
	}
	if e := s["errormsg"]; e.Invocations != 1 || e.Errors != 1 || !strings.Contains(e.LastError, `"errorMessage":"table pets missing"`) || e.LastErrorAt == "" {
		t.Errorf("errormsg: %+v", e)
	}
	if c := s["crash"]; c.Errors != 1 || !strings.Contains(c.LastError, "crashing now with code 7") || c.Warm != 0 {
		t.Errorf("crash: %+v", c)
	}
}
