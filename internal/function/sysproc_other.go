//go:build unix && !linux

package function

import "syscall"

// sysProcAttr puts each function process in its own process group. Outside
// Linux there is no parent-death signal, so a SIGKILLed Portico can leave
// function processes behind.
func sysProcAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setpgid: true}
}

// killGroup sends SIGKILL to the process group led by pid.
func killGroup(pid int) error {
	return syscall.Kill(-pid, syscall.SIGKILL)
}

// awaitExit is a no-op outside Linux: the group is killed after reaping.
func awaitExit(int) error { return nil }
