package function

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
)

// TestReservedConcurrency runs 20 concurrent slow invocations of a function
// with reservedConcurrency 20; the 21st must be rejected while they run.
func TestReservedConcurrency(t *testing.T) {
	skipUnlessLinux(t)
	const limit = 20
	m := newTestManager(t, Options{}, Config{
		Name: "slow", Command: []string{fnBin(t, "slow")}, ReservedConcurrency: limit, Timeout: 30 * time.Second,
	})
	release := make(chan struct{})
	var wg sync.WaitGroup
	var finished atomic.Int32
	errs := make(chan error, limit)
	for range limit {
		wg.Go(func() {
			<-release
			resp, err := m.invoke(t, "slow", `{"sleepMs":1500}`)
			finished.Add(1)
			if err != nil {
				errs <- err
			} else if string(resp.Payload) != `{"sleptMs":1500}` {
				errs <- fmt.Errorf("payload %s", resp.Payload)
			}
		})
	}
	close(release)
	waitFor(t, "20 invocations in flight", 20*time.Second, func() bool { return m.pools["slow"].inFlight.Load() == limit })

	_, err := m.invoke(t, "slow", `{"sleepMs":0}`)
	if !isThrottled(err) {
		t.Fatalf("21st invocation: got %v, want *ThrottledError", err)
	}
	if n := finished.Load(); n != 0 {
		t.Errorf("%d invocations had already finished when the 21st was rejected; the test proves nothing", n)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if _, err := m.invoke(t, "slow", `{"sleepMs":0}`); err != nil {
		t.Errorf("after the burst: %v", err)
	}
	if n := len(m.pids.list()); n != limit {
		t.Errorf("%d processes started, want %d (the burst's, then reused)", n, limit)
	}
}

// helperEnv makes the test binary run runOrphanHelper instead of the tests.
const helperEnv = "PORTICO_FUNCTION_ORPHAN_HELPER"

// runOrphanHelper starts a Manager, invokes the echo function at the path
// in helperEnv, prints the function's pid and waits to be killed.
func runOrphanHelper() {
	m, err := NewManager([]Config{{Name: "echo", Command: []string{os.Getenv(helperEnv)}}}, Options{})
	if err != nil {
		fmt.Println("error", err)
		os.Exit(1)
	}
	pids := &pidSet{}
	m.onStart = pids.add
	if _, err := m.Invoke(context.Background(), "echo", []byte(`{}`), InvokeOptions{}); err != nil {
		fmt.Println("error", err)
		os.Exit(1)
	}
	fmt.Println(pids.list()[0])
	select {}
}

// TestParentKilled checks that function processes die with a SIGKILLed
// Portico (Pdeathsig), using this test binary as the parent.
func TestParentKilled(t *testing.T) {
	skipUnlessLinux(t)
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), helperEnv+"="+fnBin(t, "echo"))
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		t.Fatalf("helper: %v %q", err, line)
	}
	pid, err := strconv.Atoi(line[:len(line)-1])
	if err != nil {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		t.Fatalf("helper said %q", line)
	}
	if processGone(pid) {
		t.Fatal("function process not running before the kill")
	}
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	_ = cmd.Wait()
	// The function is reparented to init (or a subreaper), which reaps it.
	waitFor(t, "the orphaned function process to die", 10*time.Second, func() bool { return !processAlive(pid) })
}

// processAlive reports whether pid exists and is not a zombie.
func processAlive(pid int) bool {
	stat, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return false
	}
	s := string(stat)
	for i := len(s) - 1; i >= 0; i-- {
		if s[i] == ')' {
			return len(s) > i+2 && s[i+2] != 'Z'
		}
	}
	return true
}
