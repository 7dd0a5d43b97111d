package function

import (
	"fmt"
	"sync"
	"time"
)

// Memory enforcement modes (Options.MemoryLimit).
const (
	// MemoryLimitAuto uses cgroup v2 when Portico can create child cgroups
	// with the memory controller, else RSS polling.
	MemoryLimitAuto = "auto"
	// MemoryLimitCgroup requires cgroup v2; NewManager fails without it.
	MemoryLimitCgroup = "cgroup"
	// MemoryLimitRSS polls each process group's resident memory.
	MemoryLimitRSS = "rss"
	// MemoryLimitOff does not enforce memory sizes (they are only
	// reported to the function).
	MemoryLimitOff = "off"
)

// DefaultMemoryCheckInterval is how often RSS polling looks at a process
// that is running an invocation (idle ones: ten times less often).
const DefaultMemoryCheckInterval = 100 * time.Millisecond

// memoryGuard enforces Config.MemorySize on function processes: through a
// cgroup v2 per process (memory.max; the kernel kills the process), or by
// polling the resident memory of each process group and killing a group
// over its size.
type memoryGuard struct {
	mode     string     // MemoryLimitCgroup, MemoryLimitRSS or MemoryLimitOff
	cgroups  *cgroupDir // set in cgroup mode
	interval time.Duration

	mu   sync.Mutex
	live map[*sandbox]*rssProbe // RSS mode: processes to poll
}

// newMemoryGuard picks the mechanism for mode and says which, and why.
func newMemoryGuard(mode string, interval time.Duration) (*memoryGuard, string, error) {
	if interval <= 0 {
		interval = DefaultMemoryCheckInterval
	}
	g := &memoryGuard{mode: mode, interval: interval, live: map[*sandbox]*rssProbe{}}
	switch mode {
	case MemoryLimitOff:
		return g, "memorySize is not enforced (memory limit off)", nil
	case MemoryLimitRSS:
		if !rssSupported {
			return nil, "", fmt.Errorf("memory limit rss: reading process memory is only supported on Linux")
		}
		return g, "memorySize enforced by polling each function process group's resident memory (RSS)", nil
	case "", MemoryLimitAuto, MemoryLimitCgroup:
		cg, err := openCgroupDir()
		if err == nil {
			g.mode, g.cgroups = MemoryLimitCgroup, cg
			return g, "memorySize enforced with a cgroup v2 per function process (memory.max) under " + cg.path, nil
		}
		if mode == MemoryLimitCgroup {
			return nil, "", fmt.Errorf("memory limit cgroup: %w", err)
		}
		if !rssSupported {
			g.mode = MemoryLimitOff
			return g, "memorySize is not enforced on this system", nil
		}
		g.mode = MemoryLimitRSS
		return g, "memorySize enforced by polling each function process group's resident memory (RSS); cgroup v2 not usable: " + err.Error(), nil
	default:
		return nil, "", fmt.Errorf("memory limit %q: want auto, cgroup, rss or off", mode)
	}
}

// watch starts polling sb (RSS mode).
func (g *memoryGuard) watch(sb *sandbox) {
	if g.mode != MemoryLimitRSS {
		return
	}
	r := newRSSProbe(sb.pid)
	g.mu.Lock()
	g.live[sb] = r
	g.mu.Unlock()
}

// unwatch stops polling sb.
func (g *memoryGuard) unwatch(sb *sandbox) {
	if g.mode != MemoryLimitRSS {
		return
	}
	g.mu.Lock()
	r := g.live[sb]
	delete(g.live, sb)
	g.mu.Unlock()
	if r != nil {
		r.close()
	}
}

// pollLoop checks the resident memory of the watched processes until done
// is closed: busy and starting ones every interval, idle ones (blocked
// waiting for work, so not allocating) every tenth. Descendants of a
// process are looked up again every tenth interval.
func (g *memoryGuard) pollLoop(done <-chan struct{}, over func(sb *sandbox, used int64)) {
	t := time.NewTicker(g.interval)
	defer t.Stop()
	type probe struct {
		sb *sandbox
		r  *rssProbe
	}
	var ps []probe
	for tick := 1; ; tick++ {
		select {
		case <-done:
			return
		case <-t.C:
		}
		ps = ps[:0]
		g.mu.Lock()
		for sb, r := range g.live {
			ps = append(ps, probe{sb, r})
		}
		g.mu.Unlock()
		full := tick%10 == 0
		for _, p := range ps {
			if !full && p.sb.waiting.Load() {
				continue
			}
			if used, ok := p.r.read(full); ok && used > p.sb.memLimit {
				over(p.sb, used)
			}
		}
		clear(ps)
	}
}

// outOfMemory kills a process over its memory size (RSS mode) and logs it
// once.
func (m *Manager) outOfMemory(sb *sandbox, used int64) {
	if sb.oom.Swap(true) {
		return
	}
	sb.kill()
	m.log.Warn("function process exceeded its memory size; killed", "function", sb.fn, "pid", sb.pid,
		"requestId", sb.currentID(), "memoryUsedMB", used>>20, "memorySizeMB", sb.memLimit>>20)
}
