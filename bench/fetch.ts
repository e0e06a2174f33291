/**
 * Raw fetch limit vs HttpDownloader: fetches the same URLs at the same concurrency, first with
 * bare undici (`Agent.request` + gunzip, no parsing) — issue 2's "raw fetch limit" — then
 * through `HttpDownloader.fetch` with the default middlewares. The overhead is their ratio.
 *
 *   node --import tsx bench/fetch.ts [pages=5000] [concurrency=64]
 *
 * `rawFetch` and `downloaderFetch` are exported for the crawl benchmark (bench/run.ts).
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync, gunzipSync } from 'node:zlib';
import { pathToFileURL } from 'node:url';
import { Agent } from 'undici';
import { ComponentRegistry, type CrawlerContext } from '../src/crawler/components.js';
import { createDownloader, DOWNLOADER_COMPONENTS } from '../src/crawler/downloader/index.js';
import { Request } from '../src/crawler/http/request.js';
import { Logger } from '../src/crawler/logger.js';
import { Settings, type SettingsInput } from '../src/crawler/settings/settings.js';
import { SignalManager } from '../src/crawler/signals.js';
import { Spider } from '../src/crawler/spider.js';
import { StatsCollector } from '../src/crawler/stats.js';

export interface FetchFigures {
  pages: number;
  seconds: number;
  pagesPerSecond: number;
  bytes: number;
}

async function pool<T>(items: readonly T[], concurrency: number, work: (item: T) => Promise<number>): Promise<number> {
  let next = 0;
  let bytes = 0;
  const worker = async () => {
    while (next < items.length) {
      const n = await work(items[next++]!);
      bytes += n;
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
  return bytes;
}

/** Bare undici: `Agent.request`, body read whole, gunzipped when gzip'd. No parsing. */
export async function rawFetch(urls: readonly string[], concurrency: number): Promise<FetchFigures> {
  const agent = new Agent({ connections: concurrency, pipelining: 1 });
  const t0 = performance.now();
  try {
    const bytes = await pool(urls, concurrency, async (url) => {
      const u = new URL(url);
      const res = await agent.request({ origin: u.origin, path: u.pathname + u.search, method: 'GET', headers: { 'accept-encoding': 'gzip' } });
      let body = Buffer.from(await res.body.arrayBuffer());
      if (res.headers['content-encoding'] === 'gzip') body = gunzipSync(body);
      return body.length;
    });
    const seconds = (performance.now() - t0) / 1000;
    return { pages: urls.length, seconds, pagesPerSecond: urls.length / seconds, bytes };
  } finally {
    await agent.close();
  }
}

/** The same through HttpDownloader.fetch with the default middlewares (redirects followed). */
export async function downloaderFetch(urls: readonly string[], concurrency: number, settings: SettingsInput = {}): Promise<FetchFigures> {
  const logger = new Logger('bench', 30, null);
  const ctx = {
    settings: new Settings({ CONCURRENT_REQUESTS: concurrency, CONCURRENT_REQUESTS_PER_DOMAIN: concurrency, LOG_LEVEL: 'WARNING', ...settings }),
    stats: new StatsCollector(),
    signals: new SignalManager(logger),
    logger,
    components: new ComponentRegistry(Object.entries(DOWNLOADER_COMPONENTS)),
  } as CrawlerContext & { spider: Spider };
  const spider = Spider.fromCrawler(ctx);
  spider.name = 'bench';
  ctx.spider = spider;
  const downloader = await createDownloader(ctx);
  await downloader.open(spider);
  const t0 = performance.now();
  try {
    const bytes = await pool(urls, concurrency, async (url) => {
      let r = await downloader.fetch(new Request(url), spider);
      for (let hops = 0; r instanceof Request && hops < 10; hops++) r = await downloader.fetch(r, spider);
      return r instanceof Request ? 0 : r.body.length;
    });
    const seconds = (performance.now() - t0) / 1000;
    return { pages: urls.length, seconds, pagesPerSecond: urls.length / seconds, bytes };
  } finally {
    await downloader.close();
  }
}

/** A local site of ~22 KB product pages, every other one gzip'd, on 127.0.0.1. */
async function startBenchSite(): Promise<{ origin: string; close(): Promise<void> }> {
  const page = (i: number) =>
    `<html><head><title>Product ${i}</title></head><body>` +
    Array.from({ length: 120 }, (_, k) => `<div class="p"><a href="/p/${(i * 7 + k) % 20000}">Item ${k}</a> <span>${'lorem ipsum '.repeat(12)}</span></div>`).join('') +
    '</body></html>';
  const plain = Buffer.from(page(1));
  const gz = gzipSync(plain);
  const server = createServer((req, res) => {
    const n = Number(/\d+/.exec(req.url ?? '')?.[0] ?? 0);
    if (n % 2 === 0 && /gzip/.test(String(req.headers['accept-encoding']))) {
      res.writeHead(200, { 'Content-Type': 'text/html', 'Content-Encoding': 'gzip', 'Content-Length': gz.length });
      res.end(gz);
    } else {
      res.writeHead(200, { 'Content-Type': 'text/html', 'Content-Length': plain.length });
      res.end(plain);
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((r) => {
        server.close(() => r());
        server.closeAllConnections();
      }),
  };
}

async function main(): Promise<void> {
  const pages = Number(process.argv[2] ?? 5000);
  const concurrency = Number(process.argv[3] ?? 64);
  const site = await startBenchSite();
  const urls = Array.from({ length: pages }, (_, i) => `${site.origin}/p/${i}`);
  try {
    // Warm-up (JIT, connections), then alternate to spread machine noise over both.
    await rawFetch(urls.slice(0, 500), concurrency);
    await downloaderFetch(urls.slice(0, 500), concurrency);
    const raw: FetchFigures[] = [];
    const dl: FetchFigures[] = [];
    for (let i = 0; i < 3; i++) {
      raw.push(await rawFetch(urls, concurrency));
      dl.push(await downloaderFetch(urls, concurrency));
    }
    const best = (xs: FetchFigures[]) => Math.max(...xs.map((x) => x.pagesPerSecond));
    const r = best(raw);
    const d = best(dl);
    console.log(`pages=${pages} concurrency=${concurrency} (~${Math.round(raw[0]!.bytes / pages / 1024)} KB/page, half gzip'd), best of 3`);
    console.log(`raw undici Agent.request + gunzip : ${r.toFixed(0)} pages/s`);
    console.log(`HttpDownloader.fetch (defaults)   : ${d.toFixed(0)} pages/s`);
    console.log(`downloader / raw                  : ${(d / r).toFixed(2)}`);
  } finally {
    await site.close();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await main();
