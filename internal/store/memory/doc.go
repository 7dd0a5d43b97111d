// Package memory is the process-memory store: token buckets, quota window
// counters and per-day usage counts that live only as long as the process.
// It serves tests and quick mode (portico serve --api). Store implements
// throttle.Buckets and throttle.Quotas; it starts no goroutines, and its
// Close does nothing.
package memory
