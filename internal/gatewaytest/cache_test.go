package gatewaytest

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"

	"github.com/portico-gw/portico/internal/store/redistest"
)

const cacheDef = "../../testdata/cache/api.yaml"

// cacheStage turns the stage cache on for every GET, refusing unauthorized
// invalidations with 403.
const cacheStage = `cache: {enabled: true, size: 0.5, ttl: 300}
methodSettings:
  - {resourcePath: "/*", httpMethod: "*", cachingEnabled: true, unauthorizedCacheControlHeaderStrategy: FAIL_WITH_403}
`

func cacheGet(t *testing.T, g *Gateway, path string, header http.Header) (int, http.Header, string) {
	t.Helper()
	req, err := http.NewRequest("GET", g.URL+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	for k, vs := range header {
		req.Header[k] = vs
	}
	return doRead(t, g, req)
}

// adminDo sends a request to the admin listener's handler.
func adminDo(g *Gateway, method, path string) *httptest.ResponseRecorder {
	rec := httptest.NewRecorder()
	g.App.AdminHandler().ServeHTTP(rec, httptest.NewRequest(method, path, nil))
	return rec
}

// signedWith signs a GET carrying extra headers, as aws-sdk-go-v2 does.
func signedWith(t *testing.T, url string, header http.Header, akid, secret string) *http.Request {
	t.Helper()
	req, err := http.NewRequest("GET", url, nil)
	if err != nil {
		t.Fatal(err)
	}
	for k, vs := range header {
		req.Header[k] = vs
	}
	sum := sha256.Sum256(nil)
	creds := aws.Credentials{AccessKeyID: akid, SecretAccessKey: secret}
	if err := v4.NewSigner().SignHTTP(context.Background(), creds, req, hex.EncodeToString(sum[:]), "execute-api", "us-east-1", time.Now()); err != nil {
		t.Fatal(err)
	}
	return req
}

// TestCacheInvalidationNeedsInvalidateCache: with
// requireAuthorizationForCacheControl (the default), Cache-Control:
// max-age=0 invalidates only for an IAM-signed caller the resource policy
// does not deny execute-api:InvalidateCache; an unsigned caller of a
// method without AWS_IAM is never authorized.
func TestCacheInvalidationNeedsInvalidateCache(t *testing.T) {
	g := Start(t, Options{Definition: cacheDef, Extra: iamSettings, StageExtra: cacheStage})
	fresh := http.Header{"Cache-Control": {"max-age=0"}}
	steps := []struct {
		name   string
		req    func() *http.Request
		status int
		body   string
	}{
		{"alice fills the cache", func() *http.Request {
			return signedWith(t, g.URL+"/dev/signed/a", nil, "AKIAPORTICOTEST0001", "secret-one")
		}, 200, `{"count":1,"name":"a"}`},
		{"mallory's call is a hit", func() *http.Request {
			return signedWith(t, g.URL+"/dev/signed/a", nil, "AKIAPORTICOTEST0002", "secret-two")
		}, 200, `{"count":1,"name":"a"}`},
		{"mallory is denied InvalidateCache: FAIL_WITH_403", func() *http.Request {
			return signedWith(t, g.URL+"/dev/signed/a", fresh, "AKIAPORTICOTEST0002", "secret-two")
		}, 403, `{"Message":"Unauthorized"}`},
		{"alice invalidates: the back end answers", func() *http.Request {
			return signedWith(t, g.URL+"/dev/signed/a", fresh, "AKIAPORTICOTEST0001", "secret-one")
		}, 200, `{"count":2,"name":"a"}`},
		{"the new answer replaced the entry", func() *http.Request {
			return signedWith(t, g.URL+"/dev/signed/a", nil, "AKIAPORTICOTEST0002", "secret-two")
		}, 200, `{"count":2,"name":"a"}`},
		{"an anonymous caller fills another method's cache", func() *http.Request {
			r, _ := http.NewRequest("GET", g.URL+"/dev/items/b", nil)
			return r
		}, 200, `{"count":1,"name":"b"}`},
		{"an anonymous caller cannot invalidate", func() *http.Request {
			r, _ := http.NewRequest("GET", g.URL+"/dev/items/b", nil)
			r.Header.Set("Cache-Control", "max-age=0")
			return r
		}, 403, `{"Message":"Unauthorized"}`},
	}
	for _, s := range steps {
		status, h, body := doRead(t, g, s.req())
		if status != s.status || body != s.body {
			t.Fatalf("%s: %d %s, want %d %s", s.name, status, body, s.status, s.body)
		}
		if status == 403 && h.Get("x-amzn-ErrorType") != "AccessDeniedException" {
			t.Errorf("%s: x-amzn-ErrorType %q", s.name, h.Get("x-amzn-ErrorType"))
		}
	}
	if got := len(g.UpstreamRequests()); got != 3 {
		t.Errorf("the back end was called %d times, want 3: %v", got, g.UpstreamRequests())
	}
}

// TestCacheFlushMetricsAndLogs: FlushStageCache on the admin listener
// empties the stage's cache (202); hits and misses are counted as
// CacheHitCount and CacheMissCount; the execution log says when a cached
// response is sent.
func TestCacheFlushMetricsAndLogs(t *testing.T) {
	g := Start(t, Options{Definition: cacheDef, Extra: "store: {type: memory}\n", StageExtra: cacheStage + "loggingLevel: INFO\n"})
	for i, want := range []string{`{"count":1,"name":"f"}`, `{"count":1,"name":"f"}`, `{"count":1,"name":"f"}`} {
		if status, _, body := cacheGet(t, g, "/dev/items/f", nil); status != 200 || body != want {
			t.Fatalf("request %d: %d %s", i, status, body)
		}
	}
	rec := adminDo(g, "DELETE", "/restapis/testapi/stages/dev/cache/data")
	if rec.Code != http.StatusAccepted || rec.Body.Len() != 0 {
		t.Fatalf("flush: %d %q, want 202 and no body", rec.Code, rec.Body.String())
	}
	if _, _, body := cacheGet(t, g, "/dev/items/f", nil); body != `{"count":2,"name":"f"}` {
		t.Errorf("after the flush: %s, want the back end's second answer", body)
	}
	rec = adminDo(g, "DELETE", "/restapis/testapi/stages/prod/cache/data")
	if rec.Code != http.StatusNotFound || rec.Header().Get("x-amzn-ErrorType") != "NotFoundException" ||
		strings.TrimSpace(rec.Body.String()) != `{"message":"Invalid stage identifier specified"}` {
		t.Errorf("flush of a stage without a cache: %d %s %q", rec.Code, rec.Header(), rec.Body.String())
	}
	if rec := adminDo(g, "GET", "/healthz"); rec.Code != 200 {
		t.Errorf("the admin routes moved: /healthz %d", rec.Code)
	}
	// The management API still answers its routes (an unsigned call is refused by it).
	if rec := adminDo(g, "GET", "/restapis"); rec.Code != 403 || !strings.Contains(rec.Body.String(), "Missing Authentication Token") {
		t.Errorf("the management API moved: GET /restapis %d %s", rec.Code, rec.Body)
	}
	body := scrape(t, g)
	for _, want := range []string{
		`portico_cache_hits_total{api="testapi",method="GET",resource="/items/{name}",stage="dev"} 2`,
		`portico_cache_misses_total{api="testapi",method="GET",resource="/items/{name}",stage="dev"} 2`,
		`portico_requests_total{api="testapi",method="GET",resource="/items/{name}",stage="dev"} 4`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("scrape lacks %s", want)
		}
	}
	if t.Failed() {
		t.Logf("scrape:\n%s", grepLines(body, "portico_cache"))
	}
	logs := g.Logs()
	if n := strings.Count(logs, `msg="Sending cached response"`); n != 2 {
		t.Errorf("%d 'Sending cached response' lines, want 2:\n%s", n, logs)
	}
	if n := strings.Count(logs, "Cached response not found"); n != 2 {
		t.Errorf("%d miss lines, want 2", n)
	}
	if !strings.Contains(logs, `msg="Method request cache key: `) {
		t.Error("no cache key line")
	}
}

