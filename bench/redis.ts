// Scaling out through Redis (issue 8): one shop with 50 ms latency per response (served by a
// child process), crawled by 1, 2 and 4 worker processes sharing one redis-server, each with
// CONCURRENT_REQUESTS=16. Baseline, measured in the same run: one process with the memory
// scheduler and the same concurrency. Reports pages/s, the speed-up over one Redis worker, and
// Redis round trips per request (pipelines sent by all workers / responses).
//
//   node --import tsx bench/redis.ts [products=3000]
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
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
  /** This process only (not merged): */
  own?: WorkerProbe;
}

/** What one crawler process measured about itself. */
interface WorkerProbe {
  responses: number;
  wallSeconds: number;
  cpuSeconds: number;
  /** Mean requests in the downloader, sampled every 5 ms (16 = always saturated). */
  meanInFlight: number;
  /** Seconds from start to this process's first response. */
  firstResponseSeconds: number;
  roundTrips: number;
  /** CPU ms used at the first response, then at every 200th. */
  cpuMsAtEvery200?: number[];
}

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
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  const cpuAt: number[] = [];
  crawler.signals.connect('responseReceived', () => {
    if (own++ === 0) first = (performance.now() - t0) / 1000;
    if (own === 1 || own % 200 === 0) {
      const c = process.cpuUsage(cpu0);
      cpuAt.push(Math.round((c.user + c.system) / 1000));
    }
  });
  const sampler = setInterval(() => {
    const st = crawler.engine?.status();
    if (!st) return;
    samples++;
    inFlightSum += st.inFlight;
  }, 5);
  const { stats } = await crawler.crawl();
  clearInterval(sampler);
  const cpu = process.cpuUsage(cpu0);
  const probe: WorkerProbe = {
    responses: own,
    wallSeconds: (performance.now() - t0) / 1000,
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
    meanInFlight: samples ? inFlightSum / samples : 0,
    firstResponseSeconds: first,
    roundTrips: ownRoundTrips(crawler),
    cpuMsAtEvery200: cpuAt,
  };
  // Merged stats (last worker out): earliest start to latest finish across workers.
  const seconds = (Date.parse(String(stats.finish_time)) - Date.parse(String(stats.start_time))) / 1000;
  return {
    responses: Number(stats['downloader/response_count'] ?? 0),
    seconds,
    roundTrips: Number(stats['redis/round_trips'] ?? 0),
    items: Number(stats.item_scraped_count ?? 0),
    own: probe,
  };
}

function ownRoundTrips(_crawler: Crawler): number {
  return 0;
}

if (process.argv[2] === 'worker') {
  const { origin, pages, settings } = JSON.parse(process.argv[3]!) as { origin: string; pages: number; settings: Record<string, unknown> };
  // Start together: module loading (tsx compiling) of N processes must not count as crawl time.
  process.stdout.write('ready\n');
  await new Promise((resolve) => process.stdin.once('data', resolve));
  process.stdout.write(JSON.stringify(await runCrawl(origin, pages, settings)) + '\n');
  process.exit(0);
}

const products = Number(process.argv[2] ?? 3000);
const pages = Math.ceil(products / PER_PAGE);
const site = await startCatalogueSiteProcess({ products, perPage: PER_PAGE, latencyMs: LATENCY_MS, productBytes: 1500 });
const redis = await startRedisServer();
const self = fileURLToPath(import.meta.url);

async function workers(n: number, crawlId: string): Promise<RunStats> {
  const settings = { SCHEDULER_URL: redis.url, CRAWL_ID: crawlId };
  const ready: Array<Promise<void>> = [];
  const children: ChildProcess[] = [];
  const done = Array.from({ length: n }, () =>
    new Promise<string>((resolve, reject) => {
      const c = spawn(process.execPath, [...(process.env.BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : []), '--import', 'tsx', self, 'worker', JSON.stringify({ origin: site.origin, pages, settings })], { stdio: ['pipe', 'pipe', 'inherit'] });
      children.push(c);
      let out = '';
      ready.push(new Promise((r) => c.stdout.once('data', () => r())));
      c.stdout.on('data', (d: Buffer) => (out += d.toString()));
      c.once('exit', (code) => (code === 0 ? resolve(out.replace(/^ready\n/, '')) : reject(new Error(`worker exited with ${code}`))));
    }),
  );
  await Promise.all(ready);
  const { Redis } = await import('ioredis');
  const probe = new Redis(redis.url);
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
  probe.disconnect();
  console.error('  pending/leased', trace.join(' '));
  // The last worker out printed the merged totals: the one with the most responses.
  const all = outs.map((o) => JSON.parse(o) as RunStats);
  for (const r of all) console.error('  worker', JSON.stringify(r.own));
  return all.sort((a, b) => b.responses - a.responses)[0]!;
}

function procCpuSeconds(pid: number): number {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(f[11]) + Number(f[12])) / 100;
}

try {
  const rows: Array<{ run: string } & RunStats & { pagesPerSecond: number }> = [];
  const base = await runCrawl(site.origin, pages, {});
  console.error('  memory c=16', JSON.stringify(base.own));
  rows.push({ run: 'memory, 1 process', ...base, pagesPerSecond: base.responses / base.seconds });
  // The same total concurrency as 4 workers, in one process: what this machine and site allow.
  const wide = await runCrawl(site.origin, pages, { CONCURRENT_REQUESTS: 64, CONCURRENT_REQUESTS_PER_DOMAIN: 64 });
  console.error('  memory c=64', JSON.stringify(wide.own));
  rows.push({ run: 'memory, 1 proc, c=64', ...wide, pagesPerSecond: wide.responses / wide.seconds });
  for (const n of [1, 2, 4]) {
    const siteCpu0 = procCpuSeconds(site.pid);
    const r = await workers(n, `bench-${n}-${Date.now()}`);
    console.error(`  site cpu ${(procCpuSeconds(site.pid) - siteCpu0).toFixed(2)} s`);
    rows.push({ run: `redis, ${n} worker${n > 1 ? 's' : ''}`, ...r, pagesPerSecond: r.responses / r.seconds });
  }
  const one = rows[2]!.pagesPerSecond;
  console.log(`${products} products, ${LATENCY_MS} ms latency, CONCURRENT_REQUESTS=16 per worker`);
  console.log('run                  pages   items  seconds  pages/s  vs memory  vs 1 worker  round trips/request');
  for (const r of rows) {
    console.log(
      `${r.run.padEnd(20)} ${String(r.responses).padStart(5)} ${String(r.items).padStart(7)} ${r.seconds.toFixed(2).padStart(8)} ${r.pagesPerSecond.toFixed(0).padStart(8)}` +
        ` ${(r.pagesPerSecond / rows[0]!.pagesPerSecond).toFixed(2).padStart(10)} ${(r.pagesPerSecond / one).toFixed(2).padStart(12)} ${r.run.startsWith('redis') ? (r.roundTrips / r.responses).toFixed(2).padStart(20) : '-'.padStart(20)}`,
    );
  }
} finally {
  await redis.stop();
  await site.close();
}
