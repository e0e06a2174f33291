// Scaling out through Redis (issue 8): one shop with 50 ms latency per response (served by a
// child process), crawled by 1, 2 and 4 worker processes sharing one redis-server, each with
// CONCURRENT_REQUESTS=16. Baseline, measured in the same run: one process with the memory
// scheduler and the same concurrency. Reports pages/s, the speed-up over one Redis worker,
// Redis round trips per request (pipelines sent by all workers / responses), and what bounds
// the run: CPU per page of the crawling processes, the mean number of requests in flight
// (summed over workers; 16 per worker = always saturated), the resulting time per request
// (in flight / pages per second: 50 ms plus overheads while the site bounds the crawl), and how
// busy the machine's cores were (all processes, this benchmark's and others').
//
//   node --import tsx bench/redis.ts [products=3000]      BENCH_VERBOSE=1: per-worker details
//   BENCH_CPU_PROF=dir: --cpu-prof for every worker
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { loadavg as osLoadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Crawler } from '../src/crawler/crawler.js';
import { Request } from '../src/crawler/http/request.js';
import { MemorySink } from '../src/crawler/logger.js';
import { CatalogueSpider } from '../src/demo/catalogue-spider.js';
import { startCatalogueSiteProcess } from '../src/demo/site-process.js';
import { startRedisServer } from '../test/support/redis-server.js';

const PER_PAGE = 20;
const LATENCY_MS = 50;

/** Seeds every listing page at once, so that the sequential pagination chain does not bound the crawl. */
class BenchSpider extends CatalogueSpider {
  declare pages?: string;
  override async *start() {
    for (let p = 1; p <= Number(this.pages); p++) yield new Request(`${this.startUrl}catalogue/page-${p}.html`);
  }
}

interface RunStats {
  responses: number;
  seconds: number;
  roundTrips: number;
  items: number;
  /** This process only (not merged). */
  own: WorkerProbe;
}

/** What one crawling process measured about itself. */
interface WorkerProbe {
  responses: number;
  cpuSeconds: number;
  /** Mean requests in the downloader, sampled every 5 ms. */
  meanInFlight: number;
  /** Seconds from the start signal to this process's first response. */
  firstResponseSeconds: number;
  /** CPU ms used at the first response, then at every 200th: the cost of a cold process shows. */
  cpuMsAtEvery200: number[];
}

interface Row extends RunStats {
  run: string;
  pagesPerSecond: number;
  cpuSeconds: number;
  inFlight: number;
  machineBusy: number;
  redisCpuSeconds: number;
}

const verbose = process.env.BENCH_VERBOSE === '1';
const loadavg = () => osLoadavg().map((l) => l.toFixed(2)).join(' ');
const loadBefore = loadavg();

async function runCrawl(origin: string, pages: number, settings: Record<string, unknown>): Promise<RunStats> {
  const crawler = new Crawler(BenchSpider, {
    args: { startUrl: `${origin}/`, pages: String(pages) },
    settings: { LOG_LEVEL: 'INFO', LOGSTATS_INTERVAL: 0, CONCURRENT_REQUESTS: 16, CONCURRENT_REQUESTS_PER_DOMAIN: 16, RETRY_ENABLED: false, ...settings },
    keepItems: false,
    logSink: new MemorySink(),
  });
  let own = 0;
  let first = 0;
  let samples = 0;
  let inFlightSum = 0;
  const cpuAt: number[] = [];
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  const cpuMs = () => {
    const c = process.cpuUsage(cpu0);
    return (c.user + c.system) / 1000;
  };
  crawler.signals.connect('responseReceived', () => {
    if (own++ === 0) first = (performance.now() - t0) / 1000;
    if (own === 1 || own % 200 === 0) cpuAt.push(Math.round(cpuMs()));
  });
  const sampler = setInterval(() => {
    const st = crawler.engine?.status();
    if (!st) return;
    samples++;
    inFlightSum += st.inFlight;
  }, 5);
  const { stats } = await crawler.crawl();
  clearInterval(sampler);
  // Merged stats (last worker out): earliest start to latest finish across workers.
  const seconds = (Date.parse(String(stats.finish_time)) - Date.parse(String(stats.start_time))) / 1000;
  return {
    responses: Number(stats['downloader/response_count'] ?? 0),
    seconds,
    roundTrips: Number(stats['redis/round_trips'] ?? 0),
    items: Number(stats.item_scraped_count ?? 0),
    own: { responses: own, cpuSeconds: cpuMs() / 1000, meanInFlight: samples ? inFlightSum / samples : 0, firstResponseSeconds: first, cpuMsAtEvery200: cpuAt },
  };
}

if (process.argv[2] === 'worker') {
  const { origin, pages, settings } = JSON.parse(process.argv[3]!) as { origin: string; pages: number; settings: Record<string, unknown> };
  // Start together: module loading (tsx compiling) of N processes must not count as crawl time.
  // The Redis backend is imported on demand by the scheduler: load it now, like everything else.
  await import('../src/crawler/queues/redis/index.js');
  process.stdout.write('ready\n');
  await new Promise((resolve) => process.stdin.once('data', resolve));
  process.stdout.write(JSON.stringify(await runCrawl(origin, pages, settings)) + '\n');
  process.exit(0);
}

/** Busy and total jiffies of all cores (/proc/stat), to tell how loaded the machine was. */
function machineJiffies(): { busy: number; total: number } {
  const f = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
  const total = f.reduce((a, b) => a + b, 0);
  return { busy: total - f[3]! - (f[4] ?? 0), total };
}

function procCpuSeconds(pid: number): number {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(f[11]) + Number(f[12])) / 100;
}

