import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { isBroken, startCatalogueSite, type CatalogueSite } from '../../../src/demo/catalogue-site.js';
import { startRedisServer, type RedisServer } from '../../support/redis-server.js';
import { countingProxy, itemsOf, killWorkers, startWorker, type WorkerResult } from './helpers.js';

const PRODUCTS = 3000;
let redis: RedisServer;
let site: CatalogueSite;
let dir: string;

before(async () => {
  redis = await startRedisServer();
  site = await startCatalogueSite({ products: PRODUCTS, latencyMs: 20, productBytes: 3000 });
  dir = await mkdtemp(join(tmpdir(), 'tscrapy-redis-crawl-'));
});
after(async () => {
  killWorkers();
  await site?.close();
  await redis?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

const settingsFor = (crawlId: string, extra: Record<string, unknown> = {}) => ({
  SCHEDULER_URL: redis.url,
  CRAWL_ID: crawlId,
  LOG_LEVEL: 'INFO',
  LOGSTATS_INTERVAL: 0,
  ...extra,
});

const productPath = (url: string) => new URL(url).pathname;
const expectedPaths = () => site.expectedProductIds().map((id) => `/product/${id}`).sort();

describe('one crawl shared by worker processes through a real redis-server', { timeout: 120_000 }, () => {
  it('3 workers on a 3,000-page site: every product scraped once, no page fetched twice', async () => {
    const proxy = await countingProxy(site.origin);
    try {
      const workers = [0, 1, 2].map((i) => startWorker(`${proxy.origin}/`, join(dir, `a${i}.txt`), settingsFor('three')));
      const results: WorkerResult[] = await Promise.all(workers.map((w) => w.result));
      for (const r of results) assert.equal(r.reason, 'finished', r.error ?? r.log.slice(-20).join('\n'));

      const perWorker = workers.map((w) => itemsOf(w.itemsFile).map(productPath));
      const all = perWorker.flat();
      assert.deepEqual([...new Set(all)].sort(), expectedPaths(), 'the union of items is the site');
      assert.equal(all.length, site.expectedProductIds().length, 'no product scraped twice');
      for (const items of perWorker) assert.ok(items.length > 0, 'every worker took part');

      const twice = [...proxy.perPath].filter(([path, n]) => {
        const id = /^\/product\/(\d+)$/.exec(path)?.[1];
        return id !== undefined && isBroken(Number(id)) ? n !== 3 : n !== 1; // a 500 is retried twice (RETRY_TIMES)
      });
      assert.deepEqual(twice, [], 'each page fetched once');
      assert.equal(proxy.perPath.get('/'), 1, 'the start request was seeded once');

      const merged = results.filter((r) => r.stats?.['redis/workers_merged'] === true);
      assert.equal(merged.length, 1, 'exactly one worker is the last out');
      assert.equal(merged[0]!.stats!.item_scraped_count, site.expectedProductIds().length, 'the last worker dumps totals');
      const fetched = [...proxy.perPath.values()].reduce((a, b) => a + b, 0);
      assert.equal(merged[0]!.stats!['downloader/response_count'], fetched);
    } finally {
      await proxy.close();
    }
  });

  it('kill -9 of one worker mid-crawl: the others finish and every product is scraped', async () => {
    const settings = settingsFor('killed', { REDIS_LEASE_TIMEOUT: 2 });
    const workers = [0, 1, 2].map((i) => startWorker(`${site.origin}/`, join(dir, `k${i}.txt`), settings));
    const victim = workers[1]!;
    const deadline = Date.now() + 60_000;
    while (itemsOf(victim.itemsFile).length < 150) {
      assert.ok(Date.now() < deadline, 'the victim scraped nothing within 60 s');
      await new Promise((r) => setTimeout(r, 50));
    }
    victim.child.kill('SIGKILL');
    const [a, killed, c] = await Promise.all(workers.map((w) => w.result));
    assert.match(killed!.error ?? '', /SIGKILL/);
    for (const r of [a!, c!]) assert.equal(r.reason, 'finished', r.error ?? r.log.slice(-20).join('\n'));

    const all = workers.flatMap((w) => itemsOf(w.itemsFile).map(productPath));
    assert.deepEqual([...new Set(all)].sort(), expectedPaths(), 'every product scraped despite the kill');
    const last = [a!, c!].find((r) => r.stats?.['redis/workers_merged'] === true);
    assert.ok(last, 'one survivor dumps the totals');
    assert.ok((last.stats!['redis/lease_expired_requeued'] as number) > 0, 'the dead worker\'s leases went back to the queue');
  });
});
