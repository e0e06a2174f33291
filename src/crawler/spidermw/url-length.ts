import type { CrawlerContext } from '../components.js';
import { NotConfigured } from '../errors.js';
import { Request } from '../http/request.js';
import type { Logger } from '../logger.js';
import type { StatsCollector } from '../stats.js';
import type { SpiderMiddleware } from './types.js';

/** Drops requests whose URL is longer than URLLENGTH_LIMIT (2083, as in Scrapy; 0 disables). */
export class UrlLengthMiddleware implements SpiderMiddleware {
  constructor(
    private readonly limit: number,
    private readonly stats: StatsCollector,
    private readonly logger: Logger,
  ) {}

  static fromCrawler(crawler: CrawlerContext): UrlLengthMiddleware {
    const limit = crawler.settings.getInt('URLLENGTH_LIMIT', 2083);
    if (limit <= 0) throw new NotConfigured('URLLENGTH_LIMIT is 0');
    return new UrlLengthMiddleware(limit, crawler.stats, crawler.logger.child('tscrapy.spidermiddlewares.urllength'));
  }

  processOutput(output: unknown): unknown {
    if (output instanceof Request && output.url.length > this.limit) {
      this.logger.info(`Ignoring link (url length > ${this.limit}): ${output.url.slice(0, 200)}…`);
      this.stats.incValue('urllength/request_ignored_count');
      return null;
    }
    return output;
  }
}
