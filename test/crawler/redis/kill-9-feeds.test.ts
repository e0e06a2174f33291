import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { startCatalogueSite, type CatalogueSite } from '../../../src/demo/catalogue-site.js';
import { startRedisServer, type RedisServer } from '../../support/redis-server.js';
import { seeded, shopSpider } from '../jobdir/helpers.js';
import { countingProxy } from './helpers.js';

const BIN = fileURLToPath(new URL('../../../bin/run.js', import.meta.url));
let redis: RedisServer;
let site: CatalogueSite;
let dir: string;
const children = new Set<ChildProcess>();

before(async () => {
  redis = await startRedisServer();
  site = await startCatalogueSite({ products: 800, latencyMs: 30, productBytes: 1500 });
  dir = await mkdtemp(join(tmpdir(), 'tscrapy-redis-kill9-'));
});
after(async () => {
  for (const c of children) c.kill('SIGKILL');
  await site?.close();
  await redis?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

interface Run {
  child: ChildProcess;
  feed: string;
  stderr: () => string;
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** `tscrapy runspider shop.ts -O <feed>` as one worker of the shared crawl `crawlId`, sending User-Agent `name`. */
function worker(origin: string, crawlId: string, name: string): Run {
  const feed = join(dir, `${crawlId}-${name}.jsonl`);
  const args = [BIN, 'runspider', shopSpider(), '-a', `startUrl=${origin}/`, '-O', `${feed}:jsonl`, '--no-progress', '-s', `USER_AGENT=${name}`,
    '-s', `SCHEDULER_URL=${redis.url}`, '-s', `CRAWL_ID=${crawlId}`, '-s', 'REDIS_LEASE_TIMEOUT=1', '-s', 'CONCURRENT_REQUESTS=4',
    '-s', 'LOG_LEVEL=INFO', '-s', 'LOGSTATS_INTERVAL=0', '-s', 'MEMUSAGE_ENABLED=false', '-s', 'EXIT_ERROR_THRESHOLD=-1'];
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  children.add(child);
  let err = '';
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => {
      children.delete(child);
      resolve({ code, signal });
    }),
  );
  return { child, feed, stderr: () => err, exit };
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

describe('Redis mode: kill -9 of one of 3 workers loses no item (feeds, real redis-server, CLI workers)', { timeout: 600_000 }, () => {
  for (const seed of [1, 2, 3, 4, 5]) {
    it(`seed ${seed}: every page's item is in the union of the workers' feeds`, async () => {
      const rnd = seeded(seed);
      const proxy = await countingProxy(site.origin);
      try {
        const crawlId = `kill9-${seed}`;
        const runs: Run[] = [];
        // One after the other: runspiders started together can race on the spider's build cache
        // (issue 19, a separate fix); here each starts once the previous one has joined.
        for (const i of [0, 1, 2]) {
          const w = worker(proxy.origin, crawlId, `w${i}`);
          runs.push(w);
          await until(() => w.stderr().includes('Joined crawl'), 60_000, `worker ${i} joined`);
        }
        const v = Math.floor(rnd() * 3);
        const victim = runs[v]!;
        // A random moment of the victim's own work (its share of the site is a few hundred pages).
        const killAt = 5 + Math.floor(rnd() * 60);
        await until(() => (proxy.perAgent.get(`w${v}`) ?? 0) >= killAt || victim.child.exitCode !== null, 120_000, `the victim fetched ${killAt} pages`);
        assert.equal(victim.child.exitCode, null, `the victim ended before the kill: ${victim.stderr().slice(-1500)}`);
        victim.child.kill('SIGKILL');
        const ends = await Promise.all(runs.map((r) => r.exit));
        for (const [i, r] of runs.entries()) {
          if (r === victim) assert.equal(ends[i]!.signal, 'SIGKILL');
          else assert.equal(ends[i]!.code, 0, r.stderr().slice(-2000));
        }
        const union = new Set(runs.flatMap((r) => feedProducts(r.feed)));
        const missing = site.expectedProductIds().filter((id) => !union.has(id));
        assert.deepEqual(missing, [], `worker ${v} killed after fetching ${killAt} pages: ${missing.length} products in no feed`);
      } finally {
        await proxy.close();
      }
    });
  }
});
