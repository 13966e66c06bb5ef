-- One replica publishes the weighted service it gave each flow (cumulative, absolute, guarded by
-- its sequence number) and learns what all other replicas gave: live ones, and those gone, whose
-- service is folded into 'retired' once so that a flow gets no refund when a replica dies.
-- KEYS[1]: the pool's heartbeats (zset: replica -> expiry, server ms); KEYS[2..]: one hash per flow
--   (fields v:<replica> = service, s:<replica> = sequence, retired = service of replicas gone).
-- ARGV: replica, seq, ttlMs, then per flow: this replica's service.
-- Returns per flow the others' service, as a string (Lua numbers would be truncated to integers).
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local replica = ARGV[1]
local seq = tonumber(ARGV[2])
local ttl = tonumber(ARGV[3])
local hb = KEYS[1]
local out = {}
for i = 2, #KEYS do
  local key = KEYS[i]
  local fields = redis.call('HGETALL', key)
  local others = 0
  local storedSeq = -1
  for j = 1, #fields, 2 do
    local field = fields[j]
    local value = fields[j + 1]
    if field == 'retired' then
      others = others + tonumber(value)
    else
      local kind = string.sub(field, 1, 2)
      local owner = string.sub(field, 3)
      if owner == replica then
        if kind == 's:' then
          storedSeq = tonumber(value)
        end
      else
        local expiry = redis.call('ZSCORE', hb, owner)
        if expiry and tonumber(expiry) > now then
          if kind == 'v:' then
            others = others + tonumber(value)
          end
        else
          if kind == 'v:' then
            redis.call('HINCRBYFLOAT', key, 'retired', value)
            others = others + tonumber(value)
          end
          redis.call('HDEL', key, field)
        end
      end
    end
  end
  if seq > storedSeq then
    redis.call('HSET', key, 'v:' .. replica, ARGV[i + 2], 's:' .. replica, seq)
  end
  redis.call('PEXPIRE', key, ttl * 100)
  out[#out + 1] = tostring(others)
end
return out
