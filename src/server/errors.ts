import { InvalidArgumentError, TscrapyError } from '../crawler/errors.js';

/** A server config value (file, env var or flag) cannot be used; the message names the key, its source and what is valid. */
export class ServerConfigError extends InvalidArgumentError {}

/**
 * An API call failed in a way the client can fix (missing parameter, unknown project...).
 * `httpStatus` is the honest status; Scrapyd answers 200 for these, so the router only uses
 * it when `error_status_codes` is on.
 */
export class ApiError extends TscrapyError {
  override readonly code = 'TSC_ERR_SERVER_API';
  constructor(
    message: string,
    readonly httpStatus = 400,
  ) {
    super(message);
  }
}

/** An uploaded bundle was refused (not a tar.gz, unsafe entry, over a limit, bad manifest, hash mismatch). */
export class BundleRejectedError extends TscrapyError {
  override readonly code = 'TSC_ERR_BUNDLE_REJECTED';
}