const products = Number(process.argv[2] ?? 3000);
const pages = Math.ceil(products / PER_PAGE);
const site = await startCatalogueSiteProcess({ products, perPage: PER_PAGE, latencyMs: LATENCY_MS, productBytes: 1500 });
const redis = await startRedisServer();
const { Redis } = await import('ioredis');
const probe = new Redis(redis.url);
const self = fileURLToPath(import.meta.url);

async function redisCpuSeconds(): Promise<number> {
  const info = await probe.info('cpu');
  const get = (k: string) => Number(new RegExp(`${k}:([0-9.]+)`).exec(info)?.[1] ?? 0);
  return get('used_cpu_sys') + get('used_cpu_user');
}

async function workers(n: number, crawlId: string): Promise<RunStats[]> {
  const settings = { SCHEDULER_URL: redis.url, CRAWL_ID: crawlId };
  const ready: Array<Promise<void>> = [];
  const children: ChildProcess[] = [];
  const prof = process.env.BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : [];
  const done = Array.from({ length: n }, () =>
    new Promise<string>((resolve, reject) => {
      const c = spawn(process.execPath, [...prof, '--import', 'tsx', self, 'worker', JSON.stringify({ origin: site.origin, pages, settings })], { stdio: ['pipe', 'pipe', 'inherit'] });
      children.push(c);
      let out = '';
      ready.push(new Promise((r) => c.stdout.once('data', () => r())));
      c.stdout.on('data', (d: Buffer) => (out += d.toString()));
      c.once('exit', (code) => (code === 0 ? resolve(out.replace(/^ready\n/, '')) : reject(new Error(`worker exited with ${code}`))));
    }),
  );
  await Promise.all(ready);
  // The shared queue over time (pending/leased every 100 ms): shows starved starts and long tails.
  const trace: string[] = [];
  const t0 = performance.now();
  let sampling = true;
  const sampler = (async () => {
    while (sampling) {
      const [p, l] = await probe.mget(`tscrapy:${crawlId}:pending`, `tscrapy:${crawlId}:leased`);
      trace.push(`${Math.round(performance.now() - t0)}:${p ?? 0}/${l ?? 0}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  })();
  for (const c of children) c.stdin!.end('go\n');
  const outs = await Promise.all(done);
  sampling = false;
  await sampler;
  if (verbose) console.error(`  ${n} workers, pending/leased over time (ms:pending/leased): ${trace.join(' ')}`);
  // The last worker out printed the merged totals: the one with the most responses first.
  return outs.map((o) => JSON.parse(o) as RunStats).sort((a, b) => b.responses - a.responses);
}

async function measure(run: string, body: () => Promise<RunStats[]>): Promise<Row> {
  const m0 = machineJiffies();
  const r0 = await redisCpuSeconds();
  const all = await body();
  const m1 = machineJiffies();
  const merged = all[0]!;
  if (verbose) for (const r of all) console.error(`  ${run}: ${JSON.stringify(r.own)}`);
  return {
    run,
    ...merged,
    pagesPerSecond: merged.responses / merged.seconds,
    cpuSeconds: all.reduce((a, r) => a + r.own.cpuSeconds, 0),
    inFlight: all.reduce((a, r) => a + r.own.meanInFlight, 0),
    machineBusy: (m1.busy - m0.busy) / (m1.total - m0.total),
    redisCpuSeconds: (await redisCpuSeconds()) - r0,
  };
}

try {
  const rows: Row[] = [];
  rows.push(await measure('memory, 1 process', async () => [await runCrawl(site.origin, pages, {})]));
  // The same total concurrency as 4 workers, in one process: what this machine and site allow.
  rows.push(await measure('memory, 1 proc, c=64', async () => [await runCrawl(site.origin, pages, { CONCURRENT_REQUESTS: 64, CONCURRENT_REQUESTS_PER_DOMAIN: 64 })]));
  for (const n of [1, 2, 4]) rows.push(await measure(`redis, ${n} worker${n > 1 ? 's' : ''}`, () => workers(n, `bench-${n}-${Date.now()}`)));
  const one = rows[2]!.pagesPerSecond;
  console.log(`${products} products, ${LATENCY_MS} ms latency, CONCURRENT_REQUESTS=16 per worker; load average before: ${loadBefore}, after: ${loadavg()}`);
  console.log('run                  pages  items seconds pages/s vs memory vs 1 worker RTs/request CPU ms/page redis ms/page in flight ms/request machine busy');
  for (const r of rows) {
    const redisRow = r.run.startsWith('redis');
    console.log(
      [
        r.run.padEnd(20),
        String(r.responses).padStart(5),
        String(r.items).padStart(6),
        r.seconds.toFixed(2).padStart(7),
        r.pagesPerSecond.toFixed(0).padStart(7),
        (r.pagesPerSecond / rows[0]!.pagesPerSecond).toFixed(2).padStart(9),
        (r.pagesPerSecond / one).toFixed(2).padStart(11),
        (redisRow ? (r.roundTrips / r.responses).toFixed(2) : '-').padStart(11),
        ((r.cpuSeconds * 1000) / r.responses).toFixed(2).padStart(11),
        (redisRow ? ((r.redisCpuSeconds * 1000) / r.responses).toFixed(3) : '-').padStart(13),
        r.inFlight.toFixed(1).padStart(9),
        ((1000 * r.inFlight) / r.pagesPerSecond).toFixed(0).padStart(10),
        `${(r.machineBusy * 100).toFixed(0)}%`.padStart(12),
      ].join(' '),
    );
  }
} finally {
  probe.disconnect();
  await redis.stop();
  await site.close();
}
