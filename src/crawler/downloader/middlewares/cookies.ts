import { CookieJar } from 'tough-cookie';
import type { CrawlerContext } from '../../components.js';
import { NotConfigured } from '../../errors.js';
import type { Request } from '../../http/request.js';
import type { Response } from '../../http/response.js';
import type { Logger } from '../../logger.js';
import type { DownloaderMiddleware } from '../types.js';

/**
 * Keeps cookies per crawl with tough-cookie (COOKIES_ENABLED): one jar, or one per
 * `meta.cookiejar` value; `request.cookies` are added to the jar; `meta.dont_merge_cookies`
 * leaves the request and the jar alone; COOKIES_DEBUG logs what is sent and received.
 */
export class CookiesMiddleware implements DownloaderMiddleware {
  readonly #jars = new Map<unknown, CookieJar>();
  /** Jars that ever received a cookie: asking an empty tough-cookie jar still costs ~0.1 ms. */
  readonly #used = new WeakSet<CookieJar>();

  constructor(
    private readonly debug: boolean,
    private readonly logger: Logger,
  ) {}

  static fromCrawler(crawler: CrawlerContext): CookiesMiddleware {
    const s = crawler.settings;
    if (!s.getBool('COOKIES_ENABLED')) throw new NotConfigured('COOKIES_ENABLED is off');
    return new CookiesMiddleware(s.getBool('COOKIES_DEBUG'), crawler.logger.child('tscrapy.downloadermiddlewares.cookies'));
  }

  /** The jar of `meta.cookiejar` (created on first use). */
  jar(key: unknown = undefined): CookieJar {
    let jar = this.#jars.get(key);
    if (!jar) {
      jar = new CookieJar(undefined, { looseMode: true, rejectPublicSuffixes: true, allowSpecialUseDomain: true });
      this.#jars.set(key, jar);
    }
    return jar;
  }

  processRequest(request: Request): void {
    if (request.meta.dont_merge_cookies || !/^https?:/i.test(request.url)) return;
    const jar = this.jar(request.meta.cookiejar);
    for (const [name, value] of Object.entries(request.cookies)) {
      try {
        jar.setCookieSync(`${name}=${value}`, request.url, { ignoreError: true });
        this.#used.add(jar);
      } catch (err) {
        this.logger.warn(`Invalid cookie ${JSON.stringify(name)} in ${request}: ${(err as Error).message}`);
      }
    }
    // Like Scrapy, the jar decides the Cookie header (it holds the request's own cookies too).
    request.headers.delete('Cookie');
    if (!this.#used.has(jar)) return;
    const header = jar.getCookieStringSync(request.url);
    if (header) {
      request.headers.set('Cookie', header);
      if (this.debug) this.logger.debug(`Sending cookies to: ${request}\nCookie: ${header}`);
    }
  }

  processResponse(request: Request, response: Response): Response {
    if (request.meta.dont_merge_cookies) return response;
    const setCookies = response.headers.getAll('Set-Cookie');
    if (setCookies.length === 0) return response;
    const jar = this.jar(request.meta.cookiejar);
    for (const c of setCookies) jar.setCookieSync(c, response.url, { ignoreError: true });
    this.#used.add(jar);
    if (this.debug) this.logger.debug(`Received cookies from: ${response}\n${setCookies.map((c) => `Set-Cookie: ${c}`).join('\n')}`);
    return response;
  }
}
