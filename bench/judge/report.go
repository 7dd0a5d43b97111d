package main

import (
	"encoding/json"
	"fmt"
	"image/color"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"text/tabwriter"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
)

// sample is one wrk run of one target.
type sample struct {
	Round            int
	RPS              float64
	P50, P99         float64 // ms
	Requests         int64
	CPUus            float64 // server CPU time per request, µs
	Non2xx           int64
	SocketErrors     string `json:",omitempty"`
	SocketErrorCount int64
	Failed           string `json:",omitempty"` // the run gave no numbers
}

// problem is what is wrong with the run, "" when nothing is.
func (s sample) problem() string {
	var p []string
	if s.Failed != "" {
		p = append(p, s.Failed)
	}
	if s.Non2xx > 0 {
		p = append(p, fmt.Sprintf("%d non-2xx/3xx answers of %d", s.Non2xx, s.Requests))
	}
	if s.SocketErrorCount > 0 {
		p = append(p, "socket errors: "+s.SocketErrors)
	}
	return strings.Join(p, "; ")
}

// stat is the median, min and max of one number over the rounds.
type stat struct {
	Med, Min, Max float64
	N             int
}

// summarize ignores NaNs (rounds without a number); N is 0 when none is left.
func summarize(vs []float64) stat {
	var xs []float64
	for _, v := range vs {
		if !math.IsNaN(v) && !math.IsInf(v, 0) {
			xs = append(xs, v)
		}
	}
	if len(xs) == 0 {
		return stat{}
	}
	slices.Sort(xs)
	n := len(xs)
	med := xs[n/2]
	if n%2 == 0 {
		med = (xs[n/2-1] + xs[n/2]) / 2
	}
	return stat{Med: med, Min: xs[0], Max: xs[n-1], N: n}
}

// ratio is a target's numbers divided by a baseline's in the same round.
type ratio struct {
	RPS, P99 stat
}

// roundRatios divides f(a) by f(b) round by round (a round missing or
// failed on either side gives no ratio).
func roundRatios(a, b []sample, f func(sample) float64) []float64 {
	byRound := map[int]sample{}
	for _, s := range b {
		byRound[s.Round] = s
	}
	var out []float64
	for _, s := range a {
		r, ok := byRound[s.Round]
		if !ok || s.Failed != "" || r.Failed != "" || f(r) == 0 {
			continue
		}
		out = append(out, f(s)/f(r))
	}
	return out
}

// row is one target's results in one run.
type row struct {
	Target      string
	Subject     bool
	Refs        map[string]string `json:",omitempty"`
	Samples     []sample
	RSSMB       float64 // peak RSS of the process tree at the end, MiB
	FileMB      float64 // of the RSS at the end, the file-backed pages (executables, libraries), MiB
	FirstMs     float64 // the first request after start
	FirstStatus int
	RPS         stat
	P50, P99    stat
	CPU         stat
	Ratios      map[string]ratio `json:",omitempty"`
	Problems    []string         `json:",omitempty"`
}

// runResult is one scenario at one connection count.
type runResult struct {
	Scenario    string
	Connections int
	Roles       []string
	Rows        []*row
	Skipped     []string `json:",omitempty"`
}

func (r *runResult) row(name string) *row {
	for _, w := range r.Rows {
		if w.Target == name {
			return w
		}
	}
	return nil
}

