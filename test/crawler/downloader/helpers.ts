/** Builds a downloader the way a crawl does, for the downloader's tests. */
import { ComponentRegistry, type CrawlerContext } from '../../../src/crawler/components.js';
import { createDownloader, DOWNLOADER_COMPONENTS, type HttpDownloader } from '../../../src/crawler/downloader/index.js';
import { Request } from '../../../src/crawler/http/request.js';
import type { Response } from '../../../src/crawler/http/response.js';
import { Logger, MemorySink } from '../../../src/crawler/logger.js';
import { Settings, type SettingsInput } from '../../../src/crawler/settings/settings.js';
import { SignalManager } from '../../../src/crawler/signals.js';
import { Spider } from '../../../src/crawler/spider.js';
import { StatsCollector } from '../../../src/crawler/stats.js';

export class TestSpider extends Spider {
  override name = 'test';
}

export interface Harness {
  crawler: CrawlerContext;
  downloader: HttpDownloader;
  spider: Spider;
  stats: StatsCollector;
  sink: MemorySink;
  /** Fetches like the engine does: follows returned Requests (redirects, retries) up to `hops`. */
  get(urlOrRequest: string | Request, hops?: number): Promise<Response>;
  close(): Promise<void>;
}

/** Settings that keep tests quick and quiet unless a test asks otherwise. */
const TEST_DEFAULTS: SettingsInput = { RANDOMIZE_DOWNLOAD_DELAY: false, DOWNLOAD_TIMEOUT: 10 };

export async function openDownloader(settings: SettingsInput = {}, spiderProps: Record<string, unknown> = {}): Promise<Harness> {
  const sink = new MemorySink();
  const logger = new Logger('test', 10, sink);
  const stats = new StatsCollector();
  const base = {
    settings: new Settings({ ...TEST_DEFAULTS, ...settings }),
    stats,
    signals: new SignalManager(logger),
    logger,
    components: new ComponentRegistry(Object.entries(DOWNLOADER_COMPONENTS)),
  };
  const crawler = base as CrawlerContext & { spider: Spider };
  const spider = TestSpider.fromCrawler(crawler);
  Object.assign(spider, spiderProps);
  crawler.spider = spider;
  const downloader = await createDownloader(crawler);
  await downloader.open(spider);
  const get = async (u: string | Request, hops = 30): Promise<Response> => {
    let req = typeof u === 'string' ? new Request(u) : u;
    for (let i = 0; i <= hops; i++) {
      const r = await downloader.fetch(req, spider);
      if (r instanceof Request) {
        req = r;
        continue;
      }
      return r;
    }
    throw new Error(`more than ${hops} hops for ${String(u)}`);
  };
  return { crawler, downloader, spider, stats, sink, get, close: () => downloader.close() };
}

/** A middleware list with only these built-ins (all others disabled). */
export function onlyMiddlewares(...names: string[]): SettingsInput {
  const base: Record<string, number | null> = {};
  for (const name of Object.keys(DOWNLOADER_COMPONENTS)) base[name] = null;
  const orders: Record<string, number> = {
    RobotsTxtMiddleware: 100, HttpAuthMiddleware: 300, DownloadTimeoutMiddleware: 350, DefaultHeadersMiddleware: 400,
    UserAgentMiddleware: 500, RetryMiddleware: 550, MetaRefreshMiddleware: 580, HttpCompressionMiddleware: 590,
    RedirectMiddleware: 600, CookiesMiddleware: 700, HttpProxyMiddleware: 750, DownloaderStats: 850, HttpCacheMiddleware: 900,
  };
  for (const n of names) base[n] = orders[n]!;
  return { DOWNLOADER_MIDDLEWARES: base };
}

export function json(response: Response): any {
  return JSON.parse(Buffer.from(response.body).toString('utf8'));
}

export function text(response: Response): string {
  return Buffer.from(response.body).toString('utf8');
}
