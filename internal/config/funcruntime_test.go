package config

import (
	"strings"
	"testing"
	"time"
)

// The functionRuntime section defaults to memoryLimit auto and a 1s code
// check, and takes each mode, a duration or "off".
func TestFunctionRuntimeSettings(t *testing.T) {
	t.Parallel()
	f, err := Load(write(t, "portico.yaml", runtimeAPIs), noEnv)
	if err != nil {
		t.Fatal(err)
	}
	if got := f.FunctionRuntime; got.MemoryLimit != "auto" || got.CodeCheckInterval != (Interval{Every: Duration(time.Second)}) {
		t.Errorf("defaults: got %+v", got)
	}
	for _, tc := range []struct {
		body string
		want FunctionRuntime
	}{
		{"functionRuntime: {memoryLimit: rss}\n", FunctionRuntime{MemoryLimit: "rss", CodeCheckInterval: Interval{Every: Duration(time.Second)}}},
		{"functionRuntime: {memoryLimit: cgroup, codeCheckInterval: 250ms}\n", FunctionRuntime{MemoryLimit: "cgroup", CodeCheckInterval: Interval{Every: Duration(250 * time.Millisecond)}}},
		{"functionRuntime: {memoryLimit: \"off\", codeCheckInterval: \"off\"}\n", FunctionRuntime{MemoryLimit: "off", CodeCheckInterval: Interval{Off: true}}},
		{"functionRuntime: {codeCheckInterval: 2}\n", FunctionRuntime{MemoryLimit: "auto", CodeCheckInterval: Interval{Every: Duration(2 * time.Second)}}},
	} {
		f, err := Load(write(t, "portico.yaml", runtimeAPIs+tc.body), noEnv)
		if err != nil {
			t.Errorf("%q: %v", tc.body, err)
			continue
		}
		if f.FunctionRuntime != tc.want {
			t.Errorf("%q: got %+v, want %+v", tc.body, f.FunctionRuntime, tc.want)
		}
	}
}

// Bad functionRuntime values are located errors, all reported at once.
func TestFunctionRuntimeSettingsErrors(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		body string
		want []string
	}{
		{"functionRuntime:\n  memoryLimit: cgroups\n  codeCheckInterval: 10ms\n", []string{
			`portico.yaml:6: /functionRuntime/memoryLimit: memoryLimit must be auto, cgroup, rss or off, not "cgroups"`,
			`portico.yaml:7: /functionRuntime/codeCheckInterval: codeCheckInterval must be a duration of at least 100ms, or off, not 10ms`,
		}},
		{"functionRuntime:\n  memoryLimit: \"\"\n  codeCheckInterval: -1s\n", []string{
			`portico.yaml:6: /functionRuntime/memoryLimit: memoryLimit must be auto, cgroup, rss or off, not ""`,
			`portico.yaml:7: /functionRuntime/codeCheckInterval: codeCheckInterval must be a duration of at least 100ms, or off, not -1s`,
		}},
		{"functionRuntime:\n  codeCheckInterval: never\n", []string{`portico.yaml:6`, `"never" is not a duration such as "5s"`}},
		{"functionRuntime:\n  codeCheckInterval: [1s]\n", []string{`portico.yaml:6`, `want a duration such as "5s"`}},
		{"functionRuntime:\n  memoryLimt: rss\n", []string{`portico.yaml:6: field memoryLimt is not a known setting`}},
	} {
		_, err := Load(write(t, "portico.yaml", runtimeAPIs+tc.body), noEnv)
		for _, w := range tc.want {
			if err == nil || !strings.Contains(err.Error(), w) {
				t.Errorf("%q: error %v does not contain %q", tc.body, err, w)
			}
		}
	}
}

// server.http1 names one of the two HTTP/1.1 servers; anything else is a
// located error.
func TestHTTP1Setting(t *testing.T) {
	t.Parallel()
	for _, v := range []string{"portico", "net/http"} {
		f, err := Load(write(t, "portico.yaml", runtimeAPIs+"server: {http1: "+v+"}\n"), noEnv)
		if err != nil || f.Server.HTTP1 != v {
			t.Errorf("http1 %s: %v, %+v", v, err, f)
		}
	}
	_, err := Load(write(t, "portico.yaml", runtimeAPIs+"server:\n  http1: nethttp\n"), noEnv)
	if want := `portico.yaml:6: /server/http1: must be portico or net/http, not "nethttp"`; err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("error %v does not contain %q", err, want)
	}
}
