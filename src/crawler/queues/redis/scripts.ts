/**
 * Lua scripts that make each multi-key step of a shared crawl atomic in one round trip.
 * Keys are built from the prefix passed as ARGV[1] (`tscrapy:<crawl id>:`), so these suit a
 * single Redis server (or a primary with replicas), not Redis Cluster.
 *
 * Layout under the prefix:
 * - `q:<priority>` lists of serialized requests, `prios` zset (score -priority) of non-empty lists,
 *   `pending` counter of queued requests;
 * - `lease:<worker>` hash lease id → `<priority>\n<request>`, `leased` counter, `leaseseq` ids;
 * - `workers` zset worker id → lease expiry (ms, Redis clock), renewed by every heartbeat;
 * - `seen` set of fingerprints; `seed` = `seeding:<worker>` | `done`; `stats` hash.
 */

/** Helpers shared by the scripts: the Redis clock, lease requeue and the reaper of dead workers. */
const PRELUDE = `
local function nowms()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
local function requeue(p, w, lifo)
  local key = p .. 'lease:' .. w
  local all = redis.call('HGETALL', key)
  local n = 0
  for i = 1, #all, 2 do
    local v = all[i + 1]
    local nl = string.find(v, '\\n', 1, true)
    local prio = string.sub(v, 1, nl - 1)
    local data = string.sub(v, nl + 1)
    if lifo then redis.call('RPUSH', p .. 'q:' .. prio, data) else redis.call('LPUSH', p .. 'q:' .. prio, data) end
    redis.call('ZADD', p .. 'prios', -tonumber(prio), prio)
    n = n + 1
  end
  if n > 0 then
    redis.call('DEL', key)
    redis.call('INCRBY', p .. 'pending', n)
    redis.call('DECRBY', p .. 'leased', n)
  end
  return n
end
local function reap(p, now, lifo)
  local dead = redis.call('ZRANGEBYSCORE', p .. 'workers', '-inf', now)
  local n = 0
  for _, w in ipairs(dead) do
    n = n + requeue(p, w, lifo)
    redis.call('ZREM', p .. 'workers', w)
  end
  if n > 0 then redis.call('HINCRBY', p .. 'stats', 'redis/lease_expired_requeued', n) end
  return n
end
local function num(k) return tonumber(redis.call('GET', k) or '0') end
`;

