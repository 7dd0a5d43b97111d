package function

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"time"
)

// rssSupported: /proc gives every process's resident memory.
const rssSupported = true

var pageSize = int64(os.Getpagesize())

// processTreeRSS returns the resident memory of pid and its descendants
// (found through /proc/PID/task/TID/children), in bytes; false if pid is
// gone.
func processTreeRSS(pid int) (int64, bool) {
	r := newRSSProbe(pid)
	defer r.close()
	return r.read(true)
}

// rssProbe reads one process group's resident memory repeatedly and
// cheaply: the process's statm stays open (a file of /proc/PID refers to
// that process even if the pid is reused later), and its descendants are
// looked up only on full reads.
type rssProbe struct {
	pid   int
	statm *os.File
	buf   [256]byte
	kids  []int // descendants found by the last full read
}

// newRSSProbe opens pid's statm; a probe of a gone process reads false.
func newRSSProbe(pid int) *rssProbe {
	r := &rssProbe{pid: pid}
	r.statm, _ = os.Open("/proc/" + strconv.Itoa(pid) + "/statm")
	return r
}

// read returns the resident memory of the process and its descendants;
// full looks the descendants up again (else the last ones found count).
func (r *rssProbe) read(full bool) (int64, bool) {
	if r.statm == nil {
		return 0, false
	}
	n, err := r.statm.ReadAt(r.buf[:], 0)
	if n == 0 && err != nil {
		return 0, false
	}
	total, ok := parseStatm(r.buf[:n])
	if !ok {
		return 0, false
	}
	if full {
		r.kids = r.kids[:0]
		seen := map[int]bool{r.pid: true}
		stack := childrenOf(r.pid, nil)
		for len(stack) > 0 && len(seen) < 4096 {
			c := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			if seen[c] {
				continue
			}
			seen[c] = true
			r.kids = append(r.kids, c)
			stack = childrenOf(c, stack)
		}
	}
	for _, c := range r.kids {
		if rss, ok := statmRSS(c); ok {
			total += rss
		}
	}
	return total, true
}

// close releases the probe.
func (r *rssProbe) close() {
	if r.statm != nil {
		r.statm.Close()
	}
}

// statmRSS reads the resident set size of one process from
// /proc/PID/statm.
func statmRSS(pid int) (int64, bool) {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/statm")
	if err != nil {
		return 0, false
	}
	return parseStatm(b)
}

// parseStatm returns statm's second field (resident pages) in bytes.
func parseStatm(b []byte) (int64, bool) {
	f := bytes.Fields(b)
	if len(f) < 2 {
		return 0, false
	}
	pages, err := strconv.ParseInt(string(f[1]), 10, 64)
	if err != nil {
		return 0, false
	}
	return pages * pageSize, true
}

// childrenOf appends the children of every thread of pid to out.
func childrenOf(pid int, out []int) []int {
	dir := "/proc/" + strconv.Itoa(pid) + "/task/"
	tasks, err := os.ReadDir(dir)
	if err != nil {
		return out
	}
	for _, t := range tasks {
		b, err := os.ReadFile(dir + t.Name() + "/children")
		if err != nil {
			continue
		}
		for _, f := range bytes.Fields(b) {
			if c, err := strconv.Atoi(string(f)); err == nil {
				out = append(out, c)
			}
		}
	}
	return out
}

// cgroupDir is the cgroup v2 directory under which Portico creates one
// child cgroup per function process.
type cgroupDir struct {
	path string
	seq  atomic.Int64
}

// openCgroupDir finds where Portico can create memory-limited cgroups for
// its function processes. The kernel gives a cgroup's children controllers
// only while the cgroup itself holds no process (the root excepted), and
// Portico's own cgroup holds Portico. So the function cgroups go next to
// Portico's, in its parent, when that parent holds no process and lets
// Portico enable the memory controller: the layout of a delegated cgroup
// with a subgroup for the main process (systemd's Delegate=yes with
// DelegateSubgroup=). At the root of the visible hierarchy they go under
// the root. Elsewhere cgroup v2 is not usable and the error says why.
func openCgroupDir() (*cgroupDir, error) {
	self, err := os.ReadFile("/proc/self/cgroup")
	if err != nil {
		return nil, err
	}
	mounts, err := os.ReadFile("/proc/self/mountinfo")
	if err != nil {
		return nil, err
	}
	dir, atRoot, err := cgroupV2Path(string(self), string(mounts))
	if err != nil {
		return nil, err
	}
	if atRoot {
		return openCgroupAt(dir, false)
	}
	return openCgroupAt(filepath.Dir(dir), true)
}

