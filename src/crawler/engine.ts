import { asAsyncIterable } from './callback-output.js';
import { RequestNotSentError } from './downloader/errors.js';
import type { Downloader } from './downloader/types.js';
import { Request } from './http/request.js';
import type { Response } from './http/response.js';
import { LEVELS, type Logger } from './logger.js';
import type { Scheduler } from './scheduler.js';
import type { Scraper } from './scraper.js';
import type { SignalManager } from './signals.js';
import type { Spider } from './spider.js';
import type { SpiderMiddlewareManager } from './spidermw/manager.js';
import type { StatsCollector } from './stats.js';

export interface EngineParts {
  spider: Spider;
  scheduler: Scheduler;
  downloader: Downloader;
  scraper: Scraper;
  spidermw: SpiderMiddlewareManager;
  signals: SignalManager;
  stats: StatsCollector;
  logger: Logger;
  /** Start requests may run this far ahead of the downloader (pending in the scheduler). */
  startLookahead: number;
}

/** What the engine is doing now, for the live status line and `tscrapy` progress. */
export interface EngineStatus {
  inFlight: number;
  pending: number;
  scraping: boolean;
  /** Bytes of responses and items the scraper holds (budget: SCRAPER_SLOT_MAX_ACTIVE_SIZE). */
  scraperBytes: number;
  /** Items in the pipelines. */
  itemsInProgress: number;
  /** Why no new request is being started now, or null. */
  holdingBack: string | null;
}

/**
 * Drives one crawl: pulls requests from the scheduler while the downloader has room and the
 * scraper is not backed up, feeds start requests in lazily, and closes the spider when idle.
 */
export class Engine {
  readonly #p: EngineParts;
  #running = false;
  #forced = false;
  #start: AsyncIterator<unknown> | null = null;
  #startDone = false;
  #startBusy = false;
  /** start() outputs recorded by earlier runs of a JOBDIR job: skipped, never scheduled twice. */
  #startSkip = 0;
  #startConsumed = 0;
  #inFlight = 0;
  /** Requests taken from the scheduler whose handling (download, callback, ack) is not over. */
  #handling = 0;
  #pumping = false;
  #kickScheduled = false;
  #again = false;
  #scraperHold: string | null = null;
  #holdSince = 0;
  #heartbeat: NodeJS.Timeout | null = null;
  #closeReason: string | null = null;
  #finished!: Promise<void>;
  #resolveFinished!: () => void;
  #idleCheck = false;
  #waiters: Array<() => void> = [];

  constructor(parts: EngineParts) {
    this.#p = parts;
    this.#finished = new Promise((resolve) => (this.#resolveFinished = resolve));
  }

  /** Starts crawling; resolves with the close reason once everything is drained. */
  async run(): Promise<string> {
    const { spider, spidermw } = this.#p;
    this.#running = true;
    // A worker joining a shared (Redis) crawl that another worker seeded takes requests from the queue only.
    // A resumed JOBDIR job does not replay start requests it already recorded (no page twice):
    // start() must then yield the same sequence on every run.
    const progress = this.#p.scheduler.startProgress();
    if (progress?.done) this.#startDone = true;
    else {
      this.#startSkip = this.#startConsumed = progress?.consumed ?? 0;
      const start = this.#p.scheduler.seedsStart() ? asAsyncIterable(spider.start()) : noStartRequests();
      this.#start = spidermw.wrapStart(start, spider)[Symbol.asyncIterator]();
    }
    // A slow or stalled remote queue never looks idle: re-check regularly, like Scrapy's heartbeat.
    this.#heartbeat = setInterval(() => this.kick(), 1000);
    void this.#feedStart();
    this.kick();
    await this.#finished;
    return this.#closeReason ?? 'finished';
  }

