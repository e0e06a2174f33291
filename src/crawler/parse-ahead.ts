import { availableParallelism } from 'node:os';
import { ParsePool } from '../selector/parse-pool.js';
import { InvalidArgumentError } from './errors.js';
import { markupType } from './http/encoding.js';
import type { Request } from './http/request.js';
import type { ParseUse, Response } from './http/response.js';
import type { Logger } from './logger.js';
import type { StatsCollector } from './stats.js';

/** HTML pages parsed on the main thread before the pool starts: short crawls never start a thread. */
export const WARM_UP_PAGES = 32;
/** Pages queued per thread beyond which the main thread parses the next ones itself. */
const QUEUE_PER_THREAD = 16;

/**
 * Threads for PARSE_THREADS: a number as given, or for 'auto' one per core but the one the
 * event loop runs on, at most 4.
 * @throws InvalidArgumentError naming the setting when the value is neither.
 */
export function parseThreadCount(value: unknown): number {
  if (value === 'auto' || value === null || value === undefined) return Math.max(0, Math.min(4, availableParallelism() - 1));
  const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 0 || n > 64) {
    throw new InvalidArgumentError(`PARSE_THREADS must be 'auto' or a whole number from 0 to 64 (0: parse on the main thread), got ${JSON.stringify(value)}`);
  }
  return n;
}

export interface ParseAheadOptions {
  /** Parse threads (at least 1; with none, the crawl has no ParseAhead). */
  threads: number;
  stats: StatsCollector;
  logger: Logger;
}

/**
 * Parses HTML responses on worker threads before their callback runs, for the callbacks that
 * use selectors: parse5 is most of a crawl's CPU, and this way it runs beside the event loop
 * instead of on it. Which callbacks query their page is learned from what they did last
 * time, so a callback that reads JSON or never calls `css()` is not parsed for; the first
 * pages of a crawl parse lazily on the main thread, as always. When the threads fall behind,
 * the main thread parses the next pages itself. Counted in `parse/thread_count`,
 * `parse/main_count` and (pages parsed ahead for nothing) `parse/thread_unused_count`.
 */
export class ParseAhead {
  readonly #opts: ParseAheadOptions;
  readonly #pool: ParsePool;
  /** Whether each callback used its response's selector the last time it ran. */
  readonly #usedByFn = new WeakMap<Function, boolean>();
  readonly #usedByName = new Map<string, boolean>();
  #mainParsed = 0;

  constructor(opts: ParseAheadOptions) {
    this.#opts = opts;
    this.#pool = new ParsePool({
      threads: opts.threads,
      onFailure: (err) => opts.logger.warn(`Parsing on the main thread from now on: ${err.message}`),
    });
  }

  /**
   * Parses `response` on a thread when its callback is expected to query it; resolves once the
   * tree is adopted. Returns nothing when the page is left to parse lazily.
   */
  prepare(response: Response, request: Request): void | Promise<void> {
    const pool = this.#pool;
    if (!pool.usable || this.#mainParsed < WARM_UP_PAGES) return;
    if (this.#usedLastTime(request) === false || response.body.length === 0 || !response.isText) return;
    if (pool.backlog >= this.#opts.threads * QUEUE_PER_THREAD) return;
    if (markupType(response.body, response.headers.get('content-type')) !== 'html') return;
    return pool.parse(response.body, response.encoding).then((page) => {
      if (page !== null) response.adoptParsed(page);
    });
  }

  /** Learns from how the callback used its response (`Response.releaseParsed()`'s answer). */
  record(request: Request, use: ParseUse): void {
    const used = use !== 'unused' && use !== 'thread-unused';
    const cb = callbackOf(request);
    if (typeof cb === 'function') this.#usedByFn.set(cb, used);
    else this.#usedByName.set(cb, used);
    if (use === 'main') {
      this.#mainParsed++;
      this.#opts.stats.incValue('parse/main_count');
    } else if (use === 'thread') {
      this.#opts.stats.incValue('parse/thread_count');
    } else if (use === 'thread-unused') {
      this.#opts.stats.incValue('parse/thread_unused_count');
    }
  }

  close(): Promise<void> {
    return this.#pool.close();
  }

  #usedLastTime(request: Request): boolean | undefined {
    const cb = callbackOf(request);
    return typeof cb === 'function' ? this.#usedByFn.get(cb) : this.#usedByName.get(cb);
  }
}

/** The callback a request's response goes to: a function, or a spider method's name. */
function callbackOf(request: Request): Function | string {
  return request.callback ?? 'parse';
}
