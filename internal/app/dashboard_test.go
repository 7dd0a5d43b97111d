package app

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/portico-gw/portico/internal/config"
	"github.com/portico-gw/portico/internal/deploy"
)

// dashboardSecret is the value of the test settings' ${env:...} stage
// variable; no dashboard page or endpoint may show it.
const dashboardSecret = "s3cr3t-stage-variable-value"

// aliceKey is the test settings' API key value.
const aliceKey = "alice-0123456789abcdefghij"

type dashGateway struct {
	data, admin string
	logs        *lockedBuffer
}

// startDashboard runs a gateway on testdata/dashboard/portico.yaml with
// both listeners on free loopback ports.
func startDashboard(t *testing.T) *dashGateway {
	t.Helper()
	cfg, err := filepath.Abs("../../testdata/dashboard/portico.yaml")
	if err != nil {
		t.Fatal(err)
	}
	logs := &lockedBuffer{}
	getenv := func(k string) string {
		if k == "PORTICO_DASHBOARD_SECRET" {
			return dashboardSecret
		}
		return os.Getenv(k)
	}
	g, err := New(Source{ConfigPath: cfg, Getenv: getenv}, Options{Logger: slog.New(slog.NewTextHandler(logs, nil))})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	addrs := make(chan string, 2)
	go func() {
		done <- g.Run(ctx, RunOptions{WatchInterval: -1, Listening: func(d, a string) { addrs <- d; addrs <- a }})
	}()
	dg := &dashGateway{logs: logs}
	select {
	case dg.data = <-addrs:
		dg.admin = <-addrs
	case err := <-done:
		t.Fatalf("run: %v", err)
	}
	t.Cleanup(func() { cancel(); <-done })
	return dg
}

// call sends a data-plane request and returns its status.
func (d *dashGateway) call(t *testing.T, method, path string, header map[string]string, body string) int {
	t.Helper()
	req, err := http.NewRequest(method, "http://"+d.data+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode
}

// adminGet fetches an admin path and decodes its JSON into v (when not
// nil), returning the raw body.
func (d *dashGateway) adminGet(t *testing.T, path string, v any) string {
	t.Helper()
	resp, err := http.Get("http://" + d.admin + path)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %d %s", path, resp.StatusCode, b)
	}
	if v != nil {
		if err := json.Unmarshal(b, v); err != nil {
			t.Fatalf("GET %s: %v in %s", path, err, b)
		}
	}
	return string(b)
}

type tailEvent struct {
	RequestID    string  `json:"requestId"`
	API          string  `json:"api"`
	Stage        string  `json:"stage"`
	Method       string  `json:"method"`
	Path         string  `json:"path"`
	Route        string  `json:"route"`
	Status       int     `json:"status"`
	LatencyMs    float64 `json:"latencyMs"`
	ResponseType string  `json:"responseType"`
	Reason       string  `json:"reason"`
}

// tailStream opens /portico/tail?query and returns its events.
func (d *dashGateway) tailStream(t *testing.T, query string) <-chan tailEvent {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+d.admin+"/portico/tail?"+query, nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "text/event-stream" {
		t.Fatalf("tail: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	ch := make(chan tailEvent, 64)
	ready := make(chan struct{})
	go func() {
		defer resp.Body.Close()
		defer close(ch)
		sc := bufio.NewScanner(resp.Body)
		for sc.Scan() {
			line := sc.Text()
			if line == ": ready" {
				close(ready)
			}
			if data, ok := strings.CutPrefix(line, "data: "); ok {
				var e tailEvent
				if err := json.Unmarshal([]byte(data), &e); err != nil {
					t.Errorf("tail event %q: %v", data, err)
					return
				}
				ch <- e
			}
		}
	}()
	select {
	case <-ready:
	case <-time.After(10 * time.Second):
		t.Fatal("the tail did not get ready")
	}
	return ch
}

func nextEvent(t *testing.T, ch <-chan tailEvent) tailEvent {
	t.Helper()
	select {
	case e, ok := <-ch:
		if !ok {
			t.Fatal("tail closed")
		}
		return e
	case <-time.After(10 * time.Second):
		t.Fatal("no tail event in 10s")
	}
	return tailEvent{}
}

// TestDashboardListsManagedAPIs: APIs deployed through the management API
// appear in the dashboard's APIs view next to the settings file's, marked
// as coming from the management API; the settings are not changed.
func TestDashboardListsManagedAPIs(t *testing.T) {
	cfg := &config.File{APIs: []config.API{{ID: "file", Definition: "/defs/file.yaml"}}}
	l := &Loaded{Specs: []deploy.APISpec{{ID: "file"}, {ID: "m1abcdefgh", Stages: []deploy.StageSpec{{Name: "prod", Variables: map[string]string{"v": "1"}}}}}}
	out := withManagedAPIs(cfg, l)
	if len(cfg.APIs) != 1 {
		t.Fatalf("the settings changed: %+v", cfg.APIs)
	}
	if len(out.APIs) != 2 || out.APIs[1].ID != "m1abcdefgh" || out.APIs[1].Definition != "management API" ||
		len(out.APIs[1].Stages) != 1 || out.APIs[1].Stages[0].Name != "prod" || out.APIs[1].Stages[0].Variables["v"] != "1" {
		t.Errorf("got %+v", out.APIs)
	}
}
