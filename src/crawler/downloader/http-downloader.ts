import { InvalidArgumentError, TscrapyError } from '../errors.js';
import { Request } from '../http/request.js';
import { Response } from '../http/response.js';
import type { Logger } from '../logger.js';
import type { SignalManager } from '../signals.js';
import type { Spider } from '../spider.js';
import type { AutoThrottle } from './autothrottle.js';
import { DownloaderClosedError, RequestNotSentError, UnsupportedSchemeError } from './errors.js';
import type { DownloadHandler } from './handlers/types.js';
import { Slot, slotKey, type SlotItem } from './slot.js';
import type { Downloader, DownloaderMiddleware } from './types.js';

export interface HttpDownloaderOptions {
  /** In order (lowest number first), as built from DOWNLOADER_MIDDLEWARES. */
  middlewares: DownloaderMiddleware[];
  /** Handlers by URL scheme without the colon: http, https, data, file. */
  handlers: Record<string, DownloadHandler>;
  /** CONCURRENT_REQUESTS. */
  totalConcurrency: number;
  /** CONCURRENT_REQUESTS_PER_DOMAIN. */
  perSlotConcurrency: number;
  /** DOWNLOAD_DELAY (or the spider's `downloadDelay`), seconds. */
  delay: number;
  /** RANDOMIZE_DOWNLOAD_DELAY. */
  randomizeDelay: boolean;
  autoThrottle?: AutoThrottle | null;
  /**
   * Requests that may wait for a handler's admission (a free browser page, BROWSER_MAX_WAITING)
   * without counting against CONCURRENT_REQUESTS, so the crawl keeps taking the requests queued
   * behind them; past it they count like any request. @default 0
   */
  maxWaitingAdmission?: number;
  logger: Logger;
  signals?: SignalManager;
}

type Maybe<T> = T | Promise<T>;
const isThenable = (v: unknown): v is Promise<unknown> => !!v && typeof (v as Promise<unknown>).then === 'function';

/** Above this many slots, idle ones are dropped (their delay clock with them). */
const SLOT_SWEEP_THRESHOLD = 256;

/**
 * The crawl's downloader: runs requests through the downloader middlewares, then through a
 * per-site slot (concurrency, delay, AutoThrottle) to a handler for the URL's scheme.
 */
export class HttpDownloader implements Downloader {
  readonly #o: HttpDownloaderOptions;
  readonly #onRequest: Array<[DownloaderMiddleware, NonNullable<DownloaderMiddleware['processRequest']>]>;
  readonly #onResponse: Array<[DownloaderMiddleware, NonNullable<DownloaderMiddleware['processResponse']>]>;
  readonly #onException: Array<[DownloaderMiddleware, NonNullable<DownloaderMiddleware['processException']>]>;
  readonly #slots = new Map<string, Slot>();
  /** Slots with requests waiting in their queue. */
  readonly #busySlots = new Set<Slot>();
  readonly #sleepers = new Map<NodeJS.Timeout, (error: Error) => void>();
  /** Requests waiting for their handler's admission (see DownloadHandler.admit). */
  readonly #admissions = new Set<{ request: Request; reject: (error: Error) => void }>();
  #active = 0;
  #transferring = 0;
  #backingOff = 0;
  #closed = false;
  /** stopStarting() was called: nothing new is sent. */
  #stopping = false;
  #spider: Spider | null = null;

  constructor(options: HttpDownloaderOptions) {
    for (const key of ['totalConcurrency', 'perSlotConcurrency'] as const) {
      const v = options[key];
      if (!Number.isInteger(v) || v < 1) {
        const name = key === 'totalConcurrency' ? 'CONCURRENT_REQUESTS' : 'CONCURRENT_REQUESTS_PER_DOMAIN';
        throw new InvalidArgumentError(`${name} must be a whole number of 1 or more, got ${v}`);
      }
    }
    if (!(options.delay >= 0)) throw new InvalidArgumentError(`DOWNLOAD_DELAY must be 0 or more seconds, got ${options.delay}`);
    this.#o = options;
    const mws = options.middlewares;
    this.#onRequest = mws.filter((m) => m.processRequest).map((m) => [m, m.processRequest!.bind(m)]);
    this.#onResponse = mws.filter((m) => m.processResponse).map((m) => [m, m.processResponse!.bind(m)] as [DownloaderMiddleware, NonNullable<DownloaderMiddleware['processResponse']>]).reverse();
    this.#onException = mws.filter((m) => m.processException).map((m) => [m, m.processException!.bind(m)] as [DownloaderMiddleware, NonNullable<DownloaderMiddleware['processException']>]).reverse();
    for (const m of mws) m.bindDownloader?.(this);
  }

