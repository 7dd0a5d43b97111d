// Package bolt is the embedded store, Portico's default: one bbolt file on
// local disk. Token buckets live only in memory (they refill within
// seconds, so a restart that forgets them only forgives a burst). Quota
// window counters and per-day usage counts are kept in memory too, and a
// background loop writes the changed ones to the file every flush interval
// (1 s by default) in one transaction. Close writes the rest, so a graceful
// stop loses nothing and a crash loses at most one interval of counts.
// Open reloads the counts that are still current.
//
// Open starts the flush goroutine; Close stops it. A bbolt file can be open
// in one process only, so one Store owns its file.
package bolt
