import { EXIT } from './base-command.js';

/**
 * Finish reasons of a crawl that did what it was asked: it ran out of requests, was stopped by
 * Ctrl-C/SIGTERM (gracefully), or reached a CLOSESPIDER_* limit other than the error count.
 */
export const SUCCESS_REASONS: ReadonlySet<string> = new Set([
  'finished',
  'shutdown',
  'closespider_itemcount',
  'closespider_pagecount',
  'closespider_timeout',
  'closespider_timeout_no_item',
]);

/** The exit code of a finished crawl and, when it is not 0, why. */
export interface CrawlOutcome {
  exitCode: number;
  /** Why the exit code is 1; undefined when it is 0. */
  failure?: string;
}

/**
 * The CLI's rule, said in `crawl --help`: exit 1 when the finish reason is not a success
 * (see {@link SUCCESS_REASONS}), when a second signal forced the stop, or when the crawl logged
 * more ERROR lines than EXIT_ERROR_THRESHOLD (default 0; -1 never fails on errors). Else 0.
 */
export function crawlOutcome(stats: Record<string, unknown>, reason: string, threshold: number, forced = false): CrawlOutcome {
  if (forced) return { exitCode: EXIT.failed, failure: 'the crawl was stopped by force (second signal); requests in flight were abandoned' };
  if (!SUCCESS_REASONS.has(reason)) return { exitCode: EXIT.failed, failure: `the crawl finished with reason "${reason}"` };
  const errors = Number(stats['log_count/ERROR'] ?? 0);
  if (threshold >= 0 && errors > threshold) {
    return {
      exitCode: EXIT.failed,
      failure: `the crawl logged ${errors} error${errors === 1 ? '' : 's'} (EXIT_ERROR_THRESHOLD is ${threshold}; -s EXIT_ERROR_THRESHOLD=-1 ignores errors)`,
    };
  }
  return { exitCode: EXIT.ok };
}
