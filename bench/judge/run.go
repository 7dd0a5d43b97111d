// Command judge is Portico's load benchmark (run it through bench/run): it
// starts the benchmark upstream, then per scenario Portico, the bare and
// pooled httputil.ReverseProxy baselines and the peers, and drives each
// with wrk in alternating rounds. It reports medians with min and max,
// CPU time per request, peak RSS and per-round ratios to the baselines
// (docs/benchmarks.md describes every scenario and how the numbers are
// computed).
//
// This file starts and stops processes and measures one run; report.go
// turns samples into statistics, tables and docs/benchmarks.md;
// scenarios.go says what each scenario runs.
package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"hash/fnv"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// options are the judge's settings: flags, each defaulting to an
// environment variable of the same meaning.
type options struct {
	Scenario    string
	Rounds      int
	Duration    int // seconds per wrk run
	Warmup      int // seconds of the one warm-up run per target
	Connections []int
	Threads     int
	BasePort    int
	DataDir     string
	PeersDir    string
	PeerBin     string
	RedisAddr   string
	JSON        string
	WriteDocs   bool
	Render      string // a JSON file of an earlier run to report again
}

func parseOptions(args []string, getenv func(string) string) (options, error) {
	env := func(name, def string) string {
		if v := getenv(name); v != "" {
			return v
		}
		return def
	}
	var o options
	var conns string
	fs := flag.NewFlagSet("judge", flag.ContinueOnError)
	fs.StringVar(&o.Scenario, "scenario", env("SCENARIO", "proxy"), "scenario name, or all (SCENARIO): "+strings.Join(scenarioNames(), ", "))
	fs.IntVar(&o.Rounds, "rounds", atoi(env("ROUNDS", "5")), "rounds; every target runs once per round (ROUNDS)")
	fs.IntVar(&o.Duration, "duration", atoi(env("DURATION", "5")), "seconds per wrk run (DURATION)")
	fs.IntVar(&o.Warmup, "warmup", atoi(env("WARMUP", "2")), "seconds of each target's warm-up run (WARMUP)")
	fs.StringVar(&conns, "connections", env("CONNECTIONS", "64"), "wrk connections, a comma-separated list runs each (CONNECTIONS)")
	fs.IntVar(&o.Threads, "threads", atoi(env("THREADS", "1")), "wrk threads (THREADS)")
	fs.IntVar(&o.BasePort, "base-port", atoi(env("BASE_PORT", "9101")), "the upstream's port; targets take the next ones (BASE_PORT)")
	fs.StringVar(&o.DataDir, "data", env("DATA_DIR", ""), "directory for stores and logs; default a temporary one removed at the end (DATA_DIR)")
	fs.StringVar(&o.PeersDir, "peers", env("PEERS_DIR", ""), "directory of peers, each NAME/start (PEERS_DIR; default bench/peers)")
	fs.StringVar(&o.PeerBin, "peer-bin", env("PEER_BIN", ""), "where peers keep their installed binaries (PEER_BIN; default bench/.peers)")
	fs.StringVar(&o.RedisAddr, "redis", env("REDIS_ADDR", "127.0.0.1:6379"), "Redis for the redis scenario (REDIS_ADDR)")
	fs.StringVar(&o.JSON, "json", env("JSON", ""), "also write the raw numbers to this file (JSON)")
	fs.StringVar(&o.Render, "render", "", "measure nothing: report the run saved with --json in this file again (with --write-docs, rewrite the docs from it)")
	fs.BoolVar(&o.WriteDocs, "write-docs", env("WRITE_DOCS", "") == "1", "write docs/benchmarks.md and docs/benchmarks.svg (WRITE_DOCS=1)")
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	if fs.NArg() > 0 {
		return o, fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	for _, c := range strings.Split(conns, ",") {
		n := atoi(strings.TrimSpace(c))
		if n < 1 {
			return o, fmt.Errorf("connections: %q is not a positive number", c)
		}
		o.Connections = append(o.Connections, n)
	}
	switch {
	case o.Rounds < 1:
		return o, errors.New("rounds must be at least 1")
	case o.Duration < 1:
		return o, errors.New("duration must be at least 1 second")
	case o.Threads < 1:
		return o, errors.New("threads must be at least 1")
	case o.BasePort < 1 || o.BasePort > 65000:
		return o, fmt.Errorf("base port %d is out of range", o.BasePort)
	}
	if o.Scenario != "all" && findScenario(o.Scenario) == nil {
		return o, fmt.Errorf("unknown scenario %q (%s, all)", o.Scenario, strings.Join(scenarioNames(), ", "))
	}
	return o, nil
}

func atoi(s string) int {
	n, err := strconv.Atoi(s)
	if err != nil {
		return -1
	}
	return n
}

func main() {
	o, err := parseOptions(os.Args[1:], os.Getenv)
	if errors.Is(err, flag.ErrHelp) {
		return
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "judge:", err)
		os.Exit(1)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	if o.Render != "" {
		err = render(o)
	} else {
		err = run(ctx, o)
	}
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "judge:", err)
		os.Exit(1)
	}
}

