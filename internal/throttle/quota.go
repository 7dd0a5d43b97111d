package throttle

import (
	"context"
	"fmt"
	"time"
)

// Period is a usage-plan quota period, spelled as AWS spells it.
type Period string

// The quota periods of API Gateway's QuotaSettings.
const (
	// Day runs from 00:00 to 24:00 UTC.
	Day Period = "DAY"
	// Week runs from Monday 00:00 UTC to the next Monday 00:00 UTC.
	// UNCONFIRMED for AWS: its documentation does not say which weekday a
	// week starts on (docs/aws-behaviour.md#usage-plans-and-quotas); Monday follows ISO 8601.
	Week Period = "WEEK"
	// Month runs from the first of the month 00:00 UTC to the first of the
	// next month.
	Month Period = "MONTH"
)

// Window is one quota period: the instants from Start (inclusive) to End
// (exclusive), both in UTC.
type Window struct {
	Start time.Time
	End   time.Time
}

// Contains reports whether t lies in the window.
func (w Window) Contains(t time.Time) bool {
	return !t.Before(w.Start) && t.Before(w.End)
}

// Window returns the calendar-aligned UTC period that contains t. It
// returns an error for a Period other than Day, Week and Month.
func (p Period) Window(t time.Time) (Window, error) {
	t = t.UTC()
	day := time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
	switch p {
	case Day:
		return Window{Start: day, End: day.AddDate(0, 0, 1)}, nil
	case Week:
		// time.Weekday counts from Sunday = 0; Monday starts the week.
		back := (int(day.Weekday()) + 6) % 7
		start := day.AddDate(0, 0, -back)
		return Window{Start: start, End: start.AddDate(0, 0, 7)}, nil
	case Month:
		start := time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, time.UTC)
		return Window{Start: start, End: start.AddDate(0, 1, 0)}, nil
	default:
		return Window{}, fmt.Errorf("quota period %q: want DAY, WEEK or MONTH", string(p))
	}
}

// Quota is a usage plan's QuotaSettings, plus the instant the plan took
// effect, which the offset needs.
type Quota struct {
	// Limit is the number of requests allowed per period.
	Limit int64
	// Offset is the number of requests subtracted from Limit in the first
	// period, the one that contains Start (AWS: "the number of requests
	// subtracted from the given limit in the initial time period").
	Offset int64
	// Period is DAY, WEEK or MONTH.
	Period Period
	// Start is when the plan took effect; the caller decides (for example
	// when the plan was first deployed). With the zero Start, no current
	// period is the first one, so Offset never applies.
	Start time.Time
}

// At returns the window that contains now and the limit that applies in
// it: Limit, less Offset in the first period, never below zero.
func (q Quota) At(now time.Time) (Window, int64, error) {
	w, err := q.Period.Window(now)
	if err != nil {
		return Window{}, 0, err
	}
	return w, q.limitIn(w), nil
}

func (q Quota) limitIn(w Window) int64 {
	limit := q.Limit
	if !q.Start.IsZero() && w.Contains(q.Start) {
		limit -= q.Offset
	}
	return max(limit, 0)
}

// Quotas is the counter that quota enforcement consumes: one request
// counter per key and quota window, plus a per-day count of admitted
// requests for usage reports. Implementations must be safe for concurrent
// use and exact: however many calls race, the number admitted in a window
// never exceeds the limit.
type Quotas interface {
	// Consume admits one request against key's counter for window w if
	// fewer than limit requests have been admitted in w, and then also
	// counts it on now's UTC day. It returns the window's count after the
	// call and whether the request was admitted; a rejected request
	// changes nothing. now should lie in w.
	Consume(ctx context.Context, key string, w Window, limit int64, now time.Time) (used int64, allowed bool, err error)
	// Usage returns key's admitted requests for every UTC day from the day
	// of from to the day of to, both included, oldest first, with zero for
	// days without requests. Stores keep days for a bounded retention
	// (DefaultRetention unless configured) and may forget older days,
	// which then read as zero.
	Usage(ctx context.Context, key string, from, to time.Time) ([]DayUsage, error)
}

// DayUsage is the number of requests admitted for a key on one UTC day.
type DayUsage struct {
	// Day is the day's start, 00:00 UTC.
	Day time.Time
	// Used is the number of requests admitted that day.
	Used int64
}

// DayReport is one row of a usage report: API Gateway's GetUsage returns
// [used, remaining] per key per day.
type DayReport struct {
	// Day is the day's start, 00:00 UTC.
	Day time.Time
	// Used is the number of requests admitted that day.
	Used int64
	// Remaining is the quota left in the day's period at the end of the
	// day: the period's limit less every request admitted in the period up
	// to and including that day.
	Remaining int64
}

// DefaultRetention is how long stores keep per-day usage counts unless
// configured otherwise. It is Portico's choice, not a documented AWS figure.
const DefaultRetention = 90 * 24 * time.Hour

// MaxUsageDays bounds the days a single Usage call may span, so a careless
// range cannot make a store build an enormous answer.
const MaxUsageDays = 1000

// Days returns the UTC day starts from the day of from to the day of to,
// both included. It returns an error if to is before from or the range
// spans more than MaxUsageDays days.
func Days(from, to time.Time) ([]time.Time, error) {
	first, last := dayStart(from), dayStart(to)
	if last.Before(first) {
		return nil, fmt.Errorf("usage range: %s is before %s", to.Format(time.DateOnly), from.Format(time.DateOnly))
	}
	n := int(last.Sub(first)/(24*time.Hour)) + 1
	if n > MaxUsageDays {
		return nil, fmt.Errorf("usage range: %d days, at most %d", n, MaxUsageDays)
	}
	days := make([]time.Time, n)
	for i := range days {
		days[i] = first.AddDate(0, 0, i)
	}
	return days, nil
}

func dayStart(t time.Time) time.Time {
	t = t.UTC()
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
}

// Report turns per-day usage, as Quotas.Usage returns it, into used and
// remaining counts per day. days must be consecutive and oldest first.
// Remaining only counts the days given: for an exact figure, the days
// should start at the start of the first day's period.
func (q Quota) Report(days []DayUsage) ([]DayReport, error) {
	out := make([]DayReport, len(days))
	var cur Window
	var used int64
	for i, d := range days {
		if i == 0 || !cur.Contains(d.Day) {
			w, err := q.Period.Window(d.Day)
			if err != nil {
				return nil, err
			}
			cur, used = w, 0
		}
		used += d.Used
		out[i] = DayReport{Day: d.Day, Used: d.Used, Remaining: max(q.limitIn(cur)-used, 0)}
	}
	return out, nil
}
