import type { CrawlerContext } from '../components.js';
import { HttpError } from '../errors.js';
import type { Response } from '../http/response.js';
import type { Logger } from '../logger.js';
import type { Spider } from '../spider.js';
import type { StatsCollector } from '../stats.js';
import type { SpiderMiddleware } from './types.js';

/**
 * Keeps non-2xx responses away from callbacks unless allowed by HTTPERROR_ALLOWED_CODES,
 * HTTPERROR_ALLOW_ALL, the spider's `handleHttpStatusList`, or `meta.handle_httpstatus_list` /
 * `meta.handle_httpstatus_all`. Disallowed ones go to the errback as HttpError.
 */
export class HttpErrorMiddleware implements SpiderMiddleware {
  constructor(
    private readonly allowed: ReadonlySet<number>,
    private readonly allowAll: boolean,
    private readonly stats: StatsCollector,
    private readonly logger: Logger,
  ) {}

  static fromCrawler(crawler: CrawlerContext): HttpErrorMiddleware {
    const s = crawler.settings;
    return new HttpErrorMiddleware(
      new Set(s.getList<number>('HTTPERROR_ALLOWED_CODES').map(Number)),
      s.getBool('HTTPERROR_ALLOW_ALL'),
      crawler.stats,
      crawler.logger.child('tscrapy.spidermiddlewares.httperror'),
    );
  }

  processSpiderInput(response: Response, spider: Spider): void {
    const status = response.status;
    if (status >= 200 && status < 300) return;
    const meta = response.meta;
    if (this.allowAll || meta.handle_httpstatus_all) return;
    const list = meta.handle_httpstatus_list as number[] | undefined;
    if (list ? list.includes(status) : this.allowed.has(status)) return;
    const spiderList = (spider as { handleHttpStatusList?: number[] }).handleHttpStatusList;
    if (spiderList?.includes(status)) return;
    this.stats.incValue('httperror/response_ignored_count');
    this.stats.incValue(`httperror/response_ignored_status_count/${status}`);
    this.logger.info(`Ignoring response ${response}: HTTP status code is not handled or not allowed`);
    throw new HttpError(response);
  }
}
