package function

import (
	"strings"
	"testing"
)

// TestCgroupV2Path reads Portico's cgroup directory from /proc contents.
func TestCgroupV2Path(t *testing.T) {
	skipUnlessLinux(t)
	cases := []struct {
		name, self, mounts, want, err string
	}{
		{"host", "0::/user.slice/portico.service\n",
			"24 30 0:22 / /sys/fs/cgroup rw,nosuid shared:9 - cgroup2 cgroup2 rw,nsdelegate\n", "/sys/fs/cgroup/user.slice/portico.service", ""},
		{"hybrid", "4:memory:/x\n0::/\n",
			"30 24 0:26 / /sys/fs/cgroup/memory rw - cgroup cgroup rw,memory\n31 24 0:27 / /sys/fs/cgroup/unified rw - cgroup2 cgroup2 rw\n", "/sys/fs/cgroup/unified", ""},
		{"mount root", "0::/kubepods/pod1/c1\n",
			"40 30 0:30 /kubepods/pod1 /sys/fs/cgroup rw - cgroup2 cgroup rw\n", "/sys/fs/cgroup/c1", ""},
		{"escaped", "0::/a b\n", `40 30 0:30 / /mnt/cg\040v2 rw - cgroup2 cgroup rw` + "\n", "/mnt/cg v2/a b", ""},
		{"v1 only", "4:memory:/x\n", "30 24 0:26 / /sys/fs/cgroup/memory rw - cgroup cgroup rw,memory\n", "", "no cgroup v2 hierarchy"},
		{"not mounted", "0::/\n", "30 24 0:26 / /sys/fs/cgroup/memory rw - cgroup cgroup rw,memory\n", "", "no cgroup2 file system mounted"},
	}
	for _, c := range cases {
		got, err := cgroupV2Path(c.self, c.mounts)
		if got != c.want || (err == nil) != (c.err == "") || err != nil && !strings.Contains(err.Error(), c.err) {
			t.Errorf("%s: got %q, %v; want %q, %q", c.name, got, err, c.want, c.err)
		}
	}
}

// TestOpenCgroupAtRefuses: a cgroup without the memory controller is not
// used, and says why.
func TestOpenCgroupAtRefuses(t *testing.T) {
	skipUnlessLinux(t)
	dir := t.TempDir()
	writeAtomic(t, dir+"/cgroup.controllers", "cpu io pids\n", 0o644)
	writeAtomic(t, dir+"/cgroup.subtree_control", "", 0o644)
	if _, err := openCgroupAt(dir); err == nil || !strings.Contains(err.Error(), "the memory controller is not available in "+dir) {
		t.Errorf("got %v", err)
	}
}
