package function

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"
)

// Manager runs the configured functions, one process pool each. It is safe
// for concurrent use.
type Manager struct {
	poolsMu     sync.RWMutex
	pools       map[string]*pool // guarded by poolsMu; Put and Remove change it
	retired     []*pool          // replaced or removed pools (guarded by poolsMu), for Close
	opts        Options
	log         *slog.Logger
	initTimeout time.Duration
	region      string
	account     string

	done    chan struct{} // closed by Close
	procs   sync.WaitGroup
	spawner *spawner
	mem     *memoryGuard

	mu      sync.Mutex // guards closing and Adds to wg and procs
	closing bool
	wg      sync.WaitGroup // reaper, async invocations, abandoned invocations

	// memPoll starts RSS polling once, when there is a function.
	memPoll sync.Once

	// onStart, if set before the first invocation, sees every started pid.
	onStart func(pid int)
}

// Response is the result of an invocation that reached the function, as
// Lambda's Invoke API returns it.
type Response struct {
	// RequestID is the invocation's request id.
	RequestID string
	// Payload is the function's answer, or with FunctionError set, the
	// error document it reported ({"errorMessage","errorType",...}).
	Payload []byte
	// FunctionError is "Unhandled" when the function reported an error,
	// else empty.
	FunctionError string
	// ColdStart is true when a new process started for this invocation.
	ColdStart bool
}

// InvokeOptions are optional per-invocation inputs.
type InvokeOptions struct {
	// RequestID is the Lambda request id; a random UUID when empty.
	RequestID string
	// TraceID is passed in Lambda-Runtime-Trace-Id; generated when empty.
	TraceID string
	// ClientContext is the client context JSON (decoded, not base64),
	// passed in Lambda-Runtime-Client-Context.
	ClientContext string
	// CognitoIdentity is the caller's Amazon Cognito identity JSON
	// ({"cognitoIdentityId":...,"cognitoIdentityPoolId":...}), passed in
	// Lambda-Runtime-Cognito-Identity when set.
	CognitoIdentity string
}

// NewManager validates cfgs, builds Build sources (which can take a while
// the first time; the binaries are cached) and returns a Manager. It starts
// no function process: functions cold-start on their first invocation. It
// does start background goroutines (an idle-process reaper, a process
// spawner locked to its OS thread, a code watcher and a memory monitor), so
// the Manager must be Closed.
func NewManager(cfgs []Config, opts Options) (*Manager, error) {
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.InitTimeout == 0 {
		opts.InitTimeout = DefaultInitTimeout
	}
	progs, err := check(cfgs, opts)
	if err != nil {
		return nil, err
	}
	mem, how, err := newMemoryGuard(opts.MemoryLimit, opts.MemoryCheckInterval)
	if err != nil {
		return nil, err
	}
	if len(cfgs) > 0 {
		opts.Logger.Info(how)
	}
	m := &Manager{
		pools:       make(map[string]*pool, len(cfgs)),
		opts:        opts,
		log:         opts.Logger,
		initTimeout: opts.InitTimeout,
		region:      DefaultRegion,
		account:     DefaultAccountID,
		done:        make(chan struct{}),
		mem:         mem,
	}
	for i, c := range cfgs {
		if w := RuntimeWarning(c.Runtime); w != "" {
			opts.Logger.Warn(w, "function", c.Name)
		}
		c = c.withDefaults(opts)
		m.pools[c.Name] = &pool{m: m, cfg: c, prog: progs[i], log: opts.Logger, all: map[*sandbox]struct{}{}}
		m.region, m.account = c.Region, c.AccountID
	}
	m.spawner = newSpawner()
	m.wg.Go(m.reapLoop)
	if mem.mode == MemoryLimitRSS && len(cfgs) > 0 {
		m.memPoll.Do(func() { m.wg.Go(func() { mem.pollLoop(m.done, m.outOfMemory) }) })
	}
	if every := cmp.Or(opts.CodeCheckInterval, DefaultCodeCheckInterval); every > 0 && len(cfgs) > 0 {
		ws := m.newCodeWatchers()
		m.wg.Go(func() { m.watchLoop(ws, every) })
	}
	return m, nil
}

