import { parseMergedStats } from '../../extensions/redis-stats.js';
import { Logger } from '../../logger.js';
import { connectRedis } from './session.js';
import { RedisDataError } from './errors.js';
import { checkCrawlKeys, pipelineReply } from './key-types.js';
import { checkRedisUrl, maskUrl } from './url.js';

/** One shared crawl as seen in Redis (`tscrapy crawl-status ID`). */
export interface CrawlStatus {
  crawlId: string;
  /** The Redis URL, password masked. */
  redis: string;
  /** 'running' (workers alive), 'finished' (stats say so, no work left), 'paused' (work left, no worker), or 'unknown'. */
  state: 'running' | 'finished' | 'paused' | 'unknown';
  /** Requests waiting in the queue. */
  pending: number;
  /** Requests handed out to workers and not acknowledged yet. */
  leased: number;
  /** Workers whose heartbeat is current, with the ms left on their lease. */
  workers: Array<{ id: string; leaseLeftMs: number }>;
  /** Seeding of the start requests: 'done', 'seeding' or 'none'. */
  seed: string;
  /** Stats merged across workers (Scrapy key names). */
  stats: Record<string, unknown>;
}

/** Reads a shared crawl's state and merged stats. Throws RedisConnectionError (masked URL) when Redis is unreachable. */
export async function readCrawlStatus(url: string, crawlId: string, keyPrefix = 'tscrapy', maxRetries = 2): Promise<CrawlStatus> {
  checkRedisUrl(url, '--redis');
  const client = await connectRedis(url, '--redis', maxRetries, new Logger('tscrapy.redis', 100, null));
  try {
    const p = `${keyPrefix}:${crawlId}:`;
    await checkCrawlKeys(client, p);
    const keys = [`${p}pending`, `${p}leased`, `${p}seed`, `${p}workers`, `${p}stats`];
    const replies = (await client
      .pipeline()
      .time()
      .get(keys[0]!)
      .get(keys[1]!)
      .get(keys[2]!)
      .zrange(keys[3]!, 0, -1, 'WITHSCORES')
      .hgetall(keys[4]!)
      .exec()) as Array<[Error | null, unknown]> | null;
    // exec() reports each command's error in its reply, never by rejecting: each reply is checked.
    const time = await pipelineReply(client, p, replies, 0, 'TIME');
    const values: unknown[] = [];
    for (const [i, key] of keys.entries()) values.push(await pipelineReply(client, p, replies, i + 1, key));
    const [pending, leased, seed, workers, stats] = values;
    const nPending = counter(keys[0]!, pending);
    const nLeased = counter(keys[1]!, leased);
    const [sec, usec] = time as [string, string];
    const now = Number(sec) * 1000 + Math.floor(Number(usec) / 1000);
    const flat = workers as string[];
    const alive: CrawlStatus['workers'] = [];
    for (let i = 0; i + 1 < flat.length; i += 2) {
      const left = Number(flat[i + 1]) - now;
      if (left > 0) alive.push({ id: flat[i]!, leaseLeftMs: left });
    }
    const merged = parseMergedStats(stats as Record<string, string>);
    const seedState = seed === null ? 'none' : String(seed).startsWith('seeding:') ? 'seeding' : 'done';
    const state: CrawlStatus['state'] =
      alive.length > 0
        ? 'running'
        : nPending + nLeased > 0 || seedState === 'seeding'
          ? 'paused'
          : merged.finish_reason !== undefined
            ? 'finished'
            : 'unknown';
    return { crawlId, redis: maskUrl(url), state, pending: nPending, leased: nLeased, workers: alive, seed: seedState, stats: merged };
  } finally {
    client.disconnect();
  }
}

/** A counter key's value (missing: 0); anything but a whole number is refused, naming the key. */
function counter(key: string, value: unknown): number {
  if (value === null || value === undefined) return 0;
  const s = String(value);
  if (!/^-?\d+$/.test(s)) {
    throw new RedisDataError(`Redis key "${key}" holds ${JSON.stringify(s.slice(0, 40))}, but tscrapy keeps a whole number there (another program wrote to it?); delete that key if its data is not needed (redis-cli DEL ${key})`);
  }
  return Number(s);
}
