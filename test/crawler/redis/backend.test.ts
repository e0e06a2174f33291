import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { Redis } from 'ioredis';
import { crawl } from '../../../src/crawler/crawl.js';
import { InvalidArgumentError } from '../../../src/crawler/errors.js';
import { Request } from '../../../src/crawler/http/request.js';
import { MemorySink } from '../../../src/crawler/logger.js';
import { RedisConnectionError, RedisQueue, RedisSession } from '../../../src/crawler/queues/redis/index.js';
import { startCatalogueSite, type CatalogueSite } from '../../../src/demo/catalogue-site.js';
import { CatalogueSpider } from '../../../src/demo/catalogue-spider.js';
import { testContext } from '../../support/context.js';
import { freePort, startRedisServer, type RedisServer } from '../../support/redis-server.js';

const BIN = fileURLToPath(new URL('../../../bin/run.js', import.meta.url));
const quiet = { LOG_LEVEL: 'INFO', LOGSTATS_INTERVAL: 0 };
let redis: RedisServer;
let site: CatalogueSite;

before(async () => {
  redis = await startRedisServer({ password: 's3cret-pw' });
  site = await startCatalogueSite({ products: 120, productBytes: 2000 });
});
after(async () => {
  await site?.close();
  await redis?.stop();
});

const productCount = () => site.expectedProductIds().length;

