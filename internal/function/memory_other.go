//go:build !linux

package function

import (
	"errors"
	"syscall"
)

// rssSupported: reading process memory is only implemented on Linux.
const rssSupported = false

// processTreeRSS is not available off Linux.
func processTreeRSS(int) (int64, bool) { return 0, false }

// rssProbe is Linux-only.
type rssProbe struct{}

func newRSSProbe(int) *rssProbe           { return &rssProbe{} }
func (*rssProbe) read(bool) (int64, bool) { return 0, false }
func (*rssProbe) close()                  {}

// cgroupDir is Linux-only.
type cgroupDir struct{ path string }

// openCgroupDir reports that cgroups are Linux-only.
func openCgroupDir() (*cgroupDir, error) { return nil, errors.New("cgroups need Linux") }

// procCgroup is Linux-only.
type procCgroup struct{}

func (*cgroupDir) create(int64) (*procCgroup, error) { return nil, errors.New("cgroups need Linux") }
func (*procCgroup) apply(*syscall.SysProcAttr)       {}
func (*procCgroup) started()                         {}
func (*procCgroup) oomKilled() (bool, int64)         { return false, 0 }
func (*procCgroup) remove()                          {}

// peakReader is Linux-only: REPORT lines say 0 MB elsewhere.
type peakReader struct{}

func newPeakReader(int, *procCgroup) *peakReader { return nil }
func (*peakReader) read() int64                  { return 0 }
func (*peakReader) close()                       {}
