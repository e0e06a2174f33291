// The JOBDIR benchmark of issue 4, each measurement in a fresh process:
//  1. a frontier of N pending requests and N seen fingerprints (N = 1,000,000): enqueue then
//     drain, through the memory backend (baseline) and the JOBDIR disk backend; peak RSS;
//  2. resuming that JOBDIR: time until the first request is handed out;
//  3. a crawl of the demo shop (5,000 products, CONCURRENT_REQUESTS=64) with and without JOBDIR.
//
//   node --import tsx bench/jobdir.ts [N=1000000] [products=5000]
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Crawler } from '../src/crawler/crawler.js';
import { requestFingerprint } from '../src/crawler/fingerprint.js';
import { Request } from '../src/crawler/http/request.js';
import { jobdirPaths } from '../src/crawler/jobdir/layout.js';
import { Logger, MemorySink } from '../src/crawler/logger.js';
import { DiskDupeFilter, DiskQueue, DiskStore } from '../src/crawler/queues/disk/index.js';
import { MemoryDupeFilter, MemoryQueue } from '../src/crawler/queues/index.js';
import type { DupeFilter, RequestQueue } from '../src/crawler/queues/types.js';
import type { Spider } from '../src/crawler/spider.js';
import { CatalogueSpider } from '../src/demo/catalogue-spider.js';
import { startCatalogueSiteProcess } from '../src/demo/site-process.js';

const self = fileURLToPath(import.meta.url);
const [mode, ...rest] = process.argv.slice(2);
const spider = { name: 'bench', parse() {}, parseProduct() {} } as unknown as Spider;
const logger = new Logger('bench', 100, new MemorySink());

function child(args: string[]): Record<string, number> {
  const r = spawnSync(process.execPath, ['--import', 'tsx', self, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], timeout: 20 * 60_000 });
  if (r.status !== 0) throw new Error(`bench ${args[0]} failed with exit ${r.status}`);
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as Record<string, number>;
}

function makeRequest(i: number): Request {
  return new Request(`http://shop.example/product/${i}?ref=${i % 97}`, { callback: 'parseProduct', priority: i % 3 === 0 ? 1 : 0 });
}

const baseRss = process.memoryUsage.rss();
let peak = 0;
const sample = () => (peak = Math.max(peak, process.memoryUsage.rss()));

/** Enqueue n (dupefilter + push), then drain (pop + ack); awaits now and then as a crawl would. */
async function frontier(n: number, queue: RequestQueue, dupefilter: DupeFilter) {
  const t0 = performance.now();
  for (let i = 0; i < n; i++) {
    const r = makeRequest(i);
    if (!dupefilter.seen(requestFingerprint(r))) await queue.push(r);
    if (i % 10_000 === 0) {
      sample();
      await new Promise((res) => setImmediate(res));
    }
  }
  const t1 = performance.now();
  let acks: Array<Promise<void> | void> = [];
  let popped = 0;
  for (;;) {
    const r = await queue.pop();
    if (!r) break;
    popped++;
    acks.push(queue.ack(r));
    if (popped % 10_000 === 0) {
      sample();
      await Promise.all(acks);
      acks = [];
    }
  }
  await Promise.all(acks);
  const t2 = performance.now();
  if (popped !== n) throw new Error(`popped ${popped} of ${n}`);
  return { enqueueSeconds: (t1 - t0) / 1000, drainSeconds: (t2 - t1) / 1000, perSecond: n / ((t2 - t0) / 1000) };
}

function diskBackend(dir: string) {
  const store = new DiskStore({ paths: jobdirPaths(dir), logger });
  return { store, queue: new DiskQueue({ store, logger }), dupefilter: new DiskDupeFilter(store) };
}

