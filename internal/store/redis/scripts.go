package redis

// takeScript takes one token from the bucket hash KEYS[1].
// ARGV: rate (tokens per second), burst, now (µs since the Unix epoch),
// max idle (ms). Returns {allowed (0|1), retry after in µs (-1: never)}.
//
// The arithmetic mirrors throttle.Bucket operation for operation, so both
// make the same decisions: tokens are a double, time is integer
// microseconds (exact in a double until the year 2255).
const takeScript = `
local rate = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local now = tonumber(ARGV[3])
local maxIdle = tonumber(ARGV[4])
if burst <= 0 then return {0, -1} end
local tokens, last
local s = redis.call('HMGET', KEYS[1], 't', 'l')
if s[1] then
  tokens = tonumber(s[1])
  last = tonumber(s[2])
else
  tokens = burst
  last = now
end
if now > last then
  if rate > 0 then tokens = tokens + (now - last) * rate / 1e6 end
  last = now
end
if tokens > burst then tokens = burst end
local allowed, retry = 0, -1
if tokens >= 1 - 1e-9 then
  tokens = tokens - 1
  if tokens < 0 then tokens = 0 end
  allowed, retry = 1, 0
elseif rate > 0 then
  retry = math.ceil((1 - tokens) * 1e6 / rate)
  if retry >= 9e15 then retry = -1 end
end
redis.call('HSET', KEYS[1], 't', tokens, 'l', last)
-- Once full again the bucket is the same as a fresh one: let it go then.
local ttl = maxIdle
if rate > 0 then ttl = math.min(maxIdle, math.ceil((burst - tokens) * 1000 / rate) + 1000) end
redis.call('PEXPIRE', KEYS[1], ttl)
return {allowed, retry}
`

// consumeScript admits one request against the window counter KEYS[1] and
// counts it in the day count KEYS[2]. ARGV: limit, window TTL (ms), day TTL
// (ms). Returns {used, admitted (0|1)}.
const consumeScript = `
local limit = tonumber(ARGV[1])
local used = tonumber(redis.call('GET', KEYS[1]) or '0')
if used >= limit then return {used, 0} end
used = redis.call('INCR', KEYS[1])
redis.call('PEXPIRE', KEYS[1], ARGV[2])
redis.call('INCR', KEYS[2])
redis.call('PEXPIRE', KEYS[2], ARGV[3])
return {used, 1}
`

// addScript adds ARGV[1] requests to the window counter KEYS[1] and the day
// count KEYS[2]. ARGV: n, window TTL (ms), day TTL (ms).
const addScript = `
redis.call('INCRBY', KEYS[1], ARGV[1])
redis.call('PEXPIRE', KEYS[1], ARGV[2])
redis.call('INCRBY', KEYS[2], ARGV[1])
redis.call('PEXPIRE', KEYS[2], ARGV[3])
return 1
`
