import type { CrawlerContext } from '../components.js';
import { Request } from '../http/request.js';
import type { Response } from '../http/response.js';
import type { Logger } from '../logger.js';
import type { StatsCollector } from '../stats.js';
import type { SpiderMiddleware } from './types.js';

/**
 * Tracks `meta.depth`, drops requests deeper than DEPTH_LIMIT, and lowers priority by
 * depth × DEPTH_PRIORITY (positive → breadth-first with a FIFO queue).
 */
export class DepthMiddleware implements SpiderMiddleware {
  constructor(
    private readonly limit: number,
    private readonly priority: number,
    private readonly verbose: boolean,
    private readonly stats: StatsCollector,
    private readonly logger: Logger,
  ) {}

  static fromCrawler(crawler: CrawlerContext): DepthMiddleware {
    const s = crawler.settings;
    return new DepthMiddleware(
      s.getInt('DEPTH_LIMIT'),
      s.getFloat('DEPTH_PRIORITY'),
      s.getBool('DEPTH_STATS_VERBOSE'),
      crawler.stats,
      crawler.logger.child('tscrapy.spidermiddlewares.depth'),
    );
  }

  processOutput(output: unknown, response: Response | null): unknown {
    if (!(output instanceof Request)) return output;
    if (response === null) {
      if (output.meta.depth === undefined) output.meta.depth = 0;
      if (this.verbose) this.stats.incValue('request_depth_count/0');
      return output;
    }
    const depth = ((response.meta.depth as number | undefined) ?? 0) + 1;
    output.meta.depth = depth;
    if (this.priority) output.priority -= depth * this.priority;
    if (this.limit && depth > this.limit) {
      this.logger.debug(`Ignoring link (depth > ${this.limit}): ${output.url}`);
      return null;
    }
    if (this.verbose) this.stats.incValue(`request_depth_count/${depth}`);
    this.stats.maxValue('request_depth_max', depth);
    return output;
  }
}
