import type { CrawlerContext } from '../components.js';
import { maskUrl } from '../downloader/mask.js';
import { InvalidArgumentError } from '../errors.js';
import { JobDir } from '../jobdir/job-dir.js';
import { createDiskBackend } from './disk/index.js';
import { MemoryDupeFilter } from './memory-dupefilter.js';
import { MemoryQueue } from './memory-queue.js';
import type { DupeFilter, RequestQueue } from './types.js';
import type { Request } from '../http/request.js';

export type { DupeFilter, RequestQueue } from './types.js';
export { MemoryQueue } from './memory-queue.js';
export { MemoryDupeFilter } from './memory-dupefilter.js';

/** A queue and a dupefilter chosen from the settings, with the name shown in stats. */
export interface QueueBackend {
  /** 'memory', 'disk' or 'redis': used in `scheduler/enqueued/<kind>` stats. */
  kind: string;
  queue: RequestQueue;
  dupefilter: DupeFilter;
  /**
   * Dedup and store in one atomic step, for shared backends where a crash between the two would
   * lose a request (Redis). Resolves false for a duplicate. When absent the scheduler uses the
   * dupefilter, then `push`.
   */
  enqueueUnique?: (request: Request, fingerprint: string) => Promise<boolean>;
  /** False when another worker of a shared crawl already fed the start requests. @default () => true */
  seedsStart?: () => boolean;
  /**
   * A shared frontier (Redis): whether `start()` should feed more requests now. Other workers
   * take them too, so the engine paces `start()` by this instead of its own downloader.
   */
  startRoom?: () => boolean;
}

/**
 * LIFO unless SCHEDULER_MEMORY_QUEUE names a FIFO queue (Scrapy's
 * `scrapy.squeues.FifoMemoryQueue` works as is) or SCHEDULER_ORDER is 'fifo'.
 */
export function isLifo(crawler: CrawlerContext): boolean {
  const order = String(crawler.settings.get('SCHEDULER_ORDER', '') ?? '').toLowerCase();
  if (order === 'fifo' || order === 'bfo') return false;
  if (order === 'lifo' || order === 'dfo') return true;
  const name = String(crawler.settings.get('SCHEDULER_MEMORY_QUEUE', '') ?? '');
  return !/fifo/i.test(name);
}

/** The memory backend; JOBDIR and SCHEDULER_URL select the persistent ones. */
export async function createQueueBackend(crawler: CrawlerContext): Promise<QueueBackend> {
  const schedulerUrl = crawler.settings.get('SCHEDULER_URL');
  if (typeof schedulerUrl === 'string' && /^rediss?:/i.test(schedulerUrl.trim())) {
    // Loaded on demand: crawls without Redis never load the client.
    const { createRedisBackend } = await import('./redis/index.js');
    return createRedisBackend(crawler, schedulerUrl);
  }
  if (typeof schedulerUrl === 'string' && schedulerUrl.trim() !== '') {
    throw new InvalidArgumentError(`SCHEDULER_URL must be a redis://host:port/db URL (or unset for memory), got ${JSON.stringify(maskUrl(schedulerUrl))}`);
  }
  const jobdir = JobDir.forCrawler(crawler);
  if (jobdir) return createDiskBackend(crawler, jobdir, isLifo(crawler));
  return { kind: 'memory', queue: new MemoryQueue({ lifo: isLifo(crawler) }), dupefilter: new MemoryDupeFilter() };
}
