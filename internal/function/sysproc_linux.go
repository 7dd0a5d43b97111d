package function

import "syscall"

// sysProcAttr puts each function process in its own process group (so the
// whole group can be killed) and asks the kernel to SIGKILL it when Portico
// dies, even by SIGKILL.
//
// Pdeathsig fires when the OS thread that started the child exits. The Go
// runtime only retires threads of goroutines that exit while locked with
// runtime.LockOSThread, and processes are never started from such a
// goroutine here.
func sysProcAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
}

// killGroup sends SIGKILL to the process group led by pid.
func killGroup(pid int) error {
	return syscall.Kill(-pid, syscall.SIGKILL)
}
