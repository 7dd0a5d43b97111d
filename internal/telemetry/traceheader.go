package telemetry

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"
)

// TraceHeaderName is the header API Gateway reads and writes trace ids in.
const TraceHeaderName = "X-Amzn-Trace-Id"

// maxTraceHeader bounds what ParseTraceHeader accepts, so a hostile header
// cannot make the gateway echo kilobytes.
const maxTraceHeader = 512

// Sampling is the Sampled field of a trace header.
type Sampling uint8

const (
	// SampledUnset: the header has no Sampled field.
	SampledUnset Sampling = iota
	// SampledNo is "Sampled=0".
	SampledNo
	// SampledYes is "Sampled=1".
	SampledYes
	// SampledDefer is "Sampled=?": the sender leaves the decision downstream.
	SampledDefer
)

// TraceHeader is a parsed X-Amzn-Trace-Id value
// ("Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1").
// See https://docs.aws.amazon.com/xray/latest/devguide/xray-concepts.html#xray-concepts-tracingheader.
type TraceHeader struct {
	// Root is the trace id: "1-", 8 hex digits of epoch seconds, "-", 24
	// hex digits.
	Root string
	// Parent is the id of the parent segment: 16 hex digits, or empty.
	Parent string
	// Sampled is the sampling decision.
	Sampled Sampling
	// Extra holds any other fields ("Lineage=...;Self=...") as they were
	// sent, joined with ';', so they survive an echo.
	Extra string
}

// errNoRoot is made once: a request without a trace header (most of them)
// meets it.
var errNoRoot = errors.New("trace header: no Root")

// ParseTraceHeader parses an X-Amzn-Trace-Id value. Fields are separated by
// ';' with optional spaces; Root is required, and Root, Parent and Sampled
// must be well formed and appear at most once. Lower-case hex is required,
// as X-Ray writes it.
func ParseTraceHeader(s string) (TraceHeader, error) {
	var h TraceHeader
	if len(s) > maxTraceHeader {
		return TraceHeader{}, errors.New("trace header: too long")
	}
	var extra []string
	var seen uint8 // bit per known field, to reject duplicates
	for field := range strings.SplitSeq(s, ";") {
		field = strings.TrimSpace(field)
		if field == "" {
			continue
		}
		k, v, ok := strings.Cut(field, "=")
		if !ok || k == "" || strings.ContainsAny(k, " \t") {
			return TraceHeader{}, fmt.Errorf("trace header: malformed field %q", field)
		}
		if bit := knownField(k); bit != 0 {
			if seen&bit != 0 {
				return TraceHeader{}, fmt.Errorf("trace header: duplicate %s", k)
			}
			seen |= bit
		}
		var err error
		switch k {
		case "Root":
			h.Root, err = v, validRoot(v)
		case "Parent":
			h.Parent, err = v, validHex(v, 16, "Parent")
		case "Sampled":
			h.Sampled, err = parseSampled(v)
		default:
			if !printable(field) {
				err = fmt.Errorf("trace header: field %q has control characters", k)
			}
			extra = append(extra, field)
		}
		if err != nil {
			return TraceHeader{}, err
		}
	}
	if h.Root == "" {
		return TraceHeader{}, errNoRoot
	}
	h.Extra = strings.Join(extra, ";")
	return h, nil
}

func knownField(k string) uint8 {
	switch k {
	case "Root":
		return 1
	case "Parent":
		return 2
	case "Sampled":
		return 4
	}
	return 0
}

func validRoot(v string) error {
	if len(v) != 35 || v[:2] != "1-" || v[10] != '-' {
		return fmt.Errorf("trace header: malformed Root %q", v)
	}
	if validHex(v[2:10], 8, "Root") != nil || validHex(v[11:], 24, "Root") != nil {
		return fmt.Errorf("trace header: malformed Root %q", v)
	}
	return nil
}

func validHex(v string, n int, field string) error {
	if len(v) != n {
		return fmt.Errorf("trace header: %s must be %d hex digits", field, n)
	}
	for i := 0; i < len(v); i++ {
		if c := v[i]; !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			return fmt.Errorf("trace header: %s must be %d hex digits", field, n)
		}
	}
	return nil
}

