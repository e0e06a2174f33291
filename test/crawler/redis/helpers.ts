import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';

const WORKER = fileURLToPath(new URL('../../support/redis-worker.ts', import.meta.url));

/** A front server that counts requests per exact path (and per User-Agent) and forwards them to `target`. */
export async function countingProxy(target: string): Promise<{ origin: string; perPath: Map<string, number>; perAgent: Map<string, number>; close(): Promise<void> }> {
  const perPath = new Map<string, number>();
  const perAgent = new Map<string, number>();
  const t = new URL(target);
  const server: Server = createServer((req, res) => {
    const path = req.url ?? '/';
    perPath.set(path, (perPath.get(path) ?? 0) + 1);
    const agent = req.headers['user-agent'] ?? '';
    perAgent.set(agent, (perAgent.get(agent) ?? 0) + 1);
    const up = httpRequest({ host: t.hostname, port: t.port, path, method: req.method, headers: req.headers }, (r) => {
      res.writeHead(r.statusCode ?? 502, r.headers);
      r.pipe(res);
    });
    up.on('error', () => res.destroy());
    req.pipe(up);
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    perPath,
    perAgent,
    close: () =>
      new Promise<void>((r) => {
        server.close(() => r());
        server.closeAllConnections();
      }),
  };
}

export interface WorkerResult {
  reason?: string;
  error?: string;
  code?: string;
  stats?: Record<string, unknown>;
  log: string[];
}

/** A crawl worker child process (test/support/redis-worker.ts). */
export interface Worker {
  child: ChildProcess;
  itemsFile: string | null;
  /** Resolves with its printed result (or an error placeholder when it was killed). */
  result: Promise<WorkerResult>;
}

const children = new Set<ChildProcess>();

/** Starts one worker that crawls `startUrl` with `settings`, appending item URLs to `itemsFile` (null: only to its FEEDS). */
export function startWorker(startUrl: string, itemsFile: string | null, settings: Record<string, unknown>): Worker {
  const child = spawn(process.execPath, ['--import', 'tsx', WORKER, JSON.stringify({ startUrl, itemsFile, settings })], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(child);
  let out = '';
  let err = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const result = new Promise<WorkerResult>((resolve) => {
    child.once('exit', (code, signal) => {
      children.delete(child);
      try {
        resolve(JSON.parse(out.trim().split('\n').pop() ?? '') as WorkerResult);
      } catch {
        resolve({ error: `worker exited (${signal ?? code}) without a result: ${err.slice(-2000)}`, log: [] });
      }
    });
  });
  return { child, itemsFile, result };
}

/** Kills every worker still running (test cleanup). */
export function killWorkers(): void {
  for (const c of children) c.kill('SIGKILL');
  children.clear();
}

/** Item URLs a worker wrote (empty when it wrote none). */
export function itemsOf(file: string | null): string[] {
  if (file === null) return [];
  try {
    return readFileSync(file, 'utf8').split('\n').filter(Boolean);
  } catch {
    return [];
  }
}