// cgroupV2Path returns the directory of the process's cgroup v2 given the
// contents of /proc/self/cgroup and /proc/self/mountinfo, and whether it is
// the root of the mounted hierarchy.
func cgroupV2Path(self, mountinfo string) (string, bool, error) {
	rel, found := "", false
	for line := range strings.Lines(self) {
		if p, ok := strings.CutPrefix(strings.TrimRight(line, "\n"), "0::"); ok {
			rel, found = p, true
		}
	}
	if !found {
		return "", false, errors.New("no cgroup v2 hierarchy (no 0:: entry in /proc/self/cgroup)")
	}
	sc := bufio.NewScanner(strings.NewReader(mountinfo))
	for sc.Scan() {
		// ID PARENT MAJ:MIN ROOT MOUNTPOINT OPTIONS [OPTIONAL...] - FSTYPE SOURCE SUPEROPTIONS
		pre, post, ok := strings.Cut(sc.Text(), " - ")
		if !ok {
			continue
		}
		pf, qf := strings.Fields(pre), strings.Fields(post)
		if len(pf) < 5 || len(qf) < 1 || qf[0] != "cgroup2" {
			continue
		}
		root, mnt := unescapeMount(pf[3]), unescapeMount(pf[4])
		if root != "/" && rel != root && !strings.HasPrefix(rel, root+"/") {
			continue
		}
		sub := rel
		if root != "/" {
			sub = strings.TrimPrefix(rel, root)
		}
		return filepath.Join(mnt, sub), sub == "" || sub == "/", nil
	}
	return "", false, errors.New("no cgroup2 file system mounted")
}

