import type { Request } from '../http/request.js';
import type { Response } from '../http/response.js';
import type { Spider } from '../spider.js';

type Maybe<T> = T | Promise<T>;

/**
 * A downloader middleware, like Scrapy's. Each hook is optional.
 * - `processRequest`: return nothing to continue; a Response to skip the download (cache);
 *   a Request to schedule it instead; throw IgnoreRequest to drop it.
 * - `processResponse`: return the response (or a changed one) to continue, or a Request
 *   to schedule instead (redirect, retry).
 * - `processException`: return nothing to let the next one handle it, a Response or a Request.
 */
export interface DownloaderMiddleware {
  processRequest?(request: Request, spider: Spider): Maybe<Response | Request | void | undefined | null>;
  processResponse?(request: Request, response: Response, spider: Spider): Maybe<Response | Request>;
  processException?(request: Request, error: Error, spider: Spider): Maybe<Response | Request | void | undefined | null>;
  open?(spider: Spider): Maybe<void>;
  close?(spider: Spider): Maybe<void>;
  /**
   * Called once by the downloader that runs this middleware, before `open`: middlewares that
   * download on their own (robots.txt) go through it, with every other middleware applied.
   */
  bindDownloader?(downloader: Downloader): void;
  /**
   * Requests this middleware holds back right now and why (e.g. 'robots.txt' while an origin's
   * robots.txt is fetched); the downloader's `backoutReason()` reports the biggest cause.
   */
  waiting?(): { reason: string; count: number } | null;
}

/** What the engine needs from a downloader. */
export interface Downloader {
  /**
   * Downloads `request` through the middlewares. Resolves to the response, or to a new request
   * that the engine schedules instead (redirect, retry). Rejects with the error for the errback.
   */
  fetch(request: Request, spider: Spider): Promise<Response | Request>;
  /**
   * Why the engine should not hand over more requests now ('concurrency limit', 'per-domain
   * limit', 'download delay', 'robots.txt'), or null when it can take more. Requests waiting out
   * a retry backoff (`meta.download_not_before`) count in `active` but not against the limit.
   */
  backoutReason(): string | null;
  /** Requests accepted and not yet finished (in flight or waiting in a slot). */
  readonly active: number;
  open(spider: Spider): Promise<void>;
  /**
   * The crawl is stopping gracefully: start nothing more. Requests waiting (for a delay, a slot
   * or a retry backoff), and any fetched later, fail with RequestNotSentError; those in flight
   * finish. Returns how many waiting requests were let go.
   */
  stopStarting?(): number;
  close(): Promise<void>;
}
