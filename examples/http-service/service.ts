import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { crawl, MemorySink, type CrawlRun } from '../../src/index.js';
import { TitleSpider } from './title-spider.js';

/** One crawl job of the service. Each job owns its run: no state is shared between jobs. */
interface Job {
  id: string;
  key: string;
  url: string;
  status: 'running' | 'finished' | 'failed';
  startedAt: string;
  finishedAt?: string;
  reason?: string;
  error?: string;
  run: CrawlRun;
  items: unknown[];
}

export interface CrawlServiceOptions {
  /** Pages per crawl at most. @default 100 */
  maxPages?: number;
  /** Settings every crawl gets (e.g. CONCURRENT_REQUESTS). */
  settings?: Record<string, unknown>;
}

/**
 * A small HTTP service around the library API: `POST /crawl {"url": …}` starts a crawl and
 * answers its job id (409 while the same URL is already being crawled); `GET /crawl/:id` gives
 * status, stats and items; `DELETE /crawl/:id` stops it. Crawls run side by side in this one process.
 */
export function createCrawlService(options: CrawlServiceOptions = {}): Server {
  const jobs = new Map<string, Job>();
  const running = new Map<string, Job>();

  const reply = (res: ServerResponse, status: number, body: unknown) => {
    const text = JSON.stringify(body);
    res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
    res.end(text);
  };

  const start = (url: string): Job => {
    const items: unknown[] = [];
    const run = crawl(TitleSpider, {
      args: { url },
      settings: { CLOSESPIDER_PAGECOUNT: options.maxPages ?? 100, LOG_LEVEL: 'INFO', ...options.settings },
      logSink: new MemorySink(),
      keepItems: false,
    });
    const job: Job = { id: randomUUID(), key: url, url, status: 'running', startedAt: new Date().toISOString(), run, items };
    jobs.set(job.id, job);
    running.set(job.key, job);
    run.crawler.signals.connect('itemScraped', ({ item }) => void items.push(item));
    run.then(
      (result) => {
        job.status = 'finished';
        job.reason = result.reason;
      },
      (err: unknown) => {
        job.status = 'failed';
        job.error = (err as Error).message;
      },
    ).finally(() => {
      job.finishedAt = new Date().toISOString();
      running.delete(job.key);
    });
    return job;
  };

  const view = (job: Job, withItems: boolean) => ({
    id: job.id,
    url: job.url,
    status: job.status,
    startedAt: job.startedAt,
    finishedAt: job.finishedAt ?? null,
    reason: job.reason ?? null,
    error: job.error ?? null,
    stats: job.run.crawler.stats.getStats(),
    itemCount: job.items.length,
    ...(withItems ? { items: job.items } : {}),
  });

  return createServer(async (req: IncomingMessage, res: ServerResponse) => {
    try {
      const path = (req.url ?? '/').split('?')[0]!;
      const m = /^\/crawl\/([0-9a-f-]{36})$/.exec(path);
      if (path === '/crawl' && req.method === 'POST') {
        const body = await readJson(req);
        const url = typeof body?.url === 'string' ? body.url : '';
        if (!/^https?:\/\//.test(url)) return reply(res, 400, { error: 'Send {"url": "http(s)://…"} as JSON' });
        const busy = running.get(url);
        if (busy) return reply(res, 409, { error: `A crawl of ${url} is already running`, id: busy.id });
        return reply(res, 202, { id: start(url).id });
      }
      if (path === '/crawl' && req.method === 'GET') return reply(res, 200, [...jobs.values()].map((j) => view(j, false)));
      if (m && req.method === 'GET') {
        const job = jobs.get(m[1]!);
        return job ? reply(res, 200, view(job, true)) : reply(res, 404, { error: `No job ${m[1]}` });
      }
      if (m && req.method === 'DELETE') {
        const job = jobs.get(m[1]!);
        if (!job) return reply(res, 404, { error: `No job ${m[1]}` });
        job.run.stop();
        return reply(res, 202, { id: job.id, status: 'stopping' });
      }
      return reply(res, 404, { error: 'Use POST /crawl, GET /crawl, GET or DELETE /crawl/:id' });
    } catch (err) {
      return reply(res, 400, { error: (err as Error).message });
    }
  });
}

async function readJson(req: IncomingMessage): Promise<Record<string, unknown> | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > 64 * 1024) throw new Error('Request body too large (64 KB at most)');
    chunks.push(chunk as Buffer);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
  } catch {
    throw new Error('The body is not valid JSON');
  }
}

// `node --import tsx examples/http-service/service.ts [port]` runs it on 127.0.0.1.
if (import.meta.url === `file://${process.argv[1]}`) {
  const port = Number(process.argv[2] ?? 8080);
  createCrawlService().listen(port, '127.0.0.1', () => console.log(`Crawl service on http://127.0.0.1:${port}/crawl`));
}
