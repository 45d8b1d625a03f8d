"""The Lua scripts of the Redis store: :mod:`botwarden.stores.algorithms`, line for line.

Each script touches one key (``KEYS[1]``), so every operation is atomic on a single server and
stays in one slot on a cluster. Numbers travel as strings formatted ``%.17g``, which round-trip
doubles exactly (Redis would truncate a Lua number to an integer). ``ARGV`` ends with ``now``;
an empty string means the server's ``TIME``, so a fleet shares one clock. Keep these in step with
the Python functions: the store tests run the same cases against both.
"""

from __future__ import annotations

from botwarden.stores.algorithms import BREAKER_IDLE_MIN, TIME_SLACK, VOLUME_SLACK

_PRELUDE = """
if redis.replicate_commands then redis.replicate_commands() end
local function clock(given)
  if given ~= '' then return tonumber(given) end
  local t = redis.call('TIME')
  return tonumber(t[1]) + tonumber(t[2]) / 1000000
end
local function fmt(x)
  if x == math.huge then return 'inf' end
  return string.format('%.17g', x)
end
local function ms(seconds)
  return string.format('%d', math.ceil(seconds * 1000) + 1)
end
"""

RATE = (
    _PRELUDE
    + f"""
local limit, period, cost = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local now = clock(ARGV[4])
local interval = period / limit
local tat = tonumber(redis.call('GET', KEYS[1]))
local base = now
if tat ~= nil and tat > now then base = tat end
if cost > limit then
  return {{'0', '0', 'inf', fmt((base - now) / interval)}}
end
local new_tat = base + cost * interval
local allow_at = new_tat - period
if allow_at - now > {TIME_SLACK!r} then
  return {{'0', '0', fmt(allow_at - now), fmt((base - now) / interval)}}
end
local used = (new_tat - now) / interval
if used > limit then used = limit end
local remaining = math.floor(limit - used + 1e-9)
if remaining < 0 then remaining = 0 end
if cost > 0 then
  redis.call('SET', KEYS[1], fmt(new_tat), 'PX', ms(new_tat - now))
end
return {{'1', fmt(remaining), '0', fmt(used)}}
"""
)

VOLUME = (
    _PRELUDE
    + f"""
local amount, limit, period = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local now = clock(ARGV[4])
local index = math.floor(now / period)
local stored = redis.call('HMGET', KEYS[1], 'win', 'cur', 'prev')
local win = tonumber(stored[1])
local current, previous = 0, 0
if win == nil or win < index - 1 then
  current, previous = 0, 0
elseif win == index - 1 then
  current, previous = 0, tonumber(stored[2])
else
  index, current, previous = win, tonumber(stored[2]), tonumber(stored[3])
end
local elapsed = now - index * period
if elapsed < 0 then elapsed = 0 end
local used = previous * (1 - elapsed / period) + current
if amount > limit then
  return {{'0', '0', 'inf', fmt(used)}}
end
if used + amount <= limit + limit * {VOLUME_SLACK!r} + previous * ({TIME_SLACK!r} / period) then
  local total = used + amount
  if amount > 0 then
    redis.call('HSET', KEYS[1], 'win', fmt(index), 'cur', fmt(current + amount),
               'prev', fmt(previous))
    redis.call('PEXPIRE', KEYS[1], ms((index + 2) * period - now))
  end
  local remaining = limit - total
  if remaining < 0 then remaining = 0 end
  return {{'1', fmt(remaining), '0', fmt(total)}}
end
local wait
local room = limit - amount - current
if room >= 0 and previous > 0 then
  wait = period * (1 - room / previous) - elapsed
  if wait < 0 then wait = 0 end
elseif current <= 0 then
  wait = 0
else
  wait = ((index + 1) * period - now) + period * (1 - (limit - amount) / current)
end
return {{'0', '0', fmt(wait), fmt(used)}}
"""
)

BREAKER = (
    _PRELUDE
    + f"""
local outcome, threshold, cool_down = ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3])
local now = clock(ARGV[4])
local idle = math.max({BREAKER_IDLE_MIN!r}, 2 * cool_down)
local s = redis.call('HMGET', KEYS[1], 'state', 'failures', 'until', 'touched')
local stored = s[1] ~= false
local live = stored and now - tonumber(s[4]) < idle
local state, failures, until_, touched = 'closed', 0, 0, now
if live then
  state, failures, until_, touched = s[1], tonumber(s[2]), tonumber(s[3]), tonumber(s[4])
end
if state == 'open' and now >= until_ then state = 'half-open' end
if outcome == 'success' then
  touched = now
  if state ~= 'open' then state, failures, until_ = 'closed', 0, 0 end
elseif outcome == 'failure' then
  touched, failures = now, failures + 1
  if state == 'half-open' or (state == 'closed' and failures >= threshold) then
    state, until_ = 'open', now + cool_down
  end
end
local retry = 0
if state == 'open' then retry = until_ - now end
if state == 'closed' and failures == 0 then
  if stored then redis.call('DEL', KEYS[1]) end
elseif not live or state ~= s[1] or failures ~= tonumber(s[2]) or until_ ~= tonumber(s[3])
    or touched ~= tonumber(s[4]) then
  redis.call('HSET', KEYS[1], 'state', state, 'failures', fmt(failures), 'until', fmt(until_),
             'touched', fmt(touched))
  redis.call('PEXPIRE', KEYS[1], ms(touched + idle - now))
end
return {{state, fmt(failures), fmt(retry)}}
"""
)