describe('SCHEDULER_URL=redis://… in one process', { timeout: 60_000 }, () => {
  it('an unreachable Redis fails the crawl at start, naming the URL with its password masked', async () => {
    const port = await freePort();
    const sink = new MemorySink();
    const url = `redis://:hunter2@127.0.0.1:${port}/0`;
    await assert.rejects(
      async () => crawl(CatalogueSpider, { args: { startUrl: `${site.origin}/` }, settings: { ...quiet, SCHEDULER_URL: url, REDIS_MAX_RETRIES: 1 }, logSink: sink }),
      (err: Error) => {
        assert.ok(err instanceof RedisConnectionError);
        assert.equal((err as RedisConnectionError).code, 'TSC_ERR_REDIS_CONNECTION');
        assert.match(err.message, new RegExp(`Cannot connect to Redis at redis://:\\*\\*\\*\\*@127\\.0\\.0\\.1:${port}/0 \\(SCHEDULER_URL\\): .*ECONNREFUSED`));
        assert.doesNotMatch(err.message, /hunter2/);
        return true;
      },
    );
    assert.ok(sink.lines.some((l) => l.includes('SCHEDULER_URL') && l.includes(':****@')), 'overridden settings are logged masked');
    assert.ok(!sink.lines.some((l) => l.includes('hunter2')), 'the password never reaches the log');
  });

  it('an unreachable Redis fails on the first attempt: retries are only for a connection that once worked', async () => {
    const port = await freePort();
    const sink = new MemorySink();
    const url = `redis://:hunter2@127.0.0.1:${port}/0`;
    // REDIS_MAX_RETRIES left at its default (10): retrying here took ~19 s and hid the cause.
    await assert.rejects(
      async () => crawl(CatalogueSpider, { args: { startUrl: `${site.origin}/` }, settings: { ...quiet, SCHEDULER_URL: url }, logSink: sink }),
      (err: Error) => {
        assert.ok(err instanceof RedisConnectionError);
        assert.match(err.message, new RegExp(`^Cannot connect to Redis at redis://:\\*\\*\\*\\*@127\\.0\\.0\\.1:${port}/0 \\(SCHEDULER_URL\\): connect ECONNREFUSED [^ ]+\\. Is redis-server running there`));
        assert.doesNotMatch(err.message, /retries|hunter2/);
        return true;
      },
    );
    const retries = sink.lines.filter((l) => /unreachable: .*; retry \d+\//.test(l));
    assert.deepEqual(retries, [], 'no reconnection attempt before a connection worked');
    // crawl-status reads through the same connection code: it fails at once too.
    const r = spawnSync(process.execPath, [BIN, 'crawl-status', 'x', '--redis', url], { encoding: 'utf8', timeout: 60_000 });
    assert.equal(r.status, 1, r.stderr);
    assert.match(r.stderr, new RegExp(`Cannot connect to Redis at redis://:\\*\\*\\*\\*@127\\.0\\.0\\.1:${port}/0`));
    assert.doesNotMatch(r.stderr + r.stdout, /hunter2|retry/);
  });

  it('rejects a SCHEDULER_URL that is not redis://, and a bad CRAWL_ID', async () => {
    await assert.rejects(async () => crawl(CatalogueSpider, { settings: { ...quiet, SCHEDULER_URL: 'http://x:pw@h/' }, logSink: new MemorySink() }), (err: Error) => {
      assert.ok(err instanceof InvalidArgumentError);
      assert.match(err.message, /SCHEDULER_URL must be a redis:\/\/host:port\/db URL/);
      assert.doesNotMatch(err.message, /:pw@/);
      return true;
    });
    await assert.rejects(async () => crawl(CatalogueSpider, { settings: { ...quiet, SCHEDULER_URL: redis.url, CRAWL_ID: 'a b' }, logSink: new MemorySink() }), /CRAWL_ID must be/);
  });

  it('one worker crawls the shop; merged stats and the items stream (ITEMS_URL) hold every item; crawl-status reads them', async () => {
    const { items, stats, reason } = await crawl(CatalogueSpider, {
      args: { startUrl: `${site.origin}/` },
      settings: { ...quiet, SCHEDULER_URL: redis.url, CRAWL_ID: 'solo', ITEMS_URL: redis.url },
      logSink: new MemorySink(),
    });
    assert.equal(reason, 'finished');
    assert.equal(items.length, productCount());
    assert.equal(stats['redis/workers_merged'], true);
    assert.equal(stats.item_scraped_count, productCount());
    assert.ok((stats['redis/round_trips'] as number) > 0);
    const client = new Redis(redis.url);
    try {
      assert.equal(await client.xlen('tscrapy:solo:items'), productCount());
      const [[, fields]] = (await client.xrange('tscrapy:solo:items', '-', '+', 'COUNT', 1)) as Array<[string, string[]]>;
      assert.equal(fields[0], 'item');
      assert.match(JSON.parse(fields[1]!).url, /\/product\/\d+$/);
      assert.equal(await client.exists('tscrapy:solo:seen', 'tscrapy:solo:seed'), 0, 'a finished crawl leaves no frontier (REDIS_PERSIST off)');
    } finally {
      client.disconnect();
    }

    const status = spawnSync(process.execPath, [BIN, 'crawl-status', 'solo', '--redis', redis.url, '--json'], { encoding: 'utf8', timeout: 30_000 });
    assert.equal(status.status, 0, status.stderr);
    const json = JSON.parse(status.stdout);
    assert.equal(json.state, 'finished');
    assert.equal(json.stats.item_scraped_count, productCount());
    assert.equal(json.redis, redis.url.replace('s3cret-pw', '****'));
    const text = spawnSync(process.execPath, [BIN, 'crawl-status', 'solo', '--redis', redis.url], { encoding: 'utf8', timeout: 30_000 });
    assert.match(text.stdout, /^Crawl solo on redis:\/\/:\*\*\*\*@127\.0\.0\.1:\d+\/0: finished/);
    assert.doesNotMatch(text.stdout + text.stderr, /s3cret-pw/);

    const unknown = spawnSync(process.execPath, [BIN, 'crawl-status', 'nope', '--redis', redis.url], { encoding: 'utf8', timeout: 30_000 });
    assert.equal(unknown.status, 1);
    assert.match(unknown.stderr, /No crawl "nope"/);
  });

  it('losing Redis mid-crawl: retries with backoff, then stops the crawl with a clear error', async () => {
    const own = await startRedisServer();
    const slow = await startCatalogueSite({ products: 400, productBytes: 2000, latencyMs: 30 });
    const sink = new MemorySink();
    try {
      const run = crawl(CatalogueSpider, {
        args: { startUrl: `${slow.origin}/` },
        settings: { ...quiet, SCHEDULER_URL: own.url, REDIS_MAX_RETRIES: 2 },
        logSink: sink,
      });
      let scraped = 0;
      run.crawler.signals.connect('itemScraped', () => {
        if (++scraped === 20) void own.stop();
      });
      const { reason } = await run;
      assert.equal(reason, 'redis_connection_lost');
      assert.ok(scraped < slow.expectedProductIds().length);
      const log = sink.lines.join('\n');
      assert.match(log, /unreachable: .*; retry 1\/2 in 100 ms/);
      assert.match(log, new RegExp(`Lost the connection to Redis at redis://127\\.0\\.0\\.1:${own.port}/0 \\(SCHEDULER_URL\\) and could not reconnect after 2 retries`));
    } finally {
      await own.stop();
      await slow.close();
    }
  });

  it('a worker that stops heartbeating loses its leases to the others after REDIS_LEASE_TIMEOUT', async () => {
    const open = async (crawlId: string) => {
      const ctx = testContext({});
      const session = await RedisSession.connect({ url: redis.url, setting: 'SCHEDULER_URL', crawlId, leaseMs: 300, lifo: false, maxRetries: 1, logger: ctx.logger, stats: ctx.stats });
      const queue = new RedisQueue({ session, logger: ctx.logger, stats: ctx.stats, pollMs: 20, prefetch: 2 });
      await queue.open(ctx.spider);
      return { session, queue, ctx };
    };
    const a = await open('lease');
    const b = await open('lease');
    try {
      assert.equal(a.queue.seeds, true);
      assert.equal(b.queue.seeds, false, 'the second worker does not seed');
      assert.equal(await a.queue.pushUnique(new Request('http://127.0.0.1/x'), 'fp-x'), true);
      assert.equal(await b.queue.pushUnique(new Request('http://127.0.0.1/x'), 'fp-x'), false, 'duplicates are dropped across workers');
      const taken = await a.queue.pop();
      assert.equal(taken?.url, 'http://127.0.0.1/x');
      a.session.stopHeartbeat(); // a "dies" holding the lease
      assert.equal(await b.queue.pop(), null, 'leased to a');
      assert.equal(await b.queue.waitForWork(() => false), 'work', 'b waits for the lease, then gets the request back');
      const again = await b.queue.pop();
      assert.equal(again?.url, 'http://127.0.0.1/x');
      b.queue.ack(again!);
      assert.equal(await b.queue.waitForWork(() => false), 'finished', 'queue empty, nothing leased: done for everyone');
    } finally {
      await a.session.close();
      await b.session.close();
    }
  });
});
