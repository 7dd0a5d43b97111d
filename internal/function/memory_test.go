package function

import (
	"errors"
	"os"
	"strings"
	"testing"
	"time"
)

// memoryModes are the enforcement modes to test here: RSS polling always,
// cgroup v2 when this machine lets Portico use it.
func memoryModes(t *testing.T) []string {
	skipUnlessLinux(t)
	modes := []string{MemoryLimitRSS}
	if _, err := openCgroupDir(); err == nil {
		modes = append(modes, MemoryLimitCgroup)
	} else {
		t.Logf("cgroup v2 not tested: %v", err)
	}
	return modes
}

// TestMemoryLimit: a function allocating beyond its memory size is killed
// and the invocation fails as Lambda's Runtime.OutOfMemory; one staying
// below is untouched, and the next invocation cold-starts a new process.
func TestMemoryLimit(t *testing.T) {
	for _, mode := range memoryModes(t) {
		t.Run(mode, func(t *testing.T) {
			m := newTestManager(t, Options{MemoryLimit: mode, MemoryCheckInterval: 10 * time.Millisecond},
				Config{Name: "hog", Command: []string{fnBin(t, "memhog")}, MemorySize: 64, Timeout: time.Minute})
			resp, err := m.invoke(t, "hog", `{"allocMb":8}`)
			if err != nil || string(resp.Payload) != `{"allocatedMb":8}` {
				t.Fatalf("8 MB in 64: %v %s", err, payloadOf(resp))
			}
			first := m.pids.last(t)

			_, err = m.invoke(t, "hog", `{"allocMb":256,"holdMs":60000}`)
			ce, ok := errors.AsType[*CrashError](err)
			if !ok || !ce.OutOfMemory || ce.Reason != "signal: killed" {
				t.Fatalf("256 MB in 64: got %v, want an out-of-memory CrashError", err)
			}
			want := `{"errorMessage":"RequestId: ` + ce.RequestID + ` Error: Runtime exited with error: signal: killed","errorType":"Runtime.OutOfMemory"}`
			if got := string(ce.Payload()); got != want || ce.RequestID == "" {
				t.Errorf("payload\n got %s\nwant %s", got, want)
			}
			if !processGone(first) && isOurChild(first) {
				t.Error("the process over its memory size is still running")
			}
			logs := m.logs.String()
			if n := strings.Count(logs, "function process exceeded its memory size; killed"); n != 1 {
				t.Errorf("the kill was logged %d times, want once:\n%s", n, logs)
			}
			if !strings.Contains(logs, "memorySizeMB=64") || !strings.Contains(logs, "requestId="+ce.RequestID) {
				t.Errorf("the log does not name the size and the request:\n%s", logs)
			}

			resp, err = m.invoke(t, "hog", `{"allocMb":1}`)
			if err != nil || string(resp.Payload) != `{"allocatedMb":1}` || !resp.ColdStart {
				t.Fatalf("after the kill: %v %s (want a cold start)", err, payloadOf(resp))
			}
		})
	}
}

// TestMemoryLimitOff: with enforcement off, a function may use more than
// its memory size.
func TestMemoryLimitOff(t *testing.T) {
	skipUnlessLinux(t)
	m := newTestManager(t, Options{MemoryLimit: MemoryLimitOff, MemoryCheckInterval: 10 * time.Millisecond},
		Config{Name: "hog", Command: []string{fnBin(t, "memhog")}, MemorySize: 32})
	resp, err := m.invoke(t, "hog", `{"allocMb":64,"holdMs":200}`)
	if err != nil || string(resp.Payload) != `{"allocatedMb":64}` {
		t.Fatalf("got %v %s", err, payloadOf(resp))
	}
	if !strings.Contains(m.logs.String(), "memorySize is not enforced") {
		t.Error("the mechanism is not logged")
	}
}

// TestMemoryLimitMode checks the mode names and the start-up log line.
func TestMemoryLimitMode(t *testing.T) {
	if _, err := NewManager(nil, Options{MemoryLimit: "lots"}); err == nil || !strings.Contains(err.Error(), `memory limit "lots": want auto, cgroup, rss or off`) {
		t.Errorf("bad mode: got %v", err)
	}
	skipUnlessLinux(t)
	m := newTestManager(t, Options{}, Config{Name: "echo", Command: []string{fnBin(t, "echo")}})
	logs := m.logs.String()
	if strings.Count(logs, "memorySize enforced") != 1 {
		t.Errorf("the mechanism is not logged once at start:\n%s", logs)
	}
	if _, err := openCgroupDir(); err != nil && !strings.Contains(logs, "(RSS); cgroup v2 not usable: ") {
		t.Errorf("the fallback is not explained:\n%s", logs)
	}
}

// TestProcessTreeRSS: the resident memory of a process group counts its
// children.
func TestProcessTreeRSS(t *testing.T) {
	skipUnlessLinux(t)
	m := newTestManager(t, Options{MemoryLimit: MemoryLimitOff}, Config{Name: "hog", Command: []string{fnBin(t, "memhog")}})
	if _, err := m.invoke(t, "hog", `{"allocMb":1}`); err != nil {
		t.Fatal(err)
	}
	pid := m.pids.last(t)
	rss, ok := processTreeRSS(pid)
	if !ok || rss < 1<<20 || rss > 512<<20 {
		t.Fatalf("processTreeRSS = %d, %v", rss, ok)
	}
	self, ok := processTreeRSS(os.Getpid())
	if !ok || self < rss {
		t.Errorf("this test process with its function children: %d, want at least the child's %d", self, rss)
	}
	if _, ok := processTreeRSS(1 << 30); ok {
		t.Error("a missing process has an RSS")
	}
}

// TestMemoryLimitCountsChildren: memory used by a process the function
// started counts against its memory size (here bootstrap is a shell that
// runs the function as its child).
func TestMemoryLimitCountsChildren(t *testing.T) {
	for _, mode := range memoryModes(t) {
		t.Run(mode, func(t *testing.T) {
			dir := t.TempDir()
			copyExecutable(t, fnBin(t, "memhog"), dir+"/memhog")
			writeAtomic(t, dir+"/bootstrap", "#!/bin/sh\n\"$LAMBDA_TASK_ROOT/memhog\"\necho \"memhog ended: $?\"\n", 0o755)
			m := newTestManager(t, Options{MemoryLimit: mode, MemoryCheckInterval: 10 * time.Millisecond},
				Config{Name: "hog", CodeURI: dir, MemorySize: 64, Timeout: time.Minute})
			if resp, err := m.invoke(t, "hog", `{"allocMb":4}`); err != nil || string(resp.Payload) != `{"allocatedMb":4}` {
				t.Fatalf("4 MB in 64: %v %s", err, payloadOf(resp))
			}
			_, err := m.invoke(t, "hog", `{"allocMb":256,"holdMs":60000}`)
			if ce, ok := errors.AsType[*CrashError](err); !ok || !ce.OutOfMemory {
				t.Fatalf("256 MB in 64: got %v, want an out-of-memory CrashError", err)
			}
		})
	}
}
