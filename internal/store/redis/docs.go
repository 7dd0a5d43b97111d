package redis

import (
	"context"
	"fmt"
	"strconv"

	"github.com/redis/rueidis"
)

// DocStore keeps the management API's documents (one JSON document per id)
// in one Redis hash, {prefix}{mgmt}:docs, and counts every write in
// {prefix}{mgmt}:version, so that replicas sharing the Redis notice a
// change by polling Version. Both keys share a hash tag, so a write and
// its count are one script, on one Redis Cluster node too.
type DocStore struct {
	s             *Store
	docs, version string
	put, del      *rueidis.Lua
}

// putScript sets one document and counts the write.
const putScript = `redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
return redis.call('INCR', KEYS[2])`

// delScript removes one document and counts the write.
const delScript = `redis.call('HDEL', KEYS[1], ARGV[1])
return redis.call('INCR', KEYS[2])`

// NewDocStore connects as New does (Options.Retention and MaxIdle do not
// apply). With ConnectLater it succeeds while Redis is down; calls then
// fail until it answers.
func NewDocStore(opts Options) (*DocStore, error) {
	s, err := New(opts)
	if err != nil {
		return nil, err
	}
	return &DocStore{s: s, docs: s.prefix + "{mgmt}:docs", version: s.prefix + "{mgmt}:version",
		put: rueidis.NewLuaScript(putScript), del: rueidis.NewLuaScript(delScript)}, nil
}

// Connected reports whether a connection has been made.
func (d *DocStore) Connected() bool { return d.s.Connected() }

// LoadAll returns every document by id.
func (d *DocStore) LoadAll(ctx context.Context) (map[string][]byte, error) {
	c, err := d.s.conn()
	if err != nil {
		return nil, fmt.Errorf("redis load documents: %w", err)
	}
	ctx, cancel := context.WithTimeout(ctx, d.s.timeout)
	defer cancel()
	m, err := c.Do(ctx, c.B().Hgetall().Key(d.docs).Build()).AsStrMap()
	if err != nil {
		return nil, fmt.Errorf("redis load documents: %w", err)
	}
	out := make(map[string][]byte, len(m))
	for k, v := range m {
		out[k] = []byte(v)
	}
	return out, nil
}

// Put stores the document of id and counts the write.
func (d *DocStore) Put(ctx context.Context, id string, doc []byte) error {
	return d.write(ctx, d.put, "put", id, string(doc))
}

// Delete removes the document of id (a missing id is not an error) and
// counts the write.
func (d *DocStore) Delete(ctx context.Context, id string) error {
	return d.write(ctx, d.del, "delete", id)
}

func (d *DocStore) write(ctx context.Context, script *rueidis.Lua, what string, args ...string) error {
	c, err := d.s.conn()
	if err != nil {
		return fmt.Errorf("redis %s document %s: %w", what, args[0], err)
	}
	ctx, cancel := context.WithTimeout(ctx, d.s.timeout)
	defer cancel()
	if err := script.Exec(ctx, c, []string{d.docs, d.version}, args).Error(); err != nil {
		return fmt.Errorf("redis %s document %s: %w", what, args[0], err)
	}
	return nil
}

// Version returns the number of writes made so far by every process
// (0 before the first).
func (d *DocStore) Version(ctx context.Context) (int64, error) {
	c, err := d.s.conn()
	if err != nil {
		return 0, fmt.Errorf("redis read version: %w", err)
	}
	ctx, cancel := context.WithTimeout(ctx, d.s.timeout)
	defer cancel()
	v, err := c.Do(ctx, c.B().Get().Key(d.version).Build()).ToString()
	if rueidis.IsRedisNil(err) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("redis read version: %w", err)
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil {
		return 0, fmt.Errorf("redis read version: %q is not a number", v)
	}
	return n, nil
}

// Close closes the connection.
func (d *DocStore) Close() error { return d.s.Close() }
