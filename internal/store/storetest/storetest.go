package storetest

import (
	"testing"
	"time"

	"github.com/portico-gw/portico/internal/throttle"
)

// Store is what the suite checks: both counter interfaces.
type Store interface {
	throttle.Buckets
	throttle.Quotas
}

// Run runs the conformance suite. A store that is a throttle.Admitter (in
// use: throttle.AdmitterOf) must decide as the separate calls do; the
// others are checked through throttle.AdmitEach. newStore must return an empty store that
// no other test uses, and arrange (with t.Cleanup) to close it. Subtests run
// in parallel, each with its own store.
func Run(t *testing.T, newStore func(t *testing.T) Store) {
	t.Helper()
	tests := []struct {
		name string
		fn   func(t *testing.T, s Store)
	}{
		{"BucketStartsFull", testBucketStartsFull},
		{"BucketRefill", testBucketRefill},
		{"BucketRefillCapsAtBurst", testBucketRefillCapsAtBurst},
		{"BucketZeroBurst", testBucketZeroBurst},
		{"BucketZeroRate", testBucketZeroRate},
		{"BucketOddRates", testBucketOddRates},
		{"BucketLoweredBurst", testBucketLoweredBurst},
		{"BucketClockBackwards", testBucketClockBackwards},
		{"BucketKeysIndependent", testBucketKeysIndependent},
		{"BucketConcurrent", testBucketConcurrent},
		{"QuotaLimit", testQuotaLimit},
		{"QuotaZeroLimit", testQuotaZeroLimit},
		{"QuotaLoweredLimit", testQuotaLoweredLimit},
		{"QuotaOffset", testQuotaOffset},
		{"QuotaRollover", testQuotaRollover},
		{"QuotaKeysIndependent", testQuotaKeysIndependent},
		{"QuotaConcurrent", testQuotaConcurrent},
		{"Usage", testUsage},
		{"UsageReport", testUsageReport},
		{"UsageBadRange", testUsageBadRange},
		{"AdmitInOrder", testAdmitInOrder},
		{"AdmitMatchesSeparate", testAdmitMatchesSeparate},
		{"AdmitConcurrent", testAdmitConcurrent},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			tc.fn(t, newStore(t))
		})
	}
}

// at returns the instant d after the suite's clock origin, a Tuesday,
// mid-day, mid-month: 2026-03-10 12:00 UTC.
func at(d time.Duration) time.Time {
	return time.Date(2026, time.March, 10, 12, 0, 0, 0, time.UTC).Add(d)
}
