import type { CrawlerContext } from '../../components.js';
import { InvalidArgumentError } from '../../errors.js';
import type { Request } from '../../http/request.js';
import { RedisStatsMirror } from '../../extensions/redis-stats.js';
import type { DupeFilter, RequestQueue } from '../types.js';
import { RedisDupeFilter, RedisQueue } from './queue.js';
import { RedisSession } from './session.js';
import { checkRedisUrl } from './url.js';

export { RedisConnectionError, RedisDataError } from './errors.js';
export { RedisQueue, RedisDupeFilter, type IdleOutcome, type RedisQueueOptions } from './queue.js';
export { RedisSession, connectRedis, backoffMs, type RedisSessionOptions } from './session.js';
export { SCRIPTS } from './scripts.js';
export { checkCrawlKeys, wrongTypeError } from './key-types.js';
export { checkRedisUrl, isRedisUrl, maskUrl } from './url.js';

const CRAWL_ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,199}$/;

/** Checks a crawl id (it becomes part of Redis key names). */
export function checkCrawlId(id: unknown): string {
  const s = String(id ?? '');
  if (!CRAWL_ID.test(s)) {
    throw new InvalidArgumentError(`CRAWL_ID must be 1-200 letters, digits, '.', '_', ':' or '-' (starting with a letter or digit), got ${JSON.stringify(s)}`);
  }
  return s;
}

/** The Redis queue backend plus the hooks the scheduler and engine use for a shared crawl. */
export interface RedisBackend {
  kind: 'redis';
  queue: RequestQueue;
  dupefilter: DupeFilter;
  enqueueUnique: (request: Request, fingerprint: string) => Promise<boolean>;
  seedsStart: () => boolean;
  startRoom: () => boolean;
}

/**
 * SCHEDULER_URL=redis://… : queue, dupefilter and stats of crawl CRAWL_ID (default: the spider's
 * name) live in Redis, shared by every worker with the same id. Connects now, so an unreachable
 * server fails the crawl at start with the URL (password masked) in the message.
 */
export async function createRedisBackend(crawler: CrawlerContext, schedulerUrl: string): Promise<RedisBackend> {
  const s = crawler.settings;
  const url = checkRedisUrl(schedulerUrl, 'SCHEDULER_URL');
  const crawlId = checkCrawlId(s.get('CRAWL_ID') || crawler.spider.name);
  const leaseSeconds = s.getFloat('REDIS_LEASE_TIMEOUT', 30);
  if (!(leaseSeconds > 0)) throw new InvalidArgumentError(`REDIS_LEASE_TIMEOUT must be a positive number of seconds, got ${String(s.get('REDIS_LEASE_TIMEOUT'))}`);
  const prefetch = s.getInt('REDIS_PREFETCH', 8);
  if (!(prefetch >= 1)) throw new InvalidArgumentError(`REDIS_PREFETCH must be a positive integer, got ${String(s.get('REDIS_PREFETCH'))}`);
  const logger = crawler.logger.child('tscrapy.redis');
  const session = await RedisSession.connect({
    url,
    setting: 'SCHEDULER_URL',
    crawlId,
    keyPrefix: String(s.get('REDIS_KEY_PREFIX', 'tscrapy') || 'tscrapy'),
    leaseMs: Math.round(leaseSeconds * 1000),
    lifo: isLifoOrder(crawler),
    maxRetries: Math.max(0, s.getInt('REDIS_MAX_RETRIES', 10)),
    logger,
    stats: crawler.stats,
    onFatal: () => crawler.engine?.close('redis_connection_lost'),
  });
  const queue = new RedisQueue({
    session,
    prefetch,
    idleTimeoutMs: Math.max(0, s.getFloat('REDIS_IDLE_TIMEOUT', 0)) * 1000,
    startBacklog: Math.max(1, s.getInt('REDIS_START_BACKLOG', 1000)),
    pollMs: Math.min(100, Math.max(20, Math.floor(leaseSeconds * 1000) / 10)),
    logger,
    stats: crawler.stats,
    // The same checkpoint as JOBDIR: a request is acknowledged once its items are durable in every feed.
    beforeCommit: () => crawler.signals.sendAsync('checkpoint', { spider: crawler.spider }),
  });
  new RedisStatsMirror(crawler, session, {
    intervalMs: Math.max(0.05, s.getFloat('REDIS_STATS_INTERVAL', 1)) * 1000,
    persist: s.getBool('REDIS_PERSIST'),
    finished: () => queue.finished,
  });
  // Cross-worker idle detection: an idle worker waits here while other workers hold leases.
  crawler.signals.connect('spiderIdle', async () => {
    const outcome = await queue.waitForWork(() => crawler.engine?.closing ?? false);
    if (outcome === 'timeout') crawler.engine?.close('redis_idle_timeout');
  });
  return {
    kind: 'redis',
    queue,
    dupefilter: new RedisDupeFilter(session, queue.known),
    enqueueUnique: (request, fingerprint) => queue.pushUnique(request, fingerprint),
    seedsStart: () => queue.seeds,
    startRoom: () => queue.wantsStart(),
  };
}

/** Same rule as the memory queue (SCHEDULER_ORDER / SCHEDULER_MEMORY_QUEUE), without importing it (no cycle). */
function isLifoOrder(crawler: CrawlerContext): boolean {
  const order = String(crawler.settings.get('SCHEDULER_ORDER', '') ?? '').toLowerCase();
  if (order === 'fifo' || order === 'bfo') return false;
  if (order === 'lifo' || order === 'dfo') return true;
  return !/fifo/i.test(String(crawler.settings.get('SCHEDULER_MEMORY_QUEUE', '') ?? ''));
}