// summarize computes every row's statistics and its per-round ratios to
// its baselines.
func (r *runResult) summarize() {
	for _, w := range r.Rows {
		col := func(f func(sample) float64) stat {
			var vs []float64
			for _, s := range w.Samples {
				if s.Failed == "" {
					vs = append(vs, f(s))
				}
			}
			return summarize(vs)
		}
		w.RPS = col(func(s sample) float64 { return s.RPS })
		w.P50 = col(func(s sample) float64 { return s.P50 })
		w.P99 = col(func(s sample) float64 { return s.P99 })
		w.CPU = col(func(s sample) float64 { return s.CPUus })
		w.Problems = nil
		for _, s := range w.Samples {
			if p := s.problem(); p != "" {
				w.Problems = append(w.Problems, fmt.Sprintf("round %d: %s", s.Round+1, p))
			}
		}
		if w.FirstStatus != 0 && w.FirstStatus/100 != 2 {
			w.Problems = append(w.Problems, fmt.Sprintf("first request: status %d", w.FirstStatus))
		}
		w.Ratios = map[string]ratio{}
		for _, role := range r.Roles {
			ref := r.row(w.Refs[role])
			if ref == nil {
				continue
			}
			w.Ratios[role] = ratio{
				RPS: summarize(roundRatios(w.Samples, ref.Samples, func(s sample) float64 { return s.RPS })),
				P99: summarize(roundRatios(w.Samples, ref.Samples, func(s sample) float64 { return s.P99 })),
			}
		}
	}
}

// report is everything one judge run measured.
type report struct {
	Machine  machineInfo
	Command  string
	Date     string
	Rounds   int
	Duration int
	Threads  int
	Pinned   bool
	Runs     []*runResult
	Skipped  []string `json:",omitempty"`
	Goals    []goal
}

type machineInfo struct {
	CPU    string
	Cores  int
	Kernel string
	Go     string
	// LoadStart and LoadEnd are /proc/loadavg's 1, 5 and 15 minute load
	// averages before and after the run: other work on the machine.
	LoadStart, LoadEnd string `json:",omitempty"`
}

// fmtStat prints "median [min–max]" with the given precision.
func fmtStat(s stat, prec int, unit string) string {
	if s.N == 0 {
		return "–"
	}
	f := "%." + fmt.Sprint(prec) + "f"
	return fmt.Sprintf(f+unit+" ["+f+"–"+f+"]", s.Med, s.Min, s.Max)
}

func (r *runResult) title(rounds, duration int) string {
	sc := findScenario(r.Scenario)
	return fmt.Sprintf("%s, %d connections: %s (%d rounds × %d s)", r.Scenario, r.Connections, sc.about, rounds, duration)
}

// text is the run's plain-text table.
func (r *runResult) text(rounds, duration int) string {
	var b strings.Builder
	fmt.Fprintf(&b, "\nscenario %s\n", r.title(rounds, duration))
	tw := tabwriter.NewWriter(&b, 2, 8, 2, ' ', 0)
	fmt.Fprint(tw, "target\treq/s\tp50 ms\tp99 ms\tCPU µs/req\tpeak RSS MB (file-backed)\tfirst ms")
	for _, role := range r.Roles {
		fmt.Fprintf(tw, "\treq/s ×%s\tp99 ×%s", role, role)
	}
	fmt.Fprintln(tw)
	for _, w := range r.Rows {
		name := w.Target
		if len(w.Problems) > 0 {
			name += " (!)"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%.1f (%.1f)\t%.1f", name, fmtStat(w.RPS, 0, ""), fmtStat(w.P50, 2, ""),
			fmtStat(w.P99, 2, ""), fmtStat(w.CPU, 1, ""), w.RSSMB, w.FileMB, w.FirstMs)
		for _, role := range r.Roles {
			rt, ok := w.Ratios[role]
			if !ok {
				fmt.Fprint(tw, "\t–\t–")
				continue
			}
			fmt.Fprintf(tw, "\t%s\t%s", fmtStat(rt.RPS, 2, "×"), fmtStat(rt.P99, 2, "×"))
		}
		fmt.Fprintln(tw)
	}
	tw.Flush()
	for _, w := range r.Rows {
		for _, p := range w.Problems {
			fmt.Fprintf(&b, "(!) %s %s\n", w.Target, p)
		}
	}
	for _, s := range r.Skipped {
		fmt.Fprintf(&b, "skipped: %s\n", s)
	}
	return b.String()
}

// goal is one target the numbers are judged against.
type goal struct {
	Name     string
	State    string // met, not met, not measured
	Measured string
}

