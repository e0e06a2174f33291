import { STATUS_CODES } from 'node:http';
import type { CrawlerContext } from '../../components.js';
import { InvalidArgumentError, NotConfigured, RetryableError } from '../../errors.js';
import type { Request } from '../../http/request.js';
import type { Response } from '../../http/response.js';
import type { Logger } from '../../logger.js';
import type { StatsCollector } from '../../stats.js';
import type { DownloaderMiddleware } from '../types.js';

export interface RetryOptions {
  /** RETRY_TIMES: retries on top of the first attempt. */
  times: number;
  /** RETRY_HTTP_CODES. */
  httpCodes: ReadonlySet<number>;
  /** RETRY_PRIORITY_ADJUST. */
  priorityAdjust: number;
  /** RETRY_BACKOFF_BASE, seconds (0: retry at once). */
  backoffBase: number;
  /** RETRY_BACKOFF_MAX, seconds. */
  backoffMax: number;
}

/** "503 Service Unavailable", as Scrapy names retry reasons in stats. */
export function statusMessage(status: number): string {
  const text = STATUS_CODES[status];
  return text ? `${status} ${text}` : String(status);
}

/**
 * Retries responses with a status in RETRY_HTTP_CODES and RetryableError failures (timeouts,
 * connection errors), RETRY_TIMES times (`meta.max_retry_times` overrides; `meta.dont_retry`
 * skips). With RETRY_BACKOFF_BASE > 0 the n-th retry waits base × 2^(n-1) seconds, capped at
 * RETRY_BACKOFF_MAX, times a random 0.5–1.5 (jitter), set as `meta.download_not_before`
 * which the downloader honours. When retries run out an HTTP response passes on (so the
 * HttpError handling sees it) and an error reaches the errback.
 */
export class RetryMiddleware implements DownloaderMiddleware {
  constructor(
    private readonly opts: RetryOptions,
    private readonly stats: StatsCollector,
    private readonly logger: Logger,
  ) {}

  static fromCrawler(crawler: CrawlerContext): RetryMiddleware {
    const s = crawler.settings;
    if (!s.getBool('RETRY_ENABLED')) throw new NotConfigured('RETRY_ENABLED is off');
    const times = s.getInt('RETRY_TIMES');
    if (times < 0) throw new InvalidArgumentError(`RETRY_TIMES must be 0 or more, got ${times}`);
    const codes = s.getList<number | string>('RETRY_HTTP_CODES').map((c) => Number(c));
    const bad = codes.find((c) => !Number.isInteger(c) || c < 100 || c > 999);
    if (bad !== undefined) throw new InvalidArgumentError(`RETRY_HTTP_CODES must list HTTP status codes (100-999), got ${bad}`);
    return new RetryMiddleware(
      {
        times,
        httpCodes: new Set(codes),
        priorityAdjust: s.getInt('RETRY_PRIORITY_ADJUST'),
        backoffBase: s.getFloat('RETRY_BACKOFF_BASE'),
        backoffMax: s.getFloat('RETRY_BACKOFF_MAX'),
      },
      crawler.stats,
      crawler.logger.child('tscrapy.downloadermiddlewares.retry'),
    );
  }

  processResponse(request: Request, response: Response): Response | Request {
    if (request.meta.dont_retry || !this.opts.httpCodes.has(response.status)) return response;
    return this.retry(request, statusMessage(response.status)) ?? response;
  }

  processException(request: Request, error: Error): Request | undefined {
    if (request.meta.dont_retry || !(error instanceof RetryableError)) return undefined;
    return this.retry(request, error.name) ?? undefined;
  }

  /** The retry of `request`, or null when it has used its retries (`retry/max_reached`). */
  retry(request: Request, reason: string): Request | null {
    const retryTimes = (Number(request.meta.retry_times) || 0) + 1;
    const maxMeta = request.meta.max_retry_times;
    const max = typeof maxMeta === 'number' ? maxMeta : this.opts.times;
    if (retryTimes > max) {
      this.stats.incValue('retry/max_reached');
      this.logger.error(`Gave up retrying ${request} (failed ${retryTimes} times): ${reason}`);
      return null;
    }
    this.logger.debug(`Retrying ${request} (failed ${retryTimes} times): ${reason}`);
    const meta: Record<string, any> = { ...request.meta, retry_times: retryTimes };
    delete meta.download_not_before;
    const wait = this.backoffSeconds(retryTimes);
    if (wait > 0) meta.download_not_before = Date.now() + Math.round(wait * 1000);
    this.stats.incValue('retry/count');
    this.stats.incValue(`retry/reason_count/${reason}`);
    return request.replace({ meta, dontFilter: true, priority: request.priority + this.opts.priorityAdjust });
  }

  /** Seconds to wait before the `n`-th retry: base × 2^(n-1), capped, with 0.5–1.5× jitter. */
  backoffSeconds(n: number): number {
    const { backoffBase, backoffMax } = this.opts;
    if (!(backoffBase > 0)) return 0;
    const d = Math.min(backoffMax, backoffBase * 2 ** (n - 1));
    return Math.min(backoffMax, d * (0.5 + Math.random()));
  }
}
