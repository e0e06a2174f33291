import { TscrapyError } from '../../errors.js';

/** Redis could not be reached at start, or the connection was lost and retries ran out. The message names the URL with its password masked. */
export class RedisConnectionError extends TscrapyError {
  override readonly code = 'TSC_ERR_REDIS_CONNECTION';
}

/**
 * A key of the shared crawl holds something tscrapy did not write (the wrong Redis type, or a
 * value it cannot read), or Redis refused a command on it. The message names the key and what to do.
 */
export class RedisDataError extends TscrapyError {
  override readonly code = 'TSC_ERR_REDIS_DATA';
}