// TestCacheSharedInRedis: with store.type redis, two gateways (two
// replicas) share the stage cache: an answer cached by one is a hit on the
// other, whose back end is never called, and a flush on one empties it
// for both.
func TestCacheSharedInRedis(t *testing.T) {
	rs := redistest.Start(t)
	extra := fmt.Sprintf("store: {type: redis, url: %q, onError: open, timeout: 2s}\n", rs.URL())
	g1 := Start(t, Options{Definition: cacheDef, Extra: extra, StageExtra: cacheStage})
	g2 := Start(t, Options{Definition: cacheDef, Extra: extra, StageExtra: cacheStage})
	if _, _, body := cacheGet(t, g1, "/dev/items/r?x=1", nil); body != `{"count":1,"name":"r"}` {
		t.Fatalf("replica 1: %s", body)
	}
	status, h, body := cacheGet(t, g2, "/dev/items/r?x=2", nil)
	if status != 200 || body != `{"count":1,"name":"r"}` || h.Get("Content-Type") != "application/json" {
		t.Fatalf("replica 2: %d %s %v", status, body, h)
	}
	if reqs := g2.UpstreamRequests(); len(reqs) != 0 {
		t.Errorf("replica 2's back end was called: %v", reqs)
	}
	if rec := adminDo(g2, "DELETE", "/restapis/testapi/stages/dev/cache/data"); rec.Code != http.StatusAccepted {
		t.Fatalf("flush: %d %s", rec.Code, rec.Body)
	}
	if _, _, body := cacheGet(t, g1, "/dev/items/r", nil); body != `{"count":2,"name":"r"}` {
		t.Errorf("replica 1 after the flush on replica 2: %s", body)
	}
	if _, _, body := cacheGet(t, g2, "/dev/items/r", nil); body != `{"count":2,"name":"r"}` {
		t.Errorf("replica 2 after replica 1 refilled: %s", body)
	}
	if n := strings.Count(scrape(t, g2), `portico_cache_hits_total{api="testapi",method="GET",resource="/items/{name}",stage="dev"} 2`); n != 1 {
		t.Errorf("replica 2 hits: %s", grepLines(scrape(t, g2), "portico_cache"))
	}
}

