package throttle

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func utc(s string) time.Time {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		panic(err)
	}
	return t.UTC()
}

func TestPeriodWindow(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name       string
		period     Period
		at         string
		start, end string
	}{
		{"day midday", Day, "2026-03-10T12:34:56Z", "2026-03-10T00:00:00Z", "2026-03-11T00:00:00Z"},
		{"day first instant", Day, "2026-03-10T00:00:00Z", "2026-03-10T00:00:00Z", "2026-03-11T00:00:00Z"},
		{"day last instant", Day, "2026-03-10T23:59:59.999999999Z", "2026-03-10T00:00:00Z", "2026-03-11T00:00:00Z"},
		{"day from another zone", Day, "2026-03-10T23:30:00-05:00", "2026-03-11T00:00:00Z", "2026-03-12T00:00:00Z"},
		{"week on a Tuesday", Week, "2026-03-10T08:00:00Z", "2026-03-09T00:00:00Z", "2026-03-16T00:00:00Z"},
		{"week on a Monday", Week, "2026-03-09T00:00:00Z", "2026-03-09T00:00:00Z", "2026-03-16T00:00:00Z"},
		{"week on a Sunday", Week, "2026-03-15T23:59:59Z", "2026-03-09T00:00:00Z", "2026-03-16T00:00:00Z"},
		{"week across a year", Week, "2027-01-01T10:00:00Z", "2026-12-28T00:00:00Z", "2027-01-04T00:00:00Z"},
		{"month", Month, "2026-03-31T23:59:59Z", "2026-03-01T00:00:00Z", "2026-04-01T00:00:00Z"},
		{"month leap February", Month, "2028-02-29T12:00:00Z", "2028-02-01T00:00:00Z", "2028-03-01T00:00:00Z"},
		{"month December", Month, "2026-12-15T00:00:00Z", "2026-12-01T00:00:00Z", "2027-01-01T00:00:00Z"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			got, err := c.period.Window(utc(c.at))
			if err != nil {
				t.Fatal(err)
			}
			want := Window{Start: utc(c.start), End: utc(c.end)}
			if !got.Start.Equal(want.Start) || !got.End.Equal(want.End) {
				t.Errorf("%s.Window(%s) = [%s, %s), want [%s, %s)", c.period, c.at, got.Start, got.End, want.Start, want.End)
			}
			if got.Start.Location() != time.UTC {
				t.Errorf("window not in UTC: %v", got.Start.Location())
			}
		})
	}
}

func TestPeriodWindowUnknown(t *testing.T) {
	t.Parallel()
	if _, err := Period("YEAR").Window(utc("2026-03-10T00:00:00Z")); err == nil {
		t.Error("YEAR: got no error")
	}
}

func TestQuotaAtOffset(t *testing.T) {
	t.Parallel()
	q := Quota{Limit: 100, Offset: 30, Period: Day, Start: utc("2026-03-10T15:00:00Z")}
	cases := []struct {
		at   string
		want int64
	}{
		{"2026-03-10T15:00:00Z", 70}, // the first period
		{"2026-03-10T01:00:00Z", 70}, // the same period, before Start
		{"2026-03-11T00:00:00Z", 100},
		{"2026-03-09T23:00:00Z", 100},
	}
	for _, c := range cases {
		_, got, err := q.At(utc(c.at))
		if err != nil {
			t.Fatal(err)
		}
		if got != c.want {
			t.Errorf("At(%s) limit = %d, want %d", c.at, got, c.want)
		}
	}
	big := Quota{Limit: 10, Offset: 50, Period: Month, Start: utc("2026-03-10T15:00:00Z")}
	if _, got, _ := big.At(utc("2026-03-20T00:00:00Z")); got != 0 {
		t.Errorf("offset above limit: limit = %d, want 0", got)
	}
	noStart := Quota{Limit: 10, Offset: 5, Period: Day}
	if _, got, _ := noStart.At(utc("2026-03-20T00:00:00Z")); got != 10 {
		t.Errorf("zero Start: limit = %d, want 10", got)
	}
}

func TestDays(t *testing.T) {
	t.Parallel()
	got, err := Days(utc("2026-02-27T13:00:00Z"), utc("2026-03-02T01:00:00Z"))
	if err != nil {
		t.Fatal(err)
	}
	want := []time.Time{utc("2026-02-27T00:00:00Z"), utc("2026-02-28T00:00:00Z"), utc("2026-03-01T00:00:00Z"), utc("2026-03-02T00:00:00Z")}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Days (-want +got):\n%s", diff)
	}
	if _, err := Days(utc("2026-03-02T00:00:00Z"), utc("2026-03-01T00:00:00Z")); err == nil {
		t.Error("reversed range: got no error")
	}
	if _, err := Days(utc("2020-01-01T00:00:00Z"), utc("2026-01-01T00:00:00Z")); err == nil {
		t.Error("six years: got no error")
	}
}

func TestQuotaReport(t *testing.T) {
	t.Parallel()
	// A weekly quota of 10 whose first week carries an offset of 4.
	q := Quota{Limit: 10, Offset: 4, Period: Week, Start: utc("2026-03-10T09:00:00Z")}
	day := func(s string, used int64) DayUsage { return DayUsage{Day: utc(s + "T00:00:00Z"), Used: used} }
	in := []DayUsage{
		day("2026-03-14", 2), // Saturday, first week: limit 6
		day("2026-03-15", 3), // Sunday, same week
		day("2026-03-16", 1), // Monday: a new week, limit 10
		day("2026-03-17", 0),
	}
	got, err := q.Report(in)
	if err != nil {
		t.Fatal(err)
	}
	want := []DayReport{
		{Day: in[0].Day, Used: 2, Remaining: 4},
		{Day: in[1].Day, Used: 3, Remaining: 1},
		{Day: in[2].Day, Used: 1, Remaining: 9},
		{Day: in[3].Day, Used: 0, Remaining: 9},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Report (-want +got):\n%s", diff)
	}
}