  /**
   * Schedules a request (from a callback, an extension or a redirect). Returns a promise only
   * when the scheduler's backend is asynchronous (disk, Redis): with the memory backend a
   * callback's whole output is routed without yielding, so its parsed page dies young.
   */
  crawl(request: Request): void | Promise<void> {
    try {
      const added = this.#p.scheduler.enqueue(request);
      if (added === true) this.#scheduled(request);
      else if (added !== false) return added.then((ok) => void (ok && this.#scheduled(request)), (err: unknown) => this.#dropped(request, err));
    } catch (err) {
      this.#dropped(request, err);
    }
  }

  /**
   * Downloads `request` outside the scheduler, like Scrapy's `engine.download()` (media
   * pipelines use it): it shares the downloader's slots, delays and middlewares (robots,
   * retries, redirects), and the response goes to the caller, never to a spider callback. A
   * follow-up request from a middleware (retry, redirect) is downloaded the same way.
   */
  async download(request: Request): Promise<Response> {
    const { downloader, spider, signals, stats, logger } = this.#p;
    let current = request;
    for (;;) {
      this.#inFlight++;
      this.#handling++;
      let result: Response | Request;
      try {
        result = await downloader.fetch(current, spider);
      } finally {
        this.#inFlight--;
        this.#handling--;
        this.kick();
      }
      if (result instanceof Request) {
        current = result;
        continue;
      }
      stats.incValue('response_received_count');
      if (logger.isEnabledFor(LEVELS.DEBUG)) logger.debug(`Crawled (${result.status}) ${current} (referer: ${current.headers.get('Referer') ?? 'None'})`);
      if (signals.has('responseReceived')) signals.send('responseReceived', { response: result, request: current, spider });
      return result;
    }
  }

  #scheduled(request: Request): void {
    const { signals, spider } = this.#p;
    if (signals.has('requestScheduled')) signals.send('requestScheduled', { request, spider });
    this.kick();
  }

  #dropped(request: Request, err: unknown): void {
    const { signals, spider, logger, stats } = this.#p;
    stats.incValue('scheduler/dropped');
    logger.error(`Could not schedule ${request}: ${(err as Error).message}`);
    signals.send('requestDropped', { request, spider, reason: (err as Error).message });
  }

  /**
   * Pulls from the scheduler on the next turn of the event loop (call after anything that may
   * free capacity). Deferring lets a callback's whole batch of requests reach the scheduler
   * before the next pull, so priorities decide, and coalesces many kicks into one pull.
   */
  kick(): void {
    if (this.#kickScheduled) return;
    this.#kickScheduled = true;
    setImmediate(() => {
      this.#kickScheduled = false;
      if (this.#pumping) {
        this.#again = true;
        return;
      }
      this.#pumping = true;
      void this.#pump();
    });
  }

  status(): EngineStatus {
    return {
      inFlight: this.#inFlight,
      pending: this.#p.scheduler.pending,
      scraping: !this.#p.scraper.idle,
      scraperBytes: this.#p.scraper.activeSize,
      itemsInProgress: this.#p.scraper.activeItems,
      holdingBack: this.#running ? this.#backoutReason() : null,
    };
  }

  /**
   * Stops the crawl with `reason`. Graceful: no new requests start, not even those already
   * waiting in the downloader (for DOWNLOAD_DELAY, a slot or a retry backoff: they stay
   * unacknowledged, so a JOBDIR or Redis queue keeps them); in-flight ones finish and their
   * output is processed. `force` (a second Ctrl-C) stops without waiting for them.
   */
  close(reason: string, force = false): void {
    if (force) this.#forced = true;
    if (this.#closeReason === null) {
      this.#closeReason = reason;
      this.#running = false;
      this.#p.logger.info(`Closing spider (${reason})`);
      const unsent = this.#p.downloader.stopStarting?.() ?? 0;
      if (unsent > 0) {
        this.#p.logger.info(
          `Not sending ${unsent} request${unsent === 1 ? '' : 's'} waiting in the downloader (download delay, per-domain limit or retry backoff); waiting only for those in flight`,
        );
      }
    }
    this.#maybeFinish();
  }

  /** True once a second stop forced the crawl to end without waiting for what was in flight. */
  get forced(): boolean {
    return this.#forced;
  }