// Check validates cfgs and resolves every source exactly as NewManager does
// (building Go sources into the cache, so a later start reuses the binaries)
// without starting anything: `portico validate` reports what `serve` would
// fail on. The error joins every problem.
func Check(cfgs []Config, opts Options) error {
	_, err := check(cfgs, opts)
	return err
}

// check validates cfgs and resolves their programs, in cfgs' order.
func check(cfgs []Config, opts Options) ([]program, error) {
	var errs []error
	seen := map[string]bool{}
	for _, c := range cfgs {
		if seen[c.Name] {
			errs = append(errs, fmt.Errorf("function %q: defined twice", c.Name))
		}
		seen[c.Name] = true
		errs = append(errs, c.validate())
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	progs := make([]program, len(cfgs))
	for i, c := range cfgs {
		prog, err := resolve(context.Background(), c.withDefaults(opts), opts)
		errs = append(errs, err)
		progs[i] = prog
	}
	return progs, errors.Join(errs...)
}

// Has reports whether a function named name is configured.
func (m *Manager) Has(name string) bool {
	_, ok := m.pool(name)
	return ok
}

func (m *Manager) pool(name string) (*pool, bool) {
	m.poolsMu.RLock()
	defer m.poolsMu.RUnlock()
	p, ok := m.pools[name]
	return p, ok
}

// allPools returns every current pool.
func (m *Manager) allPools() []*pool {
	m.poolsMu.RLock()
	defer m.poolsMu.RUnlock()
	out := make([]*pool, 0, len(m.pools))
	for _, p := range m.pools {
		out = append(out, p)
	}
	return out
}

// Put adds the function c, or replaces the function of that name: new
// invocations run the new code and settings at once, running ones finish
// on their processes, which then stop. It validates and resolves c as
// NewManager does (building a Build source) and returns c with defaults.
func (m *Manager) Put(c Config) (Config, error) {
	progs, err := check([]Config{c}, m.opts)
	if err != nil {
		return Config{}, err
	}
	select {
	case <-m.done:
		return Config{}, ErrClosed
	default:
	}
	if w := RuntimeWarning(c.Runtime); w != "" {
		m.log.Warn(w, "function", c.Name)
	}
	c = c.withDefaults(m.opts)
	p := &pool{m: m, cfg: c, prog: progs[0], log: m.log, all: map[*sandbox]struct{}{}}
	m.poolsMu.Lock()
	old := m.pools[c.Name]
	m.pools[c.Name] = p
	if old != nil {
		m.retired = append(m.retired, old)
	}
	m.poolsMu.Unlock()
	if old != nil {
		old.retire()
	}
	if m.mem.mode == MemoryLimitRSS {
		m.memPoll.Do(func() { m.wg.Go(func() { m.mem.pollLoop(m.done, m.outOfMemory) }) })
	}
	return c, nil
}

// Remove deletes the function name; running invocations finish. It
// reports whether the function existed.
func (m *Manager) Remove(name string) bool {
	m.poolsMu.Lock()
	old, ok := m.pools[name]
	if ok {
		delete(m.pools, name)
		m.retired = append(m.retired, old)
	}
	m.poolsMu.Unlock()
	if ok {
		old.retire()
	}
	return ok
}

// Config returns the settings of the function name, defaults applied.
func (m *Manager) Config(name string) (Config, bool) {
	p, ok := m.pool(name)
	if !ok {
		return Config{}, false
	}
	return p.cfg, true
}

// Names returns the names of every function, in no order.
func (m *Manager) Names() []string {
	m.poolsMu.RLock()
	defer m.poolsMu.RUnlock()
	out := make([]string, 0, len(m.pools))
	for n := range m.pools {
		out = append(out, n)
	}
	return out
}

// Invoke runs the function name with payload and waits for its answer. A
// function error is a Response with FunctionError set, not an error. Errors
// are *NotFoundError, *ThrottledError, *TimeoutError, *CrashError,
// *RequestTooLargeError, ErrClosed or ctx's error. When ctx ends first,
// Invoke returns at once but the invocation keeps its process (and its
// concurrency slot) until it ends, as on Lambda.
func (m *Manager) Invoke(ctx context.Context, name string, payload []byte, opts InvokeOptions) (*Response, error) {
	p, ok := m.pool(name)
	if !ok {
		return nil, &NotFoundError{Function: name, ARN: Config{Name: name, Region: m.region, AccountID: m.account}.ARN()}
	}
	if len(payload) > maxPayload {
		return nil, &RequestTooLargeError{Size: len(payload), Limit: maxPayload}
	}
	select {
	case <-m.done:
		return nil, ErrClosed
	default:
	}
	now := time.Now()
	inv := &invocation{
		id:              opts.RequestID,
		traceID:         opts.TraceID,
		clientContext:   opts.ClientContext,
		cognitoIdentity: opts.CognitoIdentity,
		arn:             p.cfg.ARN(),
		payload:         payload,
		done:            make(chan result, 1),
	}
	if inv.id == "" {
		inv.id = newRequestID()
	}
	if inv.traceID == "" {
		inv.traceID = newTraceID(now)
	}
	resp, err := p.invoke(ctx, inv)
	p.stats.record(resp, err, now)
	return resp, err
}

// InvokeAsync starts an invocation in the background (Lambda's Event
// invocation type) and returns at once. The outcome is only logged.
// Close waits for background invocations.
func (m *Manager) InvokeAsync(name string, payload []byte, opts InvokeOptions) error {
	if !m.Has(name) {
		return &NotFoundError{Function: name, ARN: Config{Name: name, Region: m.region, AccountID: m.account}.ARN()}
	}
	if opts.RequestID == "" {
		opts.RequestID = newRequestID()
	}
	ok := m.goTracked(func() {
		resp, err := m.Invoke(context.Background(), name, payload, opts)
		switch {
		case err != nil:
			m.log.Warn("asynchronous invocation failed", "function", name, "requestId", opts.RequestID, "error", err)
		case resp.FunctionError != "":
			m.log.Warn("asynchronous invocation returned a function error", "function", name, "requestId", opts.RequestID)
		}
	})
	if !ok {
		return ErrClosed
	}
	return nil
}

// Close kills every function process, waits for them to be reaped and for
// background work to end. Invocations still running fail with ErrClosed.
func (m *Manager) Close() error {
	m.mu.Lock()
	if m.closing {
		m.mu.Unlock()
		return nil
	}
	m.closing = true
	close(m.done)
	m.mu.Unlock()
	m.poolsMu.RLock()
	all := append(m.allPoolsLocked(), m.retired...)
	m.poolsMu.RUnlock()
	for _, p := range all {
		p.close()
	}
	m.wg.Wait()
	m.procs.Wait()
	m.spawner.close()
	return nil
}

// goTracked runs f in a goroutine that Close waits for, unless the Manager
// is closing; it reports whether f was started.
func (m *Manager) goTracked(f func()) bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.closing {
		return false
	}
	m.wg.Go(f)
	return true
}

// trackProc counts a process about to start, unless the Manager is
// closing; Close waits for the count to drop to zero.
func (m *Manager) trackProc() bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.closing {
		return false
	}
	m.procs.Add(1)
	return true
}

// reapLoop kills idle processes until Close.
func (m *Manager) reapLoop() {
	every := time.Minute
	for _, p := range m.allPools() {
		every = min(every, p.cfg.IdleTimeout/2)
	}
	every = max(every, 10*time.Millisecond)
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-m.done:
			return
		case now := <-t.C:
			for _, p := range m.allPools() {
				p.reap(now)
			}
		}
	}
}

func (m *Manager) allPoolsLocked() []*pool {
	out := make([]*pool, 0, len(m.pools))
	for _, p := range m.pools {
		out = append(out, p)
	}
	return out
}
