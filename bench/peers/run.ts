// Peer comparison of issue 20 (`npm run bench:peers`): `tscrapy runspider`, Scrapy and Crawlee's
// CheerioCrawler crawl the bench's catalogue site on 127.0.0.1 with the same extraction and the
// same concurrency, in alternating order, and must give the same items. Prints wall time,
// ratios to tscrapy and peak RSS (VmHWM) of each process tree, in one table.
//
//   node --import tsx bench/peers/run.ts [--products 5000] [--rounds 3] [--concurrency 64] [--site memory|render]
//
// The site shares the machine's cores with the crawler. By default it serves each page rendered
// once (bench/threads-site.mjs, filled by the warm-up crawl): rendering a product page per request
// cost the site ≈ 350 µs of CPU per page, a fifth of the CPU of tscrapy's crawl on 2 cores, taken
// from a crawler that uses both cores (tscrapy) more than from one that uses one (Crawlee,
// Scrapy). `--site render` serves as the crawl bench does (src/demo/site-main.ts).
//
// The peers are installed on demand, and it says so: Scrapy from Debian (`apt-get install -y
// python3-scrapy`, through sudo when not root) when there is no `scrapy`, and Crawlee from the
// npm registry into bench/peers/crawlee/ (its own package.json and lockfile: it is not a
// dependency of tscrapy) when that folder has no node_modules.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { siteOfChild, startCatalogueSiteProcess, type SiteProcess } from '../../src/demo/site-process.js';
import { catalogueRunspiderArgs } from '../measure.js';
import { cpuSeconds, median, processTree } from '../proc-tree.js';

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));
const SCRAPY_SPIDER = here('./scrapy_catalogue.py');
const CRAWLEE_DIR = here('./crawlee/');
const CRAWLEE_SCRIPT = join(CRAWLEE_DIR, 'catalogue.mjs');

const { values: opts } = parseArgs({
  options: {
    products: { type: 'string', default: '5000' },
    rounds: { type: 'string', default: '3' },
    concurrency: { type: 'string', default: '64' },
    site: { type: 'string', default: 'memory' },
  },
});
const products = Number(opts.products);
const rounds = Number(opts.rounds);
const concurrency = Number(opts.concurrency);
for (const [name, v] of Object.entries({ products, rounds, concurrency })) {
  if (!Number.isInteger(v) || v < 1) {
    console.error(`--${name} must be a positive integer, got ${JSON.stringify(opts[name as keyof typeof opts])}`);
    process.exit(2);
  }
}

if (opts.site !== 'memory' && opts.site !== 'render') {
  console.error(`--site must be memory (pages rendered once) or render (rendered per request), got ${JSON.stringify(opts.site)}`);
  process.exit(2);
}

/** The catalogue site in its own process, serving pages from memory or rendering each request (--site). */
function startSite(): Promise<SiteProcess> {
  if (opts.site === 'render') return startCatalogueSiteProcess({ products });
  const child = spawn(process.execPath, [here('../threads-site.mjs'), String(products)], { stdio: ['pipe', 'pipe', 'inherit'] });
  return siteOfChild(child, 'the bench site');
}

