package function

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// testFunctions are the Lambda functions under testdata/functions.
var testFunctions = []string{"echo", "slow", "panic", "malformed", "errormsg", "envdump", "crash", "gate", "memhog"}

// functionsBuilt is set once builtFunctions ran (tests run sequentially
// before TestMain reads it).
var functionsBuilt bool

// builtFunctions builds every test function once per test binary, with one
// `go build` (without -race: they are the code under test's clients).
var builtFunctions = sync.OnceValues(func() (string, error) {
	functionsBuilt = true
	dir, err := os.MkdirTemp("", "portico-function-test-")
	if err != nil {
		return "", err
	}
	args := []string{"build", "-o", dir + string(filepath.Separator)}
	for _, f := range testFunctions {
		args = append(args, "./testdata/functions/"+f)
	}
	out, err := exec.Command("go", args...).CombinedOutput()
	if err != nil {
		return "", fmt.Errorf("go build: %v\n%s", err, out)
	}
	return dir, nil
})

func TestMain(m *testing.M) {
	if os.Getenv(helperEnv) != "" {
		runOrphanHelper()
		return
	}
	code := m.Run()
	if functionsBuilt { // (a fuzzing run may use none of them)
		if dir, err := builtFunctions(); err == nil {
			os.RemoveAll(dir)
		}
	}
	os.Exit(code)
}

// fnBin returns the path of a built test function.
func fnBin(t testing.TB, name string) string {
	t.Helper()
	dir, err := builtFunctions()
	if err != nil {
		t.Fatal(err)
	}
	return filepath.Join(dir, name)
}

// logBuffer is a concurrency-safe buffer for a test logger.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *logBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *logBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// pidSet records the processes a Manager started.
type pidSet struct {
	mu   sync.Mutex
	pids []int
}

func (s *pidSet) add(pid int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.pids = append(s.pids, pid)
}

func (s *pidSet) list() []int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]int(nil), s.pids...)
}

// last returns the most recently started pid.
func (s *pidSet) last(t testing.TB) int {
	t.Helper()
	l := s.list()
	if len(l) == 0 {
		t.Fatal("no process started")
	}
	return l[len(l)-1]
}

// testManager is a Manager with its started pids and log output.
type testManager struct {
	*Manager
	pids *pidSet
	logs *logBuffer
}

// newTestManager returns a Manager that the test closes at cleanup, after
// which it checks that none of its processes is left.
func newTestManager(t testing.TB, opts Options, cfgs ...Config) *testManager {
	t.Helper()
	logs := &logBuffer{}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	if opts.CacheDir == "" {
		opts.CacheDir = t.TempDir()
	}
	m, err := NewManager(cfgs, opts)
	if err != nil {
		t.Fatal(err)
	}
	pids := &pidSet{}
	m.onStart = pids.add
	t.Cleanup(func() {
		if err := m.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
		for _, pid := range pids.list() {
			if isOurChild(pid) {
				t.Errorf("process %d still exists after Close", pid)
			}
		}
	})
	return &testManager{Manager: m, pids: pids, logs: logs}
}

// isOurChild reports whether pid exists (zombies included) and is a child
// of this test process.
func isOurChild(pid int) bool {
	stat, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return false
	}
	// The parent pid is the second field after the parenthesised command.
	s := string(stat)
	fields := strings.Fields(s[strings.LastIndexByte(s, ')')+1:])
	return len(fields) > 1 && fields[1] == strconv.Itoa(os.Getpid())
}

// processGone reports whether pid no longer exists at all.
func processGone(pid int) bool {
	_, err := os.Stat("/proc/" + strconv.Itoa(pid))
	return err != nil
}

// waitFor polls cond until it holds or the timeout passes.
func waitFor(t testing.TB, what string, timeout time.Duration, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// processes returns how many processes the named pool holds.
func (m *testManager) processes(name string) int {
	p := m.pools[name]
	p.mu.Lock()
	defer p.mu.Unlock()
	return len(p.all)
}

// invoke calls Invoke with a background context and a 30 s safety net.
func (m *testManager) invoke(t testing.TB, name, payload string) (*Response, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	return m.Invoke(ctx, name, []byte(payload), InvokeOptions{})
}

// skipUnlessLinux skips tests that read /proc or rely on Pdeathsig.
func skipUnlessLinux(t testing.TB) {
	if runtime.GOOS != "linux" {
		t.Skip("needs Linux")
	}
}

// busy returns how many of the named pool's processes are running an
// invocation.
func (m *testManager) busy(name string) int {
	p := m.pools[name]
	p.mu.Lock()
	defer p.mu.Unlock()
	n := 0
	for sb := range p.all {
		if sb.currentID() != "" {
			n++
		}
	}
	return n
}

// idle returns how many warm processes the named pool holds.
func (m *testManager) idle(name string) int {
	p := m.pools[name]
	p.mu.Lock()
	defer p.mu.Unlock()
	return len(p.idle)
}
