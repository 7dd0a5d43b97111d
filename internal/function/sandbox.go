package function

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"os/exec"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

// errNotDelivered means the process went away before it took the
// invocation, so the invocation can safely go to another process.
var errNotDelivered = errors.New("invocation not delivered")

// invocation is one call on its way through a process.
type invocation struct {
	id, traceID, clientContext, arn string
	cognitoIdentity                 string
	payload                         []byte
	deadline                        time.Time
	// done receives the one result; buffered so the runtime API handler
	// never blocks on a caller that gave up.
	done chan result
}

// result is what the runtime reported for an invocation.
type result struct {
	payload       []byte
	functionError bool
	// err is errNotDelivered when the invocation never reached the runtime.
	err error
}

// finish hands r to the waiting caller; only the first call counts.
func (inv *invocation) finish(r result) {
	select {
	case inv.done <- r:
	default:
	}
}

// sandbox is one function process with its own Runtime API listener. It
// runs one invocation at a time; the pool decides which.
type sandbox struct {
	// used is set by the first invocation handed to this process, so the
	// caller can tell cold starts from warm ones.
	used atomic.Bool
	fn   string
	pid  int
	gen  int // the pool generation of the code it runs
	log  *slog.Logger
	ln   net.Listener // the Runtime API listener

	// took receives the outcome of writing the pending invocation when a
	// GET .../next took it (nil, or errNotDelivered).
	took      chan error
	ready     chan struct{} // closed at the first GET .../next
	readyOnce sync.Once
	initErr   chan struct{} // closed by POST .../init/error
	initOnce  sync.Once
	initMsg   string        // set before initErr is closed
	initDoc   []byte        // the init/error document, set before initErr is closed
	stop      chan struct{} // closed by kill, unblocks GET .../next
	stopOnce  sync.Once
	exited    chan struct{} // closed once the process is reaped and its output drained
	exitMsg   string        // set before exited is closed
	killed    atomic.Bool
	waiting   atomic.Bool // the runtime is blocked in GET .../next
	oom       atomic.Bool // killed for exceeding its memory size
	memLimit  int64       // the memory size in bytes

	mu        sync.Mutex
	current   *invocation // the invocation the runtime is working on
	pending   *invocation // delivered before the runtime asked for it
	waiters   []*rconn    // connections whose GET .../next waits for an event
	conns     map[*rconn]struct{}
	accepted  int // connections accepted so far
	apiClosed bool
	lastID    string // the latest invocation's id, for output lines
	reaped    bool   // the pid may be reused: never signal it again

	// started is when the process was started, initDuration how long it
	// took to ask for work (its first REPORT line's Init Duration).
	started      time.Time
	initDuration time.Duration
	peak         *peakReader // the process's peak memory use

	out      tail
	lastUsed time.Time // guarded by the pool's mutex
}

// startSpec is what startSandbox needs.
type startSpec struct {
	cfg         Config
	prog        program
	log         *slog.Logger
	initTimeout time.Duration
	// closing aborts the start when closed (the Manager is closing).
	closing <-chan struct{}
	// track registers a process waiter with the Manager (false once it is
	// closing); done unregisters it. onExit runs after the process exits.
	track func() bool
	done  func()
	// startCmd starts the process (on the Manager's spawner thread).
	startCmd func(*exec.Cmd) error
	onExit   func(*sandbox)
	// onStart, if set, sees every started pid (tests use it).
	onStart func(pid int)
	// gen is the pool generation of prog.
	gen int
	// mem enforces the memory size.
	mem *memoryGuard
}

// startSandbox starts a process and waits until it asks for work (a cold
// start). Init failures come back as *CrashError with Init set.
func startSandbox(s startSpec) (*sandbox, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("function %s: runtime API listener: %w", s.cfg.Name, err)
	}
	sb := &sandbox{
		fn:       s.cfg.Name,
		gen:      s.gen,
		memLimit: int64(s.cfg.MemorySize) << 20,
		log:      s.log,
		ln:       ln,
		took:     make(chan error, 1),
		conns:    map[*rconn]struct{}{},
		ready:    make(chan struct{}),
		initErr:  make(chan struct{}),
		stop:     make(chan struct{}),
		exited:   make(chan struct{}),
	}
	go sb.serveRuntimeAPI(ln)

	if err := sb.spawn(s, ln.Addr().String()); err != nil {
		sb.closeRuntimeAPI()
		return nil, err
	}
	if err := sb.awaitReady(s); err != nil {
		sb.kill()
		<-sb.exited
		var ce *CrashError
		if errors.As(err, &ce) {
			ce.OutOfMemory = sb.oom.Load()
			ce.Output = sb.out.String()
			if ce.Reason == "" {
				ce.Reason = sb.exitMsg
			}
		}
		return nil, err
	}
	return sb, nil
}

