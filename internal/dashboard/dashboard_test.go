package dashboard

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/portico-gw/portico/internal/apidef"
	"github.com/portico-gw/portico/internal/config"
	"github.com/portico-gw/portico/internal/function"
	"github.com/portico-gw/portico/internal/telemetry"
)

type fakeSource struct{ data http.Handler }

func (f fakeSource) Keys(context.Context) ([]Key, error) { return []Key{}, nil }
func (f fakeSource) Functions() []function.Stats         { return []function.Stats{} }
func (f fakeSource) DataPlane() http.Handler             { return f.data }

var t0 = time.Date(2026, 12, 3, 10, 0, 0, 0, time.UTC)

func rec(at time.Time, route string, status int, latency time.Duration, rt string) telemetry.RequestRecord {
	m, res, _ := strings.Cut(route, " ")
	return telemetry.RequestRecord{Start: at, RequestID: fmt.Sprintf("id-%d", at.UnixNano()), API: "a", Stage: "s", Method: m, Path: "/s" + res,
		RouteMethod: m, Resource: res, Status: status, Latency: latency, ResponseType: rt}
}

func TestTrafficMinutesPercentilesAndRollover(t *testing.T) {
	tr := newTraffic()
	k := routeKey{"a", "s", "GET", "/x"}
	// 100 requests in minute 0: 98 at 1 ms, 2 at 100 ms.
	for i := range 100 {
		lat := time.Millisecond
		if i >= 98 {
			lat = 100 * time.Millisecond
		}
		tr.record(k, t0.Add(time.Duration(i)*100*time.Millisecond), 200, lat, "")
	}
	tr.record(k, t0.Add(time.Minute), 429, time.Millisecond, "THROTTLED")
	tr.record(k, t0.Add(time.Minute), 502, time.Millisecond, "DEFAULT_5XX")
	s := tr.snapshot(TrafficFilter{}, t0.Add(time.Minute+time.Second))
	if s.Minutes[59] != t0.Add(time.Minute).Unix() || s.Minutes[58] != t0.Unix() {
		t.Fatalf("minutes end %d %d", s.Minutes[58], s.Minutes[59])
	}
	if s.Requests[58] != 100 || s.Requests[59] != 2 || s.Errors4xx[59] != 1 || s.Errors5xx[59] != 1 || s.Errors4xx[58] != 0 {
		t.Errorf("counts: %v %v %v", s.Requests[58:], s.Errors4xx[58:], s.Errors5xx[58:])
	}
	// Bucket bounds: 1 ms falls in (0.8, 1.131] ms; 100 ms in (90.5, 128] ms.
	if p := s.P50[58]; p == nil || *p != 1.131 {
		t.Errorf("p50 = %v", deref(p))
	}
	if p := s.P99[58]; p == nil || *p != 102.4 {
		t.Errorf("p99 = %v", deref(p))
	}
	if s.P50[0] != nil {
		t.Errorf("an empty minute has p50 %v", *s.P50[0])
	}
	if len(s.ResponseTypes) != 2 || s.ResponseTypes[0] != (TypeCount{"DEFAULT_5XX", 1}) || s.ResponseTypes[1] != (TypeCount{"THROTTLED", 1}) {
		t.Errorf("types: %+v", s.ResponseTypes)
	}
	// An hour later minute 0's bucket is reused: its old counts are gone.
	tr.record(k, t0.Add(time.Hour), 200, time.Millisecond, "")
	s = tr.snapshot(TrafficFilter{}, t0.Add(time.Hour))
	var total uint64
	for _, n := range s.Requests {
		total += n
	}
	if total != 3 || s.Requests[59] != 1 {
		t.Errorf("after an hour: total %d, last %d", total, s.Requests[59])
	}
	// A record older than its bucket's minute is dropped, not counted in
	// the newer minute.
	tr.record(k, t0, 200, time.Millisecond, "")
	if s2 := tr.snapshot(TrafficFilter{}, t0.Add(time.Hour)); s2.Requests[59] != 1 {
		t.Errorf("a stale record was counted: %d", s2.Requests[59])
	}
}

