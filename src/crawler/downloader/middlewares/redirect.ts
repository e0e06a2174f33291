import type { CrawlerContext } from '../../components.js';
import { NotConfigured } from '../../errors.js';
import type { Request } from '../../http/request.js';
import type { Response } from '../../http/response.js';
import type { Logger } from '../../logger.js';
import type { Spider } from '../../spider.js';
import type { DownloaderMiddleware } from '../types.js';
import { buildRedirect, statusHandledBySpider } from './redirect-base.js';

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

/**
 * Follows 301/302/303/307/308 with a Location (REDIRECT_ENABLED, REDIRECT_MAX_TIMES,
 * REDIRECT_PRIORITY_ADJUST). 301/302/303 become a GET without body (HEAD stays HEAD), as
 * browsers do; 307/308 keep method and body. `meta.dont_redirect` and handled statuses
 * (`meta.handle_httpstatus_list`/`_all`, spider `handleHttpStatusList`) pass the response on.
 */
export class RedirectMiddleware implements DownloaderMiddleware {
  constructor(
    private readonly maxTimes: number,
    private readonly priorityAdjust: number,
    private readonly logger: Logger,
  ) {}

  static fromCrawler(crawler: CrawlerContext): RedirectMiddleware {
    const s = crawler.settings;
    if (!s.getBool('REDIRECT_ENABLED')) throw new NotConfigured('REDIRECT_ENABLED is off');
    return new RedirectMiddleware(s.getInt('REDIRECT_MAX_TIMES'), s.getInt('REDIRECT_PRIORITY_ADJUST'), crawler.logger.child('tscrapy.downloadermiddlewares.redirect'));
  }

  processResponse(request: Request, response: Response, spider: Spider): Response | Request {
    if (!REDIRECT_STATUSES.has(response.status) || request.meta.dont_redirect) return response;
    if (statusHandledBySpider(request, response, spider)) return response;
    const location = response.headers.get('Location');
    if (!location) return response;
    let url: string;
    try {
      // Location may be relative and may carry raw UTF-8; the URL parser resolves and encodes.
      url = new URL(location.trim(), request.url).href;
    } catch {
      this.logger.debug(`Not following invalid redirect Location ${JSON.stringify(location)} from ${response}`);
      return response;
    }
    if (!/^https?:/i.test(url)) return response;
    const toGet = request.method !== 'HEAD' && (response.status === 301 || response.status === 302 || response.status === 303);
    return buildRedirect(request, url, response.status, { maxTimes: this.maxTimes, priorityAdjust: this.priorityAdjust, toGet, logger: this.logger });
  }
}
