package function

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"
)

// pool runs one function: it keeps warm processes, starts cold ones on
// demand and enforces reserved concurrency.
type pool struct {
	m   *Manager
	cfg Config
	log *slog.Logger

	inFlight atomic.Int64
	stats    poolStats // counters for Manager.Stats

	mu     sync.Mutex
	prog   program    // what new processes run; replaced when the code changes
	gen    int        // bumped with prog; processes of older generations retire
	idle   []*sandbox // warm processes, most recently used last
	all    map[*sandbox]struct{}
	closed bool
}

// maxDeliveryAttempts bounds how often an invocation moves on to another
// process because the one it was given died before taking it.
const maxDeliveryAttempts = 3

// invoke runs one invocation.
func (p *pool) invoke(ctx context.Context, inv *invocation) (*Response, error) {
	if lim := int64(p.cfg.ReservedConcurrency); lim > 0 {
		if p.inFlight.Add(1) > lim {
			p.inFlight.Add(-1)
			return nil, &ThrottledError{Function: p.cfg.Name, Limit: p.cfg.ReservedConcurrency}
		}
	} else {
		p.inFlight.Add(1)
	}
	for attempt := 1; ; attempt++ {
		sb, err := p.acquire(ctx)
		if err != nil {
			p.inFlight.Add(-1)
			if ce, ok := errors.AsType[*CrashError](err); ok {
				ce.RequestID = inv.id
			}
			return nil, err
		}
		cold := !sb.used.Swap(true)
		resp, err := p.run(ctx, sb, inv, cold)
		if !errors.Is(err, errNotDelivered) {
			if resp != nil {
				resp.ColdStart = cold
			}
			return resp, err
		}
		if attempt == maxDeliveryAttempts {
			p.inFlight.Add(-1)
			return nil, &CrashError{Function: p.cfg.Name, RequestID: inv.id, Reason: "runtime exited before taking the invocation"}
		}
	}
}

// run sends inv to sb and waits for the outcome. It releases the slot and
// the process, except when ctx ends first: then a tracked goroutine waits
// for the invocation to end (it still counts against the concurrency, as
// on Lambda) and releases them.
func (p *pool) run(ctx context.Context, sb *sandbox, inv *invocation, cold bool) (*Response, error) {
	timer := time.NewTimer(p.cfg.Timeout)
	inv.deadline = time.Now().Add(p.cfg.Timeout)
	if err := sb.deliver(ctx, inv, timer.C); err != nil {
		timer.Stop()
		switch {
		case errors.Is(err, errNotDelivered):
			p.release(sb, false)
			return nil, errNotDelivered
		case errors.Is(err, errDeliveryTimeout):
			return p.settle(sb, inv, result{}, timedOut)
		}
		p.release(sb, true)
		p.inFlight.Add(-1)
		return nil, err
	}
	start := time.Now()
	p.platformStart(sb, inv)
	r, how := sb.await(ctx, inv, timer.C)
	if how == abandoned {
		finish := func() {
			r, how := sb.await(context.Background(), inv, timer.C)
			timer.Stop()
			p.platformEnd(sb, inv, start, cold)
			if _, err := p.settle(sb, inv, r, how); errors.Is(err, errNotDelivered) {
				p.inFlight.Add(-1) // settle leaves that to the retry loop
			}
		}
		if !p.m.goTracked(finish) {
			timer.Stop()
			p.release(sb, false)
			p.inFlight.Add(-1)
		}
		return nil, ctx.Err()
	}
	timer.Stop()
	p.platformEnd(sb, inv, start, cold)
	return p.settle(sb, inv, r, how)
}

// settle releases the slot and the process and turns an outcome into the
// caller's answer. For an invocation that never reached the runtime it
// releases only the process and returns errNotDelivered, so the caller can
// retry with the slot it holds.
func (p *pool) settle(sb *sandbox, inv *invocation, r result, how outcome) (*Response, error) {
	if how == answered && r.err != nil { // handed to a runtime that was dying
		p.release(sb, false)
		return nil, r.err
	}
	p.release(sb, how == answered)
	p.inFlight.Add(-1)
	switch how {
	case answered:
		resp := &Response{RequestID: inv.id, Payload: r.payload}
		if r.functionError {
			resp.FunctionError = "Unhandled"
		}
		return resp, nil
	case timedOut:
		p.log.Warn("function timed out; process killed", "function", p.cfg.Name, "requestId", inv.id, "pid", sb.pid)
		p.replace()
		return nil, &TimeoutError{Function: p.cfg.Name, RequestID: inv.id, Timeout: p.cfg.Timeout}
	default:
		<-sb.exited
		if p.isClosed() {
			return nil, ErrClosed
		}
		return nil, &CrashError{Function: p.cfg.Name, RequestID: inv.id, Reason: sb.exitMsg, Output: sb.out.String(), OutOfMemory: sb.oom.Load()}
	}
}

// acquire returns a warm process, or starts one.
func (p *pool) acquire(ctx context.Context) (*sandbox, error) {
	for {
		p.mu.Lock()
		if p.closed {
			p.mu.Unlock()
			return nil, ErrClosed
		}
		n := len(p.idle)
		if n == 0 {
			p.mu.Unlock()
			return p.start(ctx)
		}
		sb := p.idle[n-1]
		p.idle[n-1] = nil
		p.idle = p.idle[:n-1]
		p.mu.Unlock()
		if sb.alive() {
			return sb, nil
		}
	}
}