func deref(p *float64) any {
	if p == nil {
		return nil
	}
	return *p
}

func TestTrafficFilterAndOverflow(t *testing.T) {
	tr := newTraffic()
	for i := range maxSeries + 5 {
		tr.record(routeKey{"a", "s", "GET", fmt.Sprintf("/r%d", i)}, t0, 200, time.Millisecond, "")
	}
	tr.record(routeKey{"b", "s", "", ""}, t0, 403, time.Millisecond, "MISSING_AUTHENTICATION_TOKEN")
	s := tr.snapshot(TrafficFilter{API: "a", Route: "GET /r7"}, t0)
	if len(s.Routes) != 1 || s.Routes[0].Requests != 1 || s.Requests[59] != 1 {
		t.Errorf("filtered: %+v", s.Routes)
	}
	all := tr.snapshot(TrafficFilter{}, t0)
	var other *TrafficRoute
	for i := range all.Routes {
		if all.Routes[i].API == "(other)" {
			other = &all.Routes[i]
		}
	}
	if len(all.Routes) != maxSeries+1 || other == nil || other.Requests != 6 || other.Route != "(no route)" {
		t.Errorf("%d routes, overflow %+v", len(all.Routes), other)
	}
}

func TestTailRingAndFilter(t *testing.T) {
	var tl tail
	for i := range tailSize + 10 {
		status := 200
		if i%2 == 1 {
			status = 404
		}
		tl.add(rec(t0.Add(time.Duration(i)), "GET /x", status, time.Millisecond, ""))
	}
	r := tl.recent()
	if len(r) != tailSize || r[0].seq != 11 || r[len(r)-1].seq != tailSize+10 {
		t.Fatalf("recent: %d entries, %d..%d", len(r), r[0].seq, r[len(r)-1].seq)
	}
	f := TailFilter{Class: "4xx", Route: "GET /x", API: "a"}
	n := 0
	for _, e := range r {
		if f.match(e) {
			n++
		}
	}
	if n != tailSize/2 {
		t.Errorf("4xx matches: %d", n)
	}
	if (TailFilter{API: "b"}).match(r[0]) || (TailFilter{Route: "GET /y"}).match(r[0]) {
		t.Error("a filter on another API or route matched")
	}
	// A viewer that does not read loses requests, and adding never blocks.
	s := tl.subscribe()
	for range subscriberBuffer + 3 {
		tl.add(rec(t0, "GET /x", 200, 0, ""))
	}
	if len(s.ch) != subscriberBuffer || s.dropped.Load() != 3 {
		t.Errorf("buffered %d, dropped %d", len(s.ch), s.dropped.Load())
	}
	tl.unsubscribe(s)
	if len(*tl.subs.Load()) != 0 {
		t.Error("unsubscribe left the viewer")
	}
}

func TestExecStoreBoundsAndTee(t *testing.T) {
	var out bytes.Buffer
	b := New(fakeSource{})
	log := slog.New(b.ExecLogHandler(slog.NewTextHandler(&out, nil))).With("apiId", "a", "stage", "s")
	log.Info("Method completed with status: 200", "requestId", "r1")
	log.Debug("not for the text handler", "requestId", "r1")
	log.Info("no request id")
	log.With("requestId", "r2").Error("Execution failed due to a timeout error")
	l1, ok := b.exec.lines("r1")
	if !ok || len(l1) != 2 || l1[0].Message != "Method completed with status: 200" || l1[0].Level != "INFO" || l1[1].Level != "DEBUG" {
		t.Errorf("r1: %+v", l1)
	}
	if l2, _ := b.exec.lines("r2"); len(l2) != 1 || l2[0].Level != "ERROR" {
		t.Errorf("r2: %+v", l2)
	}
	if got := out.String(); !strings.Contains(got, "requestId=r1") || strings.Contains(got, "not for the text handler") || !strings.Contains(got, "no request id") {
		t.Errorf("the wrapped handler got:\n%s", got)
	}
	for i := range execRequests + 1 {
		b.exec.add(fmt.Sprint("x", i), ExecLine{Message: "m"})
	}
	if _, ok := b.exec.lines("x0"); ok {
		t.Error("the oldest request id was kept past the bound")
	}
	if len(b.exec.byID) != execRequests {
		t.Errorf("%d ids kept", len(b.exec.byID))
	}
	for range execLines + 5 {
		b.exec.add("many", ExecLine{Message: "m"})
	}
	if l, _ := b.exec.lines("many"); len(l) != execLines {
		t.Errorf("%d lines kept for one request", len(l))
	}
}

