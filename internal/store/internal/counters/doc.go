// Package counters holds the in-process tables behind store/memory and
// store/bolt: token buckets, quota window counters and per-day usage
// counts, sharded by key and guarded by one mutex per shard. It tracks
// which counters changed since the last collection so that store/bolt can
// persist them, and it forgets expired entries as it grows, without a
// background goroutine.
package counters