// start cold-starts a process and registers it. If ctx ends first, the
// start goes on in the background and the process joins the warm set, as a
// Lambda init does not stop when its first caller goes away.
func (p *pool) start(ctx context.Context) (*sandbox, error) {
	type started struct {
		sb  *sandbox
		err error
	}
	ch := make(chan started)
	abandon := make(chan struct{})
	ok := p.m.goTracked(func() {
		sb, err := p.coldStart()
		select {
		case ch <- started{sb, err}:
		case <-abandon:
			if err == nil {
				p.release(sb, true)
			}
		}
	})
	if !ok {
		return nil, ErrClosed
	}
	select {
	case s := <-ch:
		return s.sb, s.err
	case <-ctx.Done():
		close(abandon)
		return nil, ctx.Err()
	}
}

// coldStart starts a process and registers it.
func (p *pool) coldStart() (*sandbox, error) {
	p.mu.Lock()
	prog, gen := p.prog, p.gen
	p.mu.Unlock()
	sb, err := startSandbox(startSpec{
		cfg:         p.cfg,
		prog:        prog,
		log:         p.log,
		initTimeout: p.m.initTimeout,
		closing:     p.m.done,
		track:       p.m.trackProc,
		done:        p.m.procs.Done,
		startCmd:    p.m.spawner.start,
		onExit:      p.exited,
		onStart:     p.m.onStart,
		gen:         gen,
		mem:         p.m.mem,
	})
	if err != nil {
		return nil, err
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		sb.kill()
		return nil, ErrClosed
	}
	p.all[sb] = struct{}{}
	p.stats.coldStarts.Add(1)
	return sb, nil
}

// release returns a healthy process to the warm set, or kills it. A
// process running code older than the pool's is retired.
func (p *pool) release(sb *sandbox, healthy bool) {
	p.mu.Lock()
	if healthy && !p.closed && sb.gen == p.gen && sb.alive() {
		sb.lastUsed = time.Now()
		p.idle = append(p.idle, sb)
		p.mu.Unlock()
		return
	}
	delete(p.all, sb)
	p.mu.Unlock()
	sb.kill()
}

// exited forgets a process that ended. A warm process that died on its own
// (or was killed from outside) after serving at least one invocation is
// replaced at once; the condition keeps a function that always dies from
// being restarted in a loop. Other losses are made up by cold starts on
// demand.
func (p *pool) exited(sb *sandbox) {
	p.mu.Lock()
	delete(p.all, sb)
	wasIdle := false
	for i, s := range p.idle {
		if s == sb {
			p.idle = append(p.idle[:i], p.idle[i+1:]...)
			wasIdle = true
			break
		}
	}
	closed := p.closed
	p.mu.Unlock()
	if closed || sb.killed.Load() {
		return
	}
	p.log.Warn("function process exited", "function", p.cfg.Name, "pid", sb.pid, "status", sb.exitMsg)
	if wasIdle && sb.outputID() != "" {
		p.replace()
	}
}

// swap makes new processes run prog: the warm processes are killed at
// once, the busy ones when their invocation ends (see release).
func (p *pool) swap(prog program) {
	p.mu.Lock()
	p.prog = prog
	p.gen++
	old := p.idle
	p.idle = nil
	for _, sb := range old {
		delete(p.all, sb)
	}
	p.mu.Unlock()
	for _, sb := range old {
		sb.kill()
	}
}

// program returns what new processes run.
func (p *pool) program() program {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.prog
}

// replace cold-starts a process in the background and adds it to the warm
// set; a failure is only logged (the next invocation will report it).
func (p *pool) replace() {
	p.m.goTracked(func() {
		sb, err := p.coldStart()
		if err != nil {
			if !errors.Is(err, ErrClosed) {
				p.log.Warn("function process replacement failed", "function", p.cfg.Name, "error", err)
			}
			return
		}
		p.release(sb, true)
	})
}

// reap kills processes idle for longer than the idle timeout.
func (p *pool) reap(now time.Time) {
	p.mu.Lock()
	var old []*sandbox
	keep := p.idle[:0]
	for _, sb := range p.idle {
		if now.Sub(sb.lastUsed) >= p.cfg.IdleTimeout {
			old = append(old, sb)
			delete(p.all, sb)
		} else {
			keep = append(keep, sb)
		}
	}
	clear(p.idle[len(keep):])
	p.idle = keep
	p.mu.Unlock()
	for _, sb := range old {
		p.log.Debug("reaping idle function process", "function", p.cfg.Name, "pid", sb.pid)
		sb.kill()
	}
}

// close kills every process of the pool, busy ones included.
func (p *pool) close() {
	p.mu.Lock()
	p.closed = true
	all := make([]*sandbox, 0, len(p.all))
	for sb := range p.all {
		all = append(all, sb)
	}
	p.idle = nil
	p.mu.Unlock()
	for _, sb := range all {
		sb.kill()
	}
}

// retire stops the pool taking work: its warm processes stop at once,
// busy ones when their invocation ends (release kills them).
func (p *pool) retire() {
	p.mu.Lock()
	p.closed = true
	idle := p.idle
	p.idle = nil
	for _, sb := range idle {
		delete(p.all, sb)
	}
	p.mu.Unlock()
	for _, sb := range idle {
		sb.kill()
	}
}

// isClosed reports whether close has run.
func (p *pool) isClosed() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.closed
}
