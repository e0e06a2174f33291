import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Redis } from 'ioredis';
import { crawl } from '../../../src/crawler/crawl.js';
import { Request } from '../../../src/crawler/http/request.js';
import type { Response } from '../../../src/crawler/http/response.js';
import { MemorySink } from '../../../src/crawler/logger.js';
import { RedisQueue, RedisSession } from '../../../src/crawler/queues/redis/index.js';
import { Spider } from '../../../src/crawler/spider.js';
import { startCatalogueSite, type CatalogueSite } from '../../../src/demo/catalogue-site.js';
import { testContext } from '../../support/context.js';
import { startRedisServer, type RedisServer } from '../../support/redis-server.js';

const quiet = { LOG_LEVEL: 'INFO', LOGSTATS_INTERVAL: 0, RETRY_ENABLED: false };
let redis: RedisServer;
let site: CatalogueSite;
let client: Redis;

before(async () => {
  redis = await startRedisServer();
  // 100 ms per response: a downloader with one slot stays full for the whole start() feed.
  site = await startCatalogueSite({ products: 800, productBytes: 1000, latencyMs: 100 });
  client = new Redis(redis.url);
});
after(async () => {
  client?.disconnect();
  await site?.close();
  await redis?.stop();
});

/** Yields the 40 listing pages from start(); each listing page's callback yields its 20 products. */
class ListingsSpider extends Spider {
  override name = 'listings';
  declare startUrl: string;

  override async *start() {
    for (let p = 1; p <= 40; p++) yield new Request(`${this.startUrl}catalogue/page-${p}.html`, { callback: 'listing' });
  }

  *listing(response: Response) {
    yield* response.followAll(response.css('li.product a.title'), { callback: 'product' });
  }

  product(): void {}
}

describe('the shared frontier keeps every worker fed', { timeout: 60_000 }, () => {
  it("the seeder feeds start() ahead of the shared backlog, not of its own downloader", async () => {
    const run = crawl(ListingsSpider, {
      args: { startUrl: `${site.origin}/` },
      settings: { ...quiet, SCHEDULER_URL: redis.url, CRAWL_ID: 'eager-start', CONCURRENT_REQUESTS: 1, CLOSESPIDER_PAGECOUNT: 2 },
      logSink: new MemorySink(),
    });
    const seen: { atFirstResponse?: Promise<Array<string | null>> } = {};
    run.crawler.signals.connect('responseReceived', () => {
      seen.atFirstResponse ??= client.mget('tscrapy:eager-start:pending', 'tscrapy:eager-start:leased');
    });
    await run;
    assert.ok(seen.atFirstResponse, 'a response arrived');
    const [pending, leased] = (await seen.atFirstResponse).map(Number);
    // One download slot, 100 ms per response: paced by its downloader, the seeder would have stored 2 or 3.
    assert.ok(pending! + leased! >= 35, `start requests in the shared queue at the first response: ${pending} pending, ${leased} leased`);
  });

  it("a callback's requests are stored together, not one round trip each", async () => {
    const { stats } = await crawl(ListingsSpider, {
      args: { startUrl: `${site.origin}/` },
      settings: { ...quiet, SCHEDULER_URL: redis.url, CRAWL_ID: 'batched', CONCURRENT_REQUESTS: 16 },
      keepItems: false,
      logSink: new MemorySink(),
    });
    const enqueued = Number(stats['scheduler/enqueued']);
    const roundTrips = Number(stats['redis/round_trips']);
    assert.ok(enqueued >= 800, `the 40 listing pages and their products were enqueued (${enqueued})`);
    // Awaiting each schedule() would cost at least one round trip per request (over 840).
    assert.ok(roundTrips < enqueued / 2, `${roundTrips} round trips for ${enqueued} requests`);
  });

  it('an idle worker keeps the leases its engine takes while it waits', async () => {
    const open = async () => {
      const ctx = testContext({});
      const session = await RedisSession.connect({ url: redis.url, setting: 'SCHEDULER_URL', crawlId: 'idle-race', leaseMs: 30_000, lifo: false, maxRetries: 1, logger: ctx.logger, stats: ctx.stats });
      const queue = new RedisQueue({ session, logger: ctx.logger, stats: ctx.stats, pollMs: 20, prefetch: 1 });
      await queue.open(ctx.spider);
      return { session, queue };
    };
    const a = await open();
    const b = await open();
    try {
      assert.equal(await a.queue.pushUnique(new Request('http://127.0.0.1/x'), 'fp-x'), true);
      const x = await a.queue.pop();
      assert.equal(x?.url, 'http://127.0.0.1/x');
      // b goes idle: it waits while a holds x.
      const waiting = b.queue.waitForWork(() => false);
      await new Promise((r) => setTimeout(r, 60));
      // Meanwhile b's engine pulls (a heartbeat kick) and starts y.
      assert.equal(await a.queue.pushUnique(new Request('http://127.0.0.1/y'), 'fp-y'), true);
      const y = await b.queue.pop();
      assert.equal(y?.url, 'http://127.0.0.1/y');
      assert.equal(await waiting, 'work');
      assert.equal(b.queue.size(), 0, 'y was not handed back and taken a second time');
      const [pending, leased] = (await client.mget('tscrapy:idle-race:pending', 'tscrapy:idle-race:leased')).map(Number);
      assert.deepEqual({ pending, leased }, { pending: 0, leased: 2 }, 'x leased by a, y by b');
      a.queue.ack(x!);
      b.queue.ack(y!);
      assert.equal(await a.queue.waitForWork(() => false), 'finished', 'the seeder, idle, ends the seeding');
      assert.equal(await b.queue.waitForWork(() => false), 'finished');
    } finally {
      await a.session.close();
      await b.session.close();
    }
  });
});