// env is one judge run: the paths, the processes started and the ports
// handed out.
type env struct {
	opt       options
	ctx       context.Context
	repo      string // repository root
	bench     string // repo/bench
	bin       string // built binaries
	tmp       string // scripts, settings, logs
	data      string // stores and access logs
	upstream  string // host:port
	nextPort  int
	pinServer []string // taskset prefix for servers
	pinLoad   []string // taskset prefix for wrk
	procs     []*proc
	redisKeys []string // key prefixes to delete at the end
}

// port hands out the next free port after the upstream's (a port another
// program holds is passed over, loudly).
func (e *env) port() string {
	for {
		e.nextPort++
		addr := "127.0.0.1:" + strconv.Itoa(e.opt.BasePort+e.nextPort)
		if free(addr) {
			return addr
		}
		loud("port %s is in use by another program: passed over", addr)
	}
}

// free reports whether addr can be listened on now.
func free(addr string) bool {
	l, err := net.Listen("tcp", addr)
	if err != nil {
		return false
	}
	l.Close()
	return true
}

func run(ctx context.Context, o options) error {
	if _, err := exec.LookPath("wrk"); err != nil {
		return errors.New("wrk is not installed (apt-get install wrk); nothing to measure")
	}
	repo, err := repoRoot()
	if err != nil {
		return err
	}
	e := &env{opt: o, ctx: ctx, repo: repo, bench: filepath.Join(repo, "bench"), bin: filepath.Join(repo, "bench", ".bin")}
	if e.opt.PeersDir == "" {
		e.opt.PeersDir = filepath.Join(e.bench, "peers")
	}
	if e.opt.PeerBin == "" {
		e.opt.PeerBin = filepath.Join(e.bench, ".peers")
	}
	if e.tmp, err = os.MkdirTemp("", "portico-judge-"); err != nil {
		return err
	}
	defer os.RemoveAll(e.tmp)
	e.data = o.DataDir
	if e.data == "" {
		e.data = filepath.Join(e.tmp, "data")
	}
	if err := os.MkdirAll(e.data, 0o755); err != nil {
		return err
	}
	defer e.stopAll()
	if runtime.NumCPU() >= 2 {
		if _, err := exec.LookPath("taskset"); err == nil {
			e.pinServer, e.pinLoad = []string{"taskset", "-c", "0"}, []string{"taskset", "-c", "1"}
		}
	}
	if err := e.build(); err != nil {
		return err
	}
	up := &proc{name: "upstream"}
	e.upstream = "127.0.0.1:" + strconv.Itoa(o.BasePort)
	if !free(e.upstream) {
		return fmt.Errorf("the upstream's port %s is in use by another program: choose another BASE_PORT", e.upstream)
	}
	if err := e.start(up, []string{filepath.Join(e.bin, "upstream"), "--listen", e.upstream}, nil, false); err != nil {
		return err
	}
	if err := e.waitPort(up, e.upstream); err != nil {
		return err
	}

	rep := &report{Machine: machine(), Command: command(o), Date: time.Now().UTC().Format("2006-01-02 15:04 UTC"),
		Rounds: o.Rounds, Duration: o.Duration, Threads: o.Threads, Pinned: e.pinServer != nil}
	for _, sc := range scenarios {
		if o.Scenario != "all" && o.Scenario != sc.name {
			continue
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
		runs, err := e.runScenario(sc)
		if err != nil {
			loud("scenario %s skipped: %v", sc.name, err)
			rep.Skipped = append(rep.Skipped, sc.name+": "+err.Error())
			continue
		}
		for _, r := range runs {
			r.summarize()
			fmt.Print(r.text(rep.Rounds, rep.Duration))
			rep.Runs = append(rep.Runs, r)
		}
	}
	e.cleanRedis()
	rep.Machine.LoadEnd = loadAvg()
	if err := finish(o, repo, rep); err != nil {
		return err
	}
	return ctx.Err()
}

// finish judges the goals and writes the JSON file and the docs asked for.
func finish(o options, repo string, rep *report) error {
	rep.Goals = goals(rep.Runs)
	fmt.Print(goalsText(rep.Goals))
	if o.JSON != "" {
		if err := writeJSON(o.JSON, rep); err != nil {
			return err
		}
	}
	if o.WriteDocs {
		if err := writeDocs(filepath.Join(repo, "docs"), rep); err != nil {
			return err
		}
		fmt.Println("wrote docs/benchmarks.md and docs/benchmarks.svg")
	}
	return nil
}

// render reports a run saved with --json again, with today's statistics
// and goals.
func render(o options) error {
	repo, err := repoRoot()
	if err != nil {
		return err
	}
	b, err := os.ReadFile(o.Render)
	if err != nil {
		return err
	}
	var rep report
	if err := json.Unmarshal(b, &rep); err != nil {
		return fmt.Errorf("%s: %w", o.Render, err)
	}
	for _, r := range rep.Runs {
		r.summarize()
		fmt.Print(r.text(rep.Rounds, rep.Duration))
	}
	o.JSON = ""
	return finish(o, repo, &rep)
}

// runScenario starts the scenario's targets, warms each up once, runs the
// rounds for every connection count and stops the targets.
func (e *env) runScenario(sc *scenario) ([]*runResult, error) {
	targets, err := sc.targets(e)
	if err != nil {
		return nil, err
	}
	fmt.Fprintf(os.Stderr, "== scenario %s: starting %d targets\n", sc.name, len(targets))
	var live []*target
	var skipped []string
	defer func() {
		for _, t := range targets {
			if t.proc != nil {
				e.stop(t.proc)
			}
		}
	}()
	for _, t := range targets {
		if err := e.startTarget(t); err != nil {
			skipped = append(skipped, t.name+": "+err.Error())
			loud("%s/%s skipped: %v", sc.name, t.name, err)
			continue
		}
		live = append(live, t)
	}
	if len(live) == 0 {
		return nil, errors.New("no target started")
	}
	for _, t := range live {
		if _, err := e.wrk(t, sc.maxConns(e.opt.Connections[0]), max(e.opt.Warmup, sc.minWarmup)); err != nil {
			loud("%s/%s warm-up: %v", sc.name, t.name, err)
		}
	}
	var runs []*runResult
	done := map[int]bool{}
	for _, c := range e.opt.Connections {
		if c = sc.maxConns(c); done[c] {
			continue
		}
		done[c] = true
		r := &runResult{Scenario: sc.name, Connections: c, Skipped: skipped, Roles: sc.roles}
		rows := map[string]*row{}
		for _, t := range live {
			rw := &row{Target: t.name, Subject: t.subject, Refs: t.refs, FirstMs: t.firstMs, FirstStatus: t.firstStatus}
			rows[t.name] = rw
			r.Rows = append(r.Rows, rw)
		}
		for round := range e.opt.Rounds {
			for _, t := range roundOrder(live, round) {
				if e.ctx.Err() != nil {
					return nil, e.ctx.Err()
				}
				rw := rows[t.name]
				if t.proc.exited() {
					rw.Samples = append(rw.Samples, sample{Round: round, Failed: "the server exited: " + t.proc.tail()})
					continue
				}
				s, err := e.wrk(t, c, e.opt.Duration)
				s.Round = round
				if err != nil {
					s.Failed = err.Error()
				}
				if msg := s.problem(); msg != "" {
					loud("%s/%s round %d (%d connections): %s", sc.name, t.name, round+1, c, msg)
				}
				rw.Samples = append(rw.Samples, s)
			}
		}
		for _, t := range live {
			hwm, file := treeMemory(t.proc.pid())
			rows[t.name].RSSMB, rows[t.name].FileMB = hwm/1024, file/1024
		}
		runs = append(runs, r)
	}
	return runs, nil
}

// roundOrder is the targets in order for even rounds, reversed for odd
// ones, so no target always runs first or last.
func roundOrder[T any](ts []T, round int) []T {
	out := make([]T, len(ts))
	for i, t := range ts {
		if round%2 == 1 {
			out[len(ts)-1-i] = t
		} else {
			out[i] = t
		}
	}
	return out
}

// startTarget starts one target, waits for its port (and a peer's ready
// script), then times the first request.
func (e *env) startTarget(t *target) error {
	t.addr = e.port()
	argv, extraEnv, err := t.start(e, t)
	if err != nil {
		return err
	}
	t.proc = &proc{name: t.name}
	if err := e.start(t.proc, argv, extraEnv, t.quiet); err != nil {
		return err
	}
	if err := e.waitPort(t.proc, t.addr); err != nil {
		if code := t.proc.exitCode(); t.peer != "" && code == 3 {
			return fmt.Errorf("not available for this scenario: %s", t.proc.lastErrLine())
		}
		return err
	}
	if t.peer != "" {
		if ready := filepath.Join(t.peer, "ready"); isExecutable(ready) {
			cmd := exec.CommandContext(e.ctx, ready)
			cmd.Env = append(os.Environ(), extraEnv...)
			if out, err := cmd.CombinedOutput(); err != nil {
				return fmt.Errorf("ready: %v: %s", err, lastLine(string(out)))
			}
		}
	}
	start := time.Now()
	status, err := t.req.send(e.ctx, t.addr)
	t.firstMs = float64(time.Since(start).Microseconds()) / 1000
	t.firstStatus = status
	if err != nil {
		return fmt.Errorf("first request: %v", err)
	}
	if status/100 != 2 {
		loud("%s: the first request answered %d, not 2xx", t.name, status)
	}
	return nil
}

// build compiles Portico and the benchmark's own servers into bench/.bin.
func (e *env) build() error {
	for _, b := range [][2]string{{"portico", "./cmd/portico"}, {"upstream", "./bench/upstream"}, {"bareproxy", "./bench/bareproxy"}} {
		cmd := exec.CommandContext(e.ctx, "go", "build", "-o", filepath.Join(e.bin, b[0]), b[1])
		cmd.Dir, cmd.Stdout, cmd.Stderr = e.repo, os.Stderr, os.Stderr
		if err := cmd.Run(); err != nil {
			return fmt.Errorf("go build %s: %w", b[1], err)
		}
	}
	return nil
}

// proc is a server the judge started, in a process group of its own.
type proc struct {
	name    string
	cmd     *exec.Cmd
	done    chan struct{}
	errFile string
}

func (p *proc) pid() int { return p.cmd.Process.Pid }

func (p *proc) exited() bool {
	select {
	case <-p.done:
		return true
	default:
		return false
	}
}

func (p *proc) exitCode() int {
	if !p.exited() {
		return -1
	}
	return p.cmd.ProcessState.ExitCode()
}

// lastErrLine is the last non-empty line the process wrote to stderr.
func (p *proc) lastErrLine() string {
	b, _ := os.ReadFile(p.errFile)
	return lastLine(string(b))
}

// tail is the exit status and the last stderr line, for error messages.
func (p *proc) tail() string {
	s := "running"
	if p.exited() {
		s = p.cmd.ProcessState.String()
	}
	if l := p.lastErrLine(); l != "" {
		s += ": " + l
	}
	return s
}

func lastLine(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return strings.TrimSpace(lines[len(lines)-1])
}

// start runs argv (pinned to the server core) in its own process group,
// stderr (and stdout unless quiet) to files in the temporary directory.
func (e *env) start(p *proc, argv, extraEnv []string, quiet bool) error {
	argv = append(append([]string{}, e.pinServer...), argv...)
	p.cmd = exec.Command(argv[0], argv[1:]...)
	p.cmd.Env = append(os.Environ(), extraEnv...)
	p.cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	base := filepath.Join(e.tmp, fmt.Sprintf("%s-%d", p.name, len(e.procs)))
	p.errFile = base + ".err"
	errf, err := os.Create(p.errFile)
	if err != nil {
		return err
	}
	defer errf.Close()
	p.cmd.Stderr = errf
	if !quiet {
		outf, err := os.Create(base + ".out")
		if err != nil {
			return err
		}
		defer outf.Close()
		p.cmd.Stdout = outf
	}
	if err := p.cmd.Start(); err != nil {
		return fmt.Errorf("starting %s: %w", p.name, err)
	}
	p.done = make(chan struct{})
	go func() { _ = p.cmd.Wait(); close(p.done) }()
	e.procs = append(e.procs, p)
	return nil
}

// waitPort polls addr until it accepts a connection, the process exits or
// two minutes pass (a first start may build a Go function).
func (e *env) waitPort(p *proc, addr string) error {
	deadline := time.Now().Add(2 * time.Minute)
	for time.Now().Before(deadline) {
		if c, err := net.DialTimeout("tcp", addr, 200*time.Millisecond); err == nil {
			c.Close()
			return nil
		}
		select {
		case <-p.done:
			return fmt.Errorf("%s exited before listening on %s (%s)", p.name, addr, p.tail())
		case <-e.ctx.Done():
			return e.ctx.Err()
		case <-time.After(20 * time.Millisecond):
		}
	}
	return fmt.Errorf("%s did not listen on %s within 2 minutes", p.name, addr)
}

// stop ends the process group with SIGTERM, then SIGKILL after 10 s.
func (e *env) stop(p *proc) {
	if p.cmd == nil || p.cmd.Process == nil || p.exited() {
		return
	}
	_ = syscall.Kill(-p.pid(), syscall.SIGTERM)
	select {
	case <-p.done:
	case <-time.After(10 * time.Second):
		_ = syscall.Kill(-p.pid(), syscall.SIGKILL)
		<-p.done
	}
}

func (e *env) stopAll() {
	for i := len(e.procs) - 1; i >= 0; i-- {
		e.stop(e.procs[i])
	}
}

// wrk runs wrk against the target for secs seconds and measures the
// server's CPU time over the run.
func (e *env) wrk(t *target, conns, secs int) (sample, error) {
	script, err := t.req.script(e.tmp)
	if err != nil {
		return sample{}, err
	}
	threads := min(e.opt.Threads, conns)
	argv := append(append([]string{}, e.pinLoad...), "wrk", "-t"+strconv.Itoa(threads), "-c"+strconv.Itoa(conns),
		"-d"+strconv.Itoa(secs)+"s", "--timeout", "10s", "--latency", "-s", script, "http://"+t.addr+t.req.Path)
	before := treeTicks(t.proc.pid())
	cmd := exec.CommandContext(e.ctx, argv[0], argv[1:]...)
	out, err := cmd.Output()
	after := treeTicks(t.proc.pid())
	if err != nil {
		return sample{}, fmt.Errorf("wrk: %v: %s", err, lastLine(string(out)))
	}
	s, err := parseWrk(string(out))
	if err != nil {
		return s, err
	}
	if s.Requests > 0 {
		s.CPUus = float64(after-before) / clockTicks * 1e6 / float64(s.Requests)
	}
	return s, nil
}

// clockTicks is Linux's USER_HZ, the unit of /proc/PID/stat times (100 on
// every architecture Go supports).
const clockTicks = 100

// procStat is what the judge reads from /proc/PID/stat.
type procStat struct {
	ppid  int
	ticks int64 // utime + stime + cutime + cstime
}

// parseStat reads /proc/PID/stat's parent pid and CPU times. The command
// name (field 2) may hold spaces and parentheses, so fields are counted
// from the last ')'.
func parseStat(s string) (procStat, error) {
	i := strings.LastIndexByte(s, ')')
	if i < 0 {
		return procStat{}, errors.New("no ')' in stat")
	}
	f := strings.Fields(s[i+1:])
	// f[0] is field 3 (state): field n is f[n-3].
	if len(f) < 15 {
		return procStat{}, fmt.Errorf("stat has %d fields after the name, want at least 15", len(f))
	}
	var st procStat
	var err error
	if st.ppid, err = strconv.Atoi(f[1]); err != nil {
		return st, fmt.Errorf("ppid: %w", err)
	}
	for _, k := range []int{14, 15, 16, 17} {
		v, err := strconv.ParseInt(f[k-3], 10, 64)
		if err != nil {
			return st, fmt.Errorf("field %d: %w", k, err)
		}
		st.ticks += v
	}
	return st, nil
}

// tree is the process and its descendants, with their stats.
func tree(root int) map[int]procStat {
	all := map[int]procStat{}
	ents, _ := os.ReadDir("/proc")
	for _, d := range ents {
		pid, err := strconv.Atoi(d.Name())
		if err != nil {
			continue
		}
		b, err := os.ReadFile("/proc/" + d.Name() + "/stat")
		if err != nil {
			continue
		}
		if st, err := parseStat(string(b)); err == nil {
			all[pid] = st
		}
	}
	return descendants(all, root)
}

// descendants keeps root and every process below it.
func descendants(all map[int]procStat, root int) map[int]procStat {
	out := map[int]procStat{}
	if st, ok := all[root]; ok {
		out[root] = st
	}
	for grew := true; grew; {
		grew = false
		for pid, st := range all {
			if _, in := out[pid]; !in {
				if _, parentIn := out[st.ppid]; parentIn {
					out[pid] = st
					grew = true
				}
			}
		}
	}
	return out
}

// treeTicks is the CPU time of the server and its descendants (children
// that ended and were waited for count in their parent's cutime/cstime).
func treeTicks(root int) int64 {
	var n int64
	for _, st := range tree(root) {
		n += st.ticks
	}
	return n
}

// treeMemory sums VmHWM (peak RSS, KiB) and RssFile (the file-backed part
// of the RSS now, KiB) over the server and its descendants: a gateway
// running function processes pays for them too.
func treeMemory(root int) (hwm, file float64) {
	for pid := range tree(root) {
		b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/status")
		if err == nil {
			hwm += statusKB(string(b), "VmHWM:")
			file += statusKB(string(b), "RssFile:")
		}
	}
	return hwm, file
}

// statusKB reads the line of /proc/PID/status named by field, in KiB.
func statusKB(status, field string) float64 {
	sc := bufio.NewScanner(strings.NewReader(status))
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), field); ok {
			f := strings.Fields(rest)
			if len(f) > 0 {
				v, _ := strconv.ParseFloat(f[0], 64)
				return v
			}
		}
	}
	return 0
}

