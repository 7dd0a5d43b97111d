package function

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestCgroupV2Path reads Portico's cgroup directory from /proc contents.
func TestCgroupV2Path(t *testing.T) {
	skipUnlessLinux(t)
	cases := []struct {
		name, self, mounts, want string
		root                     bool
		err                      string
	}{
		{"host", "0::/system.slice/portico.service/main\n",
			"24 30 0:22 / /sys/fs/cgroup rw,nosuid shared:9 - cgroup2 cgroup2 rw,nsdelegate\n", "/sys/fs/cgroup/system.slice/portico.service/main", false, ""},
		{"hybrid", "4:memory:/x\n0::/\n",
			"30 24 0:26 / /sys/fs/cgroup/memory rw - cgroup cgroup rw,memory\n31 24 0:27 / /sys/fs/cgroup/unified rw - cgroup2 cgroup2 rw\n", "/sys/fs/cgroup/unified", true, ""},
		{"mount root", "0::/kubepods/pod1/c1\n",
			"40 30 0:30 /kubepods/pod1 /sys/fs/cgroup rw - cgroup2 cgroup rw\n", "/sys/fs/cgroup/c1", false, ""},
		{"namespace root", "0::/kubepods/pod1\n",
			"40 30 0:30 /kubepods/pod1 /sys/fs/cgroup rw - cgroup2 cgroup rw\n", "/sys/fs/cgroup", true, ""},
		{"escaped", "0::/a b\n", `40 30 0:30 / /mnt/cg\040v2 rw - cgroup2 cgroup rw` + "\n", "/mnt/cg v2/a b", false, ""},
		{"v1 only", "4:memory:/x\n", "30 24 0:26 / /sys/fs/cgroup/memory rw - cgroup cgroup rw,memory\n", "", false, "no cgroup v2 hierarchy"},
		{"not mounted", "0::/\n", "30 24 0:26 / /sys/fs/cgroup/memory rw - cgroup cgroup rw,memory\n", "", false, "no cgroup2 file system mounted"},
	}
	for _, c := range cases {
		got, root, err := cgroupV2Path(c.self, c.mounts)
		if got != c.want || root != c.root || (err == nil) != (c.err == "") || err != nil && !strings.Contains(err.Error(), c.err) {
			t.Errorf("%s: got %q %v, %v; want %q %v, %q", c.name, got, root, err, c.want, c.root, c.err)
		}
	}
}

// TestOpenCgroupAt checks the choice of the cgroup directory on a fake
// cgroup file system: a cgroup without the memory controller, or a parent
// holding processes, is refused with the reason; a usable one gets the
// memory controller enabled for its children.
func TestOpenCgroupAt(t *testing.T) {
	fake := func(controllers, procs string) string {
		dir := t.TempDir()
		writeAtomic(t, dir+"/cgroup.controllers", controllers, 0o644)
		writeAtomic(t, dir+"/cgroup.subtree_control", "cpu\n", 0o644)
		writeAtomic(t, dir+"/cgroup.procs", procs, 0o644)
		return dir
	}
	dir := fake("cpu io pids\n", "")
	if _, err := openCgroupAt(dir, true); err == nil || !strings.Contains(err.Error(), "the memory controller is not available in "+dir) {
		t.Errorf("no memory controller: got %v", err)
	}
	dir = fake("cpu io memory pids\n", "1234\n")
	if _, err := openCgroupAt(dir, true); err == nil || !strings.Contains(err.Error(), dir+", the parent of Portico's cgroup, holds processes") {
		t.Errorf("busy parent: got %v", err)
	}
	dir = fake("cpu io memory pids\n", "")
	cg, err := openCgroupAt(dir, true)
	if err != nil || cg.path != dir {
		t.Fatalf("usable parent: got %v, %v", cg, err)
	}
	if b, _ := os.ReadFile(dir + "/cgroup.subtree_control"); string(b) != "+memory" {
		t.Errorf("subtree_control = %q, want +memory written", b)
	}
	pc, err := cg.create(64 << 20)
	if err != nil {
		t.Fatal(err)
	}
	defer pc.started()
	if b, _ := os.ReadFile(pc.path + "/memory.max"); string(b) != "67108864" || filepath.Dir(pc.path) != dir {
		t.Errorf("memory.max = %q in %s", b, pc.path)
	}
	writeAtomic(t, pc.path+"/memory.events", "low 0\nhigh 0\nmax 3\noom 1\noom_kill 1\noom_group_kill 0\n", 0o644)
	writeAtomic(t, pc.path+"/memory.peak", "70000000\n", 0o644)
	if killed, peak := pc.oomKilled(); !killed || peak != 70000000 {
		t.Errorf("oomKilled = %v, %d", killed, peak)
	}
	writeAtomic(t, pc.path+"/memory.events", "oom 0\noom_kill 0\n", 0o644)
	if killed, _ := pc.oomKilled(); killed {
		t.Error("oomKilled without a kill")
	}
}

// peakReader reads a process's VmHWM (its peak resident set) from its
// kept-open status file, and 0 once the file is closed.
func TestPeakReader(t *testing.T) {
	status, err := os.ReadFile("/proc/self/status")
	if err != nil {
		t.Fatal(err)
	}
	var before int64
	for line := range strings.Lines(string(status)) {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
			if err != nil {
				t.Fatal(err)
			}
			before = kb << 10
		}
	}
	p := newPeakReader(os.Getpid(), nil)
	got := p.read()
	if before == 0 || got < before || got > before+(64<<20) {
		t.Errorf("peak %d bytes, status said %d just before", got, before)
	}
	p.close()
	if got := p.read(); got != 0 {
		t.Errorf("after close: %d", got)
	}
}
