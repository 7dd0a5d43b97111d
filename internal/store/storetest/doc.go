// Package storetest is the conformance suite for Portico's counter stores,
// in the manner of testing/fstest: a store package's tests call Run with a
// constructor, and the suite checks token-bucket refill and burst math with
// an injected clock, zero limits, retry-after, quota limits, offsets and
// period rollover, exactness under concurrent callers, and per-day usage
// reports. Every store (memory, bolt, redis) passes the same suite.
package storetest