/** Runs an installer in the foreground, its output shown; exits the bench when it fails. */
function install(what: string, cmd: string, args: string[], cwd?: string): void {
  console.log(`${what}: running ${[cmd, ...args].join(' ')}${cwd ? ` in ${cwd}` : ''}`);
  const r = spawnSync(cmd, args, { stdio: 'inherit', cwd, env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  if (r.status !== 0) {
    console.error(`${what}: ${cmd} failed (${r.error?.message ?? `exit ${r.status}`}); install it by hand and run the bench again.`);
    process.exit(1);
  }
}

function works(cmd: string, args: string[]): boolean {
  return spawnSync(cmd, args, { stdio: 'ignore' }).status === 0;
}

/** The scrapy command: Debian's when installed, else one on PATH, else Debian's after installing it. */
function ensureScrapy(): string {
  if (existsSync('/usr/bin/scrapy') && works('/usr/bin/scrapy', ['version'])) return '/usr/bin/scrapy';
  if (works('scrapy', ['version'])) return 'scrapy';
  const root = process.getuid?.() === 0;
  install('Scrapy is not installed', root ? 'apt-get' : 'sudo', [...(root ? [] : ['apt-get']), 'install', '-y', 'python3-scrapy']);
  return '/usr/bin/scrapy';
}

function ensureCrawlee(): void {
  if (existsSync(join(CRAWLEE_DIR, 'node_modules', '@crawlee', 'cheerio', 'package.json'))) return;
  install('Crawlee is not installed in bench/peers/crawlee', 'npm', ['ci', '--no-audit', '--no-fund'], CRAWLEE_DIR);
}

function version(cmd: string, args: string[]): string {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  return (r.stdout || r.stderr || '').trim().split('\n')[0] ?? '?';
}

interface RunResult {
  seconds: number;
  /** CPU seconds of the crawler's process tree (each process's last reading before it exited). */
  cpu: number;
  /** CPU seconds the site process spent meanwhile. */
  siteCpu: number;
  /** 1-minute load average when the run started: other work competing for the cores. */
  load: number;
  /** MiB: the sum over the process tree of each process's VmHWM. */
  peakRssMb: number;
  items: string[];
}

/**
 * Runs one crawler to its end: wall time from spawn to exit, and each process's VmHWM (the
 * kernel's high-water mark), polled often enough to have the last value before it exits.
 */
function runOne(cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv, itemsFile: string): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const load = loadavg()[0]!;
    const siteCpu0 = cpuSeconds(sitePid) ?? 0;
    const start = process.hrtime.bigint();
    const p = spawn(cmd, args, { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    p.stderr.on('data', (d: Buffer) => (stderr = (stderr + d).slice(-4000)));
    const hwm = new Map<number, number>();
    const cpu = new Map<number, number>();
    const poll = setInterval(() => {
      for (const pid of processTree(p.pid!)) {
        const c = cpuSeconds(pid);
        if (c !== null) cpu.set(pid, c);
        try {
          const kb = Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
          if (kb > (hwm.get(pid) ?? 0)) hwm.set(pid, kb);
        } catch {
          // exited between two polls
        }
      }
    }, 10);
    const timer = setTimeout(() => p.kill('SIGKILL'), 30 * 60_000);
    p.on('error', reject);
    p.on('close', (code) => {
      const seconds = Number(process.hrtime.bigint() - start) / 1e9;
      const siteCpu = (cpuSeconds(sitePid) ?? 0) - siteCpu0;
      clearInterval(poll);
      clearTimeout(timer);
      if (code !== 0) return reject(new Error(`${cmd} ${args.join(' ')} exited with ${code}:\n${stderr}`));
      const items = readFileSync(itemsFile, 'utf8').split('\n').filter(Boolean).map(canonicalItem);
      const sum = (m: Map<number, number>) => [...m.values()].reduce((a, b) => a + b, 0);
      resolve({ seconds, cpu: sum(cpu), siteCpu, load, peakRssMb: sum(hwm) / 1024, items });
    });
  });
}

/** One item as comparable text: the fields in a fixed order, prices as numbers (Python writes 19.0, JS 19). */
function canonicalItem(line: string): string {
  const v = JSON.parse(line) as Record<string, unknown>;
  return JSON.stringify([v.url, v.sku ?? null, v.name ?? null, v.price == null ? null : Number(v.price), v.inStock === true]);
}

interface Peer {
  name: string;
  run(origin: string, dir: string): Promise<RunResult>;
}

function peers(scrapy: string): Peer[] {
  return [
    {
      name: 'tscrapy runspider',
      run: (origin, dir) =>
        runOne(
          process.execPath,
          catalogueRunspiderArgs({ origin, concurrency, itemsFile: join(dir, 'items.jsonl') }),
          dir,
          {},
          join(dir, 'items.jsonl'),
        ),
    },
    {
      name: 'Scrapy',
      run: (origin, dir) =>
        runOne(
          scrapy,
          [
            'runspider',
            SCRAPY_SPIDER,
            '-a',
            `start_url=${origin}/`,
            '-s',
            `CONCURRENT_REQUESTS=${concurrency}`,
            '-s',
            `CONCURRENT_REQUESTS_PER_DOMAIN=${concurrency}`,
            '-s',
            'LOG_LEVEL=WARNING',
            '-s',
            'TELNETCONSOLE_ENABLED=False',
            '-s',
            'REQUEST_FINGERPRINTER_IMPLEMENTATION=2.7',
            '-O',
            join(dir, 'items.jsonl'),
          ],
          dir,
          {},
          join(dir, 'items.jsonl'),
        ),
    },
    {
      name: 'Crawlee CheerioCrawler',
      run: (origin, dir) =>
        runOne(process.execPath, [CRAWLEE_SCRIPT, origin, join(dir, 'items.jsonl'), String(concurrency)], dir, { CRAWLEE_PERSIST_STORAGE: 'false', CRAWLEE_STORAGE_DIR: join(dir, 'storage') }, join(dir, 'items.jsonl')),
    },
  ];
}

const fmt = (n: number, d = 2) => n.toFixed(d);

const scrapy = ensureScrapy();
ensureCrawlee();
const list = peers(scrapy);
const crawleePkg = JSON.parse(readFileSync(join(CRAWLEE_DIR, 'node_modules', '@crawlee', 'cheerio', 'package.json'), 'utf8')) as { version: string };
console.log(
  `Peers: tscrapy (node ${process.version}), ${version(scrapy, ['version'])}, Crawlee ${crawleePkg.version}; ` +
    `${products} products, concurrency ${concurrency}, ${rounds} rounds, site ${opts.site === 'memory' ? 'from memory' : 'rendering each page'}; ${cpus().length} cores, load average ${loadavg().map((l) => fmt(l)).join(' ')}`,
);

const site = await startSite();
const sitePid = site.pid;
const results = new Map<string, RunResult[]>(list.map((p) => [p.name, []]));
let mismatch = false;
try {
  // A first crawl, not reported: it warms the site (fills its page cache, or its gzip cache with
  // --site render, and warms its code), which otherwise handicaps whichever crawler comes first.
  {
    const dir = mkdtempSync(join(tmpdir(), 'tscrapy-peers-'));
    try {
      await list[0]!.run(site.origin, dir);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  for (let round = 0; round < rounds; round++) {
    // Each round starts with the next crawler: none always runs first or last.
    const order = list.map((_, i) => list[(i + round) % list.length]!);
    for (const peer of order) {
      const dir = mkdtempSync(join(tmpdir(), 'tscrapy-peers-'));
      try {
        const r = await peer.run(site.origin, dir);
        results.get(peer.name)!.push(r);
        console.log(
          `round ${round + 1}: ${peer.name.padEnd(22)} ${fmt(r.seconds).padStart(7)} s  CPU ${fmt(r.cpu).padStart(6)} s + site ${fmt(r.siteCpu).padStart(5)} s  ` +
            `load ${fmt(r.load)}  ${fmt(r.peakRssMb, 1).padStart(6)} MiB  ${r.items.length} items`,
        );
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    }
  }
} finally {
  await site.close();
}

// Same items: each crawler's set of distinct items equals tscrapy's.
const reference = new Set(results.get(list[0]!.name)![0]!.items);
for (const [name, runs] of results) {
  for (const [i, r] of runs.entries()) {
    const got = new Set(r.items);
    const missing = [...reference].filter((x) => !got.has(x));
    const extra = [...got].filter((x) => !reference.has(x));
    if (missing.length || extra.length) {
      mismatch = true;
      console.error(`${name}, round ${i + 1}: ${missing.length} items missing, ${extra.length} extra vs tscrapy; e.g. ${missing[0] ?? ''} ${extra[0] ?? ''}`);
    }
  }
}

const base = median(results.get(list[0]!.name)!.map((r) => r.seconds));
// CPU seconds move far less with other work than wall time does: a run that took long but no
// more CPU than the others waited for a core (see the load), not for the crawler.
console.log(`\n| crawler (${products} products, concurrency ${concurrency}) | wall s, median (runs) | × tscrapy's time | items/s | CPU s, median (runs) | site CPU s, median | peak RSS MiB, median (range) | distinct items |`);
console.log('|---|---|---|---|---|---|---|---|');
for (const [name, runs] of results) {
  const secs = runs.map((r) => r.seconds);
  const cpu = runs.map((r) => r.cpu);
  const rss = runs.map((r) => r.peakRssMb);
  const items = new Set(runs[0]!.items).size;
  console.log(
    `| ${name} | ${fmt(median(secs))} (${secs.map((s) => fmt(s)).join(', ')}) | ${fmt(median(secs) / base)} | ${Math.round(items / median(secs))} | ` +
      `${fmt(median(cpu))} (${cpu.map((s) => fmt(s)).join(', ')}) | ${fmt(median(runs.map((r) => r.siteCpu)))} | ` +
      `${fmt(median(rss), 1)} (${fmt(Math.min(...rss), 1)}–${fmt(Math.max(...rss), 1)}) | ${items} |`,
  );
}
console.log(`load average at the end: ${loadavg().map((l) => fmt(l)).join(' ')}`);
console.log(mismatch ? 'ITEMS DIFFER (see above)' : 'All three crawlers gave the same items.');
process.exit(mismatch ? 1 : 0);