  get closing(): boolean {
    return this.#closeReason !== null;
  }

  #backoutReason(): string | null {
    const d = this.#p.downloader.backoutReason();
    if (d) return d;
    return this.#p.scraper.needsBackout() ? 'slow item pipelines or callbacks' : null;
  }

  async #pump(): Promise<void> {
    const { scheduler } = this.#p;
    try {
      do {
        this.#again = false;
        while (this.#running && !this.#backoutReason()) {
          const request = await scheduler.next();
          if (!request) break;
          this.#download(request);
        }
        this.#updateScraperHold();
      } while (this.#again && this.#running);
    } catch (err) {
      this.#p.logger.error(`Engine error: ${(err as Error).stack ?? err}`);
      this.close('error');
    } finally {
      this.#pumping = false;
    }
    this.#wakeStart();
    this.#maybeFinish();
  }

  /** Logs, counts and signals when the scraper starts or stops holding the crawl back. */
  #updateScraperHold(): void {
    const { scraper, logger, stats, signals, spider } = this.#p;
    const hold = this.#running && scraper.needsBackout() ? 'slow item pipelines or callbacks' : null;
    if (hold === this.#scraperHold) return;
    this.#scraperHold = hold;
    if (hold) {
      this.#holdSince = performance.now();
      stats.incValue('engine/backout_count');
      logger.info(
        `Holding back new requests: ${hold} (${(scraper.activeSize / 1e6).toFixed(1)} MB of responses and items in progress, ` +
          `${scraper.activeItems} items in pipelines; limit SCRAPER_SLOT_MAX_ACTIVE_SIZE)`,
      );
    } else {
      const secs = (performance.now() - this.#holdSince) / 1000;
      stats.incValue('engine/backout_time_seconds', Math.round(secs * 1000) / 1000);
      logger.info(`Resumed taking new requests after holding back for ${secs.toFixed(1)} s`);
    }
    signals.send('backout', { reason: hold, spider });
  }

  #download(request: Request): void {
    const { downloader, spider, signals } = this.#p;
    this.#inFlight++;
    this.#handling++;
    if (signals.has('requestReachedDownloader')) signals.send('requestReachedDownloader', { request, spider });
    downloader
      .fetch(request, spider)
      .then(
        (result) => {
          this.#inFlight--;
          return result instanceof Request ? this.#rescheduled(request, result) : this.#downloaded(request, result);
        },
        (error: unknown) => {
          this.#inFlight--;
          return this.#failed(request, error instanceof Error ? error : new Error(String(error)));
        },
      )
      .catch((err: unknown) => this.#p.logger.error(`Unexpected error handling ${request}: ${(err as Error)?.stack ?? err}`))
      .finally(() => {
        this.#handling--;
        this.kick();
      });
  }

  async #rescheduled(original: Request, next: Request): Promise<void> {
    await this.crawl(next);
    const acked = this.#p.scheduler.done(original);
    if (acked) await acked;
  }

  async #downloaded(request: Request, response: Response): Promise<void> {
    const { stats, signals, spider, logger, scraper, scheduler } = this.#p;
    if (this.#forced) return;
    stats.incValue('response_received_count');
    if (logger.isEnabledFor(LEVELS.DEBUG)) {
      const flags = response.flags.length ? ` ${JSON.stringify(response.flags)}` : '';
      logger.debug(`Crawled (${response.status}) ${request} (referer: ${request.headers.get('Referer') ?? 'None'})${flags}`);
    }
    if (signals.has('responseReceived')) signals.send('responseReceived', { response, request, spider });
    await scraper.handleResponse(response, request);
    if (this.#forced) return;
    const acked = scheduler.done(request);
    if (acked) await acked;
  }

  async #failed(request: Request, error: Error): Promise<void> {
    if (this.#forced) return;
    if (error instanceof RequestNotSentError) {
      // Never sent: no errback, no ack (a persistent queue hands it out on the next run).
      this.#p.stats.incValue('downloader/not_sent_on_stop_count');
      return;
    }
    await this.#p.scraper.handleFailure(error, request);
    if (this.#forced) return;
    const acked = this.#p.scheduler.done(request);
    if (acked) await acked;
  }

  /**
   * Feeds `spider.start()` output in, staying a little ahead of the downloader. A shared frontier
   * (Redis) is fed ahead of the shared backlog instead, since every worker takes from it, and its
   * round trips overlap (up to START_OUTPUTS_IN_FLIGHT outputs stored at once).
   */
  async #feedStart(): Promise<void> {
    const { scraper, scheduler, logger, stats } = this.#p;
    this.#startBusy = true;
    const storing = new Set<Promise<void>>();
    try {
      while (this.#running && this.#start) {
        if (this.#startHeld()) {
          await new Promise<void>((resolve) => this.#waiters.push(resolve));
          continue;
        }
        const next = await this.#start.next();
        if (next.done) break;
        if (this.#startSkip > 0) {
          this.#startSkip--;
          continue;
        }
        const handled = scraper.handleStartOutput(next.value);
        if (scheduler.sharedStartRoom() === null) {
          await handled;
          scheduler.markStart(++this.#startConsumed, false);
          continue;
        }
        // Shared frontier: no start progress to record in order (markStart is for JOBDIR).
        this.#startConsumed++;
        storing.add(handled);
        const forget = () => void storing.delete(handled);
        handled.then(forget, forget);
        if (storing.size >= START_OUTPUTS_IN_FLIGHT) await Promise.race(storing);
      }
      await Promise.all(storing);
      if (this.#running) {
        this.#startDone = true;
        scheduler.markStart(this.#startConsumed, true);
      }
    } catch (err) {
      stats.incValue('spider_exceptions/count');
      logger.error(`Error while obtaining start requests: ${(err as Error)?.stack ?? err}`);
      this.#startDone = true;
      scheduler.markStart(this.#startConsumed, true);
    } finally {
      this.#startBusy = false;
      this.kick();
    }
  }

  /** Whether start() must wait: the downloader is full or enough is pending (a shared frontier: its backlog is long enough). */
  #startHeld(): boolean {
    const { scheduler, scraper } = this.#p;
    const room = scheduler.sharedStartRoom();
    if (room !== null) return !room || scraper.needsBackout();
    return this.#backoutReason() !== null || scheduler.pending >= this.#p.startLookahead;
  }

  #wakeStart(): void {
    if (this.#waiters.length === 0) return;
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const w of waiters) w();
  }

  #isIdle(): boolean {
    return (
      // Not only the downloader: with an asynchronous scheduler (Redis) a redirect's enqueue or
      // an ack may still be in progress, and an idle shared-crawl worker hands its leases back.
      this.#handling === 0 &&
      this.#p.scraper.idle &&
      !this.#pumping &&
      !this.#kickScheduled &&
      (this.#closeReason !== null || (this.#startDone && !this.#startBusy && !this.#p.scheduler.hasPending()))
    );
  }

  #maybeFinish(): void {
    if (this.#closeReason !== null) {
      this.#wakeStart();
      if (this.#forced || this.#isIdle()) this.#finish();
      return;
    }
    if (!this.#isIdle() || this.#idleCheck) return;
    this.#idleCheck = true;
    void this.#p.signals.sendAsync('spiderIdle', { spider: this.#p.spider }).finally(() => {
      this.#idleCheck = false;
      // An idle handler may have scheduled more work.
      if (this.#isIdle() && this.#closeReason === null) this.close('finished');
      else this.kick();
    });
  }

  #finish(): void {
    if (this.#heartbeat) {
      clearInterval(this.#heartbeat);
      this.#heartbeat = null;
    }
    this.#running = false;
    this.#resolveFinished();
  }
}

/** Start outputs a shared-frontier seeder stores at once (their round trips overlap). */
const START_OUTPUTS_IN_FLIGHT = 64;

async function* noStartRequests(): AsyncGenerator<never> {}