func TestTryRefusesNonLoopbackAndRecoversAbort(t *testing.T) {
	data := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/abort" {
			w.Header().Set("X-A", "1")
			w.WriteHeader(200)
			_, _ = w.Write([]byte("part"))
			panic(http.ErrAbortHandler)
		}
		w.Header().Set("X-Got-Host", r.Host)
		w.Header().Add("X-Multi", "1")
		w.Header().Add("X-Multi", "2")
		w.WriteHeader(201)
		_, _ = w.Write([]byte{0xff, 0xfe})
	})
	h := New(fakeSource{data: data}).Handler()
	try := func(remote, body string) *httptest.ResponseRecorder {
		req := httptest.NewRequest(http.MethodPost, "/portico/try", strings.NewReader(body))
		req.RemoteAddr = remote
		req.Header.Set("Content-Type", "application/json")
		w := httptest.NewRecorder()
		h.ServeHTTP(w, req)
		return w
	}
	if w := try("192.0.2.1:1234", `{"path":"/x"}`); w.Code != 403 {
		t.Errorf("non-loopback: %d %s", w.Code, w.Body)
	}
	w := try("[::1]:1234", `{"method":"post","path":"/x?a=1","headers":[["Host","h.example"],["X-In","v"]],"body":"b"}`)
	var tr TryResponse
	if err := json.Unmarshal(w.Body.Bytes(), &tr); err != nil || w.Code != 200 {
		t.Fatalf("%d %s", w.Code, w.Body)
	}
	want := [][2]string{{"X-Got-Host", "h.example"}, {"X-Multi", "1"}, {"X-Multi", "2"}}
	if tr.Status != 201 || !tr.Base64 || tr.Body != "//4=" || fmt.Sprint(tr.Headers) != fmt.Sprint(want) {
		t.Errorf("answer: %+v", tr)
	}
	w = try("127.0.0.1:1", `{"path":"/abort"}`)
	tr = TryResponse{}
	_ = json.Unmarshal(w.Body.Bytes(), &tr)
	if !tr.Aborted || tr.Body != "part" || tr.Status != 200 {
		t.Errorf("aborted answer: %s", w.Body)
	}
	if w := try("127.0.0.1:1", `{"method":"G ET","path":"/x"}`); w.Code != 400 || !strings.Contains(w.Body.String(), "not a method name") {
		t.Errorf("bad method: %d %s", w.Code, w.Body)
	}
	if w := try("127.0.0.1:1", `{"path":"/x","headers":[["Bad Name","v"]]}`); w.Code != 400 || !strings.Contains(w.Body.String(), "header name") {
		t.Errorf("bad header: %d %s", w.Code, w.Body)
	}
}

func TestTailEndpointRejectsBadFilters(t *testing.T) {
	h := New(fakeSource{}).Handler()
	for _, q := range []string{"class=6xx", "class=4", "last=-1", "last=x", "last=100000"} {
		w := httptest.NewRecorder()
		h.ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/portico/tail?"+q, nil))
		if w.Code != 400 {
			t.Errorf("%s: %d %s", q, w.Code, w.Body)
		}
	}
}

