package function

import (
	"syscall"
	"unsafe"
)

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

// pPID is waitid's idtype for "the process with this pid".
const pPID = 1

// awaitExit blocks until pid has exited, without reaping it, so its pid and
// process group id cannot be reused while the rest of the group is killed.
func awaitExit(pid int) error {
	var info [128]byte // siginfo_t
	for {
		_, _, errno := syscall.Syscall6(syscall.SYS_WAITID, pPID, uintptr(pid),
			uintptr(unsafe.Pointer(&info[0])), syscall.WEXITED|syscall.WNOWAIT, 0, 0)
		if errno != syscall.EINTR {
			if errno != 0 {
				return errno
			}
			return nil
		}
	}
}
