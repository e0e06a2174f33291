import type { CrawlerContext } from './components.js';
import { requestFingerprint } from './fingerprint.js';
import type { Request } from './http/request.js';
import type { Logger } from './logger.js';
import { isStartTracker, type StartProgress } from './queues/disk/index.js';
import { createQueueBackend, type DupeFilter, type RequestQueue } from './queues/index.js';
import type { Spider } from './spider.js';
import type { StatsCollector } from './stats.js';

export interface SchedulerOptions {
  queue: RequestQueue;
  dupefilter: DupeFilter;
  stats: StatsCollector;
  logger: Logger;
  /** Shown in `scheduler/enqueued/<kind>`. @default 'memory' */
  kind?: string;
  /** Log every filtered duplicate, not only the first. */
  debugDupes?: boolean;
  /** Dedup + store in one atomic step (shared backends); replaces dupefilter-then-push. */
  enqueueUnique?: (request: Request, fingerprint: string) => Promise<boolean>;
  /** False when another worker of a shared crawl already fed the start requests. */
  seedsStart?: () => boolean;
  /** A shared frontier: whether `start()` should feed more now (see QueueBackend.startRoom). */
  startRoom?: () => boolean;
}

/**
 * Holds the frontier: drops duplicates (by fingerprint, unless `dontFilter`), stores requests
 * in the queue backend, hands them out by priority, and acks them once they are done.
 */
export class Scheduler {
  readonly #queue: RequestQueue;
  readonly #dupefilter: DupeFilter;
  readonly #stats: StatsCollector;
  readonly #logger: Logger;
  readonly #kind: string;
  readonly #debugDupes: boolean;
  readonly #enqueueUnique: SchedulerOptions['enqueueUnique'];
  readonly #seedsStart: SchedulerOptions['seedsStart'];
  readonly #startRoom: SchedulerOptions['startRoom'];
  #loggedDupe = false;

  constructor(options: SchedulerOptions) {
    this.#queue = options.queue;
    this.#dupefilter = options.dupefilter;
    this.#stats = options.stats;
    this.#logger = options.logger;
    this.#kind = options.kind ?? 'memory';
    this.#debugDupes = options.debugDupes ?? false;
    this.#enqueueUnique = options.enqueueUnique;
    this.#seedsStart = options.seedsStart;
    this.#startRoom = options.startRoom;
  }

  static async fromCrawler(crawler: CrawlerContext): Promise<Scheduler> {
    const backend = await createQueueBackend(crawler);
    return new Scheduler({
      ...backend,
      stats: crawler.stats,
      logger: crawler.logger.child('tscrapy.core.scheduler'),
      debugDupes: crawler.settings.getBool('DUPEFILTER_DEBUG'),
    });
  }

  async open(spider: Spider): Promise<void> {
    await this.#dupefilter.open(spider);
    await this.#queue.open(spider);
  }

  /**
   * Stores `request` unless it is a duplicate. Returns false when it was filtered; throws when
   * the backend cannot store it (the engine reports that as `requestDropped`). Synchronous when
   * the backend is (memory): callers then need not yield to the event loop per request.
   */
  enqueue(request: Request): boolean | Promise<boolean> {
    if (!request.dontFilter && this.#enqueueUnique) {
      return Promise.resolve(this.#enqueueUnique(request, requestFingerprint(request))).then((added) => {
        if (!added) this.#logDupe(request);
        else this.#countEnqueued();
        return added;
      });
    }
    if (!request.dontFilter) {
      const seen = this.#dupefilter.seen(requestFingerprint(request));
      if (seen === true) return this.#logDupe(request);
      if (seen !== false) return seen.then((dup) => (dup ? this.#logDupe(request) : this.#push(request)));
    }
    return this.#push(request);
  }

  #push(request: Request): boolean | Promise<boolean> {
    const pushed = this.#queue.push(request);
    if (pushed instanceof Promise) return pushed.then(() => this.#countEnqueued());
    return this.#countEnqueued();
  }

  #countEnqueued(): true {
    this.#stats.incValue('scheduler/enqueued');
    this.#stats.incValue(`scheduler/enqueued/${this.#kind}`);
    return true;
  }

  /** The next request, or null when none is ready now. */
  async next(): Promise<Request | null> {
    const popped = this.#queue.pop();
    const r = popped instanceof Promise ? await popped : popped;
    if (r) {
      this.#stats.incValue('scheduler/dequeued');
      this.#stats.incValue(`scheduler/dequeued/${this.#kind}`);
    }
    return r;
  }

  /**
   * The request's callback output is recorded: the backend may forget it. Synchronous when the
   * backend is (memory): once per response, callers then need not wait a turn for nothing.
   */
  done(request: Request): void | Promise<void> {
    return this.#queue.ack(request);
  }

  /** How far earlier runs of this job got through `spider.start()` (JOBDIR), or null. */
  startProgress(): StartProgress | null {
    return isStartTracker(this.#queue) ? this.#queue.startProgress() : null;
  }

  /** Records that `consumed` start() outputs are enqueued (and `done` when start() is exhausted). */
  markStart(consumed: number, done: boolean): void {
    if (isStartTracker(this.#queue)) this.#queue.markStart(consumed, done);
  }

  /** Whether this crawler feeds `spider.start()`: false for a worker joining a shared crawl already seeded. */
  seedsStart(): boolean {
    return this.#seedsStart?.() ?? true;
  }

  /**
   * For a shared frontier (Redis), whether `start()` should feed more requests now; null for a
   * local one, which the engine paces by its own downloader and `pending`.
   */
  sharedStartRoom(): boolean | null {
    return this.#startRoom ? this.#startRoom() : null;
  }

  hasPending(): boolean {
    return this.#queue.size() > 0;
  }

  /** Pending requests. */
  get pending(): number {
    return this.#queue.size();
  }

  /** Fingerprints seen. */
  get seen(): number {
    return this.#dupefilter.size();
  }

  async close(reason: string): Promise<void> {
    const errors: unknown[] = [];
    for (const part of [this.#queue, this.#dupefilter]) {
      try {
        await part.close(reason);
      } catch (err) {
        errors.push(err);
      }
    }
    if (errors.length) throw errors[0];
  }

  #logDupe(request: Request): false {
    this.#stats.incValue('dupefilter/filtered');
    if (this.#debugDupes) this.#logger.debug(`Filtered duplicate request: ${request}`);
    else if (!this.#loggedDupe) {
      this.#loggedDupe = true;
      this.#logger.debug(
        `Filtered duplicate request: ${request} - no more duplicates will be shown (see DUPEFILTER_DEBUG to show all duplicates)`,
      );
    }
    return false;
  }
}
