package cache

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/redis/rueidis"

	"github.com/portico-gw/portico/internal/pipeline"
	"github.com/portico-gw/portico/internal/store/redistest"
)

func redisClient(t *testing.T, url string) func() (rueidis.Client, error) {
	t.Helper()
	opt, err := rueidis.ParseURL(url)
	if err != nil {
		t.Fatal(err)
	}
	opt.DisableCache = true
	c, err := rueidis.NewClient(opt)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	return func() (rueidis.Client, error) { return c, nil }
}

// Two replicas (two providers, two clients) share one Redis: an answer
// cached by one is a hit on the other, and a flush on one empties both.
func TestRedisSharedAcrossReplicas(t *testing.T) {
	t.Parallel()
	srv := redistest.Start(t)
	ctx := context.Background()
	p1 := NewRedisProvider(redisClient(t, srv.URL()), "portico:", time.Second)
	p2 := NewRedisProvider(redisClient(t, srv.URL()), "portico:", time.Second)
	inner1, inner2 := &counting{body: "from replica 1"}, &counting{body: "from replica 2"}
	cfg1, cfg2 := getConfig(p1.Stage("api", "dev", 1<<20)), getConfig(p2.Stage("api", "dev", 1<<20))
	cfg1.TTL, cfg2.TTL = 42*time.Second, 42*time.Second
	i1, i2 := Wrap(inner1, cfg1), Wrap(inner2, cfg2)
	serve(t, i1, call("GET", "", nil))
	c := call("GET", "", nil)
	status, body, h := serve(t, i2, c)
	if status != 200 || body != "from replica 1" || h.Get("Content-Type") != "text/plain" || c.Cache != pipeline.CacheHit {
		t.Fatalf("replica 2: %d %q %v outcome %d", status, body, h, c.Cache)
	}
	if inner2.calls() != 0 {
		t.Errorf("replica 2 called its integration %d times", inner2.calls())
	}
	cl, _ := redisClient(t, srv.URL())()
	keys, err := cl.Do(ctx, cl.B().Keys().Pattern("portico:cache:api/dev:*").Build()).AsStrSlice()
	if err != nil || len(keys) != 1 {
		t.Fatalf("keys %v %v", keys, err)
	}
	ttl, err := cl.Do(ctx, cl.B().Pttl().Key(keys[0]).Build()).AsInt64()
	if err != nil || ttl <= 40_000 || ttl > 42_000 {
		t.Errorf("PTTL %d %v, want the method's 42 s", ttl, err)
	}
	// Another stage's entry survives the flush.
	other := Wrap(&counting{}, getConfig(p1.Stage("api", "prod", 1<<20)))
	serve(t, other, call("GET", "", nil))
	if found, err := p2.Flush(ctx, "api", "dev"); !found || err != nil {
		t.Fatalf("flush: %t %v", found, err)
	}
	if _, body, _ := serve(t, i1, call("GET", "", nil)); body != "from replica 1" || inner1.calls() != 2 {
		t.Errorf("after flush: %q, calls %d", body, inner1.calls())
	}
	n, err := cl.Do(ctx, cl.B().Exists().Key("portico:cache:api/prod:"+other.key(call("GET", "", nil))).Build()).AsInt64()
	if err != nil || n != 1 {
		t.Errorf("the prod stage's entry: exists %d %v", n, err)
	}
}

func TestRedisMissAndCorruptEntry(t *testing.T) {
	t.Parallel()
	srv := redistest.Start(t)
	ctx := context.Background()
	client := redisClient(t, srv.URL())
	r := NewRedis(client, "p:", time.Second)
	if e, err := r.Get(ctx, "none"); e != nil || err != nil {
		t.Errorf("miss: %v %v", e, err)
	}
	cl, _ := client()
	_ = cl.Do(ctx, cl.B().Set().Key("p:bad").Value("\xff").Build()).Error()
	if _, err := r.Get(ctx, "bad"); err == nil {
		t.Error("a corrupt entry was read")
	}
	if err := r.Set(ctx, "k", &Entry{Status: 204, Header: http.Header{"A": {"b"}}}, 0); err != nil {
		t.Error(err)
	}
	if e, _ := r.Get(ctx, "k"); e != nil {
		t.Error("an entry with TTL 0 was stored")
	}
}
