package redis

import (
	"time"

	"github.com/redis/rueidis"
)

// Client returns the store's Redis client, dialling first if the store was
// made with ConnectLater and has no connection yet, so that other shared
// state (the stage response cache) reuses the store's connections.
func (s *Store) Client() (rueidis.Client, error) { return s.conn() }

// KeyPrefix is the prefix of every key the store writes ("portico:").
func (s *Store) KeyPrefix() string { return s.prefix }

// Timeout bounds each call to Redis.
func (s *Store) Timeout() time.Duration { return s.timeout }
