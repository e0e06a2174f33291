import { SerializationError } from '../../errors.js';
import type { Request } from '../../http/request.js';
import type { Logger } from '../../logger.js';
import type { Spider } from '../../spider.js';
import type { StatsCollector } from '../../stats.js';
import { MemoryQueue } from '../memory-queue.js';
import type { RequestQueue } from '../types.js';
import { decodeRequest, encodeRequest, type DiskStore, type StartProgress } from './disk-store.js';

/** A queue that also remembers how far `spider.start()` got (the engine resumes it from there). */
export interface StartTracker {
  /** start() outputs already recorded by an earlier run of the job. */
  startProgress(): StartProgress;
  /** `consumed` outputs of start() are enqueued/exported; `done` when start() is exhausted. */
  markStart(consumed: number, done: boolean): void;
}

export function isStartTracker(q: unknown): q is StartTracker {
  return typeof (q as StartTracker)?.startProgress === 'function' && typeof (q as StartTracker)?.markStart === 'function';
}

export interface DiskQueueOptions {
  store: DiskStore;
  logger: Logger;
  stats?: StatsCollector;
  /** SCHEDULER_DEBUG: keep unserializable requests in memory (lost on pause) instead of failing them. */
  debug?: boolean;
  /** For the start message: items scraped by earlier runs. */
  itemsSoFar?: number;
  /** True when the JOBDIR held a job already. */
  resumed?: boolean;
}

/**
 * The JOBDIR request queue: requests are serialized (callbacks by method name) into the
 * store's append-only log; a popped request is leased until `ack`, whose promise resolves once
 * the ack is durable. On close, leased requests that were not acked stay pending.
 */
export class DiskQueue implements RequestQueue, StartTracker {
  readonly #store: DiskStore;
  readonly #o: DiskQueueOptions;
  readonly #leased = new WeakMap<Request, number>();
  readonly #memory = new MemoryQueue();
  #spider: Spider | null = null;
  #warned = false;

  constructor(options: DiskQueueOptions) {
    this.#store = options.store;
    this.#o = options;
  }

  open(spider: Spider): void {
    this.#spider = spider;
    this.#store.open();
    const { logger } = this.#o;
    const dir = this.#store.root;
    const sp = this.#store.startProgress;
    if (!this.#o.resumed) {
      logger.info(`Starting a new job in JOBDIR ${dir}; stop it with Ctrl-C (or SIGTERM) and run the same command again to resume it`);
    } else if (sp.done && this.#store.size === 0) {
      logger.info(`The job in JOBDIR ${dir} already finished (${this.#store.loaded.seen} requests seen, ${this.#o.itemsSoFar ?? 0} items); nothing left to crawl. Use a new JOBDIR to crawl again`);
    } else {
      logger.info(
        `Resuming the job in JOBDIR ${dir}: ${this.#store.size} pending requests, ${this.#store.loaded.seen} seen, ${this.#o.itemsSoFar ?? 0} items so far` +
          (sp.done ? '' : `; start requests continue after the first ${sp.consumed}`),
      );
    }
  }

  push(request: Request): void {
    let json: string;
    try {
      json = encodeRequest(request.toJSON(this.#spider ?? undefined));
    } catch (err) {
      if (!(err instanceof SerializationError) || !this.#o.debug) throw err;
      this.#o.stats?.incValue('scheduler/unserializable');
      this.#o.logger.warn(`${err.message} - kept in memory only: it is lost if the job is paused (SCHEDULER_DEBUG)`);
      this.#memory.push(request);
      return;
    }
    this.#store.push(json, request.priority, !request.dontFilter);
  }

  pop(): Request | null {
    // Like Scrapy, memory-only requests go first: they do not survive a pause.
    const mem = this.#memory.pop();
    if (mem) return mem;
    for (;;) {
      const next = this.#store.pop();
      if (!next) return null;
      try {
        const request = decodeRequest(next.json, this.#spider ?? {});
        this.#leased.set(request, next.id);
        return request;
      } catch (err) {
        // E.g. a callback renamed since the job started: report it and drop the record for good.
        this.#o.stats?.incValue('scheduler/restore_errors');
        this.#o.logger.error(`Dropping a stored request that cannot be restored (${next.json.slice(0, 200)}): ${(err as Error).message}`);
        void this.#store.ack(next.id);
      }
    }
  }

  ack(request: Request): Promise<void> | void {
    const id = this.#leased.get(request);
    if (id === undefined) return;
    this.#leased.delete(request);
    return this.#store.ack(id);
  }

  size(): number {
    return this.#store.size + this.#memory.size();
  }

  startProgress(): StartProgress {
    return this.#store.startProgress;
  }

  markStart(consumed: number, done: boolean): void {
    this.#store.markStart(consumed, done);
  }

  async close(reason: string): Promise<void> {
    const lost = this.#memory.size();
    await this.#store.close();
    if (lost && !this.#warned) {
      this.#warned = true;
      this.#o.logger.warn(`${lost} requests that could not be serialized were pending in memory only and are lost`);
    }
    const dir = this.#store.root;
    if (reason === 'finished' && this.#store.size === 0) {
      this.#o.logger.info(`The job in JOBDIR ${dir} is complete`);
    } else {
      this.#o.logger.info(
        `Paused the job in JOBDIR ${dir} (${reason}): ${this.#store.size} requests pending, ${this.#store.seen.size} seen. ` +
          'Run the same command again to resume it',
      );
    }
  }
}
