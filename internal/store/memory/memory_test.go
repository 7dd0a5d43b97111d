package memory_test

import (
	"testing"

	"github.com/portico-gw/portico/internal/store/memory"
	"github.com/portico-gw/portico/internal/store/storetest"
)

func TestConformance(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(*testing.T) storetest.Store {
		return memory.New(memory.Options{})
	})
}

func BenchmarkStore(b *testing.B) {
	storetest.Benchmark(b, memory.New(memory.Options{}))
}
