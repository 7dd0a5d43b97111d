package throttle_test

import (
	"context"
	"fmt"
	"time"

	"github.com/portico-gw/portico/internal/store/memory"
	"github.com/portico-gw/portico/internal/throttle"
)

// A usage plan's throttle and quota checked for one API key, the way the
// usage-plan step will use the two counters.
func Example() {
	ctx := context.Background()
	var buckets throttle.Buckets = memory.New(memory.Options{})
	var quotas throttle.Quotas = memory.New(memory.Options{})

	// throttle: {rateLimit: 1, burstLimit: 2}; quota: {limit: 3, period: DAY}
	quota := throttle.Quota{Limit: 3, Period: throttle.Day}
	now := time.Date(2026, time.March, 10, 12, 0, 0, 0, time.UTC)
	for i := range 6 {
		d, err := buckets.Take(ctx, "plan1/alice", 1, 2, now)
		if err != nil {
			panic(err)
		}
		if !d.Allowed {
			fmt.Printf("request %d: THROTTLED, retry after %v\n", i, d.RetryAfter)
			now = now.Add(d.RetryAfter)
			continue
		}
		w, limit, err := quota.At(now)
		if err != nil {
			panic(err)
		}
		used, ok, err := quotas.Consume(ctx, "plan1/alice", w, limit, now)
		if err != nil {
			panic(err)
		}
		if !ok {
			fmt.Printf("request %d: QUOTA_EXCEEDED (%d of %d used)\n", i, used, limit)
			continue
		}
		fmt.Printf("request %d: ok, %d of %d used\n", i, used, limit)
	}
	days, _ := quotas.Usage(ctx, "plan1/alice", now, now)
	report, _ := quota.Report(days)
	fmt.Printf("%s: used %d, remaining %d\n", report[0].Day.Format(time.DateOnly), report[0].Used, report[0].Remaining)
	// Output:
	// request 0: ok, 1 of 3 used
	// request 1: ok, 2 of 3 used
	// request 2: THROTTLED, retry after 1s
	// request 3: ok, 3 of 3 used
	// request 4: THROTTLED, retry after 1s
	// request 5: QUOTA_EXCEEDED (3 of 3 used)
	// 2026-03-10: used 3, remaining 0
}
