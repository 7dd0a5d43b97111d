package httpserver

import "testing"

// TestAcceptedCoding: the highest-q coding wins, the first among equals;
// only gzip and deflate compress (docs/aws-behaviour.md#payload-compression).
func TestAcceptedCoding(t *testing.T) {
	for _, tc := range []struct {
		header []string
		want   string
	}{
		{nil, ""},
		{[]string{"*"}, ""},
		{[]string{"gzip"}, "gzip"},
		{[]string{"GZIP"}, "gzip"},
		{[]string{"x-gzip"}, "gzip"},
		{[]string{"deflate"}, "deflate"},
		{[]string{"gzip, deflate, br"}, "gzip"},
		{[]string{"deflate, gzip"}, "deflate"},
		{[]string{"br, gzip"}, ""},
		{[]string{"deflate;q=0.5, gzip;q=1.0"}, "gzip"},
		{[]string{"gzip;q=0.2", "deflate;q=0.3"}, "deflate"},
		{[]string{"br;q=0.9, gzip;q=0.8"}, ""},
		{[]string{"identity"}, ""},
		{[]string{"identity;q=0.5, gzip"}, "gzip"},
		{[]string{"gzip;q=0"}, ""},
		{[]string{"gzip;q=bad, deflate;q=0.1"}, "deflate"},
		{[]string{" , gzip ; q=0.7 "}, "gzip"},
	} {
		if got := acceptedCoding(tc.header); got != tc.want {
			t.Errorf("%q: got %q, want %q", tc.header, got, tc.want)
		}
	}
}
