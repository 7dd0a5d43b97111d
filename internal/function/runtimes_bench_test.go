package function

import (
	"context"
	"os/exec"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"
)

// BenchmarkRuntimeColdStart measures a cold start per runtime: a new Manager, the
// first invocation (process start, runtime init, handler load, one
// invocation), then the idle process's resident memory (idle-rss-MB, from
// /proc/PID/status VmRSS) before Close:
//
//	go test ./internal/function -run '^$' -bench BenchmarkRuntimeColdStart -benchtime 20x
func BenchmarkRuntimeColdStart(b *testing.B) {
	skipUnlessLinux(b)
	fns, err := filepath.Abs("../../testdata/functions")
	if err != nil {
		b.Fatal(err)
	}
	layers := []string{filepath.Join(fns, "layers", "shared")}
	payload := []byte(`{"body":"{\"statusCode\":200}"}`)
	cases := []struct {
		name, interp string
		cfg          Config
	}{
		{"Go", "", Config{Name: "echo", Command: []string{fnBin(b, "echo")}}},
		{"Node", "node", Config{Name: "echo", Runtime: "nodejs20.x", Handler: "app.echo", CodeURI: filepath.Join(fns, "node"), Layers: layers}},
		{"Python", "python3", Config{Name: "echo", Runtime: "python3.12", Handler: "app.echo", CodeURI: filepath.Join(fns, "python"), Layers: layers}},
	}
	cache := b.TempDir()
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			if c.interp != "" {
				if _, err := exec.LookPath(c.interp); err != nil {
					b.Skip(c.interp + " is not installed")
				}
			}
			var rssKB, n int64
			for b.Loop() {
				m, err := NewManager([]Config{c.cfg}, Options{CacheDir: cache})
				if err != nil {
					b.Fatal(err)
				}
				var pid atomic.Int64
				m.onStart = func(p int) { pid.Store(int64(p)) }
				resp, err := m.Invoke(context.Background(), "echo", payload, InvokeOptions{})
				if err != nil || resp.FunctionError != "" {
					b.Fatalf("invoke: %v %s", err, resp.Payload)
				}
				b.StopTimer()
				// The runtime asks for the next event once it has answered.
				p := m.pools["echo"]
				for deadline := time.Now().Add(time.Second); time.Now().Before(deadline); time.Sleep(time.Millisecond) {
					p.mu.Lock()
					ready := len(p.idle) > 0 && p.idle[0].waiting.Load()
					p.mu.Unlock()
					if ready {
						break
					}
				}
				kb, err := vmRSS(int(pid.Load()))
				if err != nil {
					b.Fatal(err)
				}
				rssKB += int64(kb)
				n++
				_ = m.Close()
				b.StartTimer()
			}
			b.ReportMetric(float64(rssKB)/float64(n)/1024, "idle-rss-MB")
		})
	}
}
