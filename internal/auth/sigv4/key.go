package sigv4

import (
	"crypto/hmac"
	"crypto/sha256"
	"sync"
)

// maxCachedKeys bounds the signing-key cache; it is cleared when full. Keys
// change once a day per credential, so the bound is only hit by many
// credentials or by clients signing with many dates.
const maxCachedKeys = 4096

// keyCache memoizes derived signing keys per (access key, scope date). The
// region and service are fixed per Verifier, so they are not part of the key.
type keyCache struct {
	mu   sync.Mutex
	keys map[cacheKey][sha256.Size]byte
}

type cacheKey struct{ accessKeyID, date string }

// signingKey returns HMAC(HMAC(HMAC(HMAC("AWS4"+secret, date), region),
// service), "aws4_request"), from the cache when possible.
func (c *keyCache) signingKey(cred *Credential, date, region, service string) [sha256.Size]byte {
	ck := cacheKey{cred.AccessKeyID, date}
	c.mu.Lock()
	k, ok := c.keys[ck]
	c.mu.Unlock()
	if ok {
		return k
	}
	k = deriveKey(cred.SecretAccessKey, date, region, service)
	c.mu.Lock()
	if c.keys == nil || len(c.keys) >= maxCachedKeys {
		c.keys = make(map[cacheKey][sha256.Size]byte)
	}
	c.keys[ck] = k
	c.mu.Unlock()
	return k
}

// deriveKey computes the SigV4 signing key.
func deriveKey(secret, date, region, service string) [sha256.Size]byte {
	k := hmacSHA256([]byte("AWS4"+secret), date)
	k = hmacSHA256(k, region)
	k = hmacSHA256(k, service)
	k = hmacSHA256(k, "aws4_request")
	return [sha256.Size]byte(k)
}

func hmacSHA256(key []byte, data string) []byte {
	h := hmac.New(sha256.New, key)
	h.Write([]byte(data))
	return h.Sum(nil)
}
