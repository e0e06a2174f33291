// Browser rendering (issue 18): pages/s and peak RSS (crawler + its Chromium processes) of
// tscrapy's BrowserRequest crawl against Crawlee's PlaywrightCrawler, same pages (content written
// by a script), same system Chromium, same concurrency, in one run. Crawlee is never a tscrapy
// dependency: it is installed in bench/browser-crawlee (npm install there) and skipped if absent.
//
//   node --import tsx bench/browser.ts [pages=1000] [concurrency=4]
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startBrowserBenchSite } from './browser-site.js';

const pages = Number(process.argv[2] ?? 1000);
const concurrency = Number(process.argv[3] ?? 4);
const CHROMIUM = process.env.BROWSER_EXECUTABLE_PATH ?? '/usr/bin/chromium';
const bin = fileURLToPath(new URL('../bin/run.js', import.meta.url));
const spiderFile = fileURLToPath(new URL('./browser-spider.ts', import.meta.url));
const crawleeDir = fileURLToPath(new URL('./browser-crawlee/', import.meta.url));

/** Sum of VmRSS (KiB) of `root` and all its descendants now. */
function treeRssKb(root: number): number {
  const parent = new Map<number, number>();
  for (const e of readdirSync('/proc')) {
    if (!/^\d+$/.test(e)) continue;
    try {
      const s = readFileSync(`/proc/${e}/stat`, 'utf8');
      parent.set(Number(e), Number(s.slice(s.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {
      // exited
    }
  }
  let total = 0;
  for (const pid of parent.keys()) {
    let p: number | undefined = pid;
    let depth = 0;
    while (p !== undefined && p !== root && p > 1 && depth++ < 64) p = parent.get(p);
    if (p !== root) continue;
    try {
      total += Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
    } catch {
      // exited
    }
  }
  return total;
}

/** Runs a crawler; its wall time (start to exit, browser start included) and the peak of its tree's summed RSS. */
function measure(command: string, args: string[], cwd: string): Promise<{ seconds: number; peakMb: number; stdout: string }> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const p = spawn(command, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (c) => (stdout += c));
    p.stderr.on('data', (c) => (stderr += c));
    let peak = 0;
    const timer = setInterval(() => (peak = Math.max(peak, treeRssKb(p.pid!))), 100);
    p.on('close', (code) => {
      clearInterval(timer);
      if (code !== 0) reject(new Error(`${args.join(' ')} exited ${code}:\n${stderr.slice(-2000)}`));
      else resolve({ seconds: (performance.now() - started) / 1000, peakMb: peak / 1024, stdout });
    });
  });
}

const site = await startBrowserBenchSite();
const dir = mkdtempSync(join(tmpdir(), 'tscrapy-bench-browser-'));
try {
  const rows: Array<[string, number, number, number]> = [];
  const out = join(dir, 'items.jsonl');
  const t = await measure(process.execPath, [bin, 'runspider', spiderFile, '-a', `base=${site.origin}`, '-a', `pages=${pages}`, '-o', out, '--no-progress',
    '-s', `BROWSER_MAX_PAGES=${concurrency}`, '-s', `CONCURRENT_REQUESTS=${concurrency}`, '-s', `CONCURRENT_REQUESTS_PER_DOMAIN=${concurrency}`, '-s', 'ROBOTSTXT_OBEY=false', '-s', 'LOG_LEVEL=WARNING',
    '-s', `BROWSER_EXECUTABLE_PATH=${CHROMIUM}`], dir);
  const good = readFileSync(out, 'utf8').trim().split('\n').map((l) => JSON.parse(l)).filter((i) => i.title && i.price && i.paras === 20).length;
  rows.push(['tscrapy BrowserRequest', good, t.seconds, t.peakMb]);
  if (existsSync(join(crawleeDir, 'node_modules', 'crawlee'))) {
    const c = await measure(process.execPath, [join(crawleeDir, 'run.mjs'), site.origin, String(pages), String(concurrency), CHROMIUM], dir);
    rows.push(['Crawlee PlaywrightCrawler', JSON.parse(c.stdout.trim().split('\n').pop()!).items, c.seconds, c.peakMb]);
  } else {
    console.log('Crawlee skipped: run `npm install` in bench/browser-crawlee to compare');
  }
  console.log(`${pages} script-rendered pages, ${concurrency} pages at once, ${CHROMIUM}`);
  for (const [name, items, seconds, peak] of rows) {
    console.log(`${name.padEnd(28)} ${String(items).padStart(5)} items  ${(items / seconds).toFixed(1).padStart(6)} pages/s  peak RSS (crawler + Chromium) ${peak.toFixed(0)} MiB`);
  }
} finally {
  await site.close();
  rmSync(dir, { recursive: true, force: true });
}
