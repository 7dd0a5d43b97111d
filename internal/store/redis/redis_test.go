package redis_test

import (
	"fmt"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/portico-gw/portico/internal/store/redis"
	"github.com/portico-gw/portico/internal/store/redistest"
	"github.com/portico-gw/portico/internal/store/storetest"
)

// newStore opens a store on srv whose keys no other test shares.
func newStore(t testing.TB, srv *redistest.Server, seq *atomic.Int64, opts redis.Options) *redis.Store {
	t.Helper()
	opts.URL = srv.URL()
	if opts.Prefix == "" {
		name := strings.NewReplacer("/", ".", "{", "(", "}", ")").Replace(t.Name())
		opts.Prefix = fmt.Sprintf("test:%d:%s:", seq.Add(1), name)
	}
	s, err := redis.New(opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s
}

func TestConformance(t *testing.T) {
	t.Parallel()
	srv := redistest.Start(t)
	var seq atomic.Int64
	storetest.Run(t, func(t *testing.T) storetest.Store {
		return newStore(t, srv, &seq, redis.Options{})
	})
}

func BenchmarkStore(b *testing.B) {
	srv := redistest.Start(b)
	var seq atomic.Int64
	storetest.Benchmark(b, newStore(b, srv, &seq, redis.Options{}))
}
