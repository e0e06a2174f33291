/** The exit-code paragraph of the commands that run a crawl (`crawl`, `runspider`, `bench`). */
export const CRAWL_EXIT_HELP = `Exit codes:
  0  the crawl finished: reason finished, shutdown (Ctrl-C or SIGTERM once) or a CLOSESPIDER_* limit
     other than the error count, with no more failures than EXIT_ERROR_THRESHOLD (default 0). Pages
     that failed after their retries (HTTP 500s, timeouts, DNS errors) are logged but are no failure
  1  the crawl failed: another finish reason, a forced stop (a second Ctrl-C), or more failures than
     EXIT_ERROR_THRESHOLD: callbacks or start() that threw or returned something else than requests
     and items, item pipeline errors, items a feed could not export, feeds that could not be stored,
     components that failed to close (-s EXIT_ERROR_THRESHOLD=-1 never fails on them)
  2  usage or configuration error, reported before crawling: bad flags, bad setting values, an unknown
     spider, a spider file that does not compile (the message names file:line:column), an unwritable
     feed path or unknown feed format

Progress: on a terminal, a status line on stderr is redrawn in place (elapsed time, pages and
pages/min, items and items/min, requests in flight and queued, errors, and why the engine holds
back when it does), log lines scroll above it. Otherwise stats lines are logged every
LOGSTATS_INTERVAL seconds (default 60), without escape codes. Colours only on a terminal, and
never when NO_COLOR is set. Logs and progress go to stderr; stdout carries only a "-" feed.`;
