package function

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// BenchmarkWarmInvoke measures a warm invocation of the echo function: the
// whole round trip through the Runtime API, which is Portico's overhead
// since echo does no work. Besides ns/op (wall time, which depends on how
// busy the machine is) it reports the CPU time per invocation of the
// benchmark process (portico-cpu-µs) and of the function process
// (function-cpu-µs), which depend much less on other load.
func BenchmarkWarmInvoke(b *testing.B) {
	skipUnlessLinux(b)
	m := newTestManager(b, Options{}, Config{Name: "echo", Command: []string{fnBin(b, "echo")}})
	payload := []byte(`{"httpMethod":"GET","path":"/pets","headers":{"Accept":"application/json"},"body":null}`)
	ctx := context.Background()
	if _, err := m.Invoke(ctx, "echo", payload, InvokeOptions{}); err != nil {
		b.Fatal(err)
	}
	pid := m.pools["echo"].idle[0].pid
	self0, fn0 := cpuTimes(b, pid)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := m.Invoke(ctx, "echo", payload, InvokeOptions{}); err != nil {
			b.Fatal(err)
		}
	}
	self1, fn1 := cpuTimes(b, pid)
	b.ReportMetric(float64((self1-self0).Microseconds())/float64(b.N), "portico-cpu-µs/op")
	b.ReportMetric(float64((fn1-fn0).Microseconds())/float64(b.N), "function-cpu-µs/op")
}

// cpuTimes returns the CPU time (user and system) used so far by this
// process and by pid (from /proc/PID/stat, in clock ticks of 10 ms).
func cpuTimes(b *testing.B, pid int) (self, fn time.Duration) {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	self = time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
	stat, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		b.Fatal(err)
	}
	_, after, _ := strings.Cut(string(stat), ") ")
	f := strings.Fields(after) // f[0] is field 3 (state); utime and stime are fields 14 and 15
	ut, _ := strconv.ParseInt(f[11], 10, 64)
	st, _ := strconv.ParseInt(f[12], 10, 64)
	return self, time.Duration(ut+st) * 10 * time.Millisecond
}

// BenchmarkWarmLatency measures what one request sees when a warm process
// is already waiting in GET .../next (the usual case below saturation):
// from Invoke to its answer. Each iteration first waits, untimed, for the
// runtime to ask for work again; ns/op includes that wait, the reported
// latency-ns does not.
func BenchmarkWarmLatency(b *testing.B) {
	skipUnlessLinux(b)
	m := newTestManager(b, Options{}, Config{Name: "echo", Command: []string{fnBin(b, "echo")}})
	payload := []byte(`{"httpMethod":"GET","path":"/pets","headers":{"Accept":"application/json"},"body":null}`)
	ctx := context.Background()
	if _, err := m.Invoke(ctx, "echo", payload, InvokeOptions{}); err != nil {
		b.Fatal(err)
	}
	p := m.pools["echo"]
	sb := p.idle[0]
	var total time.Duration
	n := 0
	for b.Loop() {
		for !sb.waiting.Load() {
			time.Sleep(50 * time.Microsecond) // not spinning: leave the CPUs to the function
		}
		start := time.Now()
		if _, err := m.Invoke(ctx, "echo", payload, InvokeOptions{}); err != nil {
			b.Fatal(err)
		}
		total += time.Since(start)
		n++
	}
	b.ReportMetric(float64(total.Nanoseconds())/float64(n), "latency-ns")
}

// BenchmarkHTTPFloor is the floor under BenchmarkWarmInvoke on the same
// machine: the two loopback HTTP exchanges of one Runtime API cycle (the
// GET .../next answer with the event, then POST .../response and its 202)
// with net/http on both sides, in one process and without Portico.
func BenchmarkHTTPFloor(b *testing.B) {
	payload := []byte(`{"httpMethod":"GET","path":"/pets","headers":{"Accept":"application/json"},"body":null}`)
	mux := http.NewServeMux()
	mux.HandleFunc("GET /next", func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write(payload) })
	mux.HandleFunc("POST /response", func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		w.WriteHeader(http.StatusAccepted)
	})
	srv := httptest.NewServer(mux)
	defer srv.Close()
	client := &http.Client{Transport: &http.Transport{}}
	for b.Loop() {
		resp, err := client.Get(srv.URL + "/next")
		if err != nil {
			b.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		resp, err = client.Post(srv.URL+"/response", "application/json", bytes.NewReader(body))
		if err != nil {
			b.Fatal(err)
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
	}
}

// BenchmarkWarmInvokeParallel is BenchmarkWarmInvoke from GOMAXPROCS
// callers, each of which gets its own warm process.
func BenchmarkWarmInvokeParallel(b *testing.B) {
	skipUnlessLinux(b)
	m := newTestManager(b, Options{}, Config{Name: "echo", Command: []string{fnBin(b, "echo")}})
	payload := []byte(`{"a":1}`)
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, err := m.Invoke(context.Background(), "echo", payload, InvokeOptions{}); err != nil {
				b.Error(err)
				return
			}
		}
	})
}

// BenchmarkColdStart measures a cold invocation of a Go function: process
// start, runtime init until it asks for work, and the first invocation.
// Killing the process afterwards is not timed.
func BenchmarkColdStart(b *testing.B) {
	skipUnlessLinux(b)
	m := newTestManager(b, Options{}, Config{Name: "echo", Command: []string{fnBin(b, "echo")}})
	p := m.pools["echo"]
	payload := []byte(`{}`)
	for b.Loop() {
		if _, err := m.Invoke(context.Background(), "echo", payload, InvokeOptions{}); err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		p.reap(time.Now().Add(time.Hour))
		for m.processes("echo") != 0 {
			time.Sleep(100 * time.Microsecond)
		}
		b.StartTimer()
	}
}

// BenchmarkIdleRSS reports the resident memory of idle (warm) echo
// processes, in KB per process, from /proc/PID/status. The timed loop only
// re-reads the numbers.
func BenchmarkIdleRSS(b *testing.B) {
	skipUnlessLinux(b)
	const n = 4
	m := newTestManager(b, Options{}, Config{Name: "echo", Command: []string{fnBin(b, "echo")}})
	p := m.pools["echo"]
	var sbs []*sandbox
	for range n {
		sb, err := p.coldStart()
		if err != nil {
			b.Fatal(err)
		}
		sbs = append(sbs, sb)
	}
	for _, sb := range sbs {
		p.release(sb, true)
	}
	var avg float64
	for b.Loop() {
		total := 0
		for _, sb := range sbs {
			kb, err := vmRSS(sb.pid)
			if err != nil {
				b.Fatal(err)
			}
			total += kb
		}
		avg = float64(total) / n
	}
	b.ReportMetric(avg, "RSS-KB/process")
}

// vmRSS returns VmRSS of pid in KB.
func vmRSS(pid int) (int, error) {
	f, err := os.Open("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		return 0, err
	}
	defer f.Close()
	s := bufio.NewScanner(f)
	for s.Scan() {
		if v, ok := strings.CutPrefix(s.Text(), "VmRSS:"); ok {
			return strconv.Atoi(strings.TrimSuffix(strings.TrimSpace(v), " kB"))
		}
	}
	return 0, s.Err()
}