// spawn starts the process with its output piped to the logger.
func (sb *sandbox) spawn(s startSpec, runtimeAPI string) error {
	outR, outW, err := os.Pipe()
	if err != nil {
		return fmt.Errorf("function %s: %w", s.cfg.Name, err)
	}
	errR, errW, err := os.Pipe()
	if err != nil {
		outR.Close()
		outW.Close()
		return fmt.Errorf("function %s: %w", s.cfg.Name, err)
	}
	cmd := exec.Command(s.prog.path, s.prog.args...)
	cmd.Env = environment(s.cfg, s.prog, runtimeAPI)
	cmd.Dir = s.prog.dir
	cmd.Stdout, cmd.Stderr = outW, errW
	cmd.SysProcAttr = sysProcAttr()
	var cg *procCgroup
	if s.mem != nil && s.mem.cgroups != nil {
		if cg, err = s.mem.cgroups.create(sb.memLimit); err != nil {
			outR.Close()
			outW.Close()
			errR.Close()
			errW.Close()
			return fmt.Errorf("function %s: %w", s.cfg.Name, err)
		}
		cg.apply(cmd.SysProcAttr)
	}
	if !s.track() {
		outR.Close()
		outW.Close()
		errR.Close()
		errW.Close()
		if cg != nil {
			cg.remove()
		}
		return ErrClosed
	}
	err = s.startCmd(cmd)
	outW.Close()
	errW.Close()
	if err != nil {
		outR.Close()
		errR.Close()
		if cg != nil {
			cg.remove()
		}
		s.done()
		return fmt.Errorf("function %s: start %s: %w", s.cfg.Name, s.prog.path, err)
	}
	if cg != nil {
		cg.started()
	}
	sb.pid = cmd.Process.Pid
	sb.started = time.Now()
	sb.peak = newPeakReader(sb.pid, cg)
	if s.mem != nil {
		s.mem.watch(sb)
	}
	if s.onStart != nil {
		s.onStart(sb.pid)
	}

	var copiers sync.WaitGroup
	for _, stream := range []struct {
		name string
		r    *os.File
	}{{"stdout", outR}, {"stderr", errR}} {
		attrs := []slog.Attr{slog.String("function", sb.fn), slog.String("stream", stream.name), slog.Int("pid", sb.pid)}
		copiers.Go(func() { copyLines(stream.r, sb.log, attrs, sb.outputID, &sb.out) })
	}
	go func() {
		defer s.done()
		// Kill what is left of the process group (children the function
		// started) once the function exits, before reaping it frees its
		// pid and group id for reuse.
		_ = awaitExit(sb.pid)
		sb.mu.Lock()
		_ = killGroup(sb.pid)
		sb.reaped = true
		sb.mu.Unlock()
		werr := cmd.Wait()
		// Give the copiers a moment to read what the process wrote last;
		// a grandchild holding the pipes open must not block the reaper.
		drained := make(chan struct{})
		go func() { copiers.Wait(); close(drained) }()
		select {
		case <-drained:
		case <-time.After(200 * time.Millisecond):
			outR.Close()
			errR.Close()
			<-drained
		}
		outR.Close()
		errR.Close()
		if s.mem != nil {
			s.mem.unwatch(sb)
		}
		if cg != nil {
			if killed, peak := cg.oomKilled(); killed && !sb.oom.Swap(true) {
				sb.log.Warn("function process exceeded its memory size; killed", "function", sb.fn, "pid", sb.pid,
					"requestId", sb.currentID(), "memoryUsedMB", peak>>20, "memorySizeMB", sb.memLimit>>20)
			}
			cg.remove()
		}
		sb.exitMsg = exitMessage(werr)
		close(sb.exited)
		sb.stopOnce.Do(func() { close(sb.stop) })
		sb.closeRuntimeAPI()
		sb.peak.close()
		if s.onExit != nil {
			s.onExit(sb)
		}
	}()
	return nil
}

// exitMessage renders a Wait error like Lambda does ("exit status 2",
// "signal: killed").
func exitMessage(err error) string {
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		return ee.ProcessState.String()
	}
	if err == nil {
		return "exit status 0"
	}
	return err.Error()
}

