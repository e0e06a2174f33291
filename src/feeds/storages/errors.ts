import { TscrapyError } from '../../crawler/errors.js';

/** A remote storage (S3, FTP…) is misconfigured, unreachable or refused an operation. */
export class StorageError extends TscrapyError {
  override readonly code: string = 'TSC_ERR_STORAGE';
}
