import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Redis } from 'ioredis';
import { crawl } from '../../../src/crawler/crawl.js';
import type { Response } from '../../../src/crawler/http/response.js';
import { MemorySink } from '../../../src/crawler/logger.js';
import { Spider } from '../../../src/crawler/spider.js';
import { startCatalogueSite, type CatalogueSite } from '../../../src/demo/catalogue-site.js';
import { startRedisServer, type RedisServer } from '../../support/redis-server.js';

let redis: RedisServer;
let site: CatalogueSite;
before(async () => {
  redis = await startRedisServer();
  site = await startCatalogueSite({ products: 1, productBytes: 100 });
});
after(async () => {
  await site.close();
  await redis.stop();
});

describe('ITEMS_URL stream', { timeout: 60_000 }, () => {
  it('writes a missing value (.get() with no match) as null, as the feeds do, instead of dropping the key', async () => {
    const origin = site.origin;
    class Missing extends Spider {
      override name = 'missing';
      override startUrls = [`${origin}/about`];
      override parse(r: Response) {
        return [{ title: r.css('h1::text').get(), price: r.css('.price::text').get() }];
      }
    }
    const { reason } = await crawl(Missing, { settings: { LOG_LEVEL: 'ERROR', LOGSTATS_INTERVAL: 0, STATS_DUMP: false, ITEMS_URL: redis.url }, logSink: new MemorySink() });
    assert.equal(reason, 'finished');
    const client = new Redis(redis.url);
    try {
      const entries = (await client.xrange('tscrapy:missing:items', '-', '+')) as Array<[string, string[]]>;
      assert.equal(entries.length, 1);
      assert.equal(entries[0]![1][1], '{"title":"About","price":null}');
    } finally {
      client.disconnect();
    }
  });
});