  get active(): number {
    return this.#active;
  }

  /** The middlewares, in order (for introspection and tests). */
  get middlewares(): readonly DownloaderMiddleware[] {
    return this.#o.middlewares;
  }

  /** The slot of `key` (a hostname or `meta.download_slot`), if it exists now. */
  slot(key: string): Slot | undefined {
    return this.#slots.get(key);
  }

  async open(spider: Spider): Promise<void> {
    this.#spider = spider;
    for (const m of this.#o.middlewares) await m.open?.(spider);
  }

  backoutReason(): string | null {
    const admitting = Math.min(this.#admissions.size, this.#o.maxWaitingAdmission ?? 0);
    if (this.#active - this.#backingOff - admitting < this.#o.totalConcurrency) return null;
    const counts = new Map<string, number>([['concurrency limit', this.#transferring]]);
    const add = (reason: string, n: number) => counts.set(reason, (counts.get(reason) ?? 0) + n);
    // Only those past maxWaitingAdmission hold the crawl back; the others are not counted above.
    if (this.#admissions.size > admitting) add('busy browser pages (BROWSER_MAX_PAGES)', this.#admissions.size - admitting);
    for (const slot of this.#busySlots) add(slot.timer ? 'download delay' : 'per-domain limit', slot.queue.length);
    for (const m of this.#o.middlewares) {
      const w = m.waiting?.();
      if (w && w.count > 0) add(w.reason, w.count);
    }
    let best = 'concurrency limit';
    let bestN = -1;
    for (const [reason, n] of counts) if (n > bestN) [best, bestN] = [reason, n];
    return best;
  }

  async fetch(request: Request, spider: Spider): Promise<Response | Request> {
    if (this.#closed) throw new DownloaderClosedError(`Cannot fetch ${request}: the downloader is closed`);
    this.#active++;
    try {
      let result: Response | Request;
      try {
        result = await this.#requestStage(request, spider);
      } catch (err) {
        // Not a failure of the request: no middleware is to retry or count it.
        if (err instanceof RequestNotSentError) throw err;
        result = await this.#exceptionStage(request, toError(err), spider);
      }
      if (result instanceof Request) return result;
      return await this.#responseStage(request, result, spider);
    } finally {
      this.#active--;
    }
  }

  async #requestStage(request: Request, spider: Spider): Promise<Response | Request> {
    for (const [mw, fn] of this.#onRequest) {
      let r: Maybe<Response | Request | void | undefined | null> = fn(request, spider);
      if (isThenable(r)) r = await r;
      if (r === undefined || r === null) continue;
      if (r instanceof Response || r instanceof Request) return r;
      throw badOutput(mw, 'processRequest', r);
    }
    return this.#download(request);
  }

  async #exceptionStage(request: Request, error: Error, spider: Spider): Promise<Response | Request> {
    for (const [mw, fn] of this.#onException) {
      let r: Maybe<Response | Request | void | undefined | null> = fn(request, error, spider);
      if (isThenable(r)) r = await r;
      if (r === undefined || r === null) continue;
      if (r instanceof Response || r instanceof Request) return r;
      throw badOutput(mw, 'processException', r);
    }
    throw error;
  }

  async #responseStage(request: Request, response: Response, spider: Spider): Promise<Response | Request> {
    let current: Response = response;
    for (const [mw, fn] of this.#onResponse) {
      let r: Maybe<Response | Request> = fn(request, current, spider);
      if (isThenable(r)) r = await r;
      if (r instanceof Request) return r;
      if (!(r instanceof Response)) throw badOutput(mw, 'processResponse', r);
      current = r;
    }
    return current;
  }

  async #download(request: Request): Promise<Response> {
    if (this.#stopping) throw notSent(request);
    const notBefore = request.meta.download_not_before;
    if (typeof notBefore === 'number' && notBefore > Date.now()) {
      // Retry backoff: waiting requests do not count against CONCURRENT_REQUESTS.
      this.#backingOff++;
      try {
        await this.#sleep(notBefore - Date.now());
      } finally {
        this.#backingOff--;
      }
    }
    const colon = request.url.indexOf(':');
    const scheme = request.url.slice(0, colon).toLowerCase();
    const handler = this.#o.handlers[scheme];
    if (!handler) {
      throw new UnsupportedSchemeError(`Unsupported URL scheme "${scheme}" in ${request.url}: tscrapy downloads ${Object.keys(this.#o.handlers).join(', ')}`);
    }
    if (this.#stopping) throw notSent(request);
    const admission = handler.admit?.(request);
    if (admission) await this.#awaitAdmission(request, handler, admission);
    if (this.#stopping || this.#closed) {
      handler.cancelAdmission?.(request);
      throw this.#stopping ? notSent(request) : new DownloaderClosedError(`The downloader closed before ${request} was sent`);
    }
    const slot = this.#slotFor(slotKey(request));
    return new Promise<Response>((resolve, reject) => {
      slot.queue.push(handler.admit ? { request, resolve, reject, admittedBy: handler } : { request, resolve, reject });
      this.#busySlots.add(slot);
      if (this.#o.signals?.has('requestReachedDownloader') && this.#spider) {
        this.#o.signals.send('requestReachedDownloader', { request, spider: this.#spider });
      }
      this.#processQueue(slot, handler);
    });
  }

  /**
   * Waits for the handler to admit `request`, outside its download slot. A request let go
   * meanwhile (stop, close) fails at once; the handler's late admission is then given back.
   */
  #awaitAdmission(request: Request, handler: DownloadHandler, admission: Promise<void>): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const waiter = { request, reject };
      this.#admissions.add(waiter);
      admission.then(
        () => {
          if (this.#admissions.delete(waiter)) resolve();
          else handler.cancelAdmission?.(request);
        },
        (err: unknown) => {
          if (this.#admissions.delete(waiter)) reject(toError(err));
        },
      );
    });
  }

  #slotFor(key: string): Slot {
    let slot = this.#slots.get(key);
    if (slot) return slot;
    if (this.#slots.size >= SLOT_SWEEP_THRESHOLD) this.#sweepSlots();
    const at = this.#o.autoThrottle;
    slot = new Slot(key, this.#o.perSlotConcurrency, at ? at.initialDelay() : this.#o.delay, this.#o.randomizeDelay);
    this.#slots.set(key, slot);
    return slot;
  }

  #sweepSlots(): void {
    const now = performance.now();
    for (const [key, slot] of this.#slots) {
      if (slot.idle && !slot.timer && now - slot.lastSeen > slot.delay * 1500) this.#slots.delete(key);
    }
  }

  #processQueue(slot: Slot, handler?: DownloadHandler): void {
    if (slot.timer || this.#closed || this.#stopping) return;
    const delay = slot.nextDelay();
    if (delay > 0) {
      const penalty = delay * 1000 - (performance.now() - slot.lastSeen);
      if (penalty > 0) {
        slot.timer = setTimeout(() => {
          slot.timer = null;
          this.#processQueue(slot);
        }, penalty);
        return;
      }
    }
    while (slot.queue.length > 0 && slot.transferring < slot.concurrency) {
      slot.lastSeen = performance.now();
      const item = slot.queue.shift()!;
      this.#transfer(slot, item, handler);
      if (delay > 0) {
        // One start per delay: come back when it has passed.
        if (slot.queue.length > 0) this.#processQueue(slot);
        break;
      }
    }
    if (slot.queue.length === 0) this.#busySlots.delete(slot);
  }

  #transfer(slot: Slot, item: SlotItem, handler?: DownloadHandler): void {
    const { request } = item;
    const h = handler ?? this.#o.handlers[request.url.slice(0, request.url.indexOf(':')).toLowerCase()]!;
    slot.transferring++;
    this.#transferring++;
    const done = () => {
      slot.transferring--;
      this.#transferring--;
      if (this.#o.signals?.has('requestLeftDownloader') && this.#spider) {
        this.#o.signals.send('requestLeftDownloader', { request, spider: this.#spider });
      }
      if (slot.queue.length > 0) this.#processQueue(slot);
      else if (slot.idle && slot.delay === 0 && !this.#o.autoThrottle && this.#slots.get(slot.key) === slot) this.#slots.delete(slot.key);
    };
    let p: Promise<Response>;
    try {
      p = h.download(request);
    } catch (err) {
      p = Promise.reject(toError(err));
    }
    p.then(
      (response) => {
        try {
          const at = this.#o.autoThrottle;
          const latency = request.meta.download_latency;
          if (at && typeof latency === 'number') at.adjust(slot, latency, response);
        } catch (err) {
          // A failure beside the download (throttling) is logged; it never loses the response.
          this.#o.logger.error(`Error adjusting the download delay after ${request}: ${toError(err).stack ?? err}`);
        }
        done();
        item.resolve(response);
      },
      (err: unknown) => {
        done();
        item.reject(toError(err));
      },
    );
  }

  /** A timer that close() and stopStarting() cancel (the sleeper then fails with their error). */
  #sleep(ms: number): Promise<void> {
    return new Promise((resolve, reject) => {
      const t = setTimeout(() => {
        this.#sleepers.delete(t);
        resolve();
      }, Math.max(0, ms));
      this.#sleepers.set(t, reject);
    });
  }

  /** Fails every request waiting in a slot or a retry backoff with `error(request)`; returns how many. */
  #letGoWaiting(sleeperError: Error, error: (request: Request) => Error): number {
    let n = this.#sleepers.size;
    for (const [t, reject] of this.#sleepers) {
      clearTimeout(t);
      reject(sleeperError);
    }
    this.#sleepers.clear();
    n += this.#admissions.size;
    for (const w of [...this.#admissions]) {
      this.#admissions.delete(w);
      w.reject(error(w.request));
    }
    for (const slot of this.#slots.values()) {
      if (slot.timer) clearTimeout(slot.timer);
      slot.timer = null;
      n += slot.queue.length;
      for (const item of slot.queue.splice(0)) {
        item.admittedBy?.cancelAdmission?.(item.request);
        item.reject(error(item.request));
      }
    }
    this.#busySlots.clear();
    return n;
  }

  stopStarting(): number {
    if (this.#stopping || this.#closed) return 0;
    this.#stopping = true;
    return this.#letGoWaiting(new RequestNotSentError('The crawl stopped during a retry backoff; the request was not sent again'), notSent);
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#letGoWaiting(new DownloaderClosedError('The downloader closed during a retry backoff'), (r) => new DownloaderClosedError(`The downloader closed before ${r} was sent`));
    this.#slots.clear();
    // Close each part on its own and log failures, so one failing close never skips the others.
    const spider = this.#spider;
    for (const m of this.#o.middlewares) {
      try {
        if (spider) await m.close?.(spider);
      } catch (err) {
        this.#o.logger.error(`Error closing downloader middleware ${m.constructor.name}: ${toError(err).message}`);
      }
    }
    for (const [scheme, h] of Object.entries(this.#o.handlers)) {
      try {
        await h.close();
      } catch (err) {
        this.#o.logger.error(`Error closing the ${scheme} download handler: ${toError(err).message}`);
      }
    }
  }
}

function notSent(request: Request): RequestNotSentError {
  return new RequestNotSentError(`${request} was not sent: the crawl is stopping`);
}

function toError(err: unknown): Error {
  return err instanceof Error ? err : new TscrapyError(String(err));
}

function badOutput(mw: DownloaderMiddleware, method: string, value: unknown): TscrapyError {
  const got = value === null ? 'null' : typeof value === 'object' ? (value as object).constructor?.name ?? 'object' : typeof value;
  return new TscrapyError(`${mw.constructor.name}.${method} must return a Response or a Request${method === 'processResponse' ? '' : ' or nothing'}, got ${got}`);
}
