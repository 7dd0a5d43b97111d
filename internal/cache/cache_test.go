package cache

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/portico-gw/portico/internal/awslimits"
	"github.com/portico-gw/portico/internal/fault"
	"github.com/portico-gw/portico/internal/pipeline"
)

// counting is an integration that answers with a body naming how many
// times it was called.
type counting struct {
	mu     sync.Mutex
	n      int
	status int
	body   string // default "call N"
	stream bool
	err    error
}

func (c *counting) Name() string { return "integration:HTTP_PROXY" }

func (c *counting) Invoke(_ context.Context, _ *pipeline.Call) (*pipeline.Result, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.n++
	if c.err != nil {
		return nil, c.err
	}
	status := c.status
	if status == 0 {
		status = 200
	}
	body := c.body
	if body == "" {
		body = "call " + string(rune('0'+c.n))
	}
	res := &pipeline.Result{Status: status, Header: http.Header{"Content-Type": {"text/plain"}}}
	if c.stream {
		res.Stream, res.ContentLength = io.NopCloser(strings.NewReader(body)), -1
	} else {
		res.Body = []byte(body)
	}
	return res, nil
}

func (c *counting) calls() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.n
}

// clock is a fake clock.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

func newClock() *clock { return &clock{t: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)} }

func call(method, rawQuery string, header http.Header) *pipeline.Call {
	q, _ := url.ParseQuery(rawQuery)
	if header == nil {
		header = http.Header{}
	}
	return &pipeline.Call{HTTPMethod: method, Query: q, RawQuery: rawQuery, Header: header, PathParams: map[string]string{"id": "1"}}
}

// serve invokes the integration and reads the whole answer, as the edge does.
func serve(t *testing.T, i pipeline.Integration, c *pipeline.Call) (int, string, http.Header) {
	t.Helper()
	res, err := i.Invoke(context.Background(), c)
	if err != nil {
		t.Fatalf("invoke: %v", err)
	}
	body := res.Body
	if res.Stream != nil {
		body, err = io.ReadAll(res.Stream)
		res.Stream.Close()
		if err != nil {
			t.Fatal(err)
		}
	}
	return res.Status, string(body), res.Header
}

func getConfig(st Store) Config {
	return Config{Store: st, TTL: 300 * time.Second, ForGet: true, Namespace: "abc123", Resource: "/pets/{id}", RequireAuthorization: true}
}

func TestHitSkipsTheIntegration(t *testing.T) {
	t.Parallel()
	inner := &counting{}
	i := Wrap(inner, getConfig(NewMemory(1<<20, nil)))
	c1 := call("GET", "", nil)
	if _, body, _ := serve(t, i, c1); body != "call 1" || c1.Cache != pipeline.CacheMiss {
		t.Fatalf("first: body %q outcome %d", body, c1.Cache)
	}
	c2 := call("GET", "", nil)
	status, body, h := serve(t, i, c2)
	if status != 200 || body != "call 1" || h.Get("Content-Type") != "text/plain" || c2.Cache != pipeline.CacheHit {
		t.Fatalf("second: %d %q %v outcome %d", status, body, h, c2.Cache)
	}
	if inner.calls() != 1 {
		t.Errorf("integration called %d times, want 1", inner.calls())
	}
	if i.Name() != "integration:HTTP_PROXY" {
		t.Errorf("name %q", i.Name())
	}
}

func TestOnlyGETByDefault(t *testing.T) {
	t.Parallel()
	inner := &counting{}
	i := Wrap(inner, getConfig(NewMemory(1<<20, nil)))
	for range 2 {
		c := call("POST", "", nil)
		serve(t, i, c)
		if c.Cache != pipeline.CacheNone {
			t.Errorf("POST outcome %d", c.Cache)
		}
	}
	if inner.calls() != 2 {
		t.Errorf("POST called the integration %d times, want 2", inner.calls())
	}
	cfg := getConfig(NewMemory(1<<20, nil))
	cfg.ForGet, cfg.ForOther = false, true
	other := &counting{}
	i = Wrap(other, cfg)
	serve(t, i, call("POST", "", nil))
	if _, body, _ := serve(t, i, call("POST", "", nil)); body != "call 1" {
		t.Errorf("POST with its own setting: %q, want the cached call 1", body)
	}
	if _, body, _ := serve(t, i, call("GET", "", nil)); body != "call 2" {
		t.Errorf("GET of a method cached for other methods only: %q", body)
	}
}

