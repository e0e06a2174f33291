import { IgnoreRequest, TscrapyError } from '../errors.js';

/** robots.txt of the request's origin disallows it for our user agent. Not retried. */
export class RobotsTxtForbiddenError extends IgnoreRequest {
  override readonly code = 'TSC_ERR_ROBOTSTXT_FORBIDDEN';
}

/** A request was redirected more than `REDIRECT_MAX_TIMES` times. */
export class MaxRedirectsError extends IgnoreRequest {
  override readonly code = 'TSC_ERR_MAX_REDIRECTS';
}

/** A redirect leads back to a URL already visited in the same redirect chain. */
export class RedirectLoopError extends IgnoreRequest {
  override readonly code = 'TSC_ERR_REDIRECT_LOOP';
}

/** `HTTPCACHE_IGNORE_MISSING` is on and the response is not in the cache. */
export class HttpCacheMissError extends IgnoreRequest {
  override readonly code = 'TSC_ERR_HTTPCACHE_MISS';
}

/** The URL's scheme has no download handler (only http, https, data and file do). */
export class UnsupportedSchemeError extends TscrapyError {
  override readonly code = 'TSC_ERR_UNSUPPORTED_SCHEME';
}

/** A `file:` URL names a file that does not exist (or is not a readable file). */
export class FileNotFoundError extends TscrapyError {
  override readonly code = 'TSC_ERR_FILE_NOT_FOUND';
}

/** A `data:` URL does not follow RFC 2397. */
export class InvalidDataUrlError extends TscrapyError {
  override readonly code = 'TSC_ERR_INVALID_DATA_URL';
}

/** The downloader closed while the request was waiting or in flight. */
export class DownloaderClosedError extends TscrapyError {
  override readonly code = 'TSC_ERR_DOWNLOADER_CLOSED';
}

/**
 * Something failed inside tscrapy (or a download handler) while getting one request: that
 * request fails with this error (its errback runs, it is logged and counted), the crawl goes on.
 */
export class DownloadFailedError extends TscrapyError {
  override readonly code = 'TSC_ERR_DOWNLOAD_FAILED';
}

/**
 * The crawl began to stop while the request waited in the downloader (for DOWNLOAD_DELAY, a
 * free slot or a retry backoff): it was never sent. Not an error of the request: it gets no
 * errback and stays unacknowledged, so a JOBDIR or Redis queue keeps it for the next run.
 */
export class RequestNotSentError extends TscrapyError {
  override readonly code = 'TSC_ERR_REQUEST_NOT_SENT';
}
