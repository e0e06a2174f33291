import { InvalidArgumentError } from '../crawler/errors.js';

/** A value was set on an `Item` field the class does not declare (Scrapy's KeyError "does not support field"). */
export class UnknownFieldError extends InvalidArgumentError {
  override readonly code = 'TSC_ERR_UNKNOWN_FIELD';
}