// parseWrk reads requests/s, the 50 % and 99 % latencies, the request
// count and the error lines from wrk --latency output.
func parseWrk(out string) (sample, error) {
	var s sample
	var haveRPS, have50, have99 bool
	for _, line := range strings.Split(out, "\n") {
		f := strings.Fields(line)
		switch {
		case len(f) == 2 && f[0] == "Requests/sec:":
			v, err := strconv.ParseFloat(f[1], 64)
			if err != nil {
				return s, fmt.Errorf("wrk requests/s %q: %w", f[1], err)
			}
			s.RPS, haveRPS = v, true
		case len(f) == 2 && (f[0] == "50%" || f[0] == "99%"):
			ms, err := wrkMs(f[1])
			if err != nil {
				return s, err
			}
			if f[0] == "50%" {
				s.P50, have50 = ms, true
			} else {
				s.P99, have99 = ms, true
			}
		case len(f) >= 3 && f[1] == "requests" && f[2] == "in":
			n, err := strconv.ParseInt(f[0], 10, 64)
			if err != nil {
				return s, fmt.Errorf("wrk request count %q: %w", f[0], err)
			}
			s.Requests = n
		case strings.HasPrefix(strings.TrimSpace(line), "Socket errors:"):
			s.SocketErrors = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(line), "Socket errors:"))
			for _, part := range strings.Split(s.SocketErrors, ",") {
				if p := strings.Fields(part); len(p) == 2 {
					n, _ := strconv.ParseInt(p[1], 10, 64)
					s.SocketErrorCount += n
				}
			}
		case strings.HasPrefix(strings.TrimSpace(line), "Non-2xx or 3xx responses:"):
			s.Non2xx, _ = strconv.ParseInt(f[len(f)-1], 10, 64)
		}
	}
	if !haveRPS || !have50 || !have99 {
		return s, fmt.Errorf("wrk output without requests/s or latency distribution: %q", lastLine(out))
	}
	return s, nil
}

