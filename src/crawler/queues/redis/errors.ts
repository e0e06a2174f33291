import { TscrapyError } from '../../errors.js';

/** Redis could not be reached at start, or the connection was lost and retries ran out. The message names the URL with its password masked. */
export class RedisConnectionError extends TscrapyError {
  override readonly code = 'TSC_ERR_REDIS_CONNECTION';
}
