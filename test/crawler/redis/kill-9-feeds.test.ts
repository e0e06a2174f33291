import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startCatalogueSite, type CatalogueSite } from '../../../src/demo/catalogue-site.js';
import { startRedisServer, type RedisServer } from '../../support/redis-server.js';
import { seeded } from '../../support/seeded.js';
import { countingProxy, killWorkers, startWorker, type Worker } from './helpers.js';

let redis: RedisServer;
let site: CatalogueSite;
let dir: string;

before(async () => {
  redis = await startRedisServer();
  site = await startCatalogueSite({ products: 800, latencyMs: 30, productBytes: 1500 });
  dir = await mkdtemp(join(tmpdir(), 'tscrapy-redis-kill9-'));
});
after(async () => {
  killWorkers();
  await site?.close();
  await redis?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

/**
 * One worker of the shared crawl `crawlId` (a child process), whose only output is its feed, as
 * with `tscrapy crawl … -O <feed>`; it sends User-Agent `name` so that the site can tell its requests.
 */
function worker(origin: string, crawlId: string, name: string): Worker & { feed: string } {
  const feed = join(dir, `${crawlId}-${name}.jsonl`);
  const w = startWorker(`${origin}/`, null, {
    FEEDS: { [feed]: { format: 'jsonlines', overwrite: true } },
    SCHEDULER_URL: redis.url,
    CRAWL_ID: crawlId,
    REDIS_LEASE_TIMEOUT: 1,
    CONCURRENT_REQUESTS: 4,
    USER_AGENT: name,
    LOG_LEVEL: 'INFO',
    LOGSTATS_INTERVAL: 0,
  });
  return { ...w, feed };
}

/** Product ids in a jsonlines feed; a line cut short by the kill (only the last one can be) is skipped. */
function feedProducts(path: string): number[] {
  let text = '';
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return [];
  }
  const lines = text.split('\n').filter((l) => l !== '');
  const ids: number[] = [];
  lines.forEach((l, i) => {
    try {
      ids.push(Number(/\/product\/(\d+)$/.exec((JSON.parse(l) as { url: string }).url)?.[1]));
    } catch (err) {
      if (i !== lines.length - 1 || text.endsWith('\n')) throw err;
    }
  });
  return ids;
}

async function until(check: () => boolean, ms: number, what: string): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    assert.ok(Date.now() < deadline, `${what} within ${ms / 1000} s`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe('Redis mode: kill -9 of one of 3 workers loses no item (feeds, real redis-server, worker processes)', { timeout: 600_000 }, () => {
  for (const seed of [1, 2, 3, 4, 5]) {
    it(`seed ${seed}: every page's item is in the union of the workers' feeds`, async () => {
      const rnd = seeded(seed);
      const proxy = await countingProxy(site.origin);
      try {
        const crawlId = `kill9-${seed}`;
        const workers = [0, 1, 2].map((i) => worker(proxy.origin, crawlId, `w${i}`));
        const v = Math.floor(rnd() * 3);
        const victim = workers[v]!;
        // A random moment of the victim's own work (its share of the site is a few hundred pages).
        const killAt = 5 + Math.floor(rnd() * 60);
        await until(() => (proxy.perAgent.get(`w${v}`) ?? 0) >= killAt || victim.child.exitCode !== null, 120_000, `the victim fetched ${killAt} pages`);
        assert.equal(victim.child.exitCode, null, 'the victim ended before the kill');
        victim.child.kill('SIGKILL');
        const results = await Promise.all(workers.map((w) => w.result));
        for (const [i, r] of results.entries()) {
          if (i === v) assert.match(r.error ?? '', /SIGKILL/);
          else assert.equal(r.reason, 'finished', r.error ?? r.log.slice(-20).join('\n'));
        }
        const union = new Set(workers.flatMap((w) => feedProducts(w.feed)));
        const missing = site.expectedProductIds().filter((id) => !union.has(id));
        assert.deepEqual(missing, [], `worker ${v} killed after fetching ${killAt} pages: ${missing.length} products in no feed`);
      } finally {
        await proxy.close();
      }
    });
  }
});
