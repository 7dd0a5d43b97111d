package throttle

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// scriptedAdmitter answers Admit with fixed outcomes and error.
type scriptedAdmitter struct {
	out []Outcome
	err error
}

func (s scriptedAdmitter) Admit(context.Context, []Check) ([]Outcome, error) { return s.out, s.err }

// TestAdmitParts pins how a combined admission answers: the first
// refusal's rejection; after a store error, the undecided checks made
// alone, in order, the first rejection among them winning.
func TestAdmitParts(t *testing.T) {
	t.Parallel()
	yes := Outcome{Decision: Decision{Allowed: true}}
	no := Outcome{}
	failed := errors.New("store down")
	tests := []struct {
		name      string
		admitter  scriptedAdmitter
		aloneErrs []error
		want      string
		wantAlone []int
	}{
		{"all allowed", scriptedAdmitter{out: []Outcome{yes, yes, yes}}, nil, "", nil},
		{"second refused", scriptedAdmitter{out: []Outcome{yes, no}}, nil, "refused 1", nil},
		{"failed at once: all alone", scriptedAdmitter{err: failed}, []error{nil, nil, nil}, "", []int{0, 1, 2}},
		{"failed after one: the rest alone", scriptedAdmitter{out: []Outcome{yes}, err: failed}, []error{nil, nil, nil}, "", []int{1, 2}},
		{"failed, then refused alone", scriptedAdmitter{out: []Outcome{yes}, err: failed},
			[]error{nil, errors.New("alone 1"), nil}, "alone 1", []int{1}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var alone []int
			parts := make([]Part, 3)
			for i := range parts {
				parts[i] = Part{
					Refused: func(Outcome) error { return fmt.Errorf("refused %d", i) },
					Alone: func(context.Context) error {
						alone = append(alone, i)
						return tc.aloneErrs[i]
					},
				}
			}
			err := AdmitParts(context.Background(), tc.admitter, parts)
			if got := fmt.Sprint(err); (err == nil && tc.want != "") || (err != nil && got != tc.want) {
				t.Errorf("AdmitParts: %v, want %q", err, tc.want)
			}
			if diff := cmp.Diff(tc.wantAlone, alone); diff != "" {
				t.Errorf("checks made alone (-want +got):\n%s", diff)
			}
		})
	}
}
