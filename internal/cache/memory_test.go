package cache

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"
)

func TestMemoryEvictsLeastRecentlyUsed(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := func(n int) *Entry {
		return &Entry{Status: 200, Header: http.Header{}, Body: []byte(strings.Repeat("b", n))}
	}
	one := e(100).size() + 1 // key of one byte
	m := NewMemory(3*one, nil)
	for _, k := range []string{"a", "b", "c"} {
		if err := m.Set(ctx, k, e(100), time.Minute); err != nil {
			t.Fatal(err)
		}
	}
	if got, _ := m.Get(ctx, "a"); got == nil { // a becomes the most recently used
		t.Fatal("a missing")
	}
	_ = m.Set(ctx, "d", e(100), time.Minute)
	if got, _ := m.Get(ctx, "b"); got != nil {
		t.Error("b, the least recently used, was kept")
	}
	for _, k := range []string{"a", "c", "d"} {
		if got, _ := m.Get(ctx, k); got == nil {
			t.Errorf("%s evicted", k)
		}
	}
	if m.Used() != 3*one || m.Len() != 3 {
		t.Errorf("used %d len %d", m.Used(), m.Len())
	}
	_ = m.Set(ctx, "huge", e(int(4*one)), time.Minute)
	if got, _ := m.Get(ctx, "huge"); got != nil || m.Len() != 3 {
		t.Error("an entry larger than the capacity was kept or evicted others")
	}
	_ = m.Set(ctx, "a", e(10), time.Minute) // replacing frees the old size
	if m.Used() != 2*one+e(10).size()+1 {
		t.Errorf("used %d after replace", m.Used())
	}
	_ = m.Flush(ctx)
	if m.Len() != 0 || m.Used() != 0 {
		t.Error("flush left entries")
	}
}

func TestEntryEncoding(t *testing.T) {
	t.Parallel()
	e := &Entry{Status: 201, Header: http.Header{"Content-Type": {"application/json"}, "X-Multi": {"1", "2"}, "X-Empty": {""}}, Body: []byte("{\"a\":1}\x00\xff")}
	got, err := decode(e.encode())
	if err != nil {
		t.Fatal(err)
	}
	if got.Status != 201 || string(got.Body) != string(e.Body) || len(got.Header) != 3 || got.Header["X-Multi"][1] != "2" || got.Header["X-Empty"][0] != "" {
		t.Errorf("round trip: %+v", got)
	}
	for _, bad := range [][]byte{nil, {0xff}, {200, 1}, {0xc8, 0x01, 5, 3, 'a'}} {
		if _, err := decode(bad); err == nil {
			t.Errorf("decode(%v) accepted", bad)
		}
	}
}

func TestProviderKeepsStagesAcrossDeploys(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	p := NewMemoryProvider(nil)
	a := p.Stage("api", "dev", 1<<20)
	_ = a.Set(ctx, "k", &Entry{Status: 200, Header: http.Header{}}, time.Minute)
	if b := p.Stage("api", "dev", 1<<20); b != a {
		t.Error("a redeploy with the same size got a new cache")
	}
	if c := p.Stage("api", "dev", 2<<20); c == a {
		t.Error("a resized cache kept its entries")
	}
	found, err := p.Flush(ctx, "api", "dev")
	if !found || err != nil {
		t.Errorf("flush: %t %v", found, err)
	}
	if found, _ := p.Flush(ctx, "api", "prod"); found {
		t.Error("flush of a stage without a cache found one")
	}
}

func TestProviderRetain(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	p := NewMemoryProvider(nil)
	a := p.Stage("api", "dev", 1<<20)
	p.Stage("api", "prod", 1<<20)
	p.Retain(map[string]bool{"api/dev": true})
	if found, _ := p.Flush(ctx, "api", "prod"); found {
		t.Error("a stage no deployment caches any more still has a cache")
	}
	if found, _ := p.Flush(ctx, "api", "dev"); !found || p.Stage("api", "dev", 1<<20) != a {
		t.Error("a retained stage lost its cache")
	}
}
