import type { CookieJar } from 'tough-cookie';
import type { CrawlerContext } from '../../components.js';
import { NotConfigured } from '../../errors.js';
import type { Request } from '../../http/request.js';
import type { Response } from '../../http/response.js';
import type { Logger } from '../../logger.js';
import type { DownloaderMiddleware } from '../types.js';

/** tough-cookie, loaded with the first cookie: it and its public-suffix list are ≈8 MB of memory. */
let toughCookie: Promise<typeof import('tough-cookie')> | undefined;

/**
 * Keeps cookies per crawl with tough-cookie (COOKIES_ENABLED): one jar, or one per
 * `meta.cookiejar` value; `request.cookies` are added to the jar; `meta.dont_merge_cookies`
 * leaves the request and the jar alone; COOKIES_DEBUG logs what is sent and received. A jar is
 * made when its first cookie arrives, so a crawl that never sees one never loads tough-cookie.
 */
export class CookiesMiddleware implements DownloaderMiddleware {
  readonly #jars = new Map<unknown, CookieJar>();

  constructor(
    private readonly debug: boolean,
    private readonly logger: Logger,
  ) {}

  static fromCrawler(crawler: CrawlerContext): CookiesMiddleware {
    const s = crawler.settings;
    if (!s.getBool('COOKIES_ENABLED')) throw new NotConfigured('COOKIES_ENABLED is off');
    return new CookiesMiddleware(s.getBool('COOKIES_DEBUG'), crawler.logger.child('tscrapy.downloadermiddlewares.cookies'));
  }

  /** The jar of `meta.cookiejar` (made on first use). */
  async jar(key: unknown = undefined): Promise<CookieJar> {
    const existing = this.#jars.get(key);
    if (existing) return existing;
    const { CookieJar } = await (toughCookie ??= import('tough-cookie'));
    // Another request may have made it while tough-cookie loaded.
    let jar = this.#jars.get(key);
    if (!jar) {
      jar = new CookieJar(undefined, { looseMode: true, rejectPublicSuffixes: true, allowSpecialUseDomain: true });
      this.#jars.set(key, jar);
    }
    return jar;
  }

  processRequest(request: Request): void | Promise<void> {
    if (request.meta.dont_merge_cookies || !/^https?:/i.test(request.url)) return;
    // Like Scrapy, the jar decides the Cookie header (it holds the request's own cookies too).
    request.headers.delete('Cookie');
    const jar = this.#jars.get(request.meta.cookiejar);
    if (jar && isEmpty(request.cookies)) return this.#sendCookies(jar, request);
    if (!jar && isEmpty(request.cookies)) return;
    return this.jar(request.meta.cookiejar).then((j) => {
      for (const [name, value] of Object.entries(request.cookies)) {
        try {
          j.setCookieSync(`${name}=${value}`, request.url, { ignoreError: true });
        } catch (err) {
          this.logger.warn(`Invalid cookie ${JSON.stringify(name)} in ${request}: ${(err as Error).message}`);
        }
      }
      this.#sendCookies(j, request);
    });
  }

  processResponse(request: Request, response: Response): Response | Promise<Response> {
    if (request.meta.dont_merge_cookies) return response;
    const setCookies = response.headers.getAll('Set-Cookie');
    if (setCookies.length === 0) return response;
    return this.jar(request.meta.cookiejar).then((jar) => {
      for (const c of setCookies) jar.setCookieSync(c, response.url, { ignoreError: true });
      if (this.debug) this.logger.debug(`Received cookies from: ${response}\n${setCookies.map((c) => `Set-Cookie: ${c}`).join('\n')}`);
      return response;
    });
  }

  #sendCookies(jar: CookieJar, request: Request): void {
    const header = jar.getCookieStringSync(request.url);
    if (header) {
      request.headers.set('Cookie', header);
      if (this.debug) this.logger.debug(`Sending cookies to: ${request}\nCookie: ${header}`);
    }
  }
}

function isEmpty(o: object): boolean {
  for (const _ in o) return false;
  return true;
}
