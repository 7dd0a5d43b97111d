// Package store is the home of Portico's state back ends. The counters that
// throttling and quotas consume are declared by their consumer
// (throttle.Buckets and throttle.Quotas); this directory holds their
// implementations, one package per dependency: store/memory (process
// memory, for tests and quick mode), store/bolt (the embedded default: a
// bbolt file), and store/redis (shared by replicas). store/fallback wraps
// Redis so that quotas are decided locally, and its health is known, while
// it fails. store/storetest is the one conformance suite every
// implementation passes, and store/redistest starts a throwaway
// redis-server for tests.
package store
