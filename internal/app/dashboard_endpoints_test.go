package app

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/portico-gw/portico/internal/dashboard"
	"github.com/portico-gw/portico/internal/function"
)

func findMethod(t *testing.T, a dashboard.API, path, method string) dashboard.Method {
	t.Helper()
	for _, r := range a.Resources {
		if r.Path == path {
			for _, m := range r.Methods {
				if m.HTTPMethod == method {
					return m
				}
			}
		}
	}
	t.Fatalf("no %s %s in %+v", method, path, a.Resources)
	return dashboard.Method{}
}

func TestDashboardPageAndAPIs(t *testing.T) {
	t.Parallel()
	d := startDashboard(t)
	page := d.adminGet(t, "/", nil)
	if !strings.Contains(page, "<title>Portico dashboard</title>") || !strings.Contains(page, `src="static/app.js"`) {
		t.Errorf("/ is not the dashboard page: %.200s", page)
	}
	if js := d.adminGet(t, "/static/app.js", nil); !strings.Contains(js, "portico/apis") {
		t.Errorf("app.js: %.200s", js)
	}
	if lic := d.adminGet(t, "/static/vendor/uplot/LICENSE", nil); !strings.Contains(lic, "The MIT License") {
		t.Errorf("uPlot LICENSE not served: %.100s", lic)
	}
	// The admin routes are still there beside the dashboard.
	if rz := d.adminGet(t, "/readyz", nil); !strings.Contains(rz, `"status":"ready"`) {
		t.Errorf("/readyz: %s", rz)
	}

	var body struct{ APIs []dashboard.API }
	raw := d.adminGet(t, "/portico/apis", &body)
	if strings.Contains(raw, dashboardSecret) || strings.Contains(raw, aliceKey) {
		t.Fatalf("/portico/apis shows a secret: %s", raw)
	}
	if len(body.APIs) != 1 {
		t.Fatalf("apis: %+v", body.APIs)
	}
	a := body.APIs[0]
	if a.ID != "petstore" || a.Protocol != "REST" || a.Title != "Petstore (dashboard test)" || !strings.HasSuffix(a.Source, "testdata/dashboard/openapi.yaml") {
		t.Errorf("api: id %q protocol %q title %q source %q", a.ID, a.Protocol, a.Title, a.Source)
	}
	if len(a.Warnings) != 1 || !strings.Contains(a.Warnings[0].Message, "x-amazon-apigateway-documentation is not implemented") || a.Warnings[0].Line != 6 {
		t.Errorf("warnings: %+v", a.Warnings)
	}
	if len(a.Stages) != 1 || a.Stages[0].Name != "prod" || strings.Join(a.Stages[0].Variables, ",") != "backend,token" || a.Stages[0].LoggingLevel != "INFO" {
		t.Fatalf("stages: %+v", a.Stages)
	}
	if c, ms := a.Stages[0].Cache, a.Stages[0].MethodSettings; c == nil || c.SizeGB != 1.6 || c.TTL != 300 ||
		len(ms) != 1 || ms[0].CachingEnabled == nil || !*ms[0].CachingEnabled || *ms[0].CacheTTL != 30 {
		t.Errorf("cache settings: %+v %+v", c, ms)
	}
	var paths []string
	for _, r := range a.Resources {
		paths = append(paths, r.Path)
	}
	if got := strings.Join(paths, " "); got != "/ /admin /admin/pets /fn /fn/echo /orders /pets /premium /premium/pets" {
		t.Errorf("resource tree: %s", got)
	}
	if m := findMethod(t, a, "/premium/pets", "GET"); !m.APIKeyRequired || m.Integration != "MOCK" || m.Authorization != "NONE" {
		t.Errorf("/premium/pets GET: %+v", m)
	}
	if m := findMethod(t, a, "/orders", "POST"); m.Validator == nil || *m.Validator != (dashboard.Validator{Name: "body-and-params", Body: true, Parameters: true}) {
		t.Errorf("/orders POST validator: %+v", m.Validator)
	}
	if m := findMethod(t, a, "/admin/pets", "GET"); m.Authorization != "CUSTOM" || m.Authorizer != "bearer" || m.AuthorizerType != "TOKEN" {
		t.Errorf("/admin/pets GET: %+v", m)
	}
	if m := findMethod(t, a, "/pets", "GET"); m.Throttle["prod"] != (dashboard.Limit{Rate: 100, Burst: 50}) || !strings.Contains(m.Source, "openapi.yaml:") {
		t.Errorf("/pets GET: %+v", m)
	}
	if m := findMethod(t, a, "/fn/echo", "POST"); m.Integration != "AWS_PROXY" || !strings.Contains(m.IntegrationURI, "function:Echo") {
		t.Errorf("/fn/echo POST: %+v", m)
	}
}

