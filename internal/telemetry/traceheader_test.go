package telemetry

import (
	"regexp"
	"strings"
	"testing"
	"time"
)

const (
	testRoot   = "1-5759e988-bd862e3fe1be46a994272793"
	testParent = "53995c3f42cd8ad8"
)

var (
	rootRE   = regexp.MustCompile(`^1-[0-9a-f]{8}-[0-9a-f]{24}$`)
	parentRE = regexp.MustCompile(`^[0-9a-f]{16}$`)
)

func TestParseTraceHeader(t *testing.T) {
	tests := []struct {
		in      string
		want    TraceHeader
		wantErr string
	}{
		{in: "Root=" + testRoot + ";Parent=" + testParent + ";Sampled=1",
			want: TraceHeader{Root: testRoot, Parent: testParent, Sampled: SampledYes}},
		{in: "Root=" + testRoot, want: TraceHeader{Root: testRoot}},
		{in: " Sampled=0 ; Root=" + testRoot + ";", want: TraceHeader{Root: testRoot, Sampled: SampledNo}},
		{in: "Root=" + testRoot + ";Sampled=?;Lineage=a87bd80c:1|68fd508a:5;Self=1-67891234-12456789abcdef012345678",
			want: TraceHeader{Root: testRoot, Sampled: SampledDefer, Extra: "Lineage=a87bd80c:1|68fd508a:5;Self=1-67891234-12456789abcdef012345678"}},
		{in: "", wantErr: "no Root"},
		{in: "Parent=" + testParent, wantErr: "no Root"},
		{in: "Root=1-5759e988-BD862E3FE1BE46A994272793", wantErr: "malformed Root"},
		{in: "Root=2-5759e988-bd862e3fe1be46a994272793", wantErr: "malformed Root"},
		{in: "Root=1-5759e98-bd862e3fe1be46a9942727933", wantErr: "malformed Root"},
		{in: "Root=" + testRoot + ";Parent=53995c3f42cd8ad", wantErr: "Parent must be 16 hex digits"},
		{in: "Root=" + testRoot + ";Sampled=yes", wantErr: "Sampled must be 0, 1 or ?"},
		{in: "Root=" + testRoot + ";Root=" + testRoot, wantErr: "duplicate Root"},
		{in: "Root=" + testRoot + ";garbage", wantErr: "malformed field"},
		{in: "Root=" + testRoot + ";X=a\nb", wantErr: "control characters"},
		{in: "Root=" + testRoot + ";X=" + strings.Repeat("a", 600), wantErr: "too long"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseTraceHeader(tt.in)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("got %v, want an error containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Errorf("got %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestContinueTrace(t *testing.T) {
	now := time.Unix(0x5759e988, 0)
	full := "Root=" + testRoot + ";Parent=" + testParent + ";Sampled=1"
	tests := []struct {
		name       string
		client     string
		sampled    bool
		keepRoot   bool
		wantParent string // "" means a new one
		want       Sampling
	}{
		{"full header echoed with its Parent", full, false, true, testParent, SampledYes},
		{"root and parent without decision echoed as sent", "Root=" + testRoot + ";Parent=" + testParent, true, true, testParent, SampledUnset},
		{"only root: root kept, new parent", "Root=" + testRoot, false, true, "", SampledNo},
		{"only root, sampler says yes", "Root=" + testRoot, true, true, "", SampledYes},
		{"root and client decision kept", "Root=" + testRoot + ";Sampled=1", false, true, "", SampledYes},
		{"none: new root and parent", "", false, false, "", SampledNo},
		{"malformed: new root and parent", "Root=nonsense;Parent=" + testParent, true, false, "", SampledYes},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := ContinueTrace(tt.client, now, tt.sampled)
			if tt.keepRoot && h.Root != testRoot {
				t.Errorf("Root: got %q, want the client's %q", h.Root, testRoot)
			}
			if !tt.keepRoot {
				if !rootRE.MatchString(h.Root) || h.Root == testRoot {
					t.Errorf("Root: got %q, want a new one", h.Root)
				}
				if !strings.HasPrefix(h.Root, "1-5759e988-") {
					t.Errorf("Root %q does not carry the request time", h.Root)
				}
			}
			switch {
			case tt.wantParent != "" && h.Parent != tt.wantParent:
				t.Errorf("Parent: got %q, want %q", h.Parent, tt.wantParent)
			case tt.wantParent == "" && (!parentRE.MatchString(h.Parent) || h.Parent == testParent):
				t.Errorf("Parent: got %q, want a new one", h.Parent)
			}
			if h.Sampled != tt.want {
				t.Errorf("Sampled: got %d, want %d", h.Sampled, tt.want)
			}
		})
	}
	if got := ContinueTrace(full, now, false).String(); got != full {
		t.Errorf("echo: got %q, want %q", got, full)
	}
}

func TestNewTraceIDs(t *testing.T) {
	r := NewTraceRoot(time.Unix(0x1f, 0))
	if !rootRE.MatchString(r) || !strings.HasPrefix(r, "1-0000001f-") {
		t.Errorf("NewTraceRoot: got %q", r)
	}
	if p := NewParentID(); !parentRE.MatchString(p) {
		t.Errorf("NewParentID: got %q", p)
	}
	if a, b := NewTraceRoot(time.Now()), NewTraceRoot(time.Now()); a == b {
		t.Error("two roots are equal")
	}
}

func FuzzParseTraceHeader(f *testing.F) {
	for _, s := range []string{
		"Root=" + testRoot + ";Parent=" + testParent + ";Sampled=1",
		"Root=" + testRoot,
		"Root=" + testRoot + ";Sampled=?;Lineage=a87bd80c:1|68fd508a:5",
		" ; ;Root=" + testRoot + " ; Sampled=0",
		"Root=;Parent=;Sampled=",
		"=;==;Root==",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		h, err := ParseTraceHeader(s)
		if err != nil {
			return
		}
		if !rootRE.MatchString(h.Root) || h.Parent != "" && !parentRE.MatchString(h.Parent) {
			t.Fatalf("accepted malformed ids: %+v", h)
		}
		again, err := ParseTraceHeader(h.String())
		if err != nil {
			t.Fatalf("formatted header %q does not parse: %v", h.String(), err)
		}
		if again != h {
			t.Fatalf("round trip: got %+v, want %+v", again, h)
		}
	})
}

// TestNewTrace: the header of a new trace is what ContinueTrace makes for a
// request that sent none: a Root carrying the request time (also with a
// small epoch, whose hex digits are zero-padded), a new Parent, and the
// sampling decision; and it is new each time.
func TestNewTrace(t *testing.T) {
	for _, tt := range []struct {
		now      time.Time
		sampled  bool
		prefix   string
		sampling Sampling
	}{
		{time.Unix(0x5759e988, 0), true, "1-5759e988-", SampledYes},
		{time.Unix(0xabc, 0), false, "1-00000abc-", SampledNo},
	} {
		got := NewTrace(tt.now, tt.sampled)
		h, err := ParseTraceHeader(got)
		if err != nil {
			t.Fatalf("NewTrace = %q: %v", got, err)
		}
		if !rootRE.MatchString(h.Root) || !strings.HasPrefix(h.Root, tt.prefix) || !parentRE.MatchString(h.Parent) ||
			h.Sampled != tt.sampling || h.Extra != "" || h.String() != got {
			t.Errorf("NewTrace = %q, parsed %+v; want a Root starting %q, a Parent and Sampled %d", got, h, tt.prefix, tt.sampling)
		}
		old := ContinueTrace("", tt.now, tt.sampled)
		if len(old.String()) != len(got) || old.Root[:11] != h.Root[:11] || old.Sampled != h.Sampled {
			t.Errorf("NewTrace = %q; ContinueTrace(\"\") = %q: not the same form", got, old.String())
		}
		if again := NewTrace(tt.now, tt.sampled); again[11:] == got[11:] {
			t.Errorf("two new traces are the same: %q", got)
		}
		if r := NewTraceRoot(tt.now); !rootRE.MatchString(r) || !strings.HasPrefix(r, tt.prefix) {
			t.Errorf("NewTraceRoot = %q; want a root starting %q", r, tt.prefix)
		}
	}
}