// wrkMs converts a wrk duration ("812.00us", "1.20ms", "2.01s", "1.5m") to
// milliseconds.
func wrkMs(v string) (float64, error) {
	for _, u := range []struct {
		suffix string
		ms     float64
	}{{"us", 0.001}, {"ms", 1}, {"s", 1000}, {"m", 60000}, {"h", 3600000}} {
		if num, ok := strings.CutSuffix(v, u.suffix); ok {
			f, err := strconv.ParseFloat(num, 64)
			if err != nil {
				return 0, fmt.Errorf("wrk latency %q: %w", v, err)
			}
			return f * u.ms, nil
		}
	}
	return 0, fmt.Errorf("wrk latency %q: unknown unit", v)
}

// request is what every request of a target's run sends.
type request struct {
	Method string
	Path   string
	Header [][2]string
	Body   []byte
}

// script writes the wrk Lua script for the request into dir (the body in a
// file next to it) and returns its path.
func (r request) script(dir string) (string, error) {
	var b strings.Builder
	fmt.Fprintf(&b, "wrk.method = %s\n", luaString(r.Method))
	for _, h := range r.Header {
		fmt.Fprintf(&b, "wrk.headers[%s] = %s\n", luaString(h[0]), luaString(h[1]))
	}
	name := fmt.Sprintf("req-%x", hash(r))
	if len(r.Body) > 0 {
		body := filepath.Join(dir, name+".body")
		if err := os.WriteFile(body, r.Body, 0o644); err != nil {
			return "", err
		}
		fmt.Fprintf(&b, "local f = assert(io.open(%s, \"rb\"))\nwrk.body = f:read(\"*a\")\nf:close()\n", luaString(body))
	}
	path := filepath.Join(dir, name+".lua")
	return path, os.WriteFile(path, []byte(b.String()), 0o644)
}

