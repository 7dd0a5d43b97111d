package function

import (
	"os/exec"
	"runtime"
)

// spawner starts processes from one goroutine locked to its OS thread.
//
// The kernel sends a process's parent-death signal (Pdeathsig) when the
// *thread* that forked it exits, not the whole parent. Go retires the thread
// of a goroutine that exits while locked to it, so forking from an arbitrary
// goroutine could get a function killed whenever unrelated code ends a
// locked goroutine on the same thread. A dedicated locked thread lives until
// Close, after every process it started has been killed and reaped.
type spawner struct {
	reqs chan spawnRequest
	stop chan struct{}
	done chan struct{}
}

// spawnRequest asks the spawner to start cmd and send the result on errc.
type spawnRequest struct {
	cmd  *exec.Cmd
	errc chan error
}

// newSpawner starts the spawner goroutine; stop it with close.
func newSpawner() *spawner {
	s := &spawner{reqs: make(chan spawnRequest), stop: make(chan struct{}), done: make(chan struct{})}
	go s.loop()
	return s
}

func (s *spawner) loop() {
	defer close(s.done)
	runtime.LockOSThread()
	// Never unlocked: the thread exits with this goroutine.
	for {
		select {
		case r := <-s.reqs:
			r.errc <- r.cmd.Start()
		case <-s.stop:
			return
		}
	}
}

// start starts cmd on the spawner's thread. It must not be called after
// close.
func (s *spawner) start(cmd *exec.Cmd) error {
	errc := make(chan error, 1)
	s.reqs <- spawnRequest{cmd, errc}
	return <-errc
}

// close stops the spawner and waits for it.
func (s *spawner) close() {
	close(s.stop)
	<-s.done
}
