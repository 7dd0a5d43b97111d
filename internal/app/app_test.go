package app

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

const defTemplate = `openapi: "3.0.1"
info: {title: t, version: "1"}
paths:
  /a:
    get:
      responses: {"200": {description: x}}
      x-amazon-apigateway-integration:
        type: mock
        requestTemplates: {application/json: '{"statusCode": 200}'}
        responses: {default: {statusCode: "200", responseTemplates: {application/json: 'BODY'}}}
  /slow:
    get:
      responses: {"200": {description: x}}
      x-amazon-apigateway-integration: {type: http_proxy, httpMethod: GET, uri: "http://${stageVariables.backend}/slow"}
`

type fixture struct {
	dir, def string
	logs     *lockedBuffer
	data     string
	stop     context.CancelFunc
	done     chan error
	reload   chan os.Signal
}

type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}
func (l *lockedBuffer) String() string { l.mu.Lock(); defer l.mu.Unlock(); return l.b.String() }

// start runs a gateway with a definition answering body on GET /a and a
// slow upstream behind GET /slow.
func start(t *testing.T, body string, watch time.Duration, upstream http.Handler) *fixture {
	t.Helper()
	up := httptest.NewServer(upstream)
	t.Cleanup(up.Close)
	f := &fixture{dir: t.TempDir(), logs: &lockedBuffer{}, done: make(chan error, 1), reload: make(chan os.Signal, 1)}
	f.def = filepath.Join(f.dir, "api.yaml")
	f.writeDef(t, body)
	cfg := "listen: 127.0.0.1:0\nadmin: {listen: 127.0.0.1:0}\nserver: {shutdownTimeout: 5s}\napis:\n  - id: t\n    definition: api.yaml\n    stages: [{name: dev, variables: {backend: \"" + up.Listener.Addr().String() + "\"}}]\n"
	cfgPath := filepath.Join(f.dir, "portico.yaml")
	if err := os.WriteFile(cfgPath, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	g, err := New(Source{ConfigPath: cfgPath, Getenv: os.Getenv}, Options{Logger: slog.New(slog.NewTextHandler(f.logs, nil))})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	f.stop = cancel
	addrs := make(chan string, 2)
	go func() {
		f.done <- g.Run(ctx, RunOptions{Reload: f.reload, WatchInterval: watch, Listening: func(d, a string) { addrs <- d; addrs <- a }})
	}()
	select {
	case f.data = <-addrs:
		admin := <-addrs
		waitFor(t, func() bool { return get(t, "http://"+admin+"/readyz") != "" })
	case err := <-f.done:
		t.Fatalf("run: %v", err)
	}
	t.Cleanup(func() { cancel(); <-f.done })
	return f
}

func (f *fixture) writeDef(t *testing.T, body string) {
	t.Helper()
	if err := os.WriteFile(f.def, []byte(strings.Replace(defTemplate, "BODY", body, 1)), 0o600); err != nil {
		t.Fatal(err)
	}
}

func get(t *testing.T, url string) string {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		return ""
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return string(b)
}

// waitFor polls cond for up to five seconds.
func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("condition not reached in 5s")
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestReloadOnSIGHUPKeepsOldOnError(t *testing.T) {
	t.Parallel()
	f := start(t, "one", -1, http.NotFoundHandler())
	url := "http://" + f.data + "/dev/a"
	if got := get(t, url); got != "one" {
		t.Fatalf("got %q", got)
	}
	f.writeDef(t, "two")
	f.reload <- os.Interrupt
	waitFor(t, func() bool { return get(t, url) == "two" })
	if err := os.WriteFile(f.def, []byte("openapi: [broken"), 0o600); err != nil {
		t.Fatal(err)
	}
	f.reload <- os.Interrupt
	waitFor(t, func() bool { return strings.Contains(f.logs.String(), "reload failed") })
	if got := get(t, url); got != "two" {
		t.Errorf("after a bad reload got %q, want the old deployment's %q", got, "two")
	}
	if !strings.Contains(f.logs.String(), "api.yaml") {
		t.Errorf("reload failure does not name the file: %s", f.logs.String())
	}
}

func TestReloadOnFileChange(t *testing.T) {
	t.Parallel()
	f := start(t, "one", 20*time.Millisecond, http.NotFoundHandler())
	url := "http://" + f.data + "/dev/a"
	f.writeDef(t, "three-longer")
	waitFor(t, func() bool { return get(t, url) == "three-longer" })
}

func TestGracefulShutdownDrains(t *testing.T) {
	t.Parallel()
	entered := make(chan struct{})
	release := make(chan struct{})
	slow := http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		close(entered)
		<-release
		_, _ = io.WriteString(w, "finished")
	})
	f := start(t, "one", -1, slow)
	got := make(chan string, 1)
	go func() { got <- get(t, "http://"+f.data+"/dev/slow") }()
	<-entered
	f.stop()
	// Wait until the listener is closed (shutdown has begun), then let the
	// in-flight request finish: it must still get its answer.
	waitFor(t, func() bool {
		c, err := net.Dial("tcp", f.data)
		if err == nil {
			c.Close()
		}
		return err != nil
	})
	close(release)
	if body := <-got; body != "finished" {
		t.Errorf("in-flight request got %q, want it drained", body)
	}
	if err := <-f.done; err != nil {
		t.Errorf("run: %v", err)
	}
	f.done <- nil
}
