package gatewaytest

import (
	"slices"
	"testing"
)

// TestParityCaseShape: a case is one request/response or a list of steps,
// never both and never neither.
func TestParityCaseShape(t *testing.T) {
	one := pcase{Name: "one", Request: preq{Method: "GET", Path: "/dev/a"}, Response: presp{Status: 200}}
	if steps, err := one.steps(); err != nil || len(steps) != 1 || steps[0].Request.Path != "/dev/a" {
		t.Errorf("one request: got %v, %v", steps, err)
	}
	seq := pcase{Name: "seq", Steps: []pstep{{Request: preq{Method: "GET", Path: "/dev/a"}}, {Request: preq{Method: "GET", Path: "/dev/b"}}}}
	if steps, err := seq.steps(); err != nil || len(steps) != 2 || steps[1].Request.Path != "/dev/b" {
		t.Errorf("steps: got %v, %v", steps, err)
	}
	both := seq
	both.Request = one.Request
	if _, err := both.steps(); err == nil {
		t.Error("steps and a request: no error")
	}
	if _, err := (pcase{Name: "neither"}).steps(); err == nil {
		t.Error("neither steps nor a request: no error")
	}
}

// TestParityShuffle: the order is a permutation, the same for a seed, and
// differs between seeds.
func TestParityShuffle(t *testing.T) {
	a, b := shuffled(20, 1), shuffled(20, 1)
	if !slices.Equal(a, b) {
		t.Errorf("seed 1 gave %v then %v", a, b)
	}
	sorted := slices.Sorted(slices.Values(a))
	for i, v := range sorted {
		if v != i {
			t.Fatalf("%v is not a permutation of 0..19", a)
		}
	}
	if slices.Equal(a, shuffled(20, 2)) {
		t.Errorf("seeds 1 and 2 gave the same order %v", a)
	}
	if _, err := paritySeed("x"); err == nil {
		t.Error("PORTICO_PARITY_SEED=x: no error")
	}
	if s, err := paritySeed("42"); err != nil || s != 42 {
		t.Errorf("PORTICO_PARITY_SEED=42: got %d, %v", s, err)
	}
}
