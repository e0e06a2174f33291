import type { CrawlerContext } from '../../components.js';
import type { Request } from '../../http/request.js';
import type { Spider } from '../../spider.js';
import type { DownloaderMiddleware } from '../types.js';

interface AuthSpider {
  httpUser?: string;
  httpPass?: string;
  /** Domain (and its subdomains) that gets the credentials; default: the first request's; null: every domain. */
  httpAuthDomain?: string | null;
}

/**
 * HTTP Basic auth from the spider's `httpUser`/`httpPass`, sent only to `httpAuthDomain`
 * (and its subdomains), which defaults to the domain of the first request: credentials never
 * leak to other sites the crawl reaches.
 */
export class HttpAuthMiddleware implements DownloaderMiddleware {
  #header: string | null = null;
  #domain: string | null | undefined;

  static fromCrawler(_crawler: CrawlerContext): HttpAuthMiddleware {
    return new HttpAuthMiddleware();
  }

  open(spider: Spider): void {
    const s = spider as Spider & AuthSpider;
    if (s.httpUser === undefined && s.httpPass === undefined) return;
    this.#header = 'Basic ' + Buffer.from(`${s.httpUser ?? ''}:${s.httpPass ?? ''}`).toString('base64');
    this.#domain = s.httpAuthDomain === undefined ? undefined : s.httpAuthDomain === null ? null : s.httpAuthDomain.toLowerCase();
  }

  processRequest(request: Request): void {
    if (this.#header === null || request.headers.has('Authorization')) return;
    let host: string;
    try {
      host = new URL(request.url).hostname.toLowerCase();
    } catch {
      return;
    }
    if (this.#domain === undefined) this.#domain = host;
    if (this.#domain === null || host === this.#domain || host.endsWith(`.${this.#domain}`)) {
      request.headers.set('Authorization', this.#header);
    }
  }
}

