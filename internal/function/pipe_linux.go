//go:build linux

package function

import (
	"os"

	"golang.org/x/sys/unix"
)

// pipePending returns how many bytes wait unread in the pipe f (FIONREAD, TIOCINQ on Linux);
// 0 when it cannot tell. It goes through SyscallConn so f stays
// non-blocking.
func pipePending(f *os.File) int {
	rc, err := f.SyscallConn()
	if err != nil {
		return 0
	}
	n := 0
	_ = rc.Control(func(fd uintptr) {
		if v, err := unix.IoctlGetInt(int(fd), unix.TIOCINQ); err == nil {
			n = v
		}
	})
	return n
}