// hash names a request's script files.
func hash(r request) uint64 {
	h := fnv.New64a()
	for _, part := range append([]string{r.Method, r.Path, string(r.Body)}, flatten(r.Header)...) {
		h.Write([]byte(part))
		h.Write([]byte{0})
	}
	return h.Sum64()
}

func flatten(kvs [][2]string) []string {
	var out []string
	for _, kv := range kvs {
		out = append(out, kv[0], kv[1])
	}
	return out
}

// luaString quotes s as a Lua string literal.
func luaString(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '"' || c == '\\':
			b.WriteByte('\\')
			b.WriteByte(c)
		case c < 0x20 || c >= 0x7f:
			fmt.Fprintf(&b, "\\%03d", c)
		default:
			b.WriteByte(c)
		}
	}
	b.WriteByte('"')
	return b.String()
}

// send makes the request once on a new connection, reads the whole answer
// and returns its status.
func (r request) send(ctx context.Context, addr string) (int, error) {
	ctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	var body io.Reader
	if len(r.Body) > 0 {
		body = bytes.NewReader(r.Body)
	}
	req, err := http.NewRequestWithContext(ctx, r.Method, "http://"+addr+r.Path, body)
	if err != nil {
		return 0, err
	}
	for _, h := range r.Header {
		req.Header.Set(h[0], h[1])
	}
	c := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
	resp, err := c.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	_, err = io.Copy(io.Discard, resp.Body)
	return resp.StatusCode, err
}

