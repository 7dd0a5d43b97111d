package function

import (
	"context"
	"testing"
)

// BenchmarkProcessTreeRSS is the cost of one RSS check of a warm Go
// function process (what RSS polling spends per process and period); it
// also reports the process's idle resident memory.
func BenchmarkProcessTreeRSS(b *testing.B) {
	skipUnlessLinux(b)
	m := newTestManager(b, Options{MemoryLimit: MemoryLimitOff}, Config{Name: "echo", Command: []string{fnBin(b, "echo")}})
	if _, err := m.Invoke(context.Background(), "echo", []byte(`{}`), InvokeOptions{}); err != nil {
		b.Fatal(err)
	}
	pid := m.pids.last(b)
	r := newRSSProbe(pid)
	defer r.close()
	var rss int64
	for i := 0; b.Loop(); i++ {
		var ok bool
		if rss, ok = r.read(i%10 == 0); !ok {
			b.Fatal("process gone")
		}
	}
	b.ReportMetric(float64(rss)/(1<<20), "idle-RSS-MB")
}

// BenchmarkProcessTreeRSSFull is the cost of a check that also looks up
// the process's descendants (every tenth period).
func BenchmarkProcessTreeRSSFull(b *testing.B) {
	skipUnlessLinux(b)
	m := newTestManager(b, Options{MemoryLimit: MemoryLimitOff}, Config{Name: "echo", Command: []string{fnBin(b, "echo")}})
	if _, err := m.Invoke(context.Background(), "echo", []byte(`{}`), InvokeOptions{}); err != nil {
		b.Fatal(err)
	}
	pid := m.pids.last(b)
	for b.Loop() {
		if _, ok := processTreeRSS(pid); !ok {
			b.Fatal("process gone")
		}
	}
}

// BenchmarkWarmInvokeMemoryCheck compares parallel warm invocations with
// RSS polling (at its default period) and without any memory check.
func BenchmarkWarmInvokeMemoryCheck(b *testing.B) {
	skipUnlessLinux(b)
	for _, mode := range []string{MemoryLimitOff, MemoryLimitRSS} {
		b.Run(mode, func(b *testing.B) {
			m := newTestManager(b, Options{MemoryLimit: mode}, Config{Name: "echo", Command: []string{fnBin(b, "echo")}})
			payload := []byte(`{"a":1}`)
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					if _, err := m.Invoke(context.Background(), "echo", payload, InvokeOptions{}); err != nil {
						b.Error(err)
						return
					}
				}
			})
		})
	}
}