func TestDashboardTrafficTailKeys(t *testing.T) {
	t.Parallel()
	d := startDashboard(t)
	live := d.tailStream(t, "class=4xx&last=0")
	if s := d.call(t, "GET", "/prod/pets", nil, ""); s != 200 {
		t.Fatalf("GET /prod/pets: %d", s)
	}
	if s := d.call(t, "GET", "/prod/premium/pets", nil, ""); s != 403 {
		t.Fatalf("GET /prod/premium/pets without a key: %d", s)
	}
	first := nextEvent(t, live)
	if first.Status != 403 || first.ResponseType != "INVALID_API_KEY" || first.Route != "GET /premium/pets" || first.Path != "/prod/premium/pets" || first.Reason != "no API key in the request (source HEADER x-api-key)" || first.Reason == "" {
		t.Errorf("first 4xx event: %+v", first)
	}
	var keys struct{ Keys []dashboard.Key }
	quota := func() dashboard.Quota {
		t.Helper()
		raw := d.adminGet(t, "/portico/keys", &keys)
		if strings.Contains(raw, aliceKey) {
			t.Fatalf("/portico/keys shows a key value: %s", raw)
		}
		if len(keys.Keys) != 1 || len(keys.Keys[0].Plans) != 1 || keys.Keys[0].Plans[0].Quota == nil {
			t.Fatalf("keys: %s", raw)
		}
		return *keys.Keys[0].Plans[0].Quota
	}
	q := quota()
	k := keys.Keys[0]
	if k.Name != "alice" || k.Value != "****ghij" || !k.Enabled || k.Plans[0].Name != "basic" || *k.Plans[0].Throttle != (dashboard.Limit{Rate: 100, Burst: 100}) ||
		strings.Join(k.Plans[0].Stages, ",") != "petstore/prod" {
		t.Errorf("key: %+v", k)
	}
	now := time.Now().UTC()
	reset := time.Date(now.Year(), now.Month(), now.Day()+1, 0, 0, 0, 0, time.UTC).Format(time.RFC3339)
	if q != (dashboard.Quota{Limit: 3, Period: "DAY", Used: 0, Remaining: 3, ResetsAt: reset}) {
		t.Errorf("quota before use: %+v", q)
	}
	for i := range 3 {
		if s := d.call(t, "GET", "/prod/premium/pets", map[string]string{"x-api-key": aliceKey}, ""); s != 200 {
			t.Fatalf("keyed call %d: %d", i, s)
		}
	}
	if q := quota(); q.Used != 3 || q.Remaining != 0 {
		t.Errorf("quota after 3 calls: %+v", q)
	}
	if s := d.call(t, "GET", "/prod/premium/pets", map[string]string{"x-api-key": aliceKey}, ""); s != 429 {
		t.Fatalf("over quota: %d", s)
	}
	over := nextEvent(t, live)
	if over.Status != 429 || over.ResponseType != "QUOTA_EXCEEDED" || over.Reason == "" || over.API != "petstore" || over.Stage != "prod" {
		t.Errorf("429 event: %+v", over)
	}
	if !strings.Contains(d.logs.String(), over.Reason) {
		t.Errorf("the tail's reason %q is not the rejection log's: %s", over.Reason, d.logs.String())
	}

	// The 429's execution-log lines.
	var log struct {
		Kept  bool
		Lines []dashboard.ExecLine
	}
	d.adminGet(t, "/portico/requests/"+over.RequestID+"/log", &log)
	if !log.Kept || len(log.Lines) == 0 || log.Lines[len(log.Lines)-1].Message != "Method completed with status: 429" {
		t.Errorf("execution log of %s: %+v", over.RequestID, log)
	}

	// The backlog: a new viewer of 2xx sees the four successes, oldest first.
	ok := d.tailStream(t, "class=2xx")
	for i, want := range []string{"/prod/pets", "/prod/premium/pets", "/prod/premium/pets", "/prod/premium/pets"} {
		if e := nextEvent(t, ok); e.Path != want || e.Status != 200 {
			t.Errorf("2xx backlog %d: %+v, want %s", i, e, want)
		}
	}

	var tr dashboard.Traffic
	d.adminGet(t, "/portico/traffic", &tr)
	if len(tr.Minutes) != 60 || tr.Minutes[59] != time.Now().Unix()/60*60 && tr.Minutes[59] != time.Now().Unix()/60*60-60 {
		t.Errorf("minutes: %d, last %d", len(tr.Minutes), tr.Minutes[len(tr.Minutes)-1])
	}
	var total, c4 uint64
	for i := range tr.Requests {
		total += tr.Requests[i]
		c4 += tr.Errors4xx[i]
	}
	if total != 6 || c4 != 2 {
		t.Errorf("traffic totals: %d requests, %d 4xx", total, c4)
	}
	byRoute := map[string]dashboard.TrafficRoute{}
	for _, r := range tr.Routes {
		byRoute[r.Route] = r
	}
	if r := byRoute["GET /premium/pets"]; r.Requests != 5 || r.Errors4xx != 2 || r.Errors5xx != 0 || r.P50 == nil || r.P99 == nil || *r.P99 < *r.P50 {
		t.Errorf("GET /premium/pets: %+v", r)
	}
	if r := byRoute["GET /pets"]; r.Requests != 1 || r.API != "petstore" || r.Stage != "prod" {
		t.Errorf("GET /pets: %+v", r)
	}
	want := []dashboard.TypeCount{{ResponseType: "INVALID_API_KEY", Count: 1}, {ResponseType: "QUOTA_EXCEEDED", Count: 1}}
	if len(tr.ResponseTypes) != 2 || tr.ResponseTypes[0] != want[0] || tr.ResponseTypes[1] != want[1] {
		t.Errorf("response types: %+v", tr.ResponseTypes)
	}
	var one dashboard.Traffic
	d.adminGet(t, "/portico/traffic?route=GET+/pets", &one)
	if len(one.Routes) != 1 || one.Routes[0].Route != "GET /pets" || len(one.ResponseTypes) != 0 {
		t.Errorf("filtered traffic: %+v", one.Routes)
	}
}

