-- One replica's sync with the pool: heartbeat, drop dead replicas, reserve its share of each limit.
-- Every write is this replica's own absolute value guarded by its sequence number, so a replayed or
-- late call changes nothing; time comes from the server only.
-- KEYS[1]: the pool's heartbeats (zset: replica -> expiry, server ms); KEYS[2..]: one hash per limit
--   (fields r:<replica> = reserved units, s:<replica> = sequence of the write).
-- ARGV: replica, seq, ttlMs, op ('sync' or 'leave'), then per limit: limit, inUse, want.
-- Returns: live replicas, then per limit: this replica's reservation, the other live replicas' sum.
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local replica = ARGV[1]
local seq = tonumber(ARGV[2])
local ttl = tonumber(ARGV[3])
local leave = ARGV[4] == 'leave'
local hb = KEYS[1]
redis.call('ZREMRANGEBYSCORE', hb, '-inf', now)
if leave then
  redis.call('ZREM', hb, replica)
else
  redis.call('ZADD', hb, 'GT', now + ttl, replica)
end
redis.call('PEXPIRE', hb, ttl * 10)
local out = {redis.call('ZCARD', hb)}
for i = 2, #KEYS do
  local key = KEYS[i]
  local base = 4 + (i - 2) * 3
  local limit = tonumber(ARGV[base + 1])
  local inUse = tonumber(ARGV[base + 2])
  local want = tonumber(ARGV[base + 3])
  local fields = redis.call('HGETALL', key)
  local others = 0
  local mine = 0
  local storedSeq = -1
  for j = 1, #fields, 2 do
    local field = fields[j]
    local owner = string.sub(field, 3)
    if owner == replica then
      if string.sub(field, 1, 2) == 's:' then
        storedSeq = tonumber(fields[j + 1])
      else
        mine = tonumber(fields[j + 1])
      end
    elseif redis.call('ZSCORE', hb, owner) then
      if string.sub(field, 1, 2) == 'r:' then
        others = others + tonumber(fields[j + 1])
      end
    else
      redis.call('HDEL', key, field)
    end
  end
  local grant = mine
  if leave then
    redis.call('HDEL', key, 'r:' .. replica, 's:' .. replica)
    grant = 0
  elseif seq > storedSeq then
    grant = math.max(inUse, math.min(want, limit - others))
    redis.call('HSET', key, 'r:' .. replica, grant, 's:' .. replica, seq)
    redis.call('PEXPIRE', key, ttl * 10)
  end
  out[#out + 1] = grant
  out[#out + 1] = others
end
return out
