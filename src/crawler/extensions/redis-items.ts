import type { Redis } from 'ioredis';
import type { CrawlerContext } from '../components.js';
import { jsonReplacer } from '../../feeds/exporters/values.js';
import { NotConfigured } from '../errors.js';
import { RedisDataError } from '../queues/redis/errors.js';

/** Items per XADD pipeline at most; items scraped in one turn of the event loop go together. */
const BATCH = 500;

/**
 * ITEMS_URL=redis://… : every scraped item is also appended to a Redis stream (XADD, field `item`
 * holding the JSON, plus `spider`), for a consumer to read with XREAD / XREADGROUP. The key is
 * ITEMS_KEY, default `<REDIS_KEY_PREFIX>:<CRAWL_ID or spider name>:items`. The itemScraped handler
 * waits for the write, so a request is acknowledged only after its items are in the stream.
 */
export class RedisItemsStream {
  readonly #key: string;
  readonly #spider: string;
  #client: Redis | null;
  #batch: Array<{ json: string; resolve: () => void; reject: (e: unknown) => void }> = [];
  #scheduled = false;

  constructor(crawler: CrawlerContext, client: Redis) {
    const s = crawler.settings;
    this.#client = client;
    this.#spider = crawler.spider.name;
    const crawlId = String(s.get('CRAWL_ID') || crawler.spider.name);
    this.#key = String(s.get('ITEMS_KEY') || `${String(s.get('REDIS_KEY_PREFIX', 'tscrapy') || 'tscrapy')}:${crawlId}:items`);
    crawler.signals.connect('itemScraped', ({ item }) => this.#push(item));
    crawler.signals.connect('spiderClosed', () => this.#close());
  }

  /** Connects now, so that an unreachable ITEMS_URL fails the crawl at start (URL masked). */
  static async fromCrawler(crawler: CrawlerContext): Promise<RedisItemsStream> {
    const url = crawler.settings.get('ITEMS_URL');
    if (!url) throw new NotConfigured('ITEMS_URL not set');
    const { checkRedisUrl, connectRedis, maskUrl, wrongTypeError } = await import('../queues/redis/index.js');
    const logger = crawler.logger.child('tscrapy.redis.items');
    const retries = Math.max(0, crawler.settings.getInt('REDIS_MAX_RETRIES', 10));
    const client = await connectRedis(checkRedisUrl(String(url), 'ITEMS_URL'), 'ITEMS_URL', retries, logger, 'tscrapy:items');
    const ext = new RedisItemsStream(crawler, client);
    const type = await client.type(ext.key).catch((err: Error) => {
      client.disconnect();
      throw new RedisDataError(`ITEMS_URL: could not read the type of Redis key "${ext.key}": ${err.message}`, { cause: err });
    });
    if (type !== 'none' && type !== 'stream') {
      client.disconnect();
      throw wrongTypeError(ext.key, type, 'stream');
    }
    logger.info(`Streaming items to ${maskUrl(String(url))} key ${ext.key}`);
    return ext;
  }

  /** The stream key items go to. */
  get key(): string {
    return this.#key;
  }

  #push(item: unknown): Promise<void> {
    if (!this.#client) return Promise.reject(new Error('ITEMS_URL: the Redis connection is not open'));
    // As the feeds write it: undefined (a .get() with no match) is null, not a dropped key.
    const json = JSON.stringify(item, jsonReplacer());
    return new Promise<void>((resolve, reject) => {
      this.#batch.push({ json, resolve, reject });
      if (this.#scheduled) return;
      this.#scheduled = true;
      setImmediate(() => this.#send());
    });
  }

  #send(): void {
    this.#scheduled = false;
    const client = this.#client!;
    while (this.#batch.length) {
      const batch = this.#batch.splice(0, BATCH);
      const pipe = client.pipeline();
      for (const b of batch) pipe.xadd(this.#key, '*', 'item', b.json, 'spider', this.#spider);
      pipe.exec().then(
        (res) => {
          batch.forEach((b, i) => {
            const err = res?.[i]?.[0];
            // exec() reports each command's error in its reply: say which stream refused the item.
            if (err) b.reject(new RedisDataError(`ITEMS_URL: Redis refused to add an item to "${this.#key}": ${err.message}`, { cause: err }));
            else b.resolve();
          });
        },
        (err: unknown) => batch.forEach((b) => b.reject(err)),
      );
    }
  }

  async #close(): Promise<void> {
    const client = this.#client;
    this.#client = null;
    if (client) await client.quit().catch(() => client.disconnect());
  }
}