func isExecutable(path string) bool {
	st, err := os.Stat(path)
	return err == nil && !st.IsDir() && st.Mode()&0o111 != 0
}

// loud reports a problem on stderr, marked so it stands out in a long run.
func loud(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "!!! "+format+"\n", args...)
}

// repoRoot walks up from the working directory to the directory holding
// go.mod.
func repoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("go.mod not found above the working directory; run bench/run")
		}
		dir = parent
	}
}

// machine describes where the numbers were measured.
func machine() machineInfo {
	m := machineInfo{Cores: runtime.NumCPU(), Go: runtime.Version(), LoadStart: loadAvg()}
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, l := range strings.Split(string(b), "\n") {
			if k, v, ok := strings.Cut(l, ":"); ok && strings.TrimSpace(k) == "model name" {
				m.CPU = strings.TrimSpace(v)
				break
			}
		}
	}
	if b, err := os.ReadFile("/proc/sys/kernel/osrelease"); err == nil {
		m.Kernel = strings.TrimSpace(string(b))
	}
	if out, err := exec.Command("go", "version").Output(); err == nil {
		m.Go = strings.TrimPrefix(strings.TrimSpace(string(out)), "go version ")
	}
	return m
}

// loadAvg is /proc/loadavg's three load averages.
func loadAvg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if f := strings.Fields(string(b)); err == nil && len(f) >= 3 {
		return strings.Join(f[:3], " ")
	}
	return ""
}

// command is the command line that reproduces the run.
func command(o options) string {
	conns := make([]string, len(o.Connections))
	for i, c := range o.Connections {
		conns[i] = strconv.Itoa(c)
	}
	return fmt.Sprintf("SCENARIO=%s ROUNDS=%d DURATION=%d WARMUP=%d CONNECTIONS=%s THREADS=%d bench/run",
		o.Scenario, o.Rounds, o.Duration, o.Warmup, strings.Join(conns, ","), o.Threads)
}
