// Start-up of a short crawl (issue 20, item 4): the time from spawning `tscrapy runspider` of
// an already cached spider file to its first request arriving at a site on 127.0.0.1, and to
// the process's exit (a one-page crawl). Baseline in the same run: a bare `node` that sends the
// same request with node:http. Runs alternate, after one of each not counted (it fills the
// runspider cache and the page cache); medians are reported. Other tscrapy builds given by the
// path of their bin/run.js run in the same rounds (before/after a change in one run).
//
//   node --import tsx bench/startup.ts [runs=15] [OTHER/bin/run.js…]
import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CRAWL_PROCESS_FLAGS } from '../src/crawler/heap.js';

const BIN = fileURLToPath(new URL('../bin/run.js', import.meta.url));

export interface StartupResult {
  label: string;
  /** Median ms from spawn to the first request at the site. */
  firstRequestMs: number;
  /** Median ms from spawn to exit. */
  exitMs: number;
  /** Every run's first-request time, in order. */
  runs: number[];
}

const SPIDER = `import { Request, Spider, type Response } from 'tscrapy';
export default class Once extends Spider {
  override name = 'once';
  declare url: string;
  override async *start() {
    yield new Request(this.url);
  }
  override parse(response: Response) {
    return [{ title: response.css('title::text').get() }];
  }
}
`;

let arrived: (() => void) | undefined;
const server = createServer((req, res) => {
  arrived?.();
  res.writeHead(200, { 'Content-Type': 'text/html' }).end('<html><head><title>hi</title></head><body></body></html>');
});
await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

/** Spawns `args` with Node; resolves with ms to the first request and ms to exit. */
function once(args: string[]): Promise<{ first: number; exit: number }> {
  return new Promise((resolve, reject) => {
    let first = NaN;
    const t0 = performance.now();
    arrived = () => {
      if (Number.isNaN(first)) first = performance.now() - t0;
    };
    const p = spawn(process.execPath, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    p.stderr.on('data', (d: Buffer) => (stderr += d));
    const timer = setTimeout(() => p.kill('SIGKILL'), 60_000);
    p.on('error', reject);
    p.on('close', (code) => {
      clearTimeout(timer);
      const exit = performance.now() - t0;
      arrived = undefined;
      if (code !== 0 || Number.isNaN(first)) reject(new Error(`${args.join(' ')}: exit ${code}, ${Number.isNaN(first) ? 'no request' : ''}\n${stderr}`));
      else resolve({ first, exit });
    });
  });
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

export async function benchStartup(runs = 15, otherBins: string[] = []): Promise<StartupResult[]> {
  const dir = mkdtempSync(join(tmpdir(), 'tscrapy-bench-startup-'));
  try {
    const file = join(dir, 'once.ts');
    writeFileSync(file, SPIDER);
    const configs = [
      { label: '`node` + node:http request (baseline)', args: ['-e', `require('node:http').get(${JSON.stringify(origin + '/')}, (r) => r.resume())`] },
      ...[BIN, ...otherBins].map((bin) => ({
        label: `\`tscrapy runspider\` (cached spider)${bin === BIN ? '' : `, ${bin}`}`,
        args: [...CRAWL_PROCESS_FLAGS, bin, 'runspider', file, '-a', `url=${origin}/`, '--nolog'],
      })),
    ];
    const firsts = configs.map(() => [] as number[]);
    const exits = configs.map(() => [] as number[]);
    for (const c of configs) await once(c.args);
    for (let i = 0; i < runs; i++) {
      for (const [j, c] of configs.entries()) {
        const r = await once(c.args);
        firsts[j]!.push(r.first);
        exits[j]!.push(r.exit);
      }
    }
    return configs.map((c, j) => ({ label: c.label, firstRequestMs: median(firsts[j]!), exitMs: median(exits[j]!), runs: firsts[j]!.map((x) => Math.round(x)) }));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  try {
    const results = await benchStartup(Number(process.argv[2] ?? 15), process.argv.slice(3));
    const base = results[0]!.firstRequestMs;
    console.log(`load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
    console.log('| | first request, median ms | ratio to baseline | exit, median ms | runs (first request, ms) |');
    console.log('|---|---|---|---|---|');
    for (const r of results) {
      console.log(`| ${r.label} | ${r.firstRequestMs.toFixed(0)} | ${(r.firstRequestMs / base).toFixed(2)} | ${r.exitMs.toFixed(0)} | ${r.runs.join(' ')} |`);
    }
  } finally {
    server.close();
  }
}
