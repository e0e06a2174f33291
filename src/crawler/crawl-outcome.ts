/**
 * Whether a crawl succeeded: one rule for `tscrapy crawl`/`runspider`/`bench` (their exit
 * code) and for server jobs (the job's exit code and message).
 */

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

/**
 * The stats that count as the crawl's own failures, with what each is in words. Pages that
 * could not be fetched after their retries (HTTP 500s, timeouts, DNS errors) are not among
 * them: as in Scrapy, a site's errors are logged and counted (`downloader/exception_count`,
 * `retry/max_reached`, `httperror/response_ignored_count`) but do not fail a crawl. What the
 * spider author must fix does: a callback or start() that threw, a callback output that is
 * neither a request nor an item, an item pipeline error that is not a DropItem, an item a
 * feed could not export, a feed that could not be stored, a component that failed to close
 * (a JOBDIR not saved, a pipeline not flushed).
 */
export const FAILURE_STATS: ReadonlyArray<readonly [key: string, one: string, many: string]> = [
  ['spider_exceptions/count', 'callback error', 'callback errors'],
  ['spider_output_error_count', 'invalid callback output', 'invalid callback outputs'],
  ['item_error_count', 'item pipeline error', 'item pipeline errors'],
  ['feedexport/item_errors_count', 'item a feed could not export', 'items a feed could not export'],
  ['feedexport/failed_count', 'feed that could not be stored', 'feeds that could not be stored'],
  ['close_error_count', 'component that failed to close', 'components that failed to close'],
];

/** The exit code of a finished crawl and, when it is not 0, why. */
export interface CrawlOutcome {
  exitCode: 0 | 1;
  /** Why the exit code is 1; undefined when it is 0. */
  failure?: string;
}

/** The crawl's failures (see {@link FAILURE_STATS}), counted from its stats. */
export function countFailures(stats: Record<string, unknown>): { total: number; parts: string[] } {
  let total = 0;
  const parts: string[] = [];
  for (const [key, one, many] of FAILURE_STATS) {
    const n = Number(stats[key] ?? 0);
    if (!(n > 0)) continue;
    total += n;
    parts.push(`${n} ${n === 1 ? one : many}`);
  }
  return { total, parts };
}

/**
 * The rule, said in `crawl --help` and the README: 1 when the finish reason is not a success
 * (see {@link SUCCESS_REASONS}), when a second signal forced the stop, or when the crawl had
 * more failures (see {@link FAILURE_STATS}) than EXIT_ERROR_THRESHOLD (default 0; -1 never
 * fails on them). Else 0.
 */
export function crawlOutcome(stats: Record<string, unknown>, reason: string, threshold: number, forced = false): CrawlOutcome {
  if (forced) return { exitCode: 1, failure: 'the crawl was stopped by force (second signal); requests in flight were abandoned' };
  if (!SUCCESS_REASONS.has(reason)) return { exitCode: 1, failure: `the crawl finished with reason "${reason}"` };
  const { total, parts } = countFailures(stats);
  if (threshold >= 0 && total > threshold) {
    return {
      exitCode: 1,
      failure: `the crawl had ${parts.join(', ')} (EXIT_ERROR_THRESHOLD is ${threshold}; -s EXIT_ERROR_THRESHOLD=-1 ignores them)`,
    };
  }
  return { exitCode: 0 };
}
