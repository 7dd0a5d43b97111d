// Package cache is a REST stage's response cache
// (docs/aws-behaviour.md#response-caching): a wrapper around a method's
// integration that answers from the cache, or calls the integration and
// keeps its answer for the method's TTL. Everything before the integration
// (throttling, authorization, keys, validation) runs on a hit as on a miss.
//
// Entries live in a Store: Memory (per process, LRU-bounded in bytes) or
// Redis (shared by every replica, expired by Redis TTLs). A Provider hands
// each stage its store and flushes a stage's whole cache.
package cache
