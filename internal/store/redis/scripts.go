package redis

// takeFunc takes one token from the bucket hash key. Arguments: rate
// (tokens per second), burst, now (µs since the Unix epoch), max idle
// (ms), all numbers. Returns allowed (0|1), retry after in µs (-1: never).
//
// The arithmetic mirrors throttle.Bucket operation for operation, so both
// make the same decisions: tokens are a double, time is integer
// microseconds (exact in a double until the year 2255).
const takeFunc = `
local function take(key, rate, burst, now, maxIdle)
  if burst <= 0 then return 0, -1 end
  local tokens, last
  local s = redis.call('HMGET', key, 't', 'l')
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
  redis.call('HSET', key, 't', tokens, 'l', last)
  -- Once full again the bucket is the same as a fresh one: let it go then.
  local ttl = maxIdle
  if rate > 0 then ttl = math.min(maxIdle, math.ceil((burst - tokens) * 1000 / rate) + 1000) end
  redis.call('PEXPIRE', key, ttl)
  return allowed, retry
end
`

// consumeFunc admits one request against the window counter wkey and
// counts it in the day count dkey. Arguments: limit (a number), window
// TTL and day TTL (ms). Returns used, admitted (0|1).
const consumeFunc = `
local function consume(wkey, dkey, limit, windowTTL, dayTTL)
  local used = tonumber(redis.call('GET', wkey) or '0')
  if used >= limit then return used, 0 end
  used = redis.call('INCR', wkey)
  redis.call('PEXPIRE', wkey, windowTTL)
  redis.call('INCR', dkey)
  redis.call('PEXPIRE', dkey, dayTTL)
  return used, 1
end
`

// takeScript takes one token from the bucket hash KEYS[1].
// ARGV: rate (tokens per second), burst, now (µs since the Unix epoch),
// max idle (ms). Returns {allowed (0|1), retry after in µs (-1: never)}.
const takeScript = takeFunc + `
local allowed, retry = take(KEYS[1], tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4]))
return {allowed, retry}
`

// admitScript decides a sequence of checks in order and stops after the
// first refusal (throttle.Admitter). ARGV[1] is the max idle (ms) of
// buckets; then per check its kind and arguments: "b", rate, burst, now
// for a bucket (one key, its hash); "q", limit, window TTL, day TTL for a
// quota (two keys, window counter then day count). Keys are in the
// checks' order. Returns {a1, v1, a2, v2, ...} for the checks decided:
// allowed (0|1), then the retry after in µs (-1: never) of a bucket or
// the window count of a quota.
const admitScript = takeFunc + consumeFunc + `
local maxIdle = tonumber(ARGV[1])
local out = {}
local a, k = 2, 1
while a <= #ARGV do
  local allowed, v
  if ARGV[a] == 'b' then
    allowed, v = take(KEYS[k], tonumber(ARGV[a+1]), tonumber(ARGV[a+2]), tonumber(ARGV[a+3]), maxIdle)
    k = k + 1
  else
    v, allowed = consume(KEYS[k], KEYS[k+1], tonumber(ARGV[a+1]), ARGV[a+2], ARGV[a+3])
    k = k + 2
  end
  a = a + 4
  out[#out+1] = allowed
  out[#out+1] = v
  if allowed == 0 then break end
end
return out
`

// consumeScript admits one request against the window counter KEYS[1] and
// counts it in the day count KEYS[2]. ARGV: limit, window TTL (ms), day TTL
// (ms). Returns {used, admitted (0|1)}.
const consumeScript = consumeFunc + `
local used, admitted = consume(KEYS[1], KEYS[2], tonumber(ARGV[1]), ARGV[2], ARGV[3])
return {used, admitted}
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
