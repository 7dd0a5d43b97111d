// Package mototest starts a throwaway moto_server (moto's AWS service
// emulator) for tests: on a free loopback port, killed with its process
// group when the test ends. If moto_server is not on PATH, Start skips the
// test with a loud message, unless PORTICO_REQUIRE_MOTO=1, which turns the
// skip into a failure (CI sets it).
package mototest

import (
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"syscall"
	"testing"
	"time"
)

// RequireEnv is the environment variable that, set to 1, turns a missing
// moto_server into a test failure instead of a skip.
const RequireEnv = "PORTICO_REQUIRE_MOTO"

// startTimeout bounds how long moto_server may take to answer; it is a
// readiness bound for a slow machine, not a test assertion.
const startTimeout = 60 * time.Second

// Server is a moto_server child process owned by one test.
type Server struct {
	// URL is the emulator's base URL (http://127.0.0.1:PORT).
	URL string
}

// Start starts moto_server on a free 127.0.0.1 port, waits until it
// answers, and kills it when the test ends.
func Start(tb testing.TB) *Server {
	tb.Helper()
	bin, err := exec.LookPath("moto_server")
	if err != nil {
		msg := "moto_server not found on PATH: SKIPPING tests against a real AWS service emulator " +
			"(install it, e.g. pip install 'moto[server]'; set " + RequireEnv + "=1 to make this a failure)"
		if os.Getenv(RequireEnv) == "1" {
			tb.Fatal(msg)
		}
		tb.Skip(msg)
	}
	var lastErr error
	for range 3 {
		var s *Server
		if s, lastErr = start(tb, bin); lastErr == nil {
			return s
		}
	}
	tb.Fatalf("mototest: start moto_server: %v", lastErr)
	return nil
}

func start(tb testing.TB, bin string) (*Server, error) {
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	logPath := filepath.Join(tb.TempDir(), "moto.log")
	log, err := os.Create(logPath)
	if err != nil {
		return nil, err
	}
	defer log.Close()
	cmd := exec.Command(bin, "-H", "127.0.0.1", "-p", strconv.Itoa(port))
	cmd.Stdout, cmd.Stderr = log, log
	// Its own process group (the pyenv shim execs Python, which may start
	// children), killed as a whole; and killed if the test binary dies.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	exited := make(chan struct{})
	go func() {
		_ = cmd.Wait()
		close(exited)
	}()
	stop := func() {
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		<-exited
	}
	s := &Server{URL: "http://" + net.JoinHostPort("127.0.0.1", strconv.Itoa(port))}
	if err := waitReady(s.URL, exited); err != nil {
		stop()
		out, _ := os.ReadFile(logPath)
		return nil, fmt.Errorf("%w; moto_server output:\n%s", err, out)
	}
	tb.Cleanup(stop)
	return s, nil
}

// freePort asks the kernel for a free loopback port; moto_server needs an
// explicit one, so the listener is closed before it binds.
func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// waitReady polls moto's own API until it answers 200, the process exits,
// or startTimeout passes.
func waitReady(base string, exited <-chan struct{}) error {
	client := &http.Client{Timeout: time.Second}
	deadline := time.Now().Add(startTimeout)
	for {
		if resp, err := client.Get(base + "/moto-api/"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		select {
		case <-exited:
			return fmt.Errorf("moto_server on %s exited before answering", base)
		case <-time.After(50 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("moto_server on %s did not answer within %v", base, startTimeout)
		}
	}
}