func TestDashboardFunctions(t *testing.T) {
	t.Parallel()
	d := startDashboard(t)
	stats := func() map[string]function.Stats {
		var body struct{ Functions []function.Stats }
		d.adminGet(t, "/portico/functions", &body)
		out := map[string]function.Stats{}
		for _, f := range body.Functions {
			out[f.Name] = f
		}
		return out
	}
	if e := stats()["Echo"]; e != (function.Stats{Name: "Echo", Runtime: "provided", ReservedConcurrency: 2}) {
		t.Errorf("Echo before use: %+v", e)
	}
	if s := d.call(t, "POST", "/prod/fn/echo", nil, `{"statusCode":200,"body":"hi"}`); s != 200 {
		t.Fatalf("echo: %d", s)
	}
	if s := d.call(t, "POST", "/prod/fn/echo", nil, `not json`); s != 502 {
		t.Fatalf("echo of a bad body: %d", s)
	}
	e := stats()["Echo"]
	if e.Invocations != 2 || e.ColdStarts != 1 || e.Errors != 1 || e.Warm != 1 || e.Busy != 0 || !strings.Contains(e.LastError, "Expecting value: line 1 column 1 (char 0)") || e.LastErrorAt == "" {
		t.Errorf("Echo after use: %+v", e)
	}
	if a := stats()["Authorizer"]; a.Invocations != 0 || a.Warm != 0 {
		t.Errorf("Authorizer: %+v", a)
	}
}

func tryIt(t *testing.T, d *dashGateway, contentType, origin, body string) (int, dashboard.TryResponse, string) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, "http://"+d.admin+"/portico/try", bytes.NewBufferString(body))
	req.Header.Set("Content-Type", contentType)
	if origin != "" {
		req.Header.Set("Origin", origin)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	var tr dashboard.TryResponse
	if resp.StatusCode == http.StatusOK {
		if err := json.Unmarshal(raw, &tr); err != nil {
			t.Fatal(err)
		}
	}
	return resp.StatusCode, tr, string(raw)
}

func TestDashboardTry(t *testing.T) {
	t.Parallel()
	d := startDashboard(t)
	status, tr, raw := tryIt(t, d, "application/json", "", `{"method":"GET","path":"/prod/pets","headers":[["Accept","application/json"]]}`)
	if status != 200 || tr.Status != 200 || tr.Body != `[{"id":1,"type":"dog"}]` {
		t.Fatalf("try GET /prod/pets: %d %s", status, raw)
	}
	hdr := map[string]string{}
	for _, h := range tr.Headers {
		hdr[h[0]] = h[1]
	}
	if hdr["Content-Type"] != "application/json" || hdr["x-amzn-RequestId"] == "" || hdr["x-amz-apigw-id"] == "" {
		t.Errorf("try headers: %v", tr.Headers)
	}
	status, tr, raw = tryIt(t, d, "application/json", "http://"+d.admin, `{"method":"POST","path":"/prod/orders","headers":[["Content-Type","application/json"]],"body":"{\"petId\":1}"}`)
	if status != 200 || tr.Status != 400 || !strings.Contains(tr.Body, "Invalid request body") {
		t.Errorf("try POST /prod/orders with a bad body: %d %s", status, raw)
	}
	if status, _, raw := tryIt(t, d, "text/plain", "", `{"path":"/prod/pets"}`); status != 415 {
		t.Errorf("text/plain: %d %s", status, raw)
	}
	if status, _, raw := tryIt(t, d, "application/json", "http://evil.example", `{"path":"/prod/pets"}`); status != 403 || !strings.Contains(raw, "cross-origin") {
		t.Errorf("cross-origin: %d %s", status, raw)
	}
	if status, _, raw := tryIt(t, d, "application/json", "", `{"path":"prod/pets"}`); status != 400 || !strings.Contains(raw, `path must start with \"/\"`) {
		t.Errorf("bad path: %d %s", status, raw)
	}
	if status, _, raw := tryIt(t, d, "application/json", "", `{"path":"/prod/pets","bogus":1}`); status != 400 || !strings.Contains(raw, "unknown field") {
		t.Errorf("unknown field: %d %s", status, raw)
	}
}
