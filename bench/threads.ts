// Issue 20, step 3: how the crawl scales with parse threads. The catalogue crawl of bench/crawl.ts
// (CatalogueSpider, concurrency 64, JSONL feed) against the demo shop served from memory
// (bench/threads-site.mjs: each page rendered once, so the site costs little CPU per page), with
// PARSE_THREADS = 0, 1, … up to what the machine has, one oversubscribed point and 8 (a maximum
// the crawl cannot keep busy here: the threads it starts and its peak RSS). With 3 cores or more
// the site is pinned to core 0 and the crawler to the others (`taskset`); with fewer, both share
// the machine and the per-page CPU split is what to read: the crawler's main thread M µs/page
// (without parsing) and the parse threads P µs/page bound N threads at min(N × 10⁶/P, 10⁶/M, the
// raw fetch limit) pages/s on a machine with the cores for them (`ceiling`). Then the RSS a
// ParsePool costs per thread it starts.
// Each measurement runs in a fresh process over the built JS; rounds alternate the order.
//
//   node --import tsx bench/threads.ts [products=5000] [rounds=2]
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { CRAWL_PROCESS_FLAGS } from '../src/crawler/heap.js';
import { siteOfChild, type SiteProcess } from '../src/demo/site-process.js';
import { lastJsonLine, measurePeak } from './measure.js';

const here = (f: string) => fileURLToPath(new URL(f, import.meta.url));
const hasTaskset = spawnSync('taskset', ['--version']).status === 0;

/** CPU µs a process has used (/proc/PID/stat, all its threads). */
function processCpuUs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(f[11]) + Number(f[12])) * 10_000;
}

/** Runs `args` with Node (under `taskset -c cpus` when given); its last stdout line as JSON, and its peak RSS (VmHWM, MiB). */
async function measure(args: string[], cpus?: string): Promise<Record<string, number> & { peakRssMb: number }> {
  const { stdout, peakRssMb } = cpus ? await measurePeak('taskset', ['-c', cpus, process.execPath, ...args]) : await measurePeak(process.execPath, args);
  return { ...lastJsonLine(stdout), peakRssMb };
}

/** The site from memory, in its own process (pinned to `cpus` when given). */
async function startSite(products: number, cpus?: string): Promise<SiteProcess> {
  const args = [here('./threads-site.mjs'), String(products)];
  const child = cpus ? spawn('taskset', ['-c', cpus, process.execPath, ...args], { stdio: ['pipe', 'pipe', 'inherit'] }) : spawn(process.execPath, args, { stdio: ['pipe', 'pipe', 'inherit'] });
  return siteOfChild(child, 'the bench site');
}

export interface ThreadsRun {
  threads: number;
  pagesPerSecond: number;
  /** µs of CPU per page: the crawler's main thread, its parse threads, its other threads, the site. */
  mainUsPerPage: number;
  threadsUsPerPage: number;
  otherUsPerPage: number;
  siteUsPerPage: number;
  /** µs of parse-thread CPU per page parsed on a thread. */
  threadUsPerThreadPage: number;
  threadsStarted: number;
  parsedOnThreads: number;
  parsedOnMain: number;
  peakRssMb: number;
  load1: number;
}

export async function benchThreads(products = 5000, rounds = 2) {
  const cores = availableParallelism();
  const pinned = hasTaskset && cores >= 3;
  const siteCpus = pinned ? '0' : undefined;
  const crawlerCpus = pinned ? `1-${cores - 1}` : undefined;
  const crawlerCores = pinned ? cores - 1 : cores;
  // 0 … one per crawler core but the main thread's, then one more than fits, then 8.
  const points = [...new Set([...Array.from({ length: crawlerCores + 1 }, (_, i) => i), 8])];
  const site = await startSite(products, siteCpus);
  const runs: ThreadsRun[] = [];
  try {
    const fetch = await measure([here('./crawl-child.mjs'), 'fetch', site.origin, String(products), '0'], crawlerCpus);
    // Not reported: renders every page into the site's memory and warms its code.
    await measure([...CRAWL_PROCESS_FLAGS, here('./threads-child.mjs'), 'crawl', site.origin, '1'], crawlerCpus);
    for (let round = 0; round < rounds; round++) {
      for (const threads of round % 2 === 0 ? points : [...points].reverse()) {
        const site0 = processCpuUs(site.pid);
        const load1 = loadavg()[0]!;
        const r = await measure([...CRAWL_PROCESS_FLAGS, here('./threads-child.mjs'), 'crawl', site.origin, String(threads)], crawlerCpus);
        const pages = r.pages!;
        runs.push({
          threads,
          pagesPerSecond: pages / r.seconds!,
          mainUsPerPage: r.mainUs! / pages,
          threadsUsPerPage: r.threadsUs! / pages,
          otherUsPerPage: (r.cpuUs! - r.mainUs! - r.threadsUs!) / pages,
          siteUsPerPage: (processCpuUs(site.pid) - site0) / pages,
          threadUsPerThreadPage: r.parsedOnThreads ? r.threadsUs! / r.parsedOnThreads : 0,
          threadsStarted: r.threadsStarted!,
          parsedOnThreads: r.parsedOnThreads!,
          parsedOnMain: r.parsedOnMain!,
          peakRssMb: r.peakRssMb,
          load1,
        });
      }
    }
    const pool = [];
    for (const threads of [1, 2, 4, 8, 16]) pool.push(await measure([...CRAWL_PROCESS_FLAGS, here('./threads-child.mjs'), 'pool', String(threads), '300'], crawlerCpus));
    return { cores, pinned, rawFetchPerSecond: fetch.perSecond!, runs, pool, ceiling: ceiling(runs) };
  } finally {
    await site.close();
  }
}

/**
 * The paper side, from the per-page CPU of the crawls with threads: the main thread costs
 * m + share × q µs per page, where `share` is the share of pages it parsed itself (least squares
 * over the runs), and a thread P µs per page it parsed. N threads on cores of their own (the
 * main thread on one more) then reach min(N × 10⁶/P, 10⁶/m) pages/s below the fetch limit;
 * issue 20's target is 0.8 × N × the 1-thread rate.
 */
export function ceiling(runs: ThreadsRun[]) {
  const threaded = runs.filter((r) => r.threads > 0 && r.parsedOnThreads > 0);
  const pts = threaded.map((r) => ({ x: r.parsedOnMain / (r.parsedOnMain + r.parsedOnThreads), y: r.mainUsPerPage }));
  const mx = pts.reduce((a, p) => a + p.x, 0) / pts.length;
  const my = pts.reduce((a, p) => a + p.y, 0) / pts.length;
  const q = pts.reduce((a, p) => a + (p.x - mx) * (p.y - my), 0) / pts.reduce((a, p) => a + (p.x - mx) ** 2, 0);
  const m = my - q * mx;
  const p = threaded.reduce((a, r) => a + r.threadUsPerThreadPage, 0) / threaded.length;
  const rate = (n: number) => Math.min((n * 1e6) / p, 1e6 / m);
  return {
    mainUsPerPageWithoutParsing: m,
    mainUsPerPageParsed: q,
    threadUsPerPage: p,
    byThreads: [1, 2, 3, 4, 6, 8, 16].map((n) => ({ threads: n, pagesPerSecond: rate(n), ofLinear: rate(n) / (n * rate(1)) })),
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const r = await benchThreads(Number(process.argv[2] ?? 5000), Number(process.argv[3] ?? 2));
  console.log(JSON.stringify(r, null, 2));
}
