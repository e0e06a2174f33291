// Browser rendering (issue 18): pages/s, peak RSS (crawler + its Chromium processes) and CPU of
// tscrapy's BrowserRequest crawl against Crawlee's PlaywrightCrawler, same pages (content written
// by a script), same system Chromium, same concurrency, alternating in one run: a warm-up of each
// (not counted), then `rounds` rounds with the order swapped every round, medians at the end.
// Crawlee is never a tscrapy dependency: it is installed in bench/browser-crawlee (npm install
// there) and skipped if absent.
//
//   node --import tsx bench/browser.ts [pages=1000] [concurrency=4] [rounds=3]
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startBrowserBenchSite } from './browser-site.js';
import { load1, median, TreeSampler } from './proc-tree.js';

const pages = Number(process.argv[2] ?? 1000);
const concurrency = Number(process.argv[3] ?? 4);
const rounds = Number(process.argv[4] ?? 3);
const CHROMIUM = process.env.BROWSER_EXECUTABLE_PATH ?? '/usr/bin/chromium';
const bin = fileURLToPath(new URL('../bin/run.js', import.meta.url));
const spiderFile = fileURLToPath(new URL('./browser-spider.ts', import.meta.url));
const crawleeDir = fileURLToPath(new URL('./browser-crawlee/', import.meta.url));

interface Run {
  items: number;
  seconds: number;
  peakMb: number;
  peakPssMb: number;
  /** CPU seconds of all processes (GNU time: the crawler and every descendant it reaped). */
  cpu: number;
  /** CPU seconds of the crawler's node process alone (sampled). */
  crawlerCpu: number;
  load: number;
}

/** Runs a crawler under /usr/bin/time; wall time (start to exit, browser start included), peak tree RSS, CPU. */
function measure(args: string[], cwd: string): Promise<{ run: Omit<Run, 'items'>; stdout: string }> {
  return new Promise((resolve, reject) => {
    const load = load1();
    const timeFile = join(cwd, 'time.txt');
    const started = performance.now();
    const p = spawn('/usr/bin/time', ['-f', '%U %S', '-o', timeFile, process.execPath, ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (c) => (stdout += c));
    p.stderr.on('data', (c) => (stderr += c));
    const sampler = new TreeSampler(p.pid!);
    p.on('close', (code) => {
      const seconds = (performance.now() - started) / 1000;
      const { crawlerCpu, peakMb, peakPssMb } = sampler.stop();
      if (code !== 0) return reject(new Error(`${args.join(' ')} exited ${code}:\n${stderr.slice(-2000)}`));
      const [user, sys] = readFileSync(timeFile, 'utf8').trim().split('\n').pop()!.split(' ').map(Number);
      resolve({ run: { seconds, peakMb, peakPssMb, cpu: user! + sys!, crawlerCpu, load }, stdout });
    });
  });
}

async function tscrapy(origin: string, n: number, dir: string): Promise<Run> {
  const out = join(dir, 'items.jsonl');
  rmSync(out, { force: true });
  const { run } = await measure([bin, 'runspider', spiderFile, '-a', `base=${origin}`, '-a', `pages=${n}`, '-o', out, '--no-progress',
    '-s', `BROWSER_MAX_PAGES=${concurrency}`, '-s', `CONCURRENT_REQUESTS=${concurrency}`, '-s', `CONCURRENT_REQUESTS_PER_DOMAIN=${concurrency}`, '-s', 'ROBOTSTXT_OBEY=false', '-s', 'LOG_LEVEL=WARNING',
    '-s', `BROWSER_EXECUTABLE_PATH=${CHROMIUM}`], dir);
  const items = readFileSync(out, 'utf8').trim().split('\n').map((l) => JSON.parse(l)).filter((i) => i.title && i.price && i.paras === 20).length;
  return { items, ...run };
}

async function crawlee(origin: string, n: number, dir: string): Promise<Run> {
  const { run, stdout } = await measure([join(crawleeDir, 'run.mjs'), origin, String(n), String(concurrency), CHROMIUM], dir);
  return { items: JSON.parse(stdout.trim().split('\n').pop()!).items, ...run };
}

const line = (name: string, r: Run) =>
  `${name.padEnd(10)} ${String(r.items).padStart(5)} items ${(r.items / r.seconds).toFixed(2).padStart(6)} pages/s  peak RSS ${r.peakMb.toFixed(0).padStart(5)} MiB (PSS ${r.peakPssMb.toFixed(0).padStart(4)})  ` +
  `CPU ${((r.cpu / r.items) * 1000).toFixed(0).padStart(4)} ms/page (crawler process ${((r.crawlerCpu / r.items) * 1000).toFixed(0).padStart(3)})  load ${r.load.toFixed(1)}`;

const site = await startBrowserBenchSite();
const dir = mkdtempSync(join(tmpdir(), 'tscrapy-bench-browser-'));
try {
  const crawlers: Array<[string, (o: string, n: number, d: string) => Promise<Run>]> = [['tscrapy', tscrapy]];
  if (existsSync(join(crawleeDir, 'node_modules', 'crawlee'))) crawlers.push(['Crawlee', crawlee]);
  else console.log('Crawlee skipped: run `npm install` in bench/browser-crawlee to compare');
  console.log(`${pages} script-rendered pages, ${concurrency} pages at once, ${CHROMIUM}, ${rounds} rounds after a warm-up`);
  const warm = Math.min(100, pages);
  for (const [name, fn] of crawlers) console.log(`warm-up    ${line(name, await fn(site.origin, warm, dir))}`);
  const runs = new Map<string, Run[]>(crawlers.map(([name]) => [name, []]));
  for (let round = 0; round < rounds; round++) {
    const order = round % 2 === 0 ? crawlers : [...crawlers].reverse();
    for (const [name, fn] of order) {
      const r = await fn(site.origin, pages, dir);
      runs.get(name)!.push(r);
      console.log(`round ${round + 1}    ${line(name, r)}`);
    }
  }
  console.log('medians:');
  for (const [name, rs] of runs) {
    const m = (f: (r: Run) => number) => median(rs.map(f));
    console.log(
      `  ${name.padEnd(10)} ${m((r) => r.items / r.seconds).toFixed(2)} pages/s  peak RSS ${m((r) => r.peakMb).toFixed(0)} MiB (PSS ${m((r) => r.peakPssMb).toFixed(0)})  ` +
        `CPU ${m((r) => (r.cpu / r.items) * 1000).toFixed(0)} ms/page (crawler process ${m((r) => (r.crawlerCpu / r.items) * 1000).toFixed(0)})  load ${m((r) => r.load).toFixed(1)}`,
    );
  }
} finally {
  await site.close();
  rmSync(dir, { recursive: true, force: true });
}