// Goals' fixed numbers.
const (
	// tykKeysRecorded is Tyk's keys-scenario throughput relative to the bare
	// proxy as recorded on the 2-core machine, used when Tyk is not run.
	tykKeysRecorded = 0.29
)

// goals judges the runs against the targets, per connection count.
func goals(runs []*runResult) []goal {
	var conns []int
	for _, r := range runs {
		// Scenarios without the bare baseline (lambda, at its own
		// connection count) have no goal.
		if slices.Contains(r.Roles, "bare") && !slices.Contains(conns, r.Connections) {
			conns = append(conns, r.Connections)
		}
	}
	if len(conns) == 0 {
		conns = []int{0}
	}
	var out []goal
	for i, c := range conns {
		suffix := ""
		if len(conns) > 1 {
			suffix = fmt.Sprintf(" (%d connections)", c)
		}
		find := func(scenario, target string) *row {
			for _, r := range runs {
				if r.Scenario == scenario && r.Connections == c {
					return r.row(target)
				}
			}
			return nil
		}
		add := func(gs ...goal) {
			for _, g := range gs {
				// A goal not measured is listed once, not per connection count.
				if i == 0 || g.State != "not measured" {
					out = append(out, g)
				}
			}
		}
		ratioGoal := func(name, scenario, target, role string, p99 bool, want float64, atLeast bool) goal {
			g := goal{Name: name + suffix, State: "not measured", Measured: "–"}
			w := find(scenario, target)
			if w == nil {
				return g
			}
			rt, ok := w.Ratios[role]
			s := rt.RPS
			if p99 {
				s = rt.P99
			}
			if !ok || s.N == 0 {
				return g
			}
			g.Measured = fmtStat(s, 3, "×")
			if (atLeast && s.Med >= want) || (!atLeast && s.Med <= want) {
				g.State = "met"
			} else {
				g.State = "not met"
			}
			return g
		}
		add(
			ratioGoal("HTTP_PROXY req/s ≥ 1.5× bare", "proxy", "portico", "bare", false, 1.5, true),
			ratioGoal("HTTP_PROXY req/s ≥ 1.0× pooled", "proxy", "portico", "pooled", false, 1.0, true),
			ratioGoal("HTTP_PROXY p99 ≤ bare's", "proxy", "portico", "bare", true, 1.0, false),
			ratioGoal("full pipeline req/s ≥ 1.2× bare", "full", "portico", "bare", false, 1.2, true),
			ratioGoal("full pipeline on Redis req/s ≥ 0.9× bare", "redis", "portico", "bare", false, 0.9, true))
		tyk, source := tykKeysRecorded, "recorded"
		for _, r := range runs {
			if r.Scenario == "keys" && r.Connections == c {
				for _, w := range r.Rows {
					if rt, ok := w.Ratios["bare"]; ok && strings.Contains(strings.ToLower(w.Target), "tyk") && rt.RPS.N > 0 {
						tyk, source = rt.RPS.Med, "measured"
					}
				}
			}
		}
		add(ratioGoal(fmt.Sprintf("full pipeline on Redis ≥ 3× Tyk's keys ratio (%s %.2f×)", source, tyk), "redis", "portico", "bare", false, 3*tyk, true))
		for _, n := range []string{"routes-100", "routes-1000"} {
			add(ratioGoal(n+" req/s within 5 % of 1 route (≥ 0.95×)", "routes", n, "1 route", false, 0.95, true))
		}
		for _, r := range runs {
			if r.Connections != c {
				continue
			}
			g := goal{Name: "peak RSS ≤ 1.5× bare: " + r.Scenario + suffix, State: "not measured", Measured: "–"}
			var parts []string
			worst := 0.0
			for _, w := range r.Rows {
				ref := r.row(w.Refs["bare"])
				if !w.Subject || ref == nil || ref.RSSMB == 0 {
					continue
				}
				q := w.RSSMB / ref.RSSMB
				worst = max(worst, q)
				part := fmt.Sprintf("%s %.1f MB (%.2f×", w.Target, w.RSSMB, q)
				if w.FileMB > 0 && ref.FileMB > 0 {
					// The rest of the peak besides file-backed pages, for
					// the reader: the goal is judged on the whole peak.
					own, refOwn := w.RSSMB-w.FileMB, ref.RSSMB-ref.FileMB
					part += fmt.Sprintf("; besides file-backed pages %.1f against %.1f MB, %.2f×", own, refOwn, own/refOwn)
				}
				parts = append(parts, part+")")
			}
			if len(parts) == 0 {
				continue
			}
			g.Measured = strings.Join(parts, ", ")
			g.State = "met"
			if worst > 1.5 {
				g.State = "not met"
			}
			out = append(out, g)
		}
	}
	return out
}