// unescapeMount undoes mountinfo's octal escapes (\040 for a space).
func unescapeMount(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+4 <= len(s) {
			if n, err := strconv.ParseUint(s[i+1:i+4], 8, 8); err == nil {
				b.WriteByte(byte(n))
				i += 3
				continue
			}
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// openCgroupAt checks that dir can hold memory-limited children; with
// empty set, dir must hold no process itself.
func openCgroupAt(dir string, empty bool) (*cgroupDir, error) {
	ctrl, err := os.ReadFile(filepath.Join(dir, "cgroup.controllers"))
	if err != nil {
		return nil, err
	}
	if empty {
		procs, err := os.ReadFile(filepath.Join(dir, "cgroup.procs"))
		if err != nil {
			return nil, err
		}
		if len(bytes.TrimSpace(procs)) > 0 {
			return nil, fmt.Errorf("%s, the parent of Portico's cgroup, holds processes (run Portico in a subgroup of a delegated cgroup, e.g. systemd's Delegate=yes with DelegateSubgroup=)", dir)
		}
	}
	if !hasWord(string(ctrl), "memory") {
		return nil, fmt.Errorf("the memory controller is not available in %s", dir)
	}
	sub, err := os.ReadFile(filepath.Join(dir, "cgroup.subtree_control"))
	if err != nil {
		return nil, err
	}
	if !hasWord(string(sub), "memory") {
		if err := writeCgroupFile(dir, "cgroup.subtree_control", "+memory"); err != nil {
			return nil, fmt.Errorf("cannot enable the memory controller for children of %s: %w", dir, err)
		}
	}
	cg := &cgroupDir{path: dir}
	probe, err := cg.create(DefaultMemorySize << 20)
	if err != nil {
		return nil, err
	}
	probe.remove()
	return cg, nil
}

// hasWord reports whether the space-separated list s contains w.
func hasWord(s, w string) bool {
	for _, f := range strings.Fields(s) {
		if f == w {
			return true
		}
	}
	return false
}

// writeCgroupFile writes value to one of dir's interface files.
func writeCgroupFile(dir, name, value string) error {
	f, err := os.OpenFile(filepath.Join(dir, name), os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o644) // O_CREATE matters only off cgroupfs (tests)
	if err != nil {
		return err
	}
	_, err = f.WriteString(value)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

// procCgroup is the cgroup of one function process.
type procCgroup struct {
	path string
	fd   *os.File // the directory, for clone3's CLONE_INTO_CGROUP
}

// create makes a child cgroup limited to limit bytes, without swap, whose
// processes are all killed together when one is OOM-killed.
func (cg *cgroupDir) create(limit int64) (*procCgroup, error) {
	path := filepath.Join(cg.path, fmt.Sprintf("portico-%d-%d", os.Getpid(), cg.seq.Add(1)))
	if err := os.Mkdir(path, 0o755); err != nil {
		return nil, err
	}
	pc := &procCgroup{path: path}
	if err := writeCgroupFile(path, "memory.max", strconv.FormatInt(limit, 10)); err != nil {
		pc.remove()
		return nil, fmt.Errorf("cgroup %s: memory.max: %w", path, err)
	}
	_ = writeCgroupFile(path, "memory.swap.max", "0") // absent without swap accounting
	_ = writeCgroupFile(path, "memory.oom.group", "1")
	fd, err := os.Open(path)
	if err != nil {
		pc.remove()
		return nil, err
	}
	pc.fd = fd
	return pc, nil
}

// apply makes the process started with attr begin life in pc.
func (pc *procCgroup) apply(attr *syscall.SysProcAttr) {
	attr.UseCgroupFD = true
	attr.CgroupFD = int(pc.fd.Fd())
}

// started closes the directory once the process runs in it.
func (pc *procCgroup) started() {
	if pc.fd != nil {
		pc.fd.Close()
		pc.fd = nil
	}
}

// oomKilled reports whether the kernel OOM-killed a process of pc, and its
// peak memory use when the kernel reports it (0 otherwise).
func (pc *procCgroup) oomKilled() (bool, int64) {
	b, err := os.ReadFile(filepath.Join(pc.path, "memory.events"))
	if err != nil {
		return false, 0
	}
	killed := false
	for line := range strings.Lines(string(b)) {
		if k, v, ok := strings.Cut(strings.TrimSpace(line), " "); ok && (k == "oom_kill" || k == "oom_group_kill") && v != "0" {
			killed = true
		}
	}
	var peak int64
	if p, err := os.ReadFile(filepath.Join(pc.path, "memory.peak")); err == nil {
		peak, _ = strconv.ParseInt(strings.TrimSpace(string(p)), 10, 64)
	}
	return killed, peak
}

// remove kills whatever is left in pc (cgroup.kill) and removes it,
// waiting up to a second for the processes to go.
func (pc *procCgroup) remove() {
	pc.started()
	_ = writeCgroupFile(pc.path, "cgroup.kill", "1")
	for range 100 {
		err := syscall.Rmdir(pc.path)
		if err == nil || errors.Is(err, syscall.ENOENT) || !errors.Is(err, syscall.EBUSY) {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// peakReader reads a process's peak memory use for its REPORT lines: the
// cgroup's memory.peak (the process and its descendants) in cgroup mode,
// else the process's own peak resident set (VmHWM in /proc/PID/status).
// The file stays open and is re-read at offset 0.
type peakReader struct {
	f      *os.File
	cgroup bool
	buf    []byte
}

// newPeakReader opens the file to read for pid (in cg, when not nil).
func newPeakReader(pid int, cg *procCgroup) *peakReader {
	if cg != nil {
		if f, err := os.Open(filepath.Join(cg.path, "memory.peak")); err == nil {
			return &peakReader{f: f, cgroup: true, buf: make([]byte, 32)}
		}
	}
	f, err := os.Open("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		return &peakReader{}
	}
	return &peakReader{f: f, buf: make([]byte, 4096)}
}

// read returns the peak in bytes, 0 when unknown. Not safe for concurrent
// use (one invocation per process reads it at a time).
func (p *peakReader) read() int64 {
	if p == nil || p.f == nil {
		return 0
	}
	n, err := p.f.ReadAt(p.buf, 0)
	if n == 0 && err != nil {
		return 0
	}
	b := p.buf[:n]
	if p.cgroup {
		v, ok := parseDecimal(bytes.TrimSpace(b))
		if !ok {
			return 0
		}
		return v
	}
	const key = "VmHWM:"
	for len(b) > 0 {
		line := b
		if i := bytes.IndexByte(b, '\n'); i >= 0 {
			line, b = b[:i], b[i+1:]
		} else {
			b = nil
		}
		if len(line) > len(key) && string(line[:len(key)]) == key {
			v := bytes.TrimSpace(line[len(key):])
			if i := bytes.IndexByte(v, ' '); i >= 0 {
				v = v[:i]
			}
			kb, ok := parseDecimal(v)
			if !ok {
				return 0
			}
			return kb << 10
		}
	}
	return 0
}

// close closes the file; read then returns 0.
func (p *peakReader) close() {
	if p != nil && p.f != nil {
		p.f.Close()
	}
}
