import type { CrawlerContext } from '../../components.js';
import type { Request } from '../../http/request.js';
import type { DownloaderMiddleware } from '../types.js';

/** Adds DEFAULT_REQUEST_HEADERS to every request that does not set them. */
export class DefaultHeadersMiddleware implements DownloaderMiddleware {
  readonly #headers: Array<[string, string]>;

  constructor(headers: Record<string, string>) {
    this.#headers = Object.entries(headers).map(([k, v]) => [k, String(v)]);
  }

  static fromCrawler(crawler: CrawlerContext): DefaultHeadersMiddleware {
    return new DefaultHeadersMiddleware(crawler.settings.getDict<string>('DEFAULT_REQUEST_HEADERS'));
  }

  processRequest(request: Request): void {
    for (const [k, v] of this.#headers) request.headers.setDefault(k, v);
  }
}
