import type { CookieJar } from 'tough-cookie';
import type { CrawlerContext } from '../../components.js';
import { InvalidArgumentError, NotConfigured } from '../../errors.js';
import type { Request } from '../../http/request.js';
import type { Response } from '../../http/response.js';
import type { Logger } from '../../logger.js';
import type { StatsCollector } from '../../stats.js';
import type { DownloaderMiddleware } from '../types.js';
import { cookieHeader, limitedCookieStore, type CookieLimitEvent, type CookieLimits } from './cookie-limits.js';

/** tough-cookie, loaded with the first cookie: it and its public-suffix list are ≈8 MB of memory. */
let toughCookie: Promise<typeof import('tough-cookie')> | undefined;

/**
 * Keeps cookies per crawl with tough-cookie (COOKIES_ENABLED): one jar, or one per
 * `meta.cookiejar` value; `request.cookies` are added to the jar; `meta.dont_merge_cookies`
 * leaves the request and the jar alone; COOKIES_DEBUG logs what is sent and received. A jar is
 * made when its first cookie arrives, so a crawl that never sees one never loads tough-cookie.
 * Jars have browsers' limits (COOKIES_MAX_*): cookies per domain and per jar, bytes per cookie,
 * and bytes of the Cookie header; what a limit drops is logged once per domain and counted.
 */
export class CookiesMiddleware implements DownloaderMiddleware {
  readonly #jars = new Map<unknown, CookieJar>();
  readonly #warned = new Set<string>();

  constructor(
    private readonly debug: boolean,
    private readonly logger: Logger,
    private readonly limits: CookieLimits = { perDomain: 0, total: 0, cookieSize: 0, headerSize: 0 },
    private readonly stats: StatsCollector | null = null,
  ) {}

  static fromCrawler(crawler: CrawlerContext): CookiesMiddleware {
    const s = crawler.settings;
    if (!s.getBool('COOKIES_ENABLED')) throw new NotConfigured('COOKIES_ENABLED is off');
    const limits: CookieLimits = {
      perDomain: limitSetting(s.getInt('COOKIES_MAX_PER_DOMAIN'), 'COOKIES_MAX_PER_DOMAIN'),
      total: limitSetting(s.getInt('COOKIES_MAX_TOTAL'), 'COOKIES_MAX_TOTAL'),
      cookieSize: limitSetting(s.getInt('COOKIES_MAX_SIZE'), 'COOKIES_MAX_SIZE'),
      headerSize: limitSetting(s.getInt('COOKIES_MAX_HEADER_SIZE'), 'COOKIES_MAX_HEADER_SIZE'),
    };
    return new CookiesMiddleware(s.getBool('COOKIES_DEBUG'), crawler.logger.child('tscrapy.downloadermiddlewares.cookies'), limits, crawler.stats);
  }

  /** The jar of `meta.cookiejar` (made on first use). */
  async jar(key: unknown = undefined): Promise<CookieJar> {
    const existing = this.#jars.get(key);
    if (existing) return existing;
    const { CookieJar, MemoryCookieStore } = await (toughCookie ??= import('tough-cookie'));
    // Another request may have made it while tough-cookie loaded.
    let jar = this.#jars.get(key);
    if (!jar) {
      const store = limitedCookieStore(MemoryCookieStore, this.limits, (e) => this.#limited(e));
      jar = new CookieJar(store, { looseMode: true, rejectPublicSuffixes: true, allowSpecialUseDomain: true });
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
    const { header, omitted } = cookieHeader(jar.getCookiesSync(request.url), this.limits.headerSize);
    if (omitted > 0) {
      this.stats?.incValue('cookies/omitted_from_header', omitted);
      this.#warnOnce(
        `header ${new URL(request.url).hostname}`,
        `Left ${omitted} cookies out of the Cookie header of ${request}: the header would be longer than COOKIES_MAX_HEADER_SIZE (${this.limits.headerSize} bytes)`,
      );
    }
    if (header) {
      request.headers.set('Cookie', header);
      if (this.debug) this.logger.debug(`Sending cookies to: ${request}\nCookie: ${header}`);
    }
  }

  /** A jar refused or dropped cookies (see CookieLimits): logged once per domain, counted always. */
  #limited(e: CookieLimitEvent): void {
    if (e.kind === 'too-big') {
      this.stats?.incValue('cookies/refused_too_big');
      this.#warnOnce(
        `too-big ${e.domain}`,
        `Refused cookie ${JSON.stringify(e.name.slice(0, 40))} from ${e.domain}: ${e.size} bytes of name and value, more than COOKIES_MAX_SIZE (${this.limits.cookieSize})`,
      );
    } else {
      this.stats?.incValue('cookies/evicted', e.count);
      this.#warnOnce(
        `evicted ${e.domain}`,
        `Dropped the ${e.count === 1 ? 'least recently used cookie' : `${e.count} least recently used cookies`} of the jar after a cookie from ${e.domain}: ` +
          `more than COOKIES_MAX_PER_DOMAIN (${this.limits.perDomain}) for the domain or COOKIES_MAX_TOTAL (${this.limits.total}) in all`,
      );
    }
  }

  #warnOnce(key: string, message: string): void {
    if (this.#warned.has(key)) return;
    this.#warned.add(key);
    this.logger.warn(`${message} (further ones are counted in stats, not logged)`);
  }
}

/** A COOKIES_MAX_* setting: a whole number of 0 (no limit) or more. */
function limitSetting(value: number, name: string): number {
  if (!Number.isInteger(value) || value < 0) throw new InvalidArgumentError(`${name} must be a whole number of 0 (no limit) or more, got ${value}`);
  return value;
}

function isEmpty(o: object): boolean {
  for (const _ in o) return false;
  return true;
}
