// A crawl key that holds the wrong Redis type (written by another program) must be reported as
// such, naming the key and what to do: by crawl-status, by a crawl at start, and by ITEMS_URL;
// never read as data (a pipeline's per-command errors are in its replies, not thrown).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { Redis } from 'ioredis';
import { crawl } from '../../../src/crawler/crawl.js';
import { MemorySink } from '../../../src/crawler/logger.js';
import { RedisDataError, RedisSession } from '../../../src/crawler/queues/redis/index.js';
import { readCrawlStatus } from '../../../src/crawler/queues/redis/status.js';
import { startCatalogueSite, type CatalogueSite } from '../../../src/demo/catalogue-site.js';
import { CatalogueSpider } from '../../../src/demo/catalogue-spider.js';
import { testContext } from '../../support/context.js';
import { startRedisServer, type RedisServer } from '../../support/redis-server.js';

const BIN = fileURLToPath(new URL('../../../bin/run.js', import.meta.url));
const quiet = { LOG_LEVEL: 'INFO', LOGSTATS_INTERVAL: 0 };

describe('Redis keys of the wrong type (real redis-server)', { timeout: 60_000 }, () => {
  let redis: RedisServer;
  let client: Redis;
  let site: CatalogueSite;
  before(async () => {
    redis = await startRedisServer();
    client = new Redis(redis.url);
    site = await startCatalogueSite({ products: 5, productBytes: 200 });
  });
  after(async () => {
    client?.disconnect();
    await site?.close();
    await redis?.stop();
  });

  const wrongType = (key: string, found: string, expected: string) => (err: Error) => {
    assert.ok(err instanceof RedisDataError, `${err.name}: ${err.message}`);
    assert.equal(err.code, 'TSC_ERR_REDIS_DATA');
    assert.ok(err.message.includes(`Redis key "${key}" holds a ${found}, but tscrapy keeps a ${expected} there`), err.message);
    assert.ok(err.message.includes(`redis-cli DEL ${key}`), err.message);
    return true;
  };

  it('crawl-status names the key that holds the wrong type instead of reading it as data', async () => {
    await client.hset('tscrapy:clobbered:pending', 'a', '1');
    await client.zadd('tscrapy:clobbered:workers', Date.now() + 60_000, 'w1');
    await assert.rejects(readCrawlStatus(redis.url, 'clobbered'), wrongType('tscrapy:clobbered:pending', 'hash', 'string'));
    const r = spawnSync(process.execPath, [BIN, 'crawl-status', 'clobbered', '--redis', redis.url], { encoding: 'utf8', timeout: 30_000 });
    assert.equal(r.status, 1, r.stdout + r.stderr);
    assert.match(r.stderr, /Redis key "tscrapy:clobbered:pending" holds a hash, but tscrapy keeps a string there/);
  });

  it('crawl-status refuses a counter that is not a number, and a queue list of the wrong type', async () => {
    await client.set('tscrapy:garbled:pending', 'lots');
    await assert.rejects(readCrawlStatus(redis.url, 'garbled'), (err: Error) => err instanceof RedisDataError && /"tscrapy:garbled:pending" holds "lots", but tscrapy keeps a whole number there/.test(err.message));
    await client.zadd('tscrapy:queued:prios', 0, '0');
    await client.set('tscrapy:queued:q:0', 'not a list');
    await assert.rejects(readCrawlStatus(redis.url, 'queued'), wrongType('tscrapy:queued:q:0', 'string', 'list'));
  });

  it('a crawl whose keys are clobbered fails at start, naming the key', async () => {
    await client.set('tscrapy:clash:seen', 'x');
    await assert.rejects(
      async () => crawl(CatalogueSpider, { args: { startUrl: `${site.origin}/` }, settings: { ...quiet, SCHEDULER_URL: redis.url, CRAWL_ID: 'clash' }, logSink: new MemorySink() }),
      wrongType('tscrapy:clash:seen', 'string', 'set'),
    );
  });

  it('a key clobbered mid-crawl: the failed enqueue says which crawl and how to find the key, not a bare Lua error', async () => {
    const ctx = testContext();
    const session = await RedisSession.connect({ url: redis.url, setting: 'SCHEDULER_URL', crawlId: 'midway', leaseMs: 5000, lifo: false, maxRetries: 1, logger: ctx.logger, stats: ctx.stats });
    try {
      assert.equal(await session.enqueue('fp-1', 0, '{}'), true);
      await client.del('tscrapy:midway:seen');
      await client.set('tscrapy:midway:seen', 'x');
      await assert.rejects(session.enqueue('fp-2', 0, '{}'), (err: Error) => {
        assert.ok(err instanceof RedisDataError, `${err.name}: ${err.message}`);
        assert.match(err.message, /A Redis key under "tscrapy:midway:" holds the wrong type .*WRONGTYPE.*Run `tscrapy crawl-status midway --prefix tscrapy` to see which key/);
        return true;
      });
      await assert.rejects(readCrawlStatus(redis.url, 'midway'), wrongType('tscrapy:midway:seen', 'string', 'set'));
    } finally {
      await session.close();
    }
  });

  it('ITEMS_URL whose stream key holds something else fails at start, naming the key', async () => {
    await client.rpush('tscrapy:listy:items', 'x');
    await assert.rejects(
      async () => crawl(CatalogueSpider, { args: { startUrl: `${site.origin}/` }, settings: { ...quiet, ITEMS_URL: redis.url, CRAWL_ID: 'listy' }, logSink: new MemorySink() }),
      wrongType('tscrapy:listy:items', 'list', 'stream'),
    );
  });
});
