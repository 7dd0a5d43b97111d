package bolt

import (
	"encoding/binary"
	"errors"

	"github.com/portico-gw/portico/internal/store/internal/counters"
)

// File layout, version 1. Bucket "counters" maps
//
//	kind (1 byte: 'w' window, 'd' day) | start (8 bytes, big-endian Unix seconds) | key
//
// to
//
//	used (8 bytes, big-endian) | end (8 bytes, big-endian Unix seconds; 0 for a day)
//
// Bucket "meta" holds "version" = "1".
const (
	countersBucket = "counters"
	metaBucket     = "meta"
	versionKey     = "version"
	version        = "1"
)

func encodeKey(r counters.Record) []byte {
	b := make([]byte, 9+len(r.Key))
	b[0] = byte(r.Kind)
	binary.BigEndian.PutUint64(b[1:9], uint64(r.Start))
	copy(b[9:], r.Key)
	return b
}

func encodeValue(r counters.Record) []byte {
	b := make([]byte, 16)
	binary.BigEndian.PutUint64(b[0:8], uint64(r.Used))
	binary.BigEndian.PutUint64(b[8:16], uint64(r.End))
	return b
}

func decode(k, v []byte) (counters.Record, error) {
	if len(k) < 9 || len(v) != 16 {
		return counters.Record{}, errors.New("malformed counter record")
	}
	kind := counters.Kind(k[0])
	if kind != counters.WindowCount && kind != counters.DayCount {
		return counters.Record{}, errors.New("unknown counter kind")
	}
	return counters.Record{
		Kind:  kind,
		Start: int64(binary.BigEndian.Uint64(k[1:9])),
		Key:   string(k[9:]),
		Used:  int64(binary.BigEndian.Uint64(v[0:8])),
		End:   int64(binary.BigEndian.Uint64(v[8:16])),
	}, nil
}
