// Package redis is the store that several Portico replicas share: token
// buckets, quota window counters and per-day usage counts kept in Redis 7
// through rueidis. Every Take, every Consume and every Admit (the checks of
// one request: stage, account and plan buckets, then the quota, stopping at
// the first refusal) is one atomic Lua script round trip (EVALSHA, falling
// back to EVAL), so limits and quotas are exact across replicas. On Redis
// Cluster, whose slots split one request's keys, Admit makes the separate
// calls instead.
//
// Time comes from the caller's now, not from Redis TIME: every store then
// makes identical decisions for identical inputs, the conformance suite can
// drive a Redis store with an injected clock, and quota windows (which the
// caller computes) and buckets read the same clock. The cost is that
// replicas' clocks should agree (NTP); a replica whose clock lags refills
// nothing until it catches up (the script never moves a bucket's time
// backwards), so skew makes limits stricter, never looser.
//
// Keys are "<prefix>{<key>}:b" (a bucket hash), "<prefix>{<key>}:w:<unix
// start>" (a quota window counter) and "<prefix>{<key>}:d:<unix day>" (a
// day's usage count). The braces are a Redis Cluster hash tag, so one key's
// counters share a slot. Every key expires: a bucket once it would be full
// again (or after MaxIdle), a window counter an hour after its window ends,
// a day count after the retention.
//
// DocStore keeps the management API's documents in the same Redis: a hash
// "<prefix>{mgmt}:docs" and a write counter "<prefix>{mgmt}:version" that
// replicas poll.
//
// New starts rueidis's connection goroutines; Close stops them.
package redis
