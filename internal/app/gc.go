package app

import (
	"log/slog"
	"os"
	"runtime/debug"

	"github.com/portico-gw/portico/internal/config"
)

// runtimeEnv reads the process environment the Go runtime read at start.
var runtimeEnv = os.Getenv

// applyGC sets the garbage collector's target from server.gc, at start and
// on every reload: an empty setting restores Go's default, so removing it
// undoes it. GOGC and GOMEMLIMIT, when set in the environment, win: the
// runtime applied them at start and they are left alone.
func applyGC(gc config.GC, log *slog.Logger) {
	if env := runtimeEnv("GOGC"); env != "" {
		if gc.Percent != "" {
			log.Info("GOGC is set in the environment; server.gc.percent is ignored", "GOGC", env, "percent", gc.Percent)
		}
	} else {
		debug.SetGCPercent(gc.PercentValue())
	}
	if env := runtimeEnv("GOMEMLIMIT"); env != "" {
		if gc.MemoryLimit != "" {
			log.Info("GOMEMLIMIT is set in the environment; server.gc.memoryLimit is ignored", "GOMEMLIMIT", env, "memoryLimit", gc.MemoryLimit)
		}
	} else {
		debug.SetMemoryLimit(gc.MemoryLimitBytes())
	}
}
