import { parseMergedStats } from '../../extensions/redis-stats.js';
import { Logger } from '../../logger.js';
import { connectRedis } from './session.js';
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
    const [[, time], [, pending], [, leased], [, seed], [, workers], [, stats]] = (await client
      .pipeline()
      .time()
      .get(`${p}pending`)
      .get(`${p}leased`)
      .get(`${p}seed`)
      .zrange(`${p}workers`, 0, -1, 'WITHSCORES')
      .hgetall(`${p}stats`)
      .exec())! as Array<[Error | null, unknown]>;
    const [sec, usec] = time as [string, string];
    const now = Number(sec) * 1000 + Math.floor(Number(usec) / 1000);
    const flat = workers as string[];
    const alive: CrawlStatus['workers'] = [];
    for (let i = 0; i + 1 < flat.length; i += 2) {
      const left = Number(flat[i + 1]) - now;
      if (left > 0) alive.push({ id: flat[i]!, leaseLeftMs: left });
    }
    const merged = parseMergedStats(stats as Record<string, string>);
    const nPending = Number(pending ?? 0);
    const nLeased = Number(leased ?? 0);
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
