// The README says of SCHEDULER_URL: "Passwords are masked in every log line and error". A whole
// crawl at DEBUG (connection, joining, items stream, stats dump, closing) is checked line by line.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { crawl } from '../../../src/crawler/crawl.js';
import { MemorySink } from '../../../src/crawler/logger.js';
import { startCatalogueSite, type CatalogueSite } from '../../../src/demo/catalogue-site.js';
import { CatalogueSpider } from '../../../src/demo/catalogue-spider.js';
import { startRedisServer, type RedisServer } from '../../support/redis-server.js';

const PASSWORD = 'pw-never-logged';
let redis: RedisServer;
let site: CatalogueSite;

before(async () => {
  redis = await startRedisServer({ password: PASSWORD });
  site = await startCatalogueSite({ products: 20 });
});
after(async () => {
  await site?.close();
  await redis?.stop();
});

describe('a Redis password', { timeout: 60_000 }, () => {
  it('appears in no log line and no stat of a whole crawl at DEBUG', async () => {
    assert.ok(redis.url.includes(PASSWORD));
    const sink = new MemorySink();
    const { reason, stats } = await crawl(CatalogueSpider, {
      args: { startUrl: `${site.origin}/` },
      settings: { LOG_LEVEL: 'DEBUG', LOGSTATS_INTERVAL: 0, SCHEDULER_URL: redis.url, ITEMS_URL: redis.url, CRAWL_ID: 'pw-check' },
      logSink: sink,
      keepItems: false,
    });
    assert.equal(reason, 'finished');
    assert.ok(sink.lines.some((l) => l.includes(':****@')), 'the URL is logged, masked');
    const leaked = sink.lines.filter((l) => l.includes(PASSWORD));
    assert.deepEqual(leaked, []);
    assert.ok(!JSON.stringify(stats).includes(PASSWORD));
  });
});
