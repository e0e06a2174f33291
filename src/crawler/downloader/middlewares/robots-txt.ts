import robotsParserModule from 'robots-parser';
import type { CrawlerContext } from '../../components.js';
import { NotConfigured } from '../../errors.js';
import { Request } from '../../http/request.js';
import { Response } from '../../http/response.js';
import type { Logger } from '../../logger.js';
import type { Spider } from '../../spider.js';
import type { StatsCollector } from '../../stats.js';
import { RequestNotSentError, RobotsTxtForbiddenError } from '../errors.js';
import type { Downloader, DownloaderMiddleware } from '../types.js';

interface Robot {
  isAllowed(url: string, ua?: string): boolean | undefined;
}
// robots-parser is CommonJS (`module.exports = fn`) while its types declare `export default`.
const robotsParser = robotsParserModule as unknown as (url: string, contents: string) => Robot;

/** Redirects and retries followed for one robots.txt before giving up (allow all). */
const MAX_ROBOTS_HOPS = 10;

/**
 * Bytes of a robots.txt that are parsed: RFC 9309 §2.5 asks crawlers to bound parsing and to
 * read at least 500 KiB (Google stops there too). A site serving megabytes of rules would
 * otherwise hold the event loop for as long as the parser takes.
 */
export const ROBOTS_PARSE_LIMIT = 500 * 1024;

/**
 * Obeys robots.txt (ROBOTSTXT_OBEY): fetched once per origin through the downloader itself
 * (so retries, redirects, proxies and the cache apply), while requests to that origin wait.
 * 4xx → everything allowed; 5xx or a network error → allowed, with a warning.
 */
export class RobotsTxtMiddleware implements DownloaderMiddleware {
  readonly #parsers = new Map<string, Promise<Robot | null>>();
  #downloader: Downloader | null = null;
  #waiting = 0;

  constructor(
    private readonly userAgent: string,
    private readonly robotsUserAgent: string | null,
    private readonly stats: StatsCollector,
    private readonly logger: Logger,
  ) {}

  static fromCrawler(crawler: CrawlerContext): RobotsTxtMiddleware {
    const s = crawler.settings;
    if (!s.getBool('ROBOTSTXT_OBEY')) throw new NotConfigured('ROBOTSTXT_OBEY is off');
    const spiderUa = (crawler.spider as { userAgent?: unknown } | undefined)?.userAgent;
    const ua = typeof spiderUa === 'string' ? spiderUa : String(s.get('USER_AGENT'));
    const robotsUa = s.get('ROBOTSTXT_USER_AGENT');
    return new RobotsTxtMiddleware(ua, typeof robotsUa === 'string' && robotsUa ? robotsUa : null, crawler.stats, crawler.logger.child('tscrapy.downloadermiddlewares.robotstxt'));
  }

  bindDownloader(downloader: Downloader): void {
    this.#downloader = downloader;
  }

  waiting(): { reason: string; count: number } | null {
    return this.#waiting > 0 ? { reason: 'robots.txt', count: this.#waiting } : null;
  }

  async processRequest(request: Request, spider: Spider): Promise<void> {
    if (request.meta.dont_obey_robotstxt) return;
    if (request.url.startsWith('data:') || request.url.startsWith('file:')) return;
    let origin: string;
    try {
      origin = new URL(request.url).origin;
    } catch {
      return;
    }
    let pending = this.#parsers.get(origin);
    if (!pending) {
      pending = this.#fetchRobots(origin, spider);
      this.#parsers.set(origin, pending);
    }
    this.#waiting++;
    let robot: Robot | null;
    try {
      robot = await pending;
    } finally {
      this.#waiting--;
    }
    if (!robot) return;
    const ua = this.robotsUserAgent ?? request.headers.get('User-Agent') ?? this.userAgent;
    if (robot.isAllowed(request.url, ua) === false) {
      this.logger.debug(`Forbidden by robots.txt: ${request}`);
      this.stats.incValue('robotstxt/forbidden');
      throw new RobotsTxtForbiddenError(`Forbidden by robots.txt: ${request}`);
    }
  }

  async #fetchRobots(origin: string, spider: Spider): Promise<Robot | null> {
    const url = `${origin}/robots.txt`;
    if (!this.#downloader) throw new TypeError('RobotsTxtMiddleware needs a downloader: call bindDownloader() first');
    let request = new Request(url, { priority: 1000, dontFilter: true, meta: { dont_obey_robotstxt: true } });
    this.stats.incValue('robotstxt/request_count');
    try {
      for (let hop = 0; hop <= MAX_ROBOTS_HOPS; hop++) {
        const result = await this.#downloader.fetch(request, spider);
        if (result instanceof Request) {
          request = result;
          continue;
        }
        return this.#parse(url, result);
      }
      this.logger.warn(`Gave up fetching ${url} after ${MAX_ROBOTS_HOPS} redirects or retries; allowing every request to ${origin}`);
      return null;
    } catch (err) {
      // The crawl is stopping: the requests waiting for this robots.txt will not be sent either.
      if (err instanceof RequestNotSentError) return null;
      this.stats.incValue(`robotstxt/exception_count/${(err as Error).name}`);
      this.logger.warn(`Error downloading <GET ${url}>: ${(err as Error).message}; allowing every request to ${origin}`);
      return null;
    }
  }

  #parse(url: string, response: Response): Robot | null {
    this.stats.incValue('robotstxt/response_count');
    this.stats.incValue(`robotstxt/response_status_count/${response.status}`);
    if (response.status >= 500) {
      this.logger.warn(`robots.txt at ${url} answered ${response.status}; allowing every request to this origin`);
      return null;
    }
    // 4xx (no robots.txt): everything is allowed, as RFC 9309 says.
    if (response.status >= 400) return null;
    let body = Buffer.from(response.body.buffer, response.body.byteOffset, response.body.byteLength);
    if (body.length > ROBOTS_PARSE_LIMIT) {
      // Cut after the last whole line within the limit, so no rule is read half.
      const end = body.lastIndexOf(0x0a, ROBOTS_PARSE_LIMIT - 1);
      body = body.subarray(0, end < 0 ? 0 : end + 1);
      this.stats.incValue('robotstxt/truncated');
      this.logger.warn(`robots.txt at ${url} is ${response.body.length} bytes: only its first ${body.length} bytes are read (RFC 9309 parsing limit, ${ROBOTS_PARSE_LIMIT} bytes)`);
    }
    return robotsParser(url, body.toString('utf8'));
  }
}
