// The JOBDIR benchmark of issue 4. Each measurement runs bench/jobdir-child.mjs in a fresh
// process, as plain JS over the built dist/ (what users run; no TypeScript loader in memory):
//  1. a frontier of N pending requests and N seen fingerprints (N = 1,000,000): enqueue then
//     drain, through the memory backend (baseline) and the JOBDIR disk backend, and the same loop
//     with no frontier at all (`null`: requests made and dropped); the RSS of the
//     process before the frontier (node + tscrapy's modules) and the peak RSS while enqueuing
//     and draining, with process.memoryUsage() at the peak; with and without
//     `--heap-growing-percent=30` (set at run time through v8.setFlagsFromString);
//  2. resuming that JOBDIR in a fresh process: time until the first request is handed out;
//  3. a crawl of the demo shop (5,000 products, CONCURRENT_REQUESTS=64) with and without JOBDIR.
// Frontier runs are repeated (REPEAT, default 3) and the median reported, since other processes
// may share the machine; the load average is printed with the figures.
//
//   npm run build && node --import tsx bench/jobdir.ts [N=1000000] [products=5000] [--compare=DIST]
//
// `--compare=DIST` also runs the frontier and resume measurements on another build (e.g. a copy of
// dist/ from an earlier commit), interleaved with this one, for before/after figures in one run.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startCatalogueSiteProcess } from '../src/demo/site-process.js';

const childScript = fileURLToPath(new URL('./jobdir-child.mjs', import.meta.url));
const argv = process.argv.slice(2);
const positional = argv.filter((a) => !a.startsWith('--'));
const compare = argv.find((a) => a.startsWith('--compare='))?.slice('--compare='.length);
const repeat = Number(process.env.REPEAT ?? 3);

type Figures = Record<string, number | string>;

function child(args: string[]): Figures {
  const r = spawnSync(process.execPath, [childScript, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], timeout: 20 * 60_000 });
  if (r.status !== 0) throw new Error(`bench ${args.join(' ')} failed with exit ${r.status}`);
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as Figures;
}

const median = (a: number[]) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)]!;

/** The median of each numeric field over runs (the phase of the peak from the median-RSS run). */
function medians(runs: Figures[]): Figures {
  const out: Figures = {};
  for (const k of Object.keys(runs[0]!)) {
    const vs = runs.map((r) => r[k]);
    out[k] = typeof vs[0] === 'number' ? +median(vs as number[]).toFixed(3) : (vs[0] as string);
  }
  const rss = median(runs.map((r) => r.peakRssMb as number));
  out.peakPhase = runs.find((r) => r.peakRssMb === rss)!.peakPhase!;
  out.peakRssMbRuns = runs.map((r) => r.peakRssMb).join(' ');
  return out;
}

/** Frontier and resume figures of one build, median of `repeat` runs each. */
function frontierFigures(n: number, dist: string[], dir: string) {
  const runs: Record<string, Figures[]> = { null: [], memory: [], disk: [], nullGrowing30: [], memoryGrowing30: [], diskGrowing30: [], resume: [] };
  for (let i = 0; i < repeat; i++) {
    runs.null!.push(child(['null', String(n), dir, ...dist]));
    runs.nullGrowing30!.push(child(['null', String(n), dir, 'growing=30', ...dist]));
    runs.memory!.push(child(['memory', String(n), dir, ...dist]));
    runs.disk!.push(child(['disk', String(n), join(dir, `disk-${i}`), ...dist]));
    rmSync(join(dir, `disk-${i}`), { recursive: true, force: true });
    runs.memoryGrowing30!.push(child(['memory', String(n), dir, 'growing=30', ...dist]));
    runs.diskGrowing30!.push(child(['disk', String(n), join(dir, `disk-g-${i}`), 'growing=30', ...dist]));
    rmSync(join(dir, `disk-g-${i}`), { recursive: true, force: true });
  }
  child(['build', String(n), join(dir, 'resume'), ...dist]);
  for (let i = 0; i < repeat; i++) runs.resume!.push(child(['resume', String(n), join(dir, 'resume'), ...dist]));
  rmSync(join(dir, 'resume'), { recursive: true, force: true });
  return Object.fromEntries(Object.entries(runs).map(([k, v]) => [k, medians(v)]));
}

async function main() {
  const n = Number(positional[0] ?? 1_000_000);
  const products = Number(positional[1] ?? 5000);
  const load0 = loadavg();
  const dir = mkdtempSync(join(tmpdir(), 'tscrapy-bench-jobdir-'));
  try {
    const current = frontierFigures(n, [], dir);
    const before = compare ? frontierFigures(n, [`dist=${compare}`], dir) : null;
    const site = await startCatalogueSiteProcess({ products });
    const crawls: Record<string, number[]> = { memory: [], jobdir: [] };
    try {
      for (let i = 0; i < repeat; i++) {
        crawls.memory!.push(child(['crawl', site.origin, 'none']).seconds as number);
        crawls.jobdir!.push(child(['crawl', site.origin, 'jobdir']).seconds as number);
      }
    } finally {
      await site.close();
    }
    const { memory, disk, resume, null: none } = current as Record<string, Figures>;
    const out = {
      frontier: n,
      /** MB are 10^6 bytes. */
      units: 'MB = 1e6 bytes',
      loadAverageAtStart: load0.map((x) => +x.toFixed(2)),
      loadAverageAtEnd: loadavg().map((x) => +x.toFixed(2)),
      summary: {
        baseRssMb: disk!.baseRssMb,
        /** The same loop making and dropping N requests: what the process costs without a frontier. */
        nullPeakRssMb: none!.peakRssMb,
        diskPeakRssMb: disk!.peakRssMb,
        diskPeakRssMbGrowing30: current.diskGrowing30!.peakRssMb,
        memoryPeakRssMb: memory!.peakRssMb,
        diskPerSecond: Math.round(disk!.perSecond as number),
        memoryPerSecond: Math.round(memory!.perSecond as number),
        diskToMemory: +((disk!.perSecond as number) / (memory!.perSecond as number)).toFixed(3),
        resumeFirstRequestSeconds: resume!.firstRequestSeconds,
        resumePeakRssMb: resume!.peakRssMb,
        crawlSecondsMemory: +median(crawls.memory!).toFixed(2),
        crawlSecondsJobdir: +median(crawls.jobdir!).toFixed(2),
        crawlJobdirToMemory: +(median(crawls.jobdir!) / median(crawls.memory!)).toFixed(3),
      },
      current,
      ...(before ? { before, beforeDist: compare } : {}),
      crawlProducts: products,
      crawlSeconds: crawls,
    };
    console.log(JSON.stringify(out, null, 2));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
