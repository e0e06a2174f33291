import type { CrawlerContext } from '../../components.js';
import { InvalidArgumentError } from '../../errors.js';
import type { Request } from '../../http/request.js';
import type { Spider } from '../../spider.js';
import type { DownloaderMiddleware } from '../types.js';

/** Sets `meta.download_timeout` from DOWNLOAD_TIMEOUT (or the spider's `downloadTimeout`) unless the request has one. */
export class DownloadTimeoutMiddleware implements DownloaderMiddleware {
  #timeout: number;

  constructor(timeout: number) {
    this.#timeout = timeout;
  }

  static fromCrawler(crawler: CrawlerContext): DownloadTimeoutMiddleware {
    const t = crawler.settings.getFloat('DOWNLOAD_TIMEOUT');
    if (t < 0) throw new InvalidArgumentError(`DOWNLOAD_TIMEOUT must be 0 (no timeout) or more seconds, got ${t}`);
    return new DownloadTimeoutMiddleware(t);
  }

  open(spider: Spider): void {
    const t = (spider as { downloadTimeout?: unknown }).downloadTimeout;
    if (typeof t === 'number' && t >= 0) this.#timeout = t;
  }

  processRequest(request: Request): void {
    if (this.#timeout > 0 && request.meta.download_timeout === undefined) request.meta.download_timeout = this.#timeout;
  }
}
