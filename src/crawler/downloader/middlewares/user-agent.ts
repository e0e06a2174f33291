import type { CrawlerContext } from '../../components.js';
import type { Request } from '../../http/request.js';
import type { Spider } from '../../spider.js';
import type { DownloaderMiddleware } from '../types.js';

/** Sets User-Agent from USER_AGENT, or the spider's `userAgent`, unless the request has one. */
export class UserAgentMiddleware implements DownloaderMiddleware {
  #userAgent: string;

  constructor(userAgent: string) {
    this.#userAgent = userAgent;
  }

  static fromCrawler(crawler: CrawlerContext): UserAgentMiddleware {
    return new UserAgentMiddleware(String(crawler.settings.get('USER_AGENT') ?? ''));
  }

  open(spider: Spider): void {
    const ua = (spider as { userAgent?: unknown }).userAgent;
    if (typeof ua === 'string' && ua) this.#userAgent = ua;
  }

  processRequest(request: Request): void {
    if (this.#userAgent) request.headers.setDefault('User-Agent', this.#userAgent);
  }
}
