import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, request as httpRequest, Agent, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startCatalogueSite, type CatalogueSite } from '../../../src/demo/catalogue-site.js';

const ROOT = new URL('../../../', import.meta.url).pathname;
const RUNNER = join(ROOT, 'test/support/jobdir-runner.ts');

/** The demo shop behind a proxy that counts requests per exact path (to prove no page is fetched twice). */
export interface CountingSite {
  origin: string;
  site: CatalogueSite;
  /** Requests served per path, over all runs. */
  perPath: Map<string, number>;
  total(): number;
  close(): Promise<void>;
}

export async function startCountingSite(products = 2000): Promise<CountingSite> {
  const site = await startCatalogueSite({ products, productBytes: 1500, latencyMs: 2 });
  const target = new URL(site.origin);
  const agent = new Agent({ keepAlive: true, maxSockets: 64 });
  const perPath = new Map<string, number>();
  let total = 0;
  const server: Server = createServer((req, res) => {
    const path = req.url ?? '/';
    perPath.set(path, (perPath.get(path) ?? 0) + 1);
    total++;
    const up = httpRequest({ host: target.hostname, port: target.port, path, method: req.method, headers: req.headers, agent }, (r) => {
      res.writeHead(r.statusCode ?? 502, r.headers);
      r.pipe(res);
    });
    up.on('error', () => res.destroy());
    req.pipe(up);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    site,
    perPath,
    total: () => total,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      agent.destroy();
      await site.close();
    },
  };
}

export interface RunOptions {
  origin: string;
  jobdir: string;
  feed: string;
  concurrency?: number;
  meta?: 'unserializable';
  schedulerDebug?: boolean;
}

export interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** The crawl's result line (reason and stats), when it printed one. */
  result: { reason: string; stats: Record<string, unknown> } | null;
}

/**
 * Runs one crawl of the job in a child process. `after` requests served by `site` in this run,
 * `signals` are sent one by one (e.g. ['SIGINT'], ['SIGINT', 'SIGINT'], ['SIGKILL']).
 */
export async function runJob(opts: RunOptions, site: CountingSite | null, action?: { after: number; signals: NodeJS.Signals[] }, timeoutMs = 40_000): Promise<RunResult> {
  const child = spawn(process.execPath, ['--import', 'tsx', RUNNER, JSON.stringify(opts)], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const base = site?.total() ?? 0;
  let poll: NodeJS.Timeout | null = null;
  if (action && site) {
    const pending = [...action.signals];
    poll = setInterval(() => {
      if (site.total() - base >= action.after && pending.length) {
        child.kill(pending.shift()!);
        if (pending.length) action.after += 5;
      }
    }, 5);
  }
  const killer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) => child.on('exit', (c, s) => resolve([c, s])));
  clearTimeout(killer);
  if (poll) clearInterval(poll);
  const line = stdout.split('\n').find((l) => l.startsWith('{"reason"'));
  return { code, signal, stdout, stderr, result: line ? (JSON.parse(line) as RunResult['result']) : null };
}

/** Product URLs in a jsonlines feed, in order (duplicates kept). */
export function feedUrls(path: string): string[] {
  let text = '';
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return [];
  }
  return text
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => (JSON.parse(l) as { url: string }).url);
}

export function productIds(urls: string[]): number[] {
  return urls.map((u) => Number(/\/product\/(\d+)$/.exec(u)?.[1] ?? NaN));
}

export function tempDir(): { dir: string; cleanup(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'tscrapy-jobdir-'));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Deterministic pseudo-random numbers for a seed (mulberry32). */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