func TestKeyParameters(t *testing.T) {
	t.Parallel()
	params, err := ParseParams([]string{"method.request.querystring.type", "integration.request.header.x-v", "integration.request.querystring.c"},
		map[string]string{"integration.request.header.x-v": "method.request.header.X-Version", "integration.request.querystring.c": "'const'"})
	if err != nil {
		t.Fatal(err)
	}
	cfg := getConfig(NewMemory(1<<20, nil))
	cfg.Params = params
	inner := &counting{}
	i := Wrap(inner, cfg)
	steps := []struct {
		query, version, want string
	}{
		{"type=admin&department=A", "1", "call 1"},
		{"type=admin&department=B", "1", "call 1"}, // department is not in the key
		{"department=B&type=admin", "1", "call 1"},
		{"type=user", "1", "call 2"},
		{"type=admin", "2", "call 3"},
		{"type=admin&type=user", "1", "call 4"}, // every value of a repeated parameter is in the key
		{"", "1", "call 5"},
		{"type=", "1", "call 6"},
	}
	for _, s := range steps {
		_, body, _ := serve(t, i, call("GET", s.query, http.Header{"X-Version": {s.version}}))
		if body != s.want {
			t.Errorf("?%s version %s: %q, want %q", s.query, s.version, body, s.want)
		}
	}
	for _, bad := range []string{"method.request.body", "method.request.querystring.", "stageVariables.x", "integration.request.path.none"} {
		if _, err := ParseParams([]string{bad}, nil); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

func TestNamespaceAndResourceSplitTheCache(t *testing.T) {
	t.Parallel()
	st := NewMemory(1<<20, nil)
	a, b := &counting{body: "a"}, &counting{body: "b"}
	ca, cb := getConfig(st), getConfig(st)
	cb.Namespace = "other"
	ia, ib := Wrap(a, ca), Wrap(b, cb)
	serve(t, ia, call("GET", "", nil))
	if _, body, _ := serve(t, ib, call("GET", "", nil)); body != "b" {
		t.Errorf("another namespace answered %q", body)
	}
}

func TestTTL(t *testing.T) {
	t.Parallel()
	clk := newClock()
	cfg := getConfig(NewMemory(1<<20, clk.now))
	cfg.TTL = 60 * time.Second
	inner := &counting{}
	i := Wrap(inner, cfg)
	serve(t, i, call("GET", "", nil))
	clk.advance(59 * time.Second)
	if _, body, _ := serve(t, i, call("GET", "", nil)); body != "call 1" {
		t.Errorf("at 59s: %q, want the cached answer", body)
	}
	clk.advance(time.Second)
	if _, body, _ := serve(t, i, call("GET", "", nil)); body != "call 2" {
		t.Errorf("at 60s: %q, want a fresh answer", body)
	}
	if _, body, _ := serve(t, i, call("GET", "", nil)); body != "call 2" {
		t.Errorf("after refresh: %q", body)
	}
}

func TestServerErrorsAreNotCached(t *testing.T) {
	t.Parallel()
	for _, status := range []int{500, 502, 503, 504} {
		inner := &counting{status: status}
		i := Wrap(inner, getConfig(NewMemory(1<<20, nil)))
		serve(t, i, call("GET", "", nil))
		serve(t, i, call("GET", "", nil))
		if inner.calls() != 2 {
			t.Errorf("%d: integration called %d times, want 2", status, inner.calls())
		}
	}
	inner := &counting{status: 404}
	i := Wrap(inner, getConfig(NewMemory(1<<20, nil)))
	serve(t, i, call("GET", "", nil))
	if status, body, _ := serve(t, i, call("GET", "", nil)); status != 404 || body != "call 1" {
		t.Errorf("404 answer: %d %q, want the cached 404", status, body)
	}
	failing := &counting{err: fault.Reject(fault.IntegrationTimeout, errors.New("slow"))}
	i = Wrap(failing, getConfig(NewMemory(1<<20, nil)))
	for range 2 {
		if _, err := i.Invoke(context.Background(), call("GET", "", nil)); err == nil {
			t.Fatal("a gateway error was answered from the cache")
		}
	}
	if failing.calls() != 2 {
		t.Errorf("failing integration called %d times, want 2", failing.calls())
	}
}

func TestSizeBound(t *testing.T) {
	t.Parallel()
	big := strings.Repeat("x", awslimits.CacheMaxResponseBytes+1)
	for _, stream := range []bool{false, true} {
		inner := &counting{body: big, stream: stream}
		i := Wrap(inner, getConfig(NewMemory(8<<20, nil)))
		for range 2 {
			if _, body, _ := serve(t, i, call("GET", "", nil)); len(body) != len(big) {
				t.Fatalf("stream=%t: body of %d bytes", stream, len(body))
			}
		}
		if inner.calls() != 2 {
			t.Errorf("stream=%t: a body over %d bytes was cached", stream, awslimits.CacheMaxResponseBytes)
		}
	}
	exact := strings.Repeat("y", awslimits.CacheMaxResponseBytes)
	inner := &counting{body: exact, stream: true}
	i := Wrap(inner, getConfig(NewMemory(8<<20, nil)))
	serve(t, i, call("GET", "", nil))
	if _, body, _ := serve(t, i, call("GET", "", nil)); body != exact || inner.calls() != 1 {
		t.Errorf("a streamed body of exactly %d bytes: calls %d", len(exact), inner.calls())
	}
}

// brokenStream fails after some bytes.
type brokenStream struct{ sent bool }

func (b *brokenStream) Read(p []byte) (int, error) {
	if b.sent {
		return 0, io.ErrUnexpectedEOF
	}
	b.sent = true
	return copy(p, "partial"), nil
}

func (b *brokenStream) Close() error { return nil }

type brokenIntegration struct{ n int }

func (b *brokenIntegration) Invoke(context.Context, *pipeline.Call) (*pipeline.Result, error) {
	b.n++
	return &pipeline.Result{Status: 200, Header: http.Header{}, Stream: &brokenStream{}, ContentLength: -1}, nil
}

func TestBrokenStreamIsNotCached(t *testing.T) {
	t.Parallel()
	inner := &brokenIntegration{}
	i := Wrap(inner, getConfig(NewMemory(1<<20, nil)))
	for range 2 {
		res, err := i.Invoke(context.Background(), call("GET", "", nil))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := io.ReadAll(res.Stream); !errors.Is(err, io.ErrUnexpectedEOF) {
			t.Fatalf("read: %v", err)
		}
	}
	if inner.n != 2 {
		t.Errorf("integration called %d times, want 2", inner.n)
	}
}

func fresh() http.Header { return http.Header{"Cache-Control": {"no-store, MAX-AGE=0"}} }

func TestInvalidation(t *testing.T) {
	t.Parallel()
	allowed := func(c *pipeline.Call) bool { return c.Identity.UserArn == "arn:aws:iam::123456789012:user/admin" }
	cases := []struct {
		name        string
		require     bool
		strategy    Strategy
		caller      string
		wantBody    string // after a first request cached "call 1"
		wantWarning bool
		want403     bool
	}{
		{"no authorization required", false, FailWith403, "", "call 2", false, false},
		{"authorized caller", true, FailWith403, "arn:aws:iam::123456789012:user/admin", "call 2", false, false},
		{"FAIL_WITH_403", true, FailWith403, "", "", false, true},
		{"FAIL_WITH_403, signed but not allowed", true, FailWith403, "arn:aws:iam::123456789012:user/other", "", false, true},
		{"SUCCEED_WITH_RESPONSE_HEADER", true, SucceedWithResponseHeader, "", "call 1", true, false},
		{"SUCCEED_WITHOUT_RESPONSE_HEADER", true, SucceedWithoutResponseHeader, "", "call 1", false, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			cfg := getConfig(NewMemory(1<<20, nil))
			cfg.RequireAuthorization, cfg.Strategy, cfg.Authorized = tc.require, tc.strategy, allowed
			inner := &counting{}
			i := Wrap(inner, cfg)
			serve(t, i, call("GET", "", nil))
			c := call("GET", "", fresh())
			c.Identity.UserArn = tc.caller
			res, err := i.Invoke(context.Background(), c)
			if tc.want403 {
				f, ok := errors.AsType[*fault.Error](err)
				if !ok || f.Type != fault.AccessDenied || f.StatusCode() != 403 || string(f.DefaultBody()) != `{"Message":"Unauthorized"}` {
					t.Fatalf("got %v, want ACCESS_DENIED 403 Unauthorized", err)
				}
				if inner.calls() != 1 {
					t.Errorf("integration called %d times", inner.calls())
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if string(res.Body) != tc.wantBody {
				t.Errorf("body %q, want %q", res.Body, tc.wantBody)
			}
			if got := res.Header.Get(WarningHeader); (got == WarningValue) != tc.wantWarning || !tc.wantWarning && got != "" {
				t.Errorf("Warning %q, want present=%t", got, tc.wantWarning)
			}
			// An invalidation replaced the entry; an ignored header left it.
			_, body, h := serve(t, i, call("GET", "", nil))
			if body != tc.wantBody || h.Get(WarningHeader) != "" {
				t.Errorf("next plain request: %q (Warning %q), want %q without a warning", body, h.Get(WarningHeader), tc.wantBody)
			}
		})
	}
	if wantsFresh(http.Header{"Cache-Control": {"max-age=10"}}) || !wantsFresh(http.Header{"Cache-Control": {"no-cache", " max-age=0 "}}) {
		t.Error("wantsFresh")
	}
}

// failingStore fails every call.
type failingStore struct{}

func (failingStore) Get(context.Context, string) (*Entry, error) { return nil, errors.New("down") }
func (failingStore) Set(context.Context, string, *Entry, time.Duration) error {
	return errors.New("down")
}
func (failingStore) Flush(context.Context) error { return errors.New("down") }

func TestStoreFailureServesFromTheIntegration(t *testing.T) {
	t.Parallel()
	var errs int
	cfg := getConfig(failingStore{})
	cfg.OnError = func(error) { errs++ }
	inner := &counting{}
	i := Wrap(inner, cfg)
	for n := range 2 {
		if status, _, _ := serve(t, i, call("GET", "", nil)); status != 200 {
			t.Fatalf("request %d: %d", n, status)
		}
	}
	if inner.calls() != 2 || errs != 4 {
		t.Errorf("calls %d, errors reported %d (want 2 and 4)", inner.calls(), errs)
	}
}

// pipeIntegration answers with a stream the test writes while the client
// reads it.
type pipeIntegration struct{ r *io.PipeReader }

func (p *pipeIntegration) Invoke(context.Context, *pipeline.Call) (*pipeline.Result, error) {
	return &pipeline.Result{Status: 200, Header: http.Header{}, Stream: p.r, ContentLength: -1}, nil
}

// A streamed answer on a miss reaches the client as it arrives (the first
// chunk is readable before the back end has sent the rest) and is cached
// once it ended.
func TestMissStreams(t *testing.T) {
	t.Parallel()
	pr, pw := io.Pipe()
	i := Wrap(&pipeIntegration{r: pr}, getConfig(NewMemory(1<<20, nil)))
	res, err := i.Invoke(context.Background(), call("GET", "", nil))
	if err != nil {
		t.Fatal(err)
	}
	go func() { _, _ = pw.Write([]byte("first ")) }()
	buf := make([]byte, 64)
	n, err := res.Stream.Read(buf)
	if err != nil || string(buf[:n]) != "first " {
		t.Fatalf("first chunk: %q %v", buf[:n], err)
	}
	go func() { _, _ = pw.Write([]byte("second")); pw.Close() }()
	rest, err := io.ReadAll(res.Stream)
	if err != nil || string(rest) != "second" {
		t.Fatalf("rest: %q %v", rest, err)
	}
	if _, body, _ := serve(t, i, call("GET", "", nil)); body != "first second" {
		t.Errorf("cached body %q", body)
	}
}
