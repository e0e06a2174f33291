import { availableParallelism, totalmem } from 'node:os';
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

/** Memory per thread PARSE_THREADS=auto allows: a thread's own heap (≈20–25 MiB once it has parsed) stays under a tenth of it. */
const MEMORY_PER_AUTO_THREAD = 256 * 1024 * 1024;

/** What PARSE_THREADS=auto depends on. */
export interface ParseMachine {
  /** Cores this process may run on (`os.availableParallelism()`: it follows `taskset`). */
  cores: number;
  /** Bytes of memory this process may use: the machine's, or its cgroup's limit when lower. */
  memoryBytes: number;
}

/** This process's cores and memory. */
export function currentMachine(): ParseMachine {
  // constrainedMemory() is 0, undefined or 2^64 when there is no limit.
  const limit = process.constrainedMemory?.() ?? 0;
  const memoryBytes = limit > 0 && limit < totalmem() ? limit : totalmem();
  return { cores: availableParallelism(), memoryBytes };
}

/**
 * PARSE_THREADS=auto: a thread per core but the one the event loop runs on, and at most one per
 * 256 MiB of memory. It is a maximum: threads start only while those running fall behind
 * (ParsePool), so a crawl that cannot keep them busy starts fewer.
 */
export function autoParseThreads(machine: ParseMachine): number {
  return Math.max(0, Math.min(machine.cores - 1, Math.floor(machine.memoryBytes / MEMORY_PER_AUTO_THREAD)));
}

/**
 * Threads for PARSE_THREADS: a number as given, or `autoParseThreads()` for 'auto'.
 * @throws InvalidArgumentError naming the setting when the value is neither.
 */
export function parseThreadCount(value: unknown, machine: ParseMachine = currentMachine()): number {
  if (value === 'auto' || value === null || value === undefined) return autoParseThreads(machine);
  const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 0 || n > 64) {
    throw new InvalidArgumentError(`PARSE_THREADS must be 'auto' or a whole number from 0 to 64 (0: parse on the main thread), got ${JSON.stringify(value)}`);
  }
  return n;
}

export interface ParseAheadOptions {
  /** Most parse threads (at least 1; with none, the crawl has no ParseAhead); they start as needed. */
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
 * `parse/main_count`, (pages parsed ahead for nothing) `parse/thread_unused_count` and (threads
 * the crawl started, at most PARSE_THREADS) `parse/threads_started`.
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
    // Bounded by the threads running, not the most there may be: pages queued behind a thread
    // that is slow to start would wait (and hold their memory) when the main thread is free.
    if (pool.backlog >= Math.max(1, pool.threadCount) * QUEUE_PER_THREAD) return;
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
    if (this.#pool.threadCount > 0) this.#opts.stats.setValue('parse/threads_started', this.#pool.threadCount);
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
