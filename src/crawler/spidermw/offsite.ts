import type { CrawlerContext } from '../components.js';
import { Request } from '../http/request.js';
import type { Response } from '../http/response.js';
import type { Logger } from '../logger.js';
import type { Spider } from '../spider.js';
import type { StatsCollector } from '../stats.js';
import type { SpiderMiddleware } from './types.js';

/** Host of an absolute http(s) URL without parsing the whole URL (no userinfo, no port). */
function hostOf(url: string): string {
  const start = url.indexOf('//') + 2;
  let end = start;
  while (end < url.length) {
    const c = url.charCodeAt(end);
    if (c === 47 /* / */ || c === 63 /* ? */ || c === 35 /* # */) break;
    end++;
  }
  let authority = url.slice(start, end);
  const at = authority.lastIndexOf('@');
  if (at >= 0) authority = authority.slice(at + 1);
  if (authority.startsWith('[')) return authority.slice(0, authority.indexOf(']') + 1);
  const colon = authority.indexOf(':');
  return colon >= 0 ? authority.slice(0, colon) : authority;
}

/** The URL's scheme, lower case, without the colon ('' when it has none). */
function schemeOf(url: string): string {
  const colon = url.indexOf(':');
  return colon > 0 ? url.slice(0, colon).toLowerCase() : '';
}

const isHttp = (scheme: string) => scheme === 'http' || scheme === 'https';

/**
 * Drops requests to hosts outside the spider's `allowedDomains` (and their subdomains), for
 * start requests and callback output alike; `meta.allow_offsite` lets one through.
 *
 * With or without `allowedDomains`, a request from a callback for a URL that is not http(s)
 * (`file:`, `data:`, `ftp:`) is offsite too, unless the spider's own start requests use that
 * scheme or the page it came from has it: a link on a remote page must never make the crawl
 * read a local file. `meta.allow_offsite` does not lift that rule.
 */
export class OffsiteMiddleware implements SpiderMiddleware {
  #domains: string[] = [];
  #seenDomains = new Set<string>();
  /** Schemes other than http(s) that start requests use (startUrls, and start() as it yields). */
  readonly #startSchemes = new Set<string>();
  readonly #seenSchemes = new Set<string>();

  constructor(
    private readonly stats: StatsCollector,
    private readonly logger: Logger,
    spider: Spider,
  ) {
    for (const d of spider.allowedDomains ?? []) {
      if (/^[a-z][a-z0-9+.-]*:\/\//i.test(d) || d.includes('/')) {
        this.logger.warn(`allowedDomains accepts only domains, not URLs. Ignoring URL entry ${d} in allowedDomains.`);
      } else if (/:\d+$/.test(d)) {
        this.logger.warn(`allowedDomains accepts only domains without ports. Ignoring entry ${d} in allowedDomains.`);
      } else this.#domains.push(d.toLowerCase().replace(/^\./, ''));
    }
    for (const url of spider.startUrls ?? []) {
      const scheme = schemeOf(url);
      if (!isHttp(scheme)) this.#startSchemes.add(scheme);
    }
  }

  static fromCrawler(crawler: CrawlerContext): OffsiteMiddleware {
    return new OffsiteMiddleware(crawler.stats, crawler.logger.child('tscrapy.spidermiddlewares.offsite'), crawler.spider);
  }

  /** `response` is null (or absent) for the output of `start()`. */
  processOutput(output: unknown, response?: Response | null): unknown {
    if (!(output instanceof Request)) return output;
    const url = output.url;
    const scheme = schemeOf(url);
    if (!isHttp(scheme)) {
      if (response == null) this.#startSchemes.add(scheme);
      else if (!this.#startSchemes.has(scheme) && schemeOf(response.url) !== scheme) return this.#filterScheme(output, scheme, response);
      return output;
    }
    if (this.#domains.length === 0 || output.meta.allow_offsite) return output;
    const host = hostOf(url).toLowerCase();
    if (this.#allowed(host)) return output;
    if (!this.#seenDomains.has(host)) {
      this.#seenDomains.add(host);
      this.logger.debug(`Filtered offsite request to '${host}': ${output}`);
      this.stats.incValue('offsite/domains');
    }
    this.stats.incValue('offsite/filtered');
    return null;
  }

  #filterScheme(request: Request, scheme: string, response: Response): null {
    if (!this.#seenSchemes.has(scheme)) {
      this.#seenSchemes.add(scheme);
      this.logger.warn(
        `Filtered offsite request ${request} from ${response}: ${scheme}: URLs are followed only when the spider's start requests use ${scheme}: ` +
          `(a page must not make the crawl read local files); further ${scheme}: requests are filtered silently (stats: offsite/filtered)`,
      );
    }
    this.stats.incValue('offsite/filtered');
    return null;
  }

  #allowed(host: string): boolean {
    for (const d of this.#domains) {
      if (host === d || (host.endsWith(d) && host.charCodeAt(host.length - d.length - 1) === 46)) return true;
    }
    return false;
  }
}
