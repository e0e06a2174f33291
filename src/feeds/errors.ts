import { maskUrl } from '../crawler/downloader/mask.js';
import { InvalidArgumentError, TscrapyError } from '../crawler/errors.js';

/**
 * A feed cannot be used as configured: unknown format or encoding, a bad URI placeholder,
 * a path that cannot be written. Raised before the crawl starts; `uri` names the feed.
 */
export class FeedConfigError extends InvalidArgumentError {
  constructor(
    readonly uri: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    // A remote feed's URI may hold a password (ftp://user:password@host/…).
    super(`Feed "${maskUrl(uri)}": ${message}`, options);
  }
}

/**
 * An existing feed file cannot be continued (it is not what tscrapy writes and has no torn
 * tail that could be dropped). Nothing is truncated when this is raised.
 */
export class FeedResumeError extends TscrapyError {
  override readonly code = 'TSC_ERR_FEED_RESUME';
  constructor(
    readonly path: string,
    message: string,
  ) {
    super(`Feed file ${path}: ${message}`);
  }
}