// TestCacheSurvivesReload: a reload that keeps the stage's cluster keeps
// its entries; one that removes the cluster drops them.
func TestCacheSurvivesReload(t *testing.T) {
	g := Start(t, Options{Definition: cacheDef, Extra: "store: {type: memory}\n", StageExtra: cacheStage})
	if _, _, body := cacheGet(t, g, "/dev/items/re", nil); body != `{"count":1,"name":"re"}` {
		t.Fatalf("first: %s", body)
	}
	if err := g.App.Reload(); err != nil {
		t.Fatal(err)
	}
	if _, _, body := cacheGet(t, g, "/dev/items/re", nil); body != `{"count":1,"name":"re"}` {
		t.Errorf("after a reload: %s, want the cached answer", body)
	}
	cfg, err := os.ReadFile(g.ConfigPath)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(g.ConfigPath, []byte(strings.Replace(string(cfg), "cache: {enabled: true, size: 0.5, ttl: 300}", "cache: {enabled: false}", 1)), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := g.App.Reload(); err != nil {
		t.Fatal(err)
	}
	if _, _, body := cacheGet(t, g, "/dev/items/re", nil); body != `{"count":2,"name":"re"}` {
		t.Errorf("without a cluster: %s, want the back end's answer", body)
	}
	if rec := adminDo(g, "DELETE", "/restapis/testapi/stages/dev/cache/data"); rec.Code != http.StatusNotFound {
		t.Errorf("flush of a stage whose cluster was removed: %d", rec.Code)
	}
}
