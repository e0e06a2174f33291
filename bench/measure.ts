// What several benches share: running a process to its end while reading its peak RSS, and the
// `tscrapy runspider` command line of the catalogue crawl (bench/catalogue-runspider.ts).
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { CRAWL_PROCESS_FLAGS } from '../src/crawler/heap.js';

/** How long a measured process may run before it is killed (the bench then fails). */
const LIMIT_MS = 30 * 60_000;

/**
 * Runs `cmd args` to its end; resolves with its stdout and its peak RSS in MiB, the kernel's own
 * high-water mark (VmHWM): reading it often enough to have the last value before the process
 * exits is all it takes. Rejects when the process fails.
 */
export function measurePeak(cmd: string, args: string[]): Promise<{ stdout: string; peakRssMb: number }> {
  return new Promise((resolve, reject) => {
    const p = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'inherit'] });
    let stdout = '';
    let hwmKb = 0;
    p.stdout.on('data', (d: Buffer) => (stdout += d));
    const poll = setInterval(() => {
      try {
        hwmKb = Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${p.pid}/status`, 'utf8'))?.[1] ?? hwmKb);
      } catch {
        // exited between two polls
      }
    }, 10);
    const timer = setTimeout(() => p.kill('SIGKILL'), LIMIT_MS);
    p.on('error', reject);
    p.on('close', (code) => {
      clearInterval(poll);
      clearTimeout(timer);
      if (code !== 0) reject(new Error(`bench ${[cmd, ...args].join(' ')} failed with exit ${code}`));
      else resolve({ stdout, peakRssMb: hwmKb / 1024 });
    });
  });
}

/** The last line of a bench child's stdout, which is its result as JSON. */
export function lastJsonLine<T = Record<string, number>>(stdout: string): T {
  return JSON.parse(stdout.trim().split('\n').pop()!) as T;
}

/** What the catalogue crawl through the CLI is given. */
export interface CatalogueCliOptions {
  origin: string;
  concurrency: number;
  itemsFile: string;
  /** Where `--json-stats` writes the crawl's stats, if wanted. */
  statsFile?: string;
}

/**
 * Node's arguments for `tscrapy runspider` of the catalogue spider as a user runs it: the bin's
 * flags (CRAWL_PROCESS_FLAGS), its defaults, warnings only, a JSONL feed.
 */
export function catalogueRunspiderArgs(o: CatalogueCliOptions): string[] {
  const here = (f: string) => fileURLToPath(new URL(f, import.meta.url));
  return [
    ...CRAWL_PROCESS_FLAGS,
    here('../bin/run.js'),
    'runspider',
    here('./catalogue-runspider.ts'),
    '-a',
    `startUrl=${o.origin}/`,
    '-s',
    `CONCURRENT_REQUESTS=${o.concurrency}`,
    '-s',
    `CONCURRENT_REQUESTS_PER_DOMAIN=${o.concurrency}`,
    '-s',
    'LOGSTATS_INTERVAL=0',
    '-s',
    'EXIT_ERROR_THRESHOLD=-1',
    '--loglevel',
    'WARNING',
    '-o',
    o.itemsFile,
    ...(o.statsFile ? ['--json-stats', o.statsFile] : []),
  ];
}
