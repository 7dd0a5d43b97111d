package function

import (
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// groupMembers returns the live (non-zombie) processes in process group pgid.
func groupMembers(pgid int) []int {
	stats, _ := filepath.Glob("/proc/[0-9]*/stat")
	var pids []int
	for _, f := range stats {
		b, err := os.ReadFile(f)
		if err != nil {
			continue
		}
		s := string(b)
		fields := strings.Fields(s[strings.LastIndexByte(s, ')')+1:])
		// fields: state, ppid, pgrp, ...
		if len(fields) > 2 && fields[2] == strconv.Itoa(pgid) && fields[0] != "Z" {
			pid, _ := strconv.Atoi(filepath.Base(filepath.Dir(f)))
			pids = append(pids, pid)
		}
	}
	return pids
}

// TestProcessGroupKilled checks that children a function starts die with
// it: when Close kills it, and when it crashes on its own.
func TestProcessGroupKilled(t *testing.T) {
	skipUnlessLinux(t)
	withChild := func(bin string) []string {
		return []string{"/bin/sh", "-c", "sleep 1000 & exec " + bin}
	}
	m := newTestManager(t, Options{},
		Config{Name: "echo", Command: withChild(fnBin(t, "echo"))},
		Config{Name: "crash", Command: withChild(fnBin(t, "crash"))},
	)

	if _, err := m.invoke(t, "crash", `{"code":4}`); !errors.As(err, new(*CrashError)) {
		t.Fatalf("got %v, want *CrashError", err)
	}
	crashed := m.pids.last(t)
	waitFor(t, "the crashed function's child to die", 10*time.Second, func() bool { return len(groupMembers(crashed)) == 0 })

	if _, err := m.invoke(t, "echo", `{}`); err != nil {
		t.Fatal(err)
	}
	pgid := m.pids.last(t)
	if n := len(groupMembers(pgid)); n != 2 {
		t.Fatalf("process group %d has %d live members, want the function and its child", pgid, n)
	}
	if err := m.Close(); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the function's child to die", 10*time.Second, func() bool { return len(groupMembers(pgid)) == 0 })
}
