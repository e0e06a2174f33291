// Start-up of a short crawl (issue 20, item 4): the time from spawning `tscrapy runspider` of
// an already cached spider file to its first request arriving at a site on 127.0.0.1, and to
// the process's exit (a one-page crawl). Baseline in the same run: a bare `node` that sends the
// same request with node:http. Runs alternate, after one of each not counted (it fills the
// runspider cache and the page cache); medians are reported. Besides wall time, the CPU time the
// process had used when its request arrived (user + system, from /proc on Linux: its threads' schedstat, in ns): on a shared
// machine wall time measures the neighbours too, CPU time much less so. Other tscrapy builds given by the
// path of their bin/run.js run in the same rounds (before/after a change in one run).
//
//   node --import tsx bench/startup.ts [runs=15] [OTHER/bin/run.js…]
import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
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
  /** Median CPU ms (user + system) the process had used when its request arrived; NaN off Linux. */
  firstRequestCpuMs: number;
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

/**
 * CPU ms process `pid` has used so far, to the microsecond: the sum over its threads of
 * /proc/PID/task/TID/schedstat's time on a CPU (ns). /proc/PID/stat's utime + stime count in
 * clock ticks of 10 ms, too coarse for changes of a few ms; it is the fallback.
 */
function cpuMs(pid: number | undefined): number {
  try {
    let ns = 0;
    for (const tid of readdirSync(`/proc/${pid}/task`)) ns += Number(readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8').split(' ')[0]);
    return ns / 1e6;
  } catch {
    // no schedstat (kernel without CONFIG_SCHEDSTATS), or a thread gone while being read
  }
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return NaN;
  }
}

/** Spawns `args` with Node; resolves with ms to the first request, its CPU ms by then, and ms to exit. */
function once(args: string[]): Promise<{ first: number; cpu: number; exit: number }> {
  return new Promise((resolve, reject) => {
    let first = NaN;
    let cpu = NaN;
    const t0 = performance.now();
    arrived = () => {
      if (!Number.isNaN(first)) return;
      first = performance.now() - t0;
      cpu = cpuMs(p.pid);
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
      else resolve({ first, cpu, exit });
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
    const cpus = configs.map(() => [] as number[]);
    for (const c of configs) await once(c.args);
    for (let i = 0; i < runs; i++) {
      for (const [j, c] of configs.entries()) {
        const r = await once(c.args);
        firsts[j]!.push(r.first);
        exits[j]!.push(r.exit);
        cpus[j]!.push(r.cpu);
      }
    }
    return configs.map((c, j) => ({ label: c.label, firstRequestMs: median(firsts[j]!), exitMs: median(exits[j]!), firstRequestCpuMs: median(cpus[j]!), runs: firsts[j]!.map((x) => Math.round(x)) }));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  try {
    const results = await benchStartup(Number(process.argv[2] ?? 15), process.argv.slice(3));
    const base = results[0]!.firstRequestMs;
    console.log(`load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
    const baseCpu = results[0]!.firstRequestCpuMs;
    console.log('| | first request, median ms | ratio to baseline | CPU by the first request, median ms | ratio | exit, median ms | runs (first request, ms) |');
    console.log('|---|---|---|---|---|---|---|');
    for (const r of results) {
      console.log(
        `| ${r.label} | ${r.firstRequestMs.toFixed(0)} | ${(r.firstRequestMs / base).toFixed(2)} | ${r.firstRequestCpuMs.toFixed(1)} | ${(r.firstRequestCpuMs / baseCpu).toFixed(2)} | ${r.exitMs.toFixed(0)} | ${r.runs.join(' ')} |`,
      );
    }
  } finally {
    server.close();
  }
}
