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
  override readonly code: string = 'TSC_ERR_JOBDIR_CORRUPT';
  constructor(
    readonly file: string,
    readonly what: string,
    remedy = 'The job cannot resume safely; restore the file from a backup, or use a new JOBDIR to start the job afresh',
  ) {
    super(`${file}: ${what}. ${remedy}`);
  }
}

/**
 * The request log of a JOBDIR is damaged (a file missing, truncated or changed, a bad record that
 * is not a torn write after a crash). Resuming would lose requests, so the crawl does not start;
 * JOBDIR_REPAIR (`--jobdir-repair`) continues with what is readable.
 */
export class JobdirQueueDamagedError extends JobdirCorruptError {
  override readonly code = 'TSC_ERR_JOBDIR_QUEUE_DAMAGED';
  constructor(
    root: string,
    readonly problems: string[],
  ) {
    super(
      `${root}`,
      `the queue of this job is damaged:\n  - ${problems.join('\n  - ')}\n`,
      'Resuming would silently lose the requests it held, so the crawl did not start. Restore the files from a backup; ' +
        'or run the same command with --jobdir-repair (-s JOBDIR_REPAIR=true) to continue with what is readable ' +
        '(requests recorded in the damaged part are not crawled, and some done ones may be crawled again); or use a new JOBDIR to start afresh',
    );
  }
}
