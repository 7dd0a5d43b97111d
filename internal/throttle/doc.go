// Package throttle owns Portico's rate-limit and quota arithmetic: token
// buckets (API Gateway's rateLimit and burstLimit) and quota windows
// (limit, offset and a DAY, WEEK or MONTH period). It declares the two small
// counter interfaces it consumes, Buckets and Quotas, which the store
// packages (store/memory, store/bolt, store/redis) implement and which
// store/storetest checks, and the optional Admitter, a store that decides
// several checks (buckets, then a quota) in one call: the redis store makes
// it one script, so a request that passes the stage, account and plan
// buckets and the quota costs one round trip. It is pure: no I/O, no goroutines, and time is
// always passed in by the caller.
//
// The main entry points are Bucket (the token-bucket math every in-process
// store shares), Period.Window and Quota.At (which quota window is current
// and what its limit is), and Quota.Report (per-day used and remaining
// counts, the shape of API Gateway's GetUsage).
package throttle
