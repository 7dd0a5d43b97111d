package redistest_test

import (
	"net"
	"testing"

	"github.com/portico-gw/portico/internal/store/redistest"
)

func TestStartStopRestart(t *testing.T) {
	t.Parallel()
	s := redistest.Start(t)
	dial := func() error {
		c, err := net.Dial("tcp", s.Addr())
		if err == nil {
			c.Close()
		}
		return err
	}
	if err := dial(); err != nil {
		t.Fatalf("dial a started server: %v", err)
	}
	s.Stop()
	if err := dial(); err == nil {
		t.Fatal("dial a stopped server: no error")
	}
	s.Stop() // a second Stop does nothing
	s.Restart()
	if err := dial(); err != nil {
		t.Fatalf("dial a restarted server: %v", err)
	}
}
