/**
 * Start-up work a crawl process leaves until its crawl is under way (its first response has
 * arrived, or it ended without one), so that it does not stand between the command and its first
 * request: writing the code cache of the crawl bundle (src/cli/crawl-loader.ts) and tuning V8's
 * heap (runCrawl). In that order: a code cache records V8's flags, which the heap tuning changes.
 */
const waiting: Array<() => void> = [];

/** Runs `fn` once the crawl of this process is under way (see {@link crawlUnderWay}). */
export function whenCrawlUnderWay(fn: () => void): void {
  waiting.push(fn);
}

/** Called by runCrawl at the crawl's first response, or at its end: runs what waited, once. */
export function crawlUnderWay(): void {
  for (const fn of waiting.splice(0)) fn();
}
