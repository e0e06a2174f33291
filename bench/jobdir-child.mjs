// One measurement of bench/jobdir.ts, in its own process: `null`, `memory`, `disk`, `build`,
// `resume` or `crawl`.
// Plain JS over the built `dist/` (run `npm run build` first), so that it measures what users
// run, without a TypeScript loader's memory. Prints one JSON line on stdout.
//
//   node bench/jobdir-child.mjs null|memory|disk N DIR [growing=PERCENT]
//   node bench/jobdir-child.mjs build|resume N DIR [growing=PERCENT]
//   node bench/jobdir-child.mjs crawl ORIGIN none|jobdir [growing=PERCENT]
//
// `dist=PATH` loads tscrapy from another build (e.g. a copy of an earlier commit's dist/), to
// compare before and after in the same run.
// `growing=30` applies `v8.setFlagsFromString('--heap-growing-percent=30')` first (V8 grows the
// heap less between major GCs), to compare peak RSS with and without it.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import v8 from 'node:v8';
import { catalogueCrawler } from './catalogue-crawler.mjs';

const args = process.argv.slice(2);
const option = (name) => args.find((a) => a.startsWith(`${name}=`))?.slice(name.length + 1);
const growing = option('growing');
if (growing) v8.setFlagsFromString(`--heap-growing-percent=${Number(growing)}`);
const [mode, ...rest] = args.filter((a) => !/^(growing|dist)=/.test(a));
const dist = pathToFileURL(resolve(option('dist') ?? fileURLToPath(new URL('../dist', import.meta.url)))).href;

const lib = await import(`${dist}/index.js`);
const { Crawler, Logger, MemorySink, Request, requestFingerprint } = lib;
// The memory backends are not part of the public entry: the bench reaches into dist/ for them.
const { MemoryQueue } = await import(`${dist}/crawler/queues/memory-queue.js`);
const { MemoryDupeFilter } = await import(`${dist}/crawler/queues/memory-dupefilter.js`);
const { DiskDupeFilter, DiskQueue, DiskStore } = await import(`${dist}/crawler/queues/disk/index.js`);
const { jobdirPaths } = await import(`${dist}/crawler/jobdir/layout.js`);
const { CatalogueSpider } = await import(`${dist}/demo/catalogue-spider.js`);

/** Megabytes of 10^6 bytes, as in the target (150 MB). */
const MB = 1e6;
const spider = { name: 'bench', parse() {}, parseProduct() {} };
const logger = new Logger('bench', 100, new MemorySink());

/** RSS of this process before the frontier: node + tscrapy's modules (dist). */
const baseRss = process.memoryUsage.rss();
let peak = { rss: baseRss, heapUsed: 0, heapTotal: 0, external: 0, arrayBuffers: 0, phase: 'start' };
let phase = 'start';
function sample() {
  const rss = process.memoryUsage.rss();
  if (rss > peak.rss) peak = { ...process.memoryUsage(), phase };
}
const sampler = setInterval(sample, 20);
sampler.unref();

function memoryReport() {
  const mb = (x) => +(x / MB).toFixed(1);
  return {
    baseRssMb: mb(baseRss),
    peakRssMb: mb(peak.rss),
    /** process.memoryUsage() at the peak: what holds it. */
    peakHeapUsedMb: mb(peak.heapUsed),
    peakHeapTotalMb: mb(peak.heapTotal),
    peakExternalMb: mb(peak.external),
    peakArrayBuffersMb: mb(peak.arrayBuffers),
    peakPhase: peak.phase,
  };
}

function makeRequest(i) {
  return new Request(`http://shop.example/product/${i}?ref=${i % 97}`, { callback: 'parseProduct', priority: i % 3 === 0 ? 1 : 0 });
}