func goalsText(gs []goal) string {
	var b strings.Builder
	b.WriteString("\ntargets (medians of per-round ratios)\n")
	tw := tabwriter.NewWriter(&b, 2, 8, 2, ' ', 0)
	for _, g := range gs {
		fmt.Fprintf(tw, "%s\t%s\t%s\n", g.State, g.Name, g.Measured)
	}
	tw.Flush()
	return b.String()
}

func writeJSON(path string, rep *report) error {
	b, err := json.MarshalIndent(rep, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, append(b, '\n'), 0o644)
}

// writeDocs writes benchmarks.md and its chart benchmarks.svg into dir.
func writeDocs(dir string, rep *report) error {
	if err := writeChart(filepath.Join(dir, "benchmarks.svg"), rep); err != nil {
		return fmt.Errorf("chart: %w", err)
	}
	return os.WriteFile(filepath.Join(dir, "benchmarks.md"), []byte(markdown(rep)), 0o644)
}

// docsIntro is the fixed part of docs/benchmarks.md.
const docsIntro = `# Benchmarks

This page is written by ` + "`bench/run --write-docs`" + `: the numbers below are the last run's. They
come from one shared, noisy machine; read the ranges, not only the medians.

## How to run

` + "```" + `
bench/run                                   # SCENARIO=proxy, 5 rounds of 5 s, 64 connections
SCENARIO=all DURATION=5 ROUNDS=5 bench/run  # every scenario
SCENARIO=keys CONNECTIONS=64,512 bench/run  # each connection count in turn
bench/run --json raw.json --write-docs      # raw numbers; rewrite this page and its chart
bench/run --render raw.json --write-docs    # measure nothing: rewrite this page from saved numbers
bench/run -h                                # every flag
` + "```" + `

` + "`bench/run`" + ` builds and runs ` + "`bench/judge`" + `. Every setting is a flag or an environment
variable: ` + "`SCENARIO`" + ` (a name below or ` + "`all`" + `), ` + "`ROUNDS`" + ` (default 5), ` + "`DURATION`" + ` (seconds
per run, 5), ` + "`WARMUP`" + ` (seconds, 2), ` + "`CONNECTIONS`" + ` (64; a comma-separated list runs each),
` + "`THREADS`" + ` (wrk threads, 1), ` + "`BASE_PORT`" + ` (9101: the upstream; targets take the next ports),
` + "`DATA_DIR`" + ` (stores and access logs; default a temporary directory removed at the end),
` + "`PEERS_DIR`" + ` (default ` + "`bench/peers`" + `), ` + "`PEER_BIN`" + ` (default ` + "`bench/.peers`" + `), ` + "`REDIS_ADDR`" + `
(127.0.0.1:6379), ` + "`JSON`" + ` (a file for the raw numbers) and ` + "`WRITE_DOCS=1`" + `. It needs wrk;
nginx and Caddy are measured in the proxy scenario when installed. A port another program
holds is passed over (the upstream's is not: choose another ` + "`BASE_PORT`" + `).

## How the numbers are made

- **Alternating rounds.** Every target gets one warm-up run of ` + "`WARMUP`" + ` seconds after it starts,
  then each round runs every target once for ` + "`DURATION`" + ` seconds, in the opposite order of the
  round before (A B C, C B A, ...), so drift on the machine spreads over all targets.
- **Same conditions.** Every server (Portico, the baselines, the peers, the upstream) is pinned
  to core 0 and wrk to core 1 when there are two or more cores; wrk runs with ` + "`--latency`" + `,
  a 10 s request timeout and the same connections and threads for every target. Redis (the
  ` + "`redis`" + ` scenario) is not started by the judge: it is neither pinned nor counted in CPU time.
  Portico runs with ` + "`--log-level warn`" + `; its default access log (stdout) is discarded, except
  in ` + "`full`" + ` and ` + "`redis`" + `, whose stage writes a ` + "`$context`" + ` access log to a file.
- **Statistics.** For each target: the median of the rounds with the minimum and maximum in
  brackets, for requests/s, p50 and p99 latency (wrk's latency distribution) and CPU time per
  request (utime + stime of the server and its child processes from ` + "`/proc/PID/stat`" + `, over
  the run, divided by the requests wrk counted). Peak RSS is VmHWM summed over the server and its
  child processes (function processes count), read at the end; in brackets, the file-backed part
  of the RSS then (RssFile: the mapped pages of the executables and libraries, which grow with a
  binary's size and the page cache, not with load).
- **Ratios.** Each round, a target's requests/s and p99 are divided by the baseline's from the
  same round; the table gives the median and range of those per-round ratios. The baselines are
  the **bare** proxy (` + "`bench/bareproxy`" + `: ` + "`httputil.ReverseProxy`" + ` with Portico's transport
  tuning) and the **pooled** proxy (the same with a ` + "`httputil.BufferPool`" + ` over a ` + "`sync.Pool`" + `
  of 32 KiB buffers). A req/s ratio above 1 and a p99 ratio below 1 are better than the baseline.
- **Errors.** Non-2xx answers and socket errors reported by wrk are printed loudly and mark the
  row (!); a target that does not start is reported and left out.
- **First request.** The latency of the first request after a server accepts connections (one
  request on a new connection): a cold start for function-backed targets.

## Peers

Each directory ` + "`bench/peers/NAME/`" + ` with an executable ` + "`start`" + ` is a peer. The judge runs
` + "`start`" + ` (pinned like every server) with ` + "`PEER_LISTEN`" + ` (host:port to serve on), ` + "`PEER_UPSTREAM`" + `
(host:port of the upstream), ` + "`PEER_WORK`" + ` (a private temporary directory), ` + "`PEER_SCENARIO`" + `
(` + "`proxy`" + `, ` + "`keys`" + ` or ` + "`lambda`" + `), ` + "`PEER_BIN`" + `, ` + "`PEER_REDIS`" + ` and ` + "`PEER_REPO`" + ` (the repository
root); the script execs the server in the foreground. Exit code 3 before listening means "not
available for this scenario" (its last stderr line is printed as skipped). An optional executable
` + "`ready`" + ` runs once the port accepts connections; nonzero skips the peer. Requests: proxy
` + "`GET /pets/1`" + `; keys ` + "`GET /pets/1`" + ` with ` + "`x-api-key: bench-0123456789abcdefghij`" + `; lambda
` + "`GET /hello`" + `. nginx and Caddy are built in as plain proxies in the proxy scenario unless a peer
of that name exists.
`

