// One measurement of bench/threads.ts, in its own process (plain JS over the built `dist/`;
// run `npm run build` first). Prints one JSON line on stdout.
//
//   node threads-child.mjs crawl ORIGIN THREADS   the catalogue crawl with PARSE_THREADS=THREADS,
//       with the CPU time of the main thread, of the parse threads and of the rest (V8's GC and
//       compiler helpers, libuv's pool), from /proc/self/task
//   node threads-child.mjs pool THREADS PAGES     RSS of a ParsePool of THREADS threads kept
//       busy until each has parsed about PAGES product pages, then idle
import { promises, readFileSync, readdirSync, rmSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Crawler, MemorySink } from '../dist/index.js';
import { CatalogueSpider } from '../dist/demo/catalogue-spider.js';
import { catalogueHandler } from '../dist/demo/catalogue-site.js';
import { applyHeapGrowingPercent } from '../dist/crawler/heap.js';
import { ParsePool } from '../dist/selector/parse-pool.js';
import { catalogueCrawler } from './catalogue-crawler.mjs';

/** /proc's clock ticks per second (USER_HZ): 100 on Linux. */
const TICK_US = 10_000;

/** CPU µs of one thread of this process, or undefined once it has exited. */
function threadCpuUs(tid) {
  try {
    const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(f[11]) + Number(f[12])) * TICK_US;
  } catch {
    return undefined;
  }
}

const tids = () => readdirSync('/proc/self/task').map(Number);
const rssMb = () => Number(/VmRSS:\s+(\d+)/.exec(readFileSync('/proc/self/status', 'utf8'))[1]) / 1024;

async function crawl(origin, threadsArg) {
  // As `tscrapy crawl` runs (the parent starts this process with CRAWL_PROCESS_FLAGS).
  applyHeapGrowingPercent(30);
  // libuv's pool starts all its threads on first use: before the snapshot, so that every thread
  // born during the crawl is a parse thread.
  await promises.readFile(fileURLToPath(import.meta.url));
  const before = new Set(tids());
  const parseThreads = new Map();
  const sample = () => {
    for (const tid of tids()) {
      if (before.has(tid)) continue;
      const us = threadCpuUs(tid);
      if (us !== undefined) parseThreads.set(tid, us);
    }
  };
  // Parse threads end with the crawl: their last sample is at most 20 ms old then, and they are idle at the end.
  const poll = setInterval(sample, 20);
  const dir = mkdtempSync(join(tmpdir(), 'tscrapy-bench-threads-'));
  try {
    const threads = threadsArg === 'auto' ? 'auto' : Number(threadsArg);
    const crawler = catalogueCrawler({ Crawler, MemorySink, CatalogueSpider }, origin, dir, { PARSE_THREADS: threads });
    crawler.signals.connect('engineStopped', sample);
    const main0 = threadCpuUs(process.pid);
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    const { stats } = await crawler.crawl();
    const seconds = (performance.now() - t0) / 1000;
    const cpu = process.cpuUsage(cpu0);
    const mainUs = threadCpuUs(process.pid) - main0;
    clearInterval(poll);
    const threadsUs = [...parseThreads.values()].reduce((a, b) => a + b, 0);
    return {
      pages: Number(stats.response_received_count),
      items: Number(stats.item_scraped_count),
      seconds,
      cpuUs: cpu.user + cpu.system,
      mainUs,
      threadsUs,
      parseThreadsSeen: parseThreads.size,
      threadsStarted: Number(stats['parse/threads_started'] ?? 0),
      parsedOnThreads: Number(stats['parse/thread_count'] ?? 0),
      parsedOnMain: Number(stats['parse/main_count'] ?? 0),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function pool(threads, pagesPerThread) {
  // Real product pages, rendered by the shop's own handler.
  const handler = catalogueHandler({ products: 200 });
  const bodies = [];
  for (let id = 1; id <= 50; id++) {
    handler({ headers: {} }, { writeHead() {}, end: (b) => bodies.push(new TextEncoder().encode(b)) }, `/product/${id}`);
  }
  const rss0 = rssMb();
  const p = new ParsePool({ threads });
  const total = threads * pagesPerThread;
  let sent = 0;
  // Twice as many jobs in flight as threads at most: the pool grows to all of them.
  await new Promise((resolve) => {
    let done = 0;
    const next = () => {
      if (sent === total) return;
      p.parse(bodies[sent++ % bodies.length], 'utf-8').then((page) => {
        page?.take();
        if (++done === total) resolve();
        else next();
      });
    };
    for (let i = 0; i < threads * 3; i++) next();
  });
  const busy = rssMb();
  await new Promise((r) => setTimeout(r, 2000));
  const idle = rssMb();
  const started = p.threadCount;
  await p.close();
  return { threads, started, pages: total, rssBeforeMb: rss0, rssBusyMb: busy, rssIdleMb: idle };
}

const [mode, a, b] = process.argv.slice(2);
const out = mode === 'pool' ? await pool(Number(a), Number(b)) : await crawl(a, b);
console.log(JSON.stringify(out));
