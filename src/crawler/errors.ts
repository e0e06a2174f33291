/**
 * Every error tscrapy raises on purpose is a TscrapyError with a stable `code`, so callers
 * branch on classes and codes, never on message text.
 */
export class TscrapyError extends Error {
  readonly code: string = 'TSC_ERR';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** A setting, argument or option has a value that cannot be used. The message names it and what is valid. */
export class InvalidArgumentError extends TscrapyError {
  override readonly code: string = 'TSC_ERR_INVALID_ARGUMENT';
}

/** Thrown by a component's factory when it does not apply (e.g. a setting is off); the manager skips it. */
export class NotConfigured extends TscrapyError {
  override readonly code = 'TSC_ERR_NOT_CONFIGURED';
}

/** Raised by a downloader middleware to drop a request (robots.txt, offsite, ...). Not retried. */
export class IgnoreRequest extends TscrapyError {
  override readonly code: string = 'TSC_ERR_IGNORE_REQUEST';
}

/** Raised by an item pipeline to drop an item; counted in `item_dropped_count`. */
export class DropItem extends TscrapyError {
  override readonly code = 'TSC_ERR_DROP_ITEM';
}

/** Raised from a callback to close the spider with `reason`. */
export class CloseSpider extends TscrapyError {
  override readonly code = 'TSC_ERR_CLOSE_SPIDER';
  constructor(readonly reason = 'cancelled') {
    super(`Spider closed: ${reason}`);
  }
}

/** A response whose status is not allowed reaches no callback; its errback gets this. */
export class HttpError extends IgnoreRequest {
  override readonly code = 'TSC_ERR_HTTP_STATUS';
  constructor(readonly response: { status: number; url: string }) {
    super(`Ignoring non-200 response (${response.status}) for ${response.url}`);
  }
}

/** A request or one of its values cannot be turned into JSON (JOBDIR, Redis). */
export class SerializationError extends TscrapyError {
  override readonly code = 'TSC_ERR_SERIALIZATION';
}

/** Errors a retry can cure (timeouts, resets, DNS failures) extend this. */
export class RetryableError extends TscrapyError {
  override readonly code: string = 'TSC_ERR_RETRYABLE';
}

/** The download took longer than `DOWNLOAD_TIMEOUT`. */
export class DownloadTimeoutError extends RetryableError {
  override readonly code = 'TSC_ERR_DOWNLOAD_TIMEOUT';
}

/** The network failed (connection refused/reset, DNS). */
export class ConnectionError extends RetryableError {
  override readonly code = 'TSC_ERR_CONNECTION';
}

/** The body exceeded `DOWNLOAD_MAXSIZE` (counted as received, and after decoding). Not retried. */
export class MaxSizeExceededError extends TscrapyError {
  override readonly code = 'TSC_ERR_MAX_SIZE';
}