/** Script name → [number of keys, body]. Defined on the client with `defineCommand`. */
export const SCRIPTS = {
  /**
   * ARGV: prefix, worker, ttlMs, lifo. Registers the worker and decides who seeds:
   * returns 'seed' (first worker, or taking over from a seeder that died) or 'join'.
   */
  tscrapyOpen: `${PRELUDE}
local p, w, ttl, lifo = ARGV[1], ARGV[2], tonumber(ARGV[3]), ARGV[4] == '1'
local now = nowms()
reap(p, now, lifo)
redis.call('ZADD', p .. 'workers', now + ttl, w)
local seed = redis.call('GET', p .. 'seed')
if not seed then
  redis.call('SET', p .. 'seed', 'seeding:' .. w)
  redis.call('DEL', p .. 'stats')
  return 'seed'
end
if string.sub(seed, 1, 8) == 'seeding:' then
  local s = string.sub(seed, 9)
  if s ~= w and not redis.call('ZSCORE', p .. 'workers', s) then
    redis.call('SET', p .. 'seed', 'seeding:' .. w)
    return 'seed'
  end
end
return 'join'`,

  /** ARGV: prefix, then (fingerprint or '', priority, request) triples. Returns 1 (stored) or 0 (duplicate) each. */
  tscrapyEnqueue: `
local p = ARGV[1]
local out = {}
local added = 0
for i = 2, #ARGV, 3 do
  local fp, prio, data = ARGV[i], ARGV[i + 1], ARGV[i + 2]
  local new = 1
  if fp ~= '' then new = redis.call('SADD', p .. 'seen', fp) end
  if new == 1 then
    redis.call('RPUSH', p .. 'q:' .. prio, data)
    redis.call('ZADD', p .. 'prios', -tonumber(prio), prio)
    added = added + 1
  end
  out[#out + 1] = new
end
if added > 0 then redis.call('INCRBY', p .. 'pending', added) end
return out`,

  /**
   * ARGV: prefix, worker, n, lifo, ttlMs. Takes up to n requests, highest priority first, under
   * lease for this worker (renewing its heartbeat). Returns [pending after, id1, req1, id2, req2, …].
   */
  tscrapyPop: `${PRELUDE}
local p, w, n, lifo, ttl = ARGV[1], ARGV[2], tonumber(ARGV[3]), ARGV[4] == '1', tonumber(ARGV[5])
redis.call('ZADD', p .. 'workers', nowms() + ttl, w)
local out = {0}
local got = 0
while got < n do
  local top = redis.call('ZRANGE', p .. 'prios', 0, 0)
  if #top == 0 then break end
  local prio = top[1]
  local key = p .. 'q:' .. prio
  local data
  if lifo then data = redis.call('RPOP', key) else data = redis.call('LPOP', key) end
  if data then
    local id = redis.call('INCR', p .. 'leaseseq')
    redis.call('HSET', p .. 'lease:' .. w, id, prio .. '\\n' .. data)
    out[#out + 1] = tostring(id)
    out[#out + 1] = data
    got = got + 1
  end
  if redis.call('LLEN', key) == 0 then redis.call('ZREM', p .. 'prios', prio) end
end
if got > 0 then
  redis.call('DECRBY', p .. 'pending', got)
  redis.call('INCRBY', p .. 'leased', got)
end
out[1] = num(p .. 'pending')
return out`,

  /** ARGV: prefix, worker, lease ids… Forgets the leases (a lease already requeued is not counted twice). */
  tscrapyAck: `
local p, w = ARGV[1], ARGV[2]
local n = 0
for i = 3, #ARGV do n = n + redis.call('HDEL', p .. 'lease:' .. w, ARGV[i]) end
if n > 0 then redis.call('DECRBY', p .. 'leased', n) end
return n`,

  /**
   * ARGV: prefix, worker, ttlMs, lifo. Heartbeat: renews the worker's lease expiry and requeues
   * the leases of workers whose expiry passed. Returns [requeued, was this worker missing (1/0)].
   */
  tscrapyHeartbeat: `${PRELUDE}
local p, w, ttl, lifo = ARGV[1], ARGV[2], tonumber(ARGV[3]), ARGV[4] == '1'
local now = nowms()
local requeued = reap(p, now, lifo)
local added = redis.call('ZADD', p .. 'workers', now + ttl, w)
return {requeued, added}`,

  /**
   * ARGV: prefix, worker, ttlMs, lifo, requeueOwn. Called by an idle worker (nothing in flight,
   * acks sent): with requeueOwn = '1' its own leases are orphans and go back ('0' while one of its
   * pops may be in flight); dead workers are reaped; a finished seeder marks the seed done.
   * Returns [pending, leased, seed state: 'done' | 'seeding' | 'seeder-died', workers].
   */
  tscrapyIdle: `${PRELUDE}
local p, w, ttl, lifo = ARGV[1], ARGV[2], tonumber(ARGV[3]), ARGV[4] == '1'
local now = nowms()
reap(p, now, lifo)
if ARGV[5] ~= '0' then requeue(p, w, lifo) end
redis.call('ZADD', p .. 'workers', now + ttl, w)
local seed = redis.call('GET', p .. 'seed') or 'done'
local state = 'done'
if string.sub(seed, 1, 8) == 'seeding:' then
  local s = string.sub(seed, 9)
  if s == w then
    redis.call('SET', p .. 'seed', 'done')
  elseif redis.call('ZSCORE', p .. 'workers', s) then
    state = 'seeding'
  else
    redis.call('SET', p .. 'seed', 'done')
    state = 'seeder-died'
  end
end
return {num(p .. 'pending'), num(p .. 'leased'), state, redis.call('ZCARD', p .. 'workers')}`,

  /** ARGV: prefix, worker, lifo. The worker stops taking work: its leases (prefetched or unfinished) go back. */
  tscrapyRelease: `${PRELUDE}
return requeue(ARGV[1], ARGV[2], ARGV[3] == '1')`,

  /**
   * ARGV: prefix, then (op, key, value) triples; op 'i' adds, 'x' keeps the max, 'n' the min, 's' sets.
   * Numbers compare as numbers, other values (JSON strings, e.g. ISO dates) as strings.
   */
  tscrapyStats: `
local h = ARGV[1] .. 'stats'
for i = 2, #ARGV, 3 do
  local op, k, v = ARGV[i], ARGV[i + 1], ARGV[i + 2]
  if op == 'i' then
    redis.pcall('HINCRBYFLOAT', h, k, v)
  elseif op == 's' then
    redis.call('HSET', h, k, v)
  else
    local cur = redis.call('HGET', h, k)
    local better = not cur
    if cur then
      local a, b = tonumber(v), tonumber(cur)
      if a and b then
        if op == 'x' then better = a > b else better = a < b end
      elseif op == 'x' then better = v > cur else better = v < cur end
    end
    if better then redis.call('HSET', h, k, v) end
  end
end
return 1`,

  /**
   * ARGV: prefix, worker, lifo, finished (1/0), persist (1/0). The worker leaves for good: its
   * leases go back, it leaves the workers set. The last worker out of a finished crawl gets
   * last = 1 and, unless persist, deletes the frontier and fingerprints (the stats stay).
   * Returns [last, pending, leased, stats hash as a flat list].
   */
  tscrapyLeave: `${PRELUDE}
local p, w, lifo, finished, persist = ARGV[1], ARGV[2], ARGV[3] == '1', ARGV[4] == '1', ARGV[5] == '1'
local now = nowms()
requeue(p, w, lifo)
redis.call('ZREM', p .. 'workers', w)
reap(p, now, lifo)
local seed = redis.call('GET', p .. 'seed')
if finished and seed == 'seeding:' .. w then redis.call('SET', p .. 'seed', 'done') end
local last = 0
if redis.call('ZCARD', p .. 'workers') == 0 then last = 1 end
local pending, leased = num(p .. 'pending'), num(p .. 'leased')
if last == 1 and finished and pending == 0 and leased == 0 and not persist then
  redis.call('DEL', p .. 'seen', p .. 'seed', p .. 'prios', p .. 'pending', p .. 'leased', p .. 'leaseseq')
end
return {last, pending, leased, redis.call('HGETALL', p .. 'stats')}`,
} as const;

export type ScriptName = keyof typeof SCRIPTS;
