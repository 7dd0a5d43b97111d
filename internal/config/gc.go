package config

import (
	"errors"
	"math"
	"strconv"
	"strings"
)

// Go's defaults, kept when a GC setting is empty.
const (
	// DefaultGCPercent is GOGC's default.
	DefaultGCPercent = 100
	// NoMemoryLimit is GOMEMLIMIT's default: no limit.
	NoMemoryLimit = math.MaxInt64
)

// PercentValue returns the GC percent to apply: -1 for "off", Go's 100 when
// empty. Validate has checked the value.
func (g GC) PercentValue() int {
	p, _ := parseGCPercent(g.Percent)
	return p
}

// MemoryLimitBytes returns the memory limit to apply in bytes:
// NoMemoryLimit for "off" or empty. Validate has checked the value.
func (g GC) MemoryLimitBytes() int64 {
	n, _ := parseByteSize(g.MemoryLimit)
	return n
}

// parseGCPercent reads a percent: empty (Go's default), "off" (-1) or an
// integer of at least 1.
func parseGCPercent(s string) (int, error) {
	switch s {
	case "":
		return DefaultGCPercent, nil
	case "off":
		return -1, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 {
		return 0, errors.New("must be an integer of at least 1, or off")
	}
	return n, nil
}

// byteUnits are GOMEMLIMIT's units, longest first.
var byteUnits = []struct {
	suffix string
	shift  uint
}{{"KiB", 10}, {"MiB", 20}, {"GiB", 30}, {"TiB", 40}, {"B", 0}}

// parseByteSize reads a size as GOMEMLIMIT writes it: a non-negative
// integer with an optional unit (B, KiB, MiB, GiB, TiB), or "off";
// empty is no limit.
func parseByteSize(s string) (int64, error) {
	if s == "" || s == "off" {
		return NoMemoryLimit, nil
	}
	num, shift := s, uint(0)
	for _, u := range byteUnits {
		if strings.HasSuffix(s, u.suffix) {
			num, shift = strings.TrimSuffix(s, u.suffix), u.shift
			break
		}
	}
	n, err := strconv.ParseInt(num, 10, 64)
	if err != nil || n < 1 || n > math.MaxInt64>>shift {
		return 0, errors.New(`must be a size such as "512MiB" (a whole number of B, KiB, MiB, GiB or TiB, at least 1), or off`)
	}
	return n << shift, nil
}