func TestSafeURI(t *testing.T) {
	for in, want := range map[string]string{
		"http://user:pw@h.example/x":                                                  "http://h.example/x",
		"http://${stageVariables.backend}/":                                           "http://${stageVariables.backend}/",
		"arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/F/invocations": "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/F/invocations",
	} {
		if got := safeURI(in); got != want {
			t.Errorf("safeURI(%q) = %q, want %q", in, got, want)
		}
	}
}

// BenchmarkBoardRequest is the dashboard's cost per request on the edge:
// the traffic counters and the tail, from parallel goroutines on a few
// routes.
func BenchmarkBoardRequest(b *testing.B) {
	bd := New(fakeSource{})
	routes := []string{"GET /a", "GET /b", "POST /c", "GET /d/{id}"}
	recs := make([]telemetry.RequestRecord, len(routes))
	for i, r := range routes {
		recs[i] = rec(t0, r, 200, time.Millisecond, "")
	}
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		i := 0
		for pb.Next() {
			r := recs[i%len(recs)]
			r.Start = time.Now()
			bd.Request(r)
			i++
		}
	})
}

func TestDescribeHTTPAPIRoutesAndThrottles(t *testing.T) {
	rate, burst, burst2 := 5.0, 10, 2
	cfg := &config.File{APIs: []config.API{{ID: "h", Definition: "/defs/h.yaml", Stages: []config.Stage{{
		Name: "$default", Variables: map[string]string{"secret": "v"},
		DefaultRouteSettings: &config.RouteSetting{ThrottlingRateLimit: &rate, ThrottlingBurstLimit: &burst},
		RouteSettings:        map[string]config.RouteSetting{"GET /pets": {ThrottlingBurstLimit: &burst2}},
	}}}}}
	def := &apidef.RestAPI{Title: "H", Protocol: apidef.ProtocolHTTP, Source: apidef.Location{File: "/defs/h.yaml"}, Methods: []*apidef.Method{
		{Path: "/pets", HTTPMethod: "GET", Integration: &apidef.Integration{Type: "HTTP_PROXY", URI: "https://u:p@up.example/pets"}, AuthorizationType: "JWT", AuthorizerName: "jwt"},
		{Path: "$default", HTTPMethod: "ANY", DefaultRoute: true, Integration: &apidef.Integration{Type: "AWS_PROXY"}},
	}}
	warn := []apidef.Warning{{Loc: apidef.Location{File: "/defs/h.yaml", Line: 3}, Message: "w"}, {Loc: apidef.Location{File: "/other.yaml"}, Message: "not mine"}}
	apis := DescribeAPIs(cfg, map[string]*apidef.RestAPI{"h": def}, warn)
	if len(apis) != 1 {
		t.Fatalf("%+v", apis)
	}
	a := apis[0]
	if a.Protocol != "HTTP" || len(a.Warnings) != 1 || a.Warnings[0].Line != 3 || len(a.Resources) != 2 {
		t.Fatalf("%+v", a)
	}
	if r := a.Resources[0]; r.Path != "$default" || r.Depth != 0 || r.Methods[0].RouteKey != "$default" || r.Methods[0].Throttle["$default"] != (Limit{5, 10}) {
		t.Errorf("$default: %+v", r)
	}
	m := a.Resources[1].Methods[0]
	if m.RouteKey != "GET /pets" || m.Throttle["$default"] != (Limit{5, 2}) || m.IntegrationURI != "https://up.example/pets" || m.Authorization != "JWT" {
		t.Errorf("GET /pets: %+v", m)
	}
	st := a.Stages[0]
	if strings.Join(st.Variables, ",") != "secret" || len(st.RouteSettings) != 2 || st.RouteSettings[0].RouteKey != "$defaultRouteSettings" || st.RouteSettings[1].RouteKey != "GET /pets" {
		t.Errorf("stage: %+v", st)
	}
	raw, _ := json.Marshal(apis)
	if strings.Contains(string(raw), `"v"`) || strings.Contains(string(raw), "u:p@") {
		t.Errorf("a secret in %s", raw)
	}
}