func parseSampled(v string) (Sampling, error) {
	switch v {
	case "0":
		return SampledNo, nil
	case "1":
		return SampledYes, nil
	case "?":
		return SampledDefer, nil
	}
	return 0, fmt.Errorf("trace header: Sampled must be 0, 1 or ?, not %q", v)
}

func printable(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 0x20 || s[i] == 0x7f {
			return false
		}
	}
	return true
}

// String formats the header: Root, then Parent and Sampled when set, then
// the extra fields.
func (h TraceHeader) String() string {
	return string(h.AppendTo(make([]byte, 0, 96)))
}

// AppendTo appends the formatted header to dst.
func (h TraceHeader) AppendTo(dst []byte) []byte {
	dst = append(dst, "Root="...)
	dst = append(dst, h.Root...)
	if h.Parent != "" {
		dst = append(dst, ";Parent="...)
		dst = append(dst, h.Parent...)
	}
	switch h.Sampled {
	case SampledNo:
		dst = append(dst, ";Sampled=0"...)
	case SampledYes:
		dst = append(dst, ";Sampled=1"...)
	case SampledDefer:
		dst = append(dst, ";Sampled=?"...)
	}
	if h.Extra != "" {
		dst = append(dst, ';')
		dst = append(dst, h.Extra...)
	}
	return dst
}

// NewTraceRoot returns a new X-Ray trace id for a request received at now:
// "1-" + epoch seconds in 8 hex digits + "-" + 96 random bits in hex.
func NewTraceRoot(now time.Time) string {
	var b [35]byte
	putTraceRoot(b[:], now)
	return string(b[:])
}

// putTraceRoot writes a new trace id (NewTraceRoot) into b[:35].
func putTraceRoot(b []byte, now time.Time) {
	const digits = "0123456789abcdef"
	b[0], b[1], b[10] = '1', '-', '-'
	sec := uint32(now.Unix())
	for i := 9; i >= 2; i-- {
		b[i] = digits[sec&0xf]
		sec >>= 4
	}
	var r [12]byte
	_, _ = rand.Read(r[:]) // crypto/rand.Read never fails (Go 1.24+)
	hex.Encode(b[11:35], r[:])
}

// NewParentID returns a new 16-hex-digit segment id.
func NewParentID() string {
	var r [8]byte
	_, _ = rand.Read(r[:])
	return hex.EncodeToString(r[:])
}

// NewTrace is the header of a new trace for a request received at now
// that sent none, ContinueTrace("", now, sampled).String(), made in one
// allocation: "Root=" + NewTraceRoot + ";Parent=" + 16 hex digits +
// ";Sampled=0" or "1".
func NewTrace(now time.Time, sampled bool) string {
	const form = "Root=1-00000000-000000000000000000000000;Parent=0000000000000000;Sampled=0"
	var b [len(form)]byte
	copy(b[:], form)
	putTraceRoot(b[5:40], now)
	var r [8]byte
	_, _ = rand.Read(r[:])
	hex.Encode(b[48:64], r[:])
	if sampled {
		b[len(form)-1] = '1'
	}
	return string(b[:])
}

// ContinueTrace applies API Gateway's rules to the X-Amzn-Trace-Id a client
// sent (empty when it sent none), as recorded against AWS
// (docs/aws-behaviour.md#trace-header):
//   - Root and Parent sent: the header is kept as it is, Parent included;
//   - only Root sent: the Root is kept and a new Parent generated;
//   - none, or a malformed header: a new Root and Parent are generated.
//
// When the header has no sampling decision, sampled supplies it.
func ContinueTrace(client string, now time.Time, sampled bool) TraceHeader {
	h, err := ParseTraceHeader(client)
	if err != nil {
		h = TraceHeader{Root: NewTraceRoot(now)}
	}
	if h.Parent != "" {
		return h
	}
	h.Parent = NewParentID()
	if h.Sampled == SampledUnset {
		h.Sampled = SampledNo
		if sampled {
			h.Sampled = SampledYes
		}
	}
	return h
}