async function crawlOnce(origin: string, jobdir: string | null) {
  const dir = mkdtempSync(join(tmpdir(), 'tscrapy-bench-'));
  try {
    const crawler = new Crawler(CatalogueSpider, {
      args: { startUrl: `${origin}/` },
      settings: {
        CONCURRENT_REQUESTS: 64,
        CONCURRENT_REQUESTS_PER_DOMAIN: 64,
        LOG_LEVEL: 'INFO',
        LOGSTATS_INTERVAL: 0,
        STATS_DUMP: false,
        FEEDS: { [join(dir, 'items.jsonl')]: { format: 'jsonl' } },
        ...(jobdir ? { JOBDIR: join(dir, 'job') } : {}),
      },
      logSink: new MemorySink(),
      keepItems: false,
    });
    const t0 = performance.now();
    const { stats } = await crawler.crawl();
    return { seconds: (performance.now() - t0) / 1000, items: Number(stats.item_scraped_count) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main() {
  const n = Number(rest[0] ?? 1_000_000);
  const products = Number(rest[1] ?? 5000);
  const mem = child(['memory', String(n)]);
  const dir = mkdtempSync(join(tmpdir(), 'tscrapy-bench-jobdir-'));
  try {
    const disk = child(['disk', String(n), dir]);
    const resume = child(['resume', String(n), join(dir, 'resume')]);
    const site = await startCatalogueSiteProcess({ products });
    const crawls: Record<string, number[]> = { memory: [], jobdir: [] };
    try {
      for (let i = 0; i < 3; i++) {
        crawls.memory!.push(child(['crawl', site.origin, 'none']).seconds!);
        crawls.jobdir!.push(child(['crawl', site.origin, 'jobdir']).seconds!);
      }
    } finally {
      await site.close();
    }
    const median = (a: number[]) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)]!;
    const out = {
      frontier: n,
      memoryPerSecond: Math.round(mem.perSecond!),
      diskPerSecond: Math.round(disk.perSecond!),
      diskToMemory: +(disk.perSecond! / mem.perSecond!).toFixed(3),
      diskEnqueueSeconds: +disk.enqueueSeconds!.toFixed(2),
      diskDrainSeconds: +disk.drainSeconds!.toFixed(2),
      diskPeakRssMb: Math.round(disk.peakRssMb!),
      /** RSS of the same process before the frontier (node + tsx + modules). */
      diskBaseRssMb: Math.round(disk.baseRssMb!),
      memoryPeakRssMb: Math.round(mem.peakRssMb!),
      resumeFirstRequestSeconds: +resume.firstRequestSeconds!.toFixed(3),
      resumePeakRssMb: Math.round(resume.peakRssMb!),
      crawlProducts: products,
      crawlSecondsMemory: +median(crawls.memory!).toFixed(2),
      crawlSecondsJobdir: +median(crawls.jobdir!).toFixed(2),
      crawlJobdirToMemory: +(median(crawls.jobdir!) / median(crawls.memory!)).toFixed(3),
    };
    console.log(JSON.stringify(out, null, 2));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (mode === 'memory') {
  const r = await frontier(Number(rest[0]), new MemoryQueue(), new MemoryDupeFilter());
  console.log(JSON.stringify({ ...r, peakRssMb: peak / 1e6, baseRssMb: baseRss / 1e6 }));
} else if (mode === 'disk') {
  const d = diskBackend(join(rest[1]!, 'drain'));
  d.queue.open(spider);
  const r = await frontier(Number(rest[0]), d.queue, d.dupefilter);
  await d.queue.close('finished');
  console.log(JSON.stringify({ ...r, peakRssMb: peak / 1e6, baseRssMb: baseRss / 1e6 }));
} else if (mode === 'resume') {
  // Build a paused JOBDIR of n pending requests, then reopen it in a fresh store.
  const n = Number(rest[0]);
  const d = diskBackend(rest[1]!);
  d.queue.open(spider);
  for (let i = 0; i < n; i++) {
    const r = makeRequest(i);
    if (!d.dupefilter.seen(requestFingerprint(r))) d.queue.push(r);
    if (i % 10_000 === 0) sample();
  }
  await d.queue.close('shutdown');
  const t0 = performance.now();
  const again = diskBackend(rest[1]!);
  again.queue.open(spider);
  const first = again.queue.pop();
  const firstRequestSeconds = (performance.now() - t0) / 1000;
  sample();
  if (!first || again.queue.size() !== n - 1 || again.dupefilter.size() !== n) throw new Error(`resume lost requests: ${again.queue.size()} pending, ${again.dupefilter.size()} seen`);
  await again.queue.close('shutdown');
  console.log(JSON.stringify({ firstRequestSeconds, peakRssMb: peak / 1e6, baseRssMb: baseRss / 1e6 }));
} else if (mode === 'crawl') {
  console.log(JSON.stringify(await crawlOnce(rest[0]!, rest[1] === 'jobdir' ? 'job' : null)));
} else {
  await main();
}
