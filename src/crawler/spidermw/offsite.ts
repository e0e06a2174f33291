import type { CrawlerContext } from '../components.js';
import { NotConfigured } from '../errors.js';
import { Request } from '../http/request.js';
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

/**
 * Drops requests to hosts outside the spider's `allowedDomains` (and their subdomains), for
 * start requests and callback output alike; `meta.allow_offsite` lets one through.
 */
export class OffsiteMiddleware implements SpiderMiddleware {
  #domains: string[] = [];
  #seenDomains = new Set<string>();

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
  }

  static fromCrawler(crawler: CrawlerContext): OffsiteMiddleware {
    if (!crawler.spider.allowedDomains?.length) throw new NotConfigured('the spider sets no allowedDomains');
    return new OffsiteMiddleware(crawler.stats, crawler.logger.child('tscrapy.spidermiddlewares.offsite'), crawler.spider);
  }

  processOutput(output: unknown): unknown {
    if (!(output instanceof Request) || output.meta.allow_offsite) return output;
    const url = output.url;
    if (!url.startsWith('http')) return output;
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

  #allowed(host: string): boolean {
    for (const d of this.#domains) {
      if (host === d || (host.endsWith(d) && host.charCodeAt(host.length - d.length - 1) === 46)) return true;
    }
    return false;
  }
}