/** Enqueue n (dupefilter + push), then drain (pop + ack); awaits now and then as a crawl would. */
async function frontier(n, queue, dupefilter) {
  phase = 'enqueue';
  const t0 = performance.now();
  for (let i = 0; i < n; i++) {
    const r = makeRequest(i);
    if (!dupefilter.seen(requestFingerprint(r))) await queue.push(r);
    if (i % 1000 === 0) sample();
    if (i % 10_000 === 0) await new Promise((res) => setImmediate(res));
  }
  const t1 = performance.now();
  phase = 'drain';
  let acks = [];
  let popped = 0;
  for (;;) {
    const r = await queue.pop();
    if (!r) break;
    popped++;
    acks.push(queue.ack(r));
    if (popped % 1000 === 0) sample();
    if (popped % 10_000 === 0) {
      await Promise.all(acks);
      acks = [];
    }
  }
  await Promise.all(acks);
  const t2 = performance.now();
  if (popped !== n) throw new Error(`popped ${popped} of ${n}`);
  return { enqueueSeconds: (t1 - t0) / 1000, drainSeconds: (t2 - t1) / 1000, perSecond: n / ((t2 - t0) / 1000) };
}

function diskBackend(dir) {
  const store = new DiskStore({ paths: jobdirPaths(dir), logger });
  return { store, queue: new DiskQueue({ store, logger }), dupefilter: new DiskDupeFilter(store) };
}

async function crawlOnce(origin, withJobdir) {
  const dir = mkdtempSync(join(tmpdir(), 'tscrapy-bench-'));
  try {
    const crawler = catalogueCrawler({ Crawler, MemorySink, CatalogueSpider }, origin, dir, withJobdir ? { JOBDIR: join(dir, 'job') } : {});
    phase = 'crawl';
    const t0 = performance.now();
    const { stats } = await crawler.crawl();
    return { seconds: (performance.now() - t0) / 1000, items: Number(stats.item_scraped_count) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

let out;
if (mode === 'null') {
  // The same loop with no frontier: requests and fingerprints are made, then dropped. What the
  // process costs without storing anything (V8's young generation grows under this allocation
  // rate whatever the queue).
  const nullQueue = { push() {}, pop: () => null, ack() {} };
  const nullDupefilter = { seen: () => false };
  phase = 'enqueue';
  const t0 = performance.now();
  for (let i = 0, n = Number(rest[0]); i < n; i++) {
    const r = makeRequest(i);
    if (!nullDupefilter.seen(requestFingerprint(r))) nullQueue.push(r);
    if (i % 1000 === 0) sample();
    if (i % 10_000 === 0) await new Promise((res) => setImmediate(res));
  }
  out = { enqueueSeconds: (performance.now() - t0) / 1000 };
} else if (mode === 'memory') {
  out = await frontier(Number(rest[0]), new MemoryQueue(), new MemoryDupeFilter());
} else if (mode === 'disk') {
  const d = diskBackend(join(rest[1], 'drain'));
  d.queue.open(spider);
  out = await frontier(Number(rest[0]), d.queue, d.dupefilter);
  await d.queue.close('finished');
} else if (mode === 'build') {
  // A paused JOBDIR of n pending requests and n seen fingerprints, for `resume` (not measured).
  const n = Number(rest[0]);
  const d = diskBackend(rest[1]);
  d.queue.open(spider);
  phase = 'build';
  for (let i = 0; i < n; i++) {
    const r = makeRequest(i);
    if (!d.dupefilter.seen(requestFingerprint(r))) d.queue.push(r);
  }
  await d.queue.close('shutdown');
  out = {};
} else if (mode === 'resume') {
  // Reopens the JOBDIR `build` wrote, in this fresh process: time to the first request.
  const n = Number(rest[0]);
  phase = 'resume';
  const t0 = performance.now();
  const again = diskBackend(rest[1]);
  again.queue.open(spider);
  const first = again.queue.pop();
  const firstRequestSeconds = (performance.now() - t0) / 1000;
  sample();
  if (!first || again.queue.size() !== n - 1 || again.dupefilter.size() !== n) throw new Error(`resume lost requests: ${again.queue.size()} pending, ${again.dupefilter.size()} seen`);
  await again.queue.close('shutdown');
  out = { firstRequestSeconds };
} else if (mode === 'crawl') {
  out = await crawlOnce(rest[0], rest[1] === 'jobdir');
} else {
  throw new Error(`unknown mode ${mode}: null, memory, disk, build, resume or crawl`);
}
sample();
console.log(JSON.stringify({ ...out, ...memoryReport() }));