// markdown renders docs/benchmarks.md.
func markdown(rep *report) string {
	var b strings.Builder
	b.WriteString(docsIntro)
	b.WriteString("\n## Scenarios\n\n| scenario | what every request does |\n|---|---|\n")
	for _, sc := range scenarios {
		fmt.Fprintf(&b, "| `%s` | %s |\n", sc.name, sc.about)
	}
	b.WriteString("\nThe Portico settings and definitions are in `bench/` (`proxy.yaml`, `keys.yaml`, `validate.yaml`,\n" +
		"`full.yaml`, `redis.yaml`, `routes.yaml`, `bodies.yaml`, `cache.yaml`, `lambda.yaml`, `mock.yaml`);\n" +
		"each raises the account throttle, since AWS's default of 10,000 requests/s would cap a faster machine.\n")
	m := rep.Machine
	fmt.Fprintf(&b, "\n## Last run\n\n- Date: %s\n- Machine: %s, %d cores, Linux %s, %s\n- Command: `%s`\n",
		rep.Date, m.CPU, m.Cores, m.Kernel, m.Go, rep.Command)
	if rep.Pinned {
		b.WriteString("- Servers pinned to core 0, wrk to core 1\n")
	}
	if m.LoadStart != "" {
		fmt.Fprintf(&b, "- Load average (1, 5, 15 min): %s before, %s after (other work on the machine)\n", m.LoadStart, m.LoadEnd)
	}
	for _, s := range rep.Skipped {
		fmt.Fprintf(&b, "- Skipped: %s\n", s)
	}
	b.WriteString("\n![Requests/s relative to the bare proxy, median and range of the rounds](benchmarks.svg)\n")
	fmt.Fprintf(&b, "\n### Targets\n\nJudged on the medians of the per-round ratios. The Redis goal compares with the\n"+
		"keys-scenario ratio of a peer named tyk when one ran, else with the ratio recorded for Tyk on the\n"+
		"2-core machine (%.2f× bare). Peak RSS counts function processes (the full pipeline's authorizer).\n"+
		"File-backed pages are the mapped parts of the executables and libraries (RssFile at the end of the\n"+
		"run): they grow with the size of a binary, not with load; the rest of the peak is given beside them.\n\n"+
		"| target | measured | |\n|---|---|---|\n", tykKeysRecorded)
	for _, g := range rep.Goals {
		fmt.Fprintf(&b, "| %s | %s | %s |\n", g.Name, g.Measured, g.State)
	}
	for _, r := range rep.Runs {
		fmt.Fprintf(&b, "\n### %s, %d connections\n\n%s.\n\n| target | req/s |", r.Scenario, r.Connections, findScenario(r.Scenario).about)
		sep := "|---|---|"
		for _, role := range r.Roles {
			fmt.Fprintf(&b, " req/s ×%s | p99 ×%s |", role, role)
			sep += "---|---|"
		}
		b.WriteString(" p99 ms | CPU µs/request | peak RSS MB (file-backed) | first request ms |\n" + sep + "---|---|---|---|\n")
		for _, w := range r.Rows {
			name := w.Target
			if len(w.Problems) > 0 {
				name += " (!)"
			}
			fmt.Fprintf(&b, "| %s | %s |", name, fmtStat(w.RPS, 0, ""))
			for _, role := range r.Roles {
				if rt, ok := w.Ratios[role]; ok {
					fmt.Fprintf(&b, " %s | %s |", fmtStat(rt.RPS, 2, "×"), fmtStat(rt.P99, 2, "×"))
				} else {
					b.WriteString(" – | – |")
				}
			}
			fmt.Fprintf(&b, " %s | %s | %.1f (%.1f) | %.1f |\n", fmtStat(w.P99, 2, ""), fmtStat(w.CPU, 1, ""), w.RSSMB, w.FileMB, w.FirstMs)
		}
		var notes []string
		for _, w := range r.Rows {
			for _, p := range w.Problems {
				notes = append(notes, fmt.Sprintf("(!) %s %s", w.Target, p))
			}
		}
		for _, s := range r.Skipped {
			notes = append(notes, "skipped: "+s)
		}
		if len(notes) > 0 {
			b.WriteString("\n")
			for _, n := range notes {
				fmt.Fprintf(&b, "- %s\n", strings.ReplaceAll(n, "|", `\|`))
			}
		}
	}
	return b.String()
}

