import type { Redis } from 'ioredis';
import { RedisDataError } from './errors.js';

/** The fixed keys of a shared crawl (under `<prefix>:<crawl id>:`) and the Redis type each holds (see scripts.ts). */
export const CRAWL_KEY_TYPES: Readonly<Record<string, string>> = Object.freeze({
  pending: 'string',
  leased: 'string',
  leaseseq: 'string',
  seed: 'string',
  prios: 'zset',
  workers: 'zset',
  seen: 'set',
  stats: 'hash',
});

/** The error for `key` holding type `found` where tscrapy keeps a `expected`, saying what to do. */
export function wrongTypeError(key: string, found: string, expected: string, cause?: unknown): RedisDataError {
  return new RedisDataError(
    `Redis key "${key}" holds a ${found}, but tscrapy keeps a ${expected} there (another program, or another tool, wrote to it). ` +
      `Give this crawl other keys (another CRAWL_ID or REDIS_KEY_PREFIX), or delete that key if its data is not needed (redis-cli DEL ${key})`,
    { cause },
  );
}

/** Throws RedisDataError for the first key (in order) that is neither missing nor of its expected type. */
async function checkTypes(client: Redis, expected: Array<[key: string, type: string]>): Promise<void> {
  if (expected.length === 0) return;
  const pipe = client.pipeline();
  for (const [key] of expected) pipe.type(key);
  const replies = (await pipe.exec()) ?? [];
  expected.forEach(([key, type], i) => {
    const [err, found] = replies[i] ?? [new Error('no reply (the connection was lost?)'), null];
    if (err) throw new RedisDataError(`Could not read the type of Redis key "${key}": ${err.message}`, { cause: err });
    if (found !== 'none' && found !== type) throw wrongTypeError(key, String(found), type);
  });
}

/**
 * Checks that each key of the crawl is missing or of the type tscrapy keeps in it (the fixed
 * keys, then the queue lists named in `prios` and the leases of the workers in `workers`), before
 * anything is read or written: a clobbered key fails with its name, not as a script error
 * mid-crawl or as data read wrongly. Throws RedisDataError.
 */
export async function checkCrawlKeys(client: Redis, prefix: string): Promise<void> {
  await checkTypes(client, Object.entries(CRAWL_KEY_TYPES).map(([name, type]) => [prefix + name, type]));
  const [prios, workers] = await Promise.all([client.zrange(`${prefix}prios`, 0, -1), client.zrange(`${prefix}workers`, 0, -1)]);
  await checkTypes(client, [...prios.map((p): [string, string] => [`${prefix}q:${p}`, 'list']), ...workers.map((w): [string, string] => [`${prefix}lease:${w}`, 'hash'])]);
}

/**
 * The reply to command `i` of a pipeline that read `keys[i]`: a per-command error (which
 * `exec()` reports in the reply, never by rejecting) becomes a RedisDataError naming the key.
 */
export async function pipelineReply(client: Redis, prefix: string, replies: Array<[Error | null, unknown]> | null, i: number, key: string): Promise<unknown> {
  const reply = replies?.[i];
  if (!reply) throw new RedisDataError(`Redis sent no reply for key "${key}" (the connection was lost?); run the command again`);
  const [err, value] = reply;
  if (!err) return value;
  if (/^WRONGTYPE/.test(err.message)) {
    const found = await client.type(key).catch(() => 'value of another type');
    const name = key.slice(prefix.length);
    throw wrongTypeError(key, found, CRAWL_KEY_TYPES[name] ?? 'value of another type', err);
  }
  throw new RedisDataError(`Redis refused to read key "${key}": ${err.message}`, { cause: err });
}
