import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, request as httpRequest, Agent, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startCatalogueSite, type CatalogueSite } from '../../../src/demo/catalogue-site.js';

const ROOT = new URL('../../../', import.meta.url).pathname;
const BIN = join(ROOT, 'bin/run.js');

/** The spider a user would write for the demo shop, as a file for `tscrapy runspider`. */
const SPIDER_SOURCE = `import { Request, Spider, type Response } from 'tscrapy';
export default class Shop extends Spider {
  name = 'shop';
  declare startUrl: string;
  declare meta?: string;
  async *start() {
    yield new Request(this.startUrl, this.meta === 'unserializable' ? { meta: { when: () => 1 } } : { dontFilter: true });
  }
  *parse(response: Response) {
    yield* response.followAll(response.css('li.product a.title'), { callback: this.parseProduct });
    const next = response.css('li.next a::attr(href)').get();
    if (next) yield response.follow(next);
  }
  *parseProduct(response: Response) {
    yield { url: response.url, name: response.css('h1.name::text').get() };
    yield* response.followAll(response.css('ul.related a'), { callback: this.parseProduct });
  }
}
`;
let spiderFile: string | null = null;
/** A spider file for `tscrapy runspider` that crawls the demo shop from `-a startUrl=…` (created once). */
export function shopSpider(): string {
  if (spiderFile && existsSync(spiderFile)) return spiderFile;
  spiderFile = join(mkdtempSync(join(tmpdir(), 'tscrapy-jobdir-spider-')), 'shop.ts');
  writeFileSync(spiderFile, SPIDER_SOURCE);
  return spiderFile;
}

/** The demo shop behind a proxy that counts requests per exact path (to prove no page is fetched twice). */
export interface CountingSite {
  origin: string;
  site: CatalogueSite;
  /** Requests served per path, over all runs. */
  perPath: Map<string, number>;
  total(): number;
  /** Holds every response from now on (requests stay in flight) until release(). */
  hold(): void;
  release(): void;
  close(): Promise<void>;
}

export async function startCountingSite(products = 2000): Promise<CountingSite> {
  const site = await startCatalogueSite({ products, productBytes: 1500, latencyMs: 2 });
  const target = new URL(site.origin);
  const agent = new Agent({ keepAlive: true, maxSockets: 64 });
  const perPath = new Map<string, number>();
  let total = 0;
  let held: Array<() => void> | null = null;
  const release = (): void => {
    const waiting = held ?? [];
    held = null;
    for (const go of waiting) go();
  };
  const server: Server = createServer((req, res) => {
    const path = req.url ?? '/';
    perPath.set(path, (perPath.get(path) ?? 0) + 1);
    total++;
    if (held) held.push(() => forward(req, res, path));
    else forward(req, res, path);
  });
  const forward = (req: IncomingMessage, res: ServerResponse, path: string): void => {
    const up = httpRequest({ host: target.hostname, port: target.port, path, method: req.method, headers: req.headers, agent }, (r) => {
      res.writeHead(r.statusCode ?? 502, r.headers);
      r.pipe(res);
    });
    up.on('error', () => res.destroy());
    req.pipe(up);
  };
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    site,
    perPath,
    total: () => total,
    hold() {
      held ??= [];
    },
    release,
    async close() {
      release();
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
  /** More command-line arguments (e.g. --jobdir-repair). */
  extraArgs?: string[];
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
  // The real command a user runs: `tscrapy runspider shop.ts -s JOBDIR=… -o feed` (built CLI).
  const statsFile = `${opts.feed}.stats.json`;
  rmSync(statsFile, { force: true });
  const args = [BIN, 'runspider', shopSpider(), '-a', `startUrl=${opts.origin}/`, '-o', `${opts.feed}:jsonl`, '--json-stats', statsFile, '--no-progress',
    '-s', `JOBDIR=${opts.jobdir}`, '-s', `CONCURRENT_REQUESTS=${opts.concurrency ?? 16}`, '-s', 'LOG_LEVEL=INFO', '-s', 'LOGSTATS_INTERVAL=0', '-s', 'MEMUSAGE_ENABLED=false',
    // The shop has pages that always answer 500 ("Gave up retrying" is an ERROR): exit codes here
    // speak of the job, not of the site's errors.
    '-s', 'EXIT_ERROR_THRESHOLD=-1'];
  if (opts.meta) args.push('-a', `meta=${opts.meta}`);
  if (opts.schedulerDebug) args.push('-s', 'SCHEDULER_DEBUG=true');
  if (opts.extraArgs) args.push(...opts.extraArgs);
  const child = spawn(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const base = site?.total() ?? 0;
  let poll: NodeJS.Timeout | null = null;
  if (action && site) {
    const pending = [...action.signals];
    let sent = 0;
    poll = setInterval(() => {
      if (!pending.length) return;
      // A later signal goes once the crawl has said it is stopping; meanwhile the site holds its
      // responses, so the graceful stop cannot end before that signal arrives.
      const ready = sent === 0 ? site.total() - base >= action.after : stderr.includes('shutting down gracefully');
      if (!ready) return;
      if (sent === 0 && pending.length > 1) site.hold();
      child.kill(pending.shift()!);
      sent++;
      if (!pending.length) site.release();
    }, 5);
  }
  const killer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) => child.on('exit', (c, s) => resolve([c, s])));
  clearTimeout(killer);
  if (poll) clearInterval(poll);
  site?.release();
  const stats = existsSync(statsFile) ? (JSON.parse(readFileSync(statsFile, 'utf8')) as Record<string, unknown>) : null;
  return { code, signal, stdout, stderr, result: stats ? { reason: String(stats.finish_reason), stats } : null };
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