// chartBar is one bar of the chart: a target's req/s ratio to the bare
// proxy.
type chartBar struct {
	label   string
	s       stat
	subject bool
}

func chartBars(rep *report) []chartBar {
	var out []chartBar
	for _, r := range rep.Runs {
		for _, w := range r.Rows {
			rt, ok := w.Ratios["bare"]
			if !ok || rt.RPS.N == 0 || w.Refs["bare"] == w.Target {
				continue
			}
			label := r.Scenario + ": " + w.Target
			if hasManyConns(rep) {
				label += fmt.Sprintf(" (%d)", r.Connections)
			}
			out = append(out, chartBar{label, rt.RPS, w.Subject})
		}
	}
	return out
}

// hasManyConns reports whether the runs with a bare baseline (the bars)
// were made at more than one connection count.
func hasManyConns(rep *report) bool {
	seen := -1
	for _, r := range rep.Runs {
		if !slices.Contains(r.Roles, "bare") {
			continue
		}
		if seen >= 0 && r.Connections != seen {
			return true
		}
		seen = r.Connections
	}
	return false
}

// errBars are the min–max ranges around the bars' medians.
type errBars struct {
	plotter.XYs
	plotter.XErrors
}

// writeChart draws a horizontal bar per target: the median req/s ratio to
// the bare proxy, with the rounds' range and a line at 1 (the bare proxy).
func writeChart(path string, rep *report) error {
	bars := chartBars(rep)
	if len(bars) == 0 {
		bars = []chartBar{{label: "no run with a bare baseline"}}
	}
	slices.Reverse(bars) // the first bar on top
	p := plot.New()
	p.Title.Text = "Requests/s relative to the bare proxy (median; lines: min–max over rounds)"
	p.X.Label.Text = "× bare httputil.ReverseProxy, same round"
	p.X.Min = 0
	// Portico's bars in blue, the others in grey: two charts, each with
	// zeros where the other has a bar.
	portico, others := make(plotter.Values, len(bars)), make(plotter.Values, len(bars))
	eb := errBars{XYs: make(plotter.XYs, len(bars)), XErrors: make(plotter.XErrors, len(bars))}
	labels := make([]string, len(bars))
	maxX := 1.0
	for i, bar := range bars {
		if bar.subject {
			portico[i] = bar.s.Med
		} else {
			others[i] = bar.s.Med
		}
		eb.XYs[i] = plotter.XY{X: bar.s.Med, Y: float64(i)}
		eb.XErrors[i] = struct{ Low, High float64 }{bar.s.Med - bar.s.Min, bar.s.Max - bar.s.Med}
		labels[i] = bar.label
		maxX = max(maxX, bar.s.Max)
	}
	p.X.Max = maxX * 1.1
	var ticks []plot.Tick
	for x := 0.0; x <= p.X.Max; x += 0.5 {
		ticks = append(ticks, plot.Tick{Value: x, Label: fmt.Sprintf("%.1f×", x)})
	}
	p.X.Tick.Marker = plot.ConstantTicks(ticks)
	for _, c := range []struct {
		vals  plotter.Values
		color color.Color
	}{{portico, color.RGBA{R: 0x4a, G: 0x7d, B: 0xc4, A: 0xff}}, {others, color.Gray{Y: 0xb0}}} {
		bc, err := plotter.NewBarChart(c.vals, vg.Points(10))
		if err != nil {
			return err
		}
		bc.Horizontal, bc.Color, bc.LineStyle.Width = true, c.color, 0
		p.Add(bc)
	}
	xe, err := plotter.NewXErrorBars(eb)
	if err != nil {
		return err
	}
	p.Add(xe)
	one, err := plotter.NewLine(plotter.XYs{{X: 1, Y: -0.5}, {X: 1, Y: float64(len(bars)) - 0.5}})
	if err != nil {
		return err
	}
	one.Dashes = []vg.Length{vg.Points(3), vg.Points(3)}
	p.Add(one)
	p.NominalY(labels...)
	return p.Save(8*vg.Inch, vg.Length(len(bars))*0.22*vg.Inch+1.2*vg.Inch, path)
}
