package function

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// platformLines returns the messages of the log records tagged with id
// that are Lambda's platform lines, in order.
func platformLines(logs, id string) []string {
	var out []string
	msg := regexp.MustCompile(`msg="((?:[^"\\]|\\.)*)"`)
	for line := range strings.Lines(logs) {
		if !strings.Contains(line, "requestId="+id) {
			continue
		}
		m := msg.FindStringSubmatch(line)
		if m == nil {
			continue
		}
		text := strings.ReplaceAll(m[1], `\t`, "\t")
		if strings.HasPrefix(text, "START ") || strings.HasPrefix(text, "END ") || strings.HasPrefix(text, "REPORT ") {
			out = append(out, text)
		}
	}
	return out
}

// checkPlatformLines checks the START, END and REPORT lines of two
// invocations of one process: Init Duration only on the first.
func checkPlatformLines(t *testing.T, m *testManager, name string, memoryMB string) {
	t.Helper()
	for i, id := range []string{"11111111-1111-4111-8111-111111111111", "22222222-2222-4222-8222-222222222222"} {
		if _, err := m.Invoke(t.Context(), name, []byte(`{"x":1}`), InvokeOptions{RequestID: id}); err != nil {
			t.Fatal(err)
		}
		lines := platformLines(m.logs.String(), id)
		if len(lines) != 3 {
			t.Fatalf("invocation %d: got %q, want START, END and REPORT", i+1, lines)
		}
		if lines[0] != "START RequestId: "+id+" Version: $LATEST" || lines[1] != "END RequestId: "+id {
			t.Errorf("invocation %d: got %q", i+1, lines[:2])
		}
		report := `^REPORT RequestId: ` + id + `\tDuration: (\d+\.\d\d) ms\tBilled Duration: (\d+) ms\tMemory Size: ` + memoryMB +
			` MB\tMax Memory Used: ([1-9]\d*) MB`
		if i == 0 {
			report += `\tInit Duration: \d+\.\d\d ms$`
		} else {
			report += `$`
		}
		if !regexp.MustCompile(report).MatchString(lines[2]) {
			t.Errorf("invocation %d: REPORT line %q does not match %q", i+1, lines[2], report)
		}
	}
	if strings.Count(m.logs.String(), "START RequestId: ") != 2 {
		t.Errorf("the function's own output has platform lines too:\n%s", m.logs.String())
	}
}

// The Manager logs Lambda's START, END and REPORT lines for a Go function
// (which prints none itself), tagged like the function's output.
func TestPlatformLinesGo(t *testing.T) {
	skipUnlessLinux(t)
	m := newTestManager(t, Options{}, Config{Name: "echo", Command: []string{fnBin(t, "echo")}, MemorySize: 256})
	checkPlatformLines(t, m, "echo", "256")
	if !strings.Contains(m.logs.String(), `msg="START RequestId: 11111111-1111-4111-8111-111111111111 Version: $LATEST" function=echo stream=stdout pid=`) {
		t.Errorf("START record not tagged like output lines:\n%s", m.logs.String())
	}
}

// A Node.js function gets the same lines from the Manager, once: the
// embedded runtime client no longer prints them.
func TestPlatformLinesNode(t *testing.T) {
	skipUnlessLinux(t)
	if _, err := exec.LookPath("node"); err != nil {
		t.Skip("node is not installed")
	}
	code := t.TempDir()
	if err := os.WriteFile(filepath.Join(code, "app.js"), []byte("exports.handler = async (event) => { console.log('handling'); return event; };\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	m := newTestManager(t, Options{}, Config{Name: "node", Runtime: "nodejs20.x", Handler: "app.handler", CodeURI: code})
	checkPlatformLines(t, m, "node", "128")
}

// The runtime clients keep one connection to the Runtime API: aws-lambda-go
// and Portico's Node.js and Python clients reuse it for every request.
func TestRuntimeAPIKeepAlive(t *testing.T) {
	skipUnlessLinux(t)
	code := t.TempDir()
	if err := os.WriteFile(filepath.Join(code, "app.js"), []byte("exports.handler = async (event) => event;\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(code, "app.py"), []byte("def handler(event, context):\n    return event\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		interp string
		cfg    Config
	}{
		{"", Config{Name: "go", Command: []string{fnBin(t, "echo")}}},
		{"node", Config{Name: "node", Runtime: "nodejs20.x", Handler: "app.handler", CodeURI: code}},
		{"python3", Config{Name: "python", Runtime: "python3.12", Handler: "app.handler", CodeURI: code}},
	} {
		t.Run(tc.cfg.Name, func(t *testing.T) {
			if tc.interp != "" {
				if _, err := exec.LookPath(tc.interp); err != nil {
					t.Skip(tc.interp + " is not installed")
				}
			}
			m := newTestManager(t, Options{}, tc.cfg)
			for range 20 {
				resp, err := m.invoke(t, tc.cfg.Name, `"hello"`)
				if err != nil || string(resp.Payload) != `"hello"` {
					t.Fatalf("got %+v, %v", resp, err)
				}
			}
			sb := m.pools[tc.cfg.Name].idle[0]
			sb.mu.Lock()
			defer sb.mu.Unlock()
			if sb.accepted != 1 {
				t.Errorf("%d connections for 20 invocations, want 1", sb.accepted)
			}
		})
	}
}
