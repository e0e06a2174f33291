// Issue 18, "plain requests in the same spider keep their speed": one spider with `plain` plain
// product pages and `rendered` script-rendered pages (spread among them), against the same plain
// pages alone and the same rendered pages alone, in one run, default concurrency settings
// (CONCURRENT_REQUESTS 16, per domain 8, BROWSER_MAX_PAGES 4). Plain pages/s is read on the
// site's side (arrivals of /product/ requests, first to last); the crawler's own CPU per plain
// page in the mixed crawl is its CPU less that of the rendered-only crawl, so "waits behind
// rendered requests" (plain rate falls to the rendered rate) shows apart from "shares the two
// cores with Chromium" (wall-clock rate falls, CPU per plain page does not rise).
//
//   node --import tsx bench/browser-mixed.ts [plain=1000] [rendered=200] [rounds=1]
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startBrowserBenchSite } from './browser-site.js';
import { load1, median, TreeSampler } from './proc-tree.js';

const plain = Number(process.argv[2] ?? 1000);
const rendered = Number(process.argv[3] ?? 200);
const rounds = Number(process.argv[4] ?? 1);
const CHROMIUM = process.env.BROWSER_EXECUTABLE_PATH ?? '/usr/bin/chromium';
const bin = fileURLToPath(new URL('../bin/run.js', import.meta.url));
const spiderFile = fileURLToPath(new URL('./browser-mixed-spider.ts', import.meta.url));

const site = await startBrowserBenchSite();
const dir = mkdtempSync(join(tmpdir(), 'tscrapy-bench-browser-mixed-'));

interface Run {
  seconds: number;
  crawlerCpu: number;
  /** The crawler's main thread (the event loop): seconds on a CPU, and runnable but waiting for a CPU. */
  mainOnCpu: number;
  mainWaitingCpu: number;
  /** Arrivals at the site, ms, from the crawl's first request. */
  product: number[];
  item: number[];
  load: number;
}

function crawl(p: number, r: number): Promise<Run> {
  site.arrivals.product.length = 0;
  site.arrivals.item.length = 0;
  const out = join(dir, 'items.jsonl');
  rmSync(out, { force: true });
  const load = load1();
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, [bin, 'runspider', spiderFile, '-a', `base=${site.origin}`, '-a', `plain=${p}`, '-a', `rendered=${r}`, '-o', out, '--no-progress',
      '-s', 'ROBOTSTXT_OBEY=false', '-s', 'LOG_LEVEL=WARNING', '-s', `BROWSER_EXECUTABLE_PATH=${CHROMIUM}`], { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (c) => (stderr += c));
    const sampler = new TreeSampler(child.pid!);
    // The event loop's thread: seconds on a CPU, and seconds runnable but waiting for one.
    let sched = [0, 0];
    const schedTimer = setInterval(() => {
      try {
        sched = readFileSync(`/proc/${child.pid}/schedstat`, 'utf8').split(' ').slice(0, 2).map((x) => Number(x) / 1e9);
      } catch {
        // exited
      }
    }, 100);
    child.on('close', (code) => {
      const seconds = (performance.now() - started) / 1000;
      clearInterval(schedTimer);
      const { crawlerCpu } = sampler.stop();
      if (code !== 0) return reject(new Error(`mixed crawl exited ${code}:\n${stderr.slice(-2000)}`));
      const items = readFileSync(out, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
      const good = items.filter((i) => i.title && i.paras === 20).length;
      if (good !== p + r) return reject(new Error(`expected ${p + r} complete items, got ${good}`));
      const first = Math.min(site.arrivals.product[0] ?? Infinity, site.arrivals.item[0] ?? Infinity);
      resolve({ seconds, crawlerCpu, mainOnCpu: sched[0]!, mainWaitingCpu: sched[1]!, product: site.arrivals.product.map((t) => t - first), item: site.arrivals.item.map((t) => t - first), load });
    });
  });
}

const sched = (r: Run) => `event loop thread ${r.mainOnCpu.toFixed(1)} s on CPU, ${r.mainWaitingCpu.toFixed(1)} s waiting for a CPU, of ${r.seconds.toFixed(1)} s`;
const rate = (ts: number[]) => (ts.length > 1 ? ((ts.length - 1) / (ts[ts.length - 1]! - ts[0]!)) * 1000 : NaN);
const at = (ts: number[], q: number) => (ts[Math.min(ts.length - 1, Math.floor(q * ts.length))]! / 1000).toFixed(2);
const span = (ts: number[]) => `${at(ts, 0)}–${at(ts, 1)} s, half by ${at(ts, 0.5)} s, 90% by ${at(ts, 0.9)} s`;

try {
  console.log(`${plain} plain + ${rendered} rendered pages, defaults (CONCURRENT_REQUESTS 16, per domain 8, BROWSER_MAX_PAGES 4), ${CHROMIUM}`);
  await crawl(Math.min(plain, 100), Math.min(rendered, 10)); // warm-up: disk caches, tsx's compile cache
  const rows: Array<{ alone: Run; renderedAlone: Run; mixed: Run }> = [];
  for (let round = 0; round < rounds; round++) {
    const alone = await crawl(plain, 0);
    const renderedAlone = await crawl(0, rendered);
    const mixed = await crawl(plain, rendered);
    rows.push({ alone, renderedAlone, mixed });
    const perPlain = (cpu: number) => ((cpu / plain) * 1000).toFixed(2);
    console.log(`round ${round + 1}`);
    console.log(`  plain alone     ${rate(alone.product).toFixed(0).padStart(5)} plain pages/s (site side, ${span(alone.product)})  crawler CPU ${alone.crawlerCpu.toFixed(2)} s = ${perPlain(alone.crawlerCpu)} ms/plain page  ${sched(alone)}  load ${alone.load.toFixed(1)}`);
    console.log(`  rendered alone  ${rate(renderedAlone.item).toFixed(2).padStart(5)} rendered pages/s (${span(renderedAlone.item)})  crawler CPU ${renderedAlone.crawlerCpu.toFixed(2)} s  ${sched(renderedAlone)}  load ${renderedAlone.load.toFixed(1)}`);
    console.log(
      `  mixed           ${rate(mixed.product).toFixed(0).padStart(5)} plain pages/s (site side, ${span(mixed.product)}), rendered ${rate(mixed.item).toFixed(2)} pages/s (${span(mixed.item)})  ` +
        `crawler CPU ${mixed.crawlerCpu.toFixed(2)} s, less rendered-alone = ${perPlain(mixed.crawlerCpu - renderedAlone.crawlerCpu)} ms/plain page  ${sched(mixed)}  load ${mixed.load.toFixed(1)}`,
    );
  }
  if (rounds > 1) {
    const m = (f: (x: (typeof rows)[number]) => number) => median(rows.map(f));
    console.log(
      `medians: plain alone ${m((x) => rate(x.alone.product)).toFixed(0)} pages/s, mixed ${m((x) => rate(x.mixed.product)).toFixed(0)} pages/s; ` +
        `crawler CPU per plain page alone ${m((x) => (x.alone.crawlerCpu / plain) * 1000).toFixed(2)} ms, mixed ${m((x) => ((x.mixed.crawlerCpu - x.renderedAlone.crawlerCpu) / plain) * 1000).toFixed(2)} ms`,
    );
  }
} finally {
  await site.close();
  rmSync(dir, { recursive: true, force: true });
}
