import type { CrawlerContext } from '../components.js';
import { NotConfigured } from '../errors.js';
import { Request } from '../http/request.js';
import type { Response } from '../http/response.js';
import type { SpiderMiddleware } from './types.js';

/**
 * Sets `Referer` on requests made from a response, with the browsers' default policy
 * (no-referrer-when-downgrade): never from https to http, never with credentials or fragment.
 */
export class RefererMiddleware implements SpiderMiddleware {
  // The URL, not the response: holding a response would keep its parsed DOM alive.
  #lastUrl: string | null = null;
  #lastReferer: string | null = null;

  static fromCrawler(crawler: CrawlerContext): RefererMiddleware {
    if (!crawler.settings.getBool('REFERER_ENABLED', true)) throw new NotConfigured('REFERER_ENABLED is off');
    return new RefererMiddleware();
  }

  processOutput(output: unknown, response: Response | null): unknown {
    if (!response || !(output instanceof Request) || output.headers.has('Referer')) return output;
    const referer = this.#refererOf(response);
    if (referer && !(referer.startsWith('https:') && output.url.startsWith('http:'))) output.headers.set('Referer', referer);
    return output;
  }

  /** One computation per response, however many links it yields. */
  #refererOf(response: Response): string | null {
    if (this.#lastUrl === response.url) return this.#lastReferer;
    let referer: string | null = null;
    if (response.url.startsWith('http')) {
      const u = new URL(response.url);
      u.hash = '';
      u.username = '';
      u.password = '';
      referer = u.href;
    }
    this.#lastUrl = response.url;
    this.#lastReferer = referer;
    return referer;
  }
}
