import { TscrapyError } from '../errors.js';

/** Something is wrong with a JOBDIR; the message names the file and what is wrong. */
export class JobdirError extends TscrapyError {
  override readonly code: string = 'TSC_ERR_JOBDIR';
}

/** Another live process holds the JOBDIR's lock. */
export class JobdirLockedError extends JobdirError {
  override readonly code = 'TSC_ERR_JOBDIR_LOCKED';
}

/** The JOBDIR was written by an incompatible format version (or for another spider). */
export class JobdirVersionError extends JobdirError {
  override readonly code = 'TSC_ERR_JOBDIR_VERSION';
}

/** A JOBDIR file is damaged somewhere other than a torn tail; it is never silently discarded. */
export class JobdirCorruptError extends JobdirError {
  override readonly code = 'TSC_ERR_JOBDIR_CORRUPT';
  constructor(
    readonly file: string,
    what: string,
  ) {
    super(`${file}: ${what}. The job cannot resume safely; restore the file from a backup, or use a new JOBDIR to start the job afresh`);
  }
}
