package gatewaytest

import (
	"bytes"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/portico-gw/portico/internal/app"
)

// Options describes the gateway to boot.
type Options struct {
	// Definition is the path of the OpenAPI/Swagger file.
	Definition string
	// APIID is the apiId (default "testapi").
	APIID string
	// Stages maps stage names to extra variables; nil means one stage "dev",
	// an empty map no stages at all (an HTTP API's $default stage). Every
	// stage also gets backend, refused and garbage variables.
	Stages map[string]map[string]string
	// Extra is YAML appended to the generated settings file.
	Extra string
	// StageExtra is YAML added to every stage entry.
	StageExtra string
	// Template serves a SAM or CloudFormation template instead of
	// Definition (settings templates: [{path}]); TemplateOverrides are its
	// parameterOverrides.
	Template          string
	TemplateOverrides map[string]string
	// Dashboard turns the admin listener's setting on (127.0.0.1:0), so
	// the gateway records for the dashboard; the admin listener itself is
	// not started.
	Dashboard bool
}

// Gateway is a running in-process gateway.
type Gateway struct {
	// URL is the data plane's base URL.
	URL string
	// Upstream is the fake back end's address (host:port).
	Upstream string
	// Refused is an address where nothing listens.
	Refused      string
	logs, access *syncBuffer
	received     *recorder
	// App is the gateway itself, for reload tests.
	App *app.Gateway
	// ConfigPath is the generated settings file.
	ConfigPath string
}

// Start boots a gateway; everything stops at the end of the test.
func Start(t testing.TB, o Options) *Gateway {
	t.Helper()
	rec := &recorder{next: Upstream()}
	up := httptest.NewServer(rec)
	t.Cleanup(up.Close)
	garbage := startGarbage(t)
	refused := refusedAddr(t)
	g := &Gateway{Upstream: up.Listener.Addr().String(), Refused: refused, received: rec,
		logs: &syncBuffer{b: &bytes.Buffer{}}, access: &syncBuffer{b: &bytes.Buffer{}}}
	if o.APIID == "" {
		o.APIID = "testapi"
	}
	if o.Stages == nil {
		o.Stages = map[string]map[string]string{"dev": nil}
	}
	if o.Template != "" {
		o.Definition = o.Template
	}
	def, err := filepath.Abs(o.Definition)
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	admin := `"off"`
	if o.Dashboard {
		admin = "127.0.0.1:0"
	}
	if o.Template != "" {
		fmt.Fprintf(&b, "listen: 127.0.0.1:0\nadmin: {listen: %s}\ntemplates:\n  - path: %q\n", admin, def)
		if len(o.TemplateOverrides) > 0 {
			b.WriteString("    parameterOverrides:\n")
			for k, v := range o.TemplateOverrides {
				fmt.Fprintf(&b, "      %s: %q\n", k, v)
			}
		}
		o.Stages = map[string]map[string]string{}
	} else {
		fmt.Fprintf(&b, "listen: 127.0.0.1:0\nadmin: {listen: %s}\napis:\n  - id: %s\n    definition: %q\n", admin, o.APIID, def)
	}
	if len(o.Stages) > 0 {
		b.WriteString("    stages:\n")
	}
	names := make([]string, 0, len(o.Stages))
	for n := range o.Stages {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(&b, "      - name: %s\n        variables:\n          backend: %q\n          refused: %q\n          garbage: %q\n", n, g.Upstream, refused, garbage)
		for k, v := range o.Stages[n] {
			fmt.Fprintf(&b, "          %s: %q\n", k, v)
		}
		for _, line := range strings.Split(strings.TrimRight(o.StageExtra, "\n"), "\n") {
			if line != "" {
				fmt.Fprintf(&b, "        %s\n", line)
			}
		}
	}
	b.WriteString(o.Extra)
	g.ConfigPath = filepath.Join(t.TempDir(), "portico.yaml")
	if err := os.WriteFile(g.ConfigPath, []byte(b.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.NewTextHandler(g.logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	g.App, err = app.New(app.Source{ConfigPath: g.ConfigPath, Getenv: os.Getenv}, app.Options{Logger: log, AccessLog: g.access})
	if err != nil {
		t.Fatalf("start gateway: %v", err)
	}
	// The data plane's own server, as `portico serve` picks it
	// (PORTICO_TEST_HTTP1=net/http runs the suite on net/http's).
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv, wrap := g.App.DataServer()
	if os.Getenv("PORTICO_TEST_HTTP1") == "net/http" {
		srv, wrap = g.App.NetHTTPServer()
	}
	go func() { _ = srv.Serve(wrap(l)) }()
	t.Cleanup(func() { _ = srv.Close(); _ = g.App.Close() })
	g.URL = "http://" + l.Addr().String()
	return g
}

// refusedAddr returns a loopback address with no listener.
func refusedAddr(t testing.TB) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	return addr
}

// Do sends a request to the gateway.
func (g *Gateway) Do(t testing.TB, req *http.Request) *http.Response {
	t.Helper()
	resp, err := http.DefaultTransport.RoundTrip(req)
	if err != nil {
		t.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	return resp
}

// UpstreamRequests lists the requests the fake upstream received so far,
// as "METHOD request-target" (the target as sent on the wire).
func (g *Gateway) UpstreamRequests() []string { return g.received.list() }

// Logs returns everything the gateway logged so far.
func (g *Gateway) Logs() string { return g.logs.String() }

// AccessLog returns the access-log lines written so far.
func (g *Gateway) AccessLog() string { return g.access.String() }
