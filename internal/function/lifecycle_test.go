package function

import (
	"errors"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
)

// TestExternalKill checks that a warm process killed from outside is
// noticed and replaced.
func TestExternalKill(t *testing.T) {
	skipUnlessLinux(t)
	m := newTestManager(t, Options{}, Config{Name: "echo", Command: []string{fnBin(t, "echo")}})
	if _, err := m.invoke(t, "echo", `1`); err != nil {
		t.Fatal(err)
	}
	pid := m.pids.last(t)
	if err := syscall.Kill(pid, syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "a replacement", 10*time.Second, func() bool { return len(m.pids.list()) == 2 && m.idle("echo") == 1 })
	if !strings.Contains(m.logs.String(), "function process exited") {
		t.Error("the unexpected exit was not logged")
	}
	resp, err := m.invoke(t, "echo", `2`)
	if err != nil || string(resp.Payload) != "2" {
		t.Fatalf("after the kill: %v", err)
	}
	if m.pids.last(t) == pid {
		t.Error("no new process")
	}
}

// TestIdleReap checks that idle processes are stopped after IdleTimeout.
func TestIdleReap(t *testing.T) {
	skipUnlessLinux(t)
	m := newTestManager(t, Options{IdleTimeout: 50 * time.Millisecond},
		Config{Name: "echo", Command: []string{fnBin(t, "echo")}})
	if _, err := m.invoke(t, "echo", `1`); err != nil {
		t.Fatal(err)
	}
	pid := m.pids.last(t)
	waitFor(t, "the idle process to be reaped", 5*time.Second, func() bool { return processGone(pid) })
	if n := m.processes("echo"); n != 0 {
		t.Errorf("%d processes left in the pool", n)
	}
}

// TestClose checks that Close kills busy processes and fails their
// invocations with ErrClosed.
func TestClose(t *testing.T) {
	skipUnlessLinux(t)
	m := newTestManager(t, Options{}, Config{Name: "slow", Command: []string{fnBin(t, "slow")}, Timeout: time.Minute})
	errc := make(chan error, 1)
	go func() {
		_, err := m.invoke(t, "slow", `{"sleepMs":60000}`)
		errc <- err
	}()
	waitFor(t, "the invocation to start", 10*time.Second, func() bool { return m.busy("slow") == 1 })
	if err := m.Close(); err != nil {
		t.Fatal(err)
	}
	if err := <-errc; !errors.Is(err, ErrClosed) {
		t.Errorf("busy invocation got %v, want ErrClosed", err)
	}
	if _, err := m.invoke(t, "slow", `{}`); !errors.Is(err, ErrClosed) {
		t.Errorf("invocation after Close got %v, want ErrClosed", err)
	}
	for _, pid := range m.pids.list() {
		if !processGone(pid) {
			t.Errorf("process %d survived Close", pid)
		}
	}
}

// TestKilledMidInvocation checks that a process killed from outside while
// it works fails its invocation with the tail of its output.
func TestKilledMidInvocation(t *testing.T) {
	skipUnlessLinux(t)
	m := newTestManager(t, Options{}, Config{Name: "slow", Command: []string{fnBin(t, "slow")}, Timeout: time.Minute})
	errc := make(chan error, 1)
	go func() {
		_, err := m.invoke(t, "slow", `{"sleepMs":60000}`)
		errc <- err
	}()
	waitFor(t, "the invocation to start", 10*time.Second, func() bool { return m.busy("slow") == 1 })
	if err := syscall.Kill(m.pids.last(t), syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	err := <-errc
	ce, ok := errors.AsType[*CrashError](err)
	if !ok || ce.Init || ce.Reason != "signal: killed" {
		t.Fatalf("got %v, want a *CrashError for signal: killed", err)
	}
	if resp, err := m.invoke(t, "slow", `{"sleepMs":1}`); err != nil || string(resp.Payload) != `{"sleptMs":1}` {
		t.Fatalf("after the kill: %v", err)
	}
}

// TestCloseUnderLoad closes a Manager while callers keep invoking.
func TestCloseUnderLoad(t *testing.T) {
	skipUnlessLinux(t)
	m := newTestManager(t, Options{}, Config{Name: "echo", Command: []string{fnBin(t, "echo")}})
	var wg sync.WaitGroup
	var ok atomic.Int64
	for range 8 {
		wg.Go(func() {
			for {
				_, err := m.invoke(t, "echo", `{}`)
				switch {
				case err == nil:
					ok.Add(1)
				case errors.Is(err, ErrClosed):
					return
				default:
					t.Errorf("unexpected error: %v", err)
					return
				}
			}
		})
	}
	waitFor(t, "some invocations", 20*time.Second, func() bool { return ok.Load() >= 50 })
	if err := m.Close(); err != nil {
		t.Fatal(err)
	}
	wg.Wait()
}
