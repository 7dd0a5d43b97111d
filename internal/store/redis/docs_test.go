package redis

import (
	"bytes"
	"context"
	"errors"
	"testing"
	"time"

	"github.com/portico-gw/portico/internal/store/redistest"
)

// TestDocStore: documents round-trip through the hash, every write counts
// in the version, two stores on one Redis with one prefix see each other's
// writes, and another prefix sees none.
func TestDocStore(t *testing.T) {
	rs := redistest.Start(t)
	ctx := context.Background()
	open := func(prefix string) *DocStore {
		d, err := NewDocStore(Options{URL: rs.URL(), Prefix: prefix})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = d.Close() })
		return d
	}
	a, b, other := open("p:"), open("p:"), open("q:")
	if v, err := a.Version(ctx); err != nil || v != 0 {
		t.Fatalf("version before any write: %d %v", v, err)
	}
	if err := a.Put(ctx, "abc", []byte(`{"x":1}`)); err != nil {
		t.Fatal(err)
	}
	if err := a.Put(ctx, "_usage", []byte(`{}`)); err != nil {
		t.Fatal(err)
	}
	if err := b.Delete(ctx, "missing"); err != nil {
		t.Fatal(err)
	}
	got, err := b.LoadAll(ctx)
	if err != nil || len(got) != 2 || string(got["abc"]) != `{"x":1}` || string(got["_usage"]) != `{}` {
		t.Fatalf("load: %q %v", got, err)
	}
	if v, err := b.Version(ctx); err != nil || v != 3 {
		t.Fatalf("version after three writes: %d %v", v, err)
	}
	if err := b.Delete(ctx, "abc"); err != nil {
		t.Fatal(err)
	}
	if got, _ := a.LoadAll(ctx); len(got) != 1 {
		t.Fatalf("after delete: %q", got)
	}
	if got, _ := other.LoadAll(ctx); len(got) != 0 {
		t.Fatalf("another prefix sees %q", got)
	}
	if v, _ := other.Version(ctx); v != 0 {
		t.Fatalf("another prefix's version: %d", v)
	}
}

// TestDocStoreLargeDocument: a document several times the size of the
// connection's read and write buffers is written and read back whole.
func TestDocStoreLargeDocument(t *testing.T) {
	rs := redistest.Start(t)
	ctx := context.Background()
	d, err := NewDocStore(Options{URL: rs.URL(), Prefix: "p:"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = d.Close() })
	doc := append(append([]byte(`{"x":"`), bytes.Repeat([]byte("0123456789abcdef"), 40_000)...), `"}`...) // 640 KB
	if err := d.Put(ctx, "big", doc); err != nil {
		t.Fatal(err)
	}
	got, err := d.LoadAll(ctx)
	if err != nil || !bytes.Equal(got["big"], doc) {
		t.Fatalf("load: %d bytes, %v; want the %d written", len(got["big"]), err, len(doc))
	}
}

// TestDocStoreDown: with ConnectLater a store is made while Redis is down
// and its calls fail with ErrNotConnected, not a hang or a panic.
func TestDocStoreDown(t *testing.T) {
	rs := redistest.Start(t)
	url := rs.URL()
	rs.Stop()
	d, err := NewDocStore(Options{URL: url, ConnectLater: true, Timeout: 100 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	if _, err := d.LoadAll(context.Background()); !errors.Is(err, ErrNotConnected) {
		t.Fatalf("load while down: %v", err)
	}
	if _, err := d.Version(context.Background()); err == nil {
		t.Fatal("version while down: no error")
	}
	if err := d.Put(context.Background(), "a", []byte("{}")); err == nil {
		t.Fatal("put while down: no error")
	}
}