// awaitReady waits for the first GET .../next, an init error, the process
// exiting, the init timeout or the Manager closing.
func (sb *sandbox) awaitReady(s startSpec) error {
	timer := time.NewTimer(s.initTimeout)
	defer timer.Stop()
	select {
	case <-sb.ready:
		sb.initDuration = time.Since(sb.started)
		return nil
	case <-sb.initErr:
		return &CrashError{Function: sb.fn, Init: true, Reason: sb.initMsg, Document: sb.initDoc}
	case <-sb.exited:
		return &CrashError{Function: sb.fn, Init: true}
	case <-timer.C:
		return &CrashError{Function: sb.fn, Init: true,
			Reason: "init did not finish within " + strconv.FormatFloat(s.initTimeout.Seconds(), 'f', 2, 64) + " seconds"}
	case <-s.closing:
		return ErrClosed
	}
}

// currentID returns the request id of the invocation in progress, or "".
func (sb *sandbox) currentID() string {
	sb.mu.Lock()
	defer sb.mu.Unlock()
	if sb.current == nil {
		return ""
	}
	return sb.current.id
}

// outputID returns the request id output lines are tagged with: the latest
// invocation's, since a pipe can deliver a line after the answer it
// preceded; "" before the first invocation (init output).
func (sb *sandbox) outputID() string {
	sb.mu.Lock()
	defer sb.mu.Unlock()
	return sb.lastID
}

// alive reports whether the process has not exited (as far as we know).
func (sb *sandbox) alive() bool {
	select {
	case <-sb.exited:
		return false
	default:
		return true
	}
}

// kill SIGKILLs the process group; the waiter goroutine reaps it.
func (sb *sandbox) kill() {
	sb.killed.Store(true)
	sb.stopOnce.Do(func() { close(sb.stop) })
	sb.mu.Lock()
	defer sb.mu.Unlock()
	if !sb.reaped {
		_ = killGroup(sb.pid)
	}
}

// errDeliveryTimeout means the runtime did not ask for the invocation
// within the function timeout.
var errDeliveryTimeout = errors.New("runtime did not ask for work within the timeout")

// deliver hands inv to the runtime: at once, written by this goroutine, when
// a GET .../next is waiting; else it leaves inv pending for the next GET
// .../next and waits until that took it. It fails with errNotDelivered if
// the process is gone first, errDeliveryTimeout, or ctx's error.
func (sb *sandbox) deliver(ctx context.Context, inv *invocation, timeout <-chan time.Time) error {
	sb.mu.Lock()
	if len(sb.waiters) > 0 {
		rc := sb.waiters[0]
		n := copy(sb.waiters, sb.waiters[1:])
		sb.waiters[n] = nil
		sb.waiters = sb.waiters[:n]
		if n == 0 {
			sb.waiting.Store(false)
		}
		sb.current, sb.lastID = inv, inv.id
		sb.mu.Unlock()
		return sb.sendEvent(rc, inv)
	}
	sb.pending = inv
	sb.mu.Unlock()
	var err error
	select {
	case err = <-sb.took:
		return err
	case <-timeout:
		err = errDeliveryTimeout
	case <-sb.exited:
		err = errNotDelivered
	case <-sb.stop:
		err = errNotDelivered
	case <-ctx.Done():
		err = ctx.Err()
	}
	sb.mu.Lock()
	if sb.pending == inv {
		sb.pending = nil
		sb.mu.Unlock()
		return err
	}
	sb.mu.Unlock()
	return <-sb.took // a GET .../next took it meanwhile
}

// outcome is how waiting for a delivered invocation ended.
type outcome int

const (
	answered  outcome = iota // the runtime reported a result
	timedOut                 // the function timeout expired
	died                     // the process exited or was killed
	abandoned                // the caller's context ended first
)

// await waits for inv's result, the timeout, the process's end or ctx.
func (sb *sandbox) await(ctx context.Context, inv *invocation, timeout <-chan time.Time) (result, outcome) {
	select {
	case r := <-inv.done:
		return r, answered
	case <-timeout:
		return result{}, timedOut
	case <-sb.exited:
		// The runtime may have answered just before exiting (a panic
		// reports the error, then exits).
		select {
		case r := <-inv.done:
			return r, answered
		default:
			return result{}, died
		}
	case <-ctx.Done():
		return result{}, abandoned
	}
}
