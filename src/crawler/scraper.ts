import { CloseSpider, DropItem, IgnoreRequest } from './errors.js';
import { Request, type Callback, type CallbackResult, type Errback } from './http/request.js';
import type { Response } from './http/response.js';
import type { ParseAhead } from './parse-ahead.js';
import { LEVELS, type Logger } from './logger.js';
import type { ItemPipelineManager } from './pipelines/manager.js';
import type { SignalManager } from './signals.js';
import type { Spider } from './spider.js';
import type { SpiderMiddlewareManager } from './spidermw/manager.js';
import type { StatsCollector } from './stats.js';

/** Scrapy counts every response as at least this many bytes towards the budget. */
const MIN_RESPONSE_SIZE = 1024;

export interface ScraperOptions {
  spider: Spider;
  spidermw: SpiderMiddlewareManager;
  pipelines: ItemPipelineManager;
  signals: SignalManager;
  stats: StatsCollector;
  logger: Logger;
  /** Bytes of responses and items in progress above which `needsBackout()` is true. */
  maxActiveSize: number;
  /** Items of one response processed by the pipelines at once. */
  concurrentItems: number;
  /** Schedules a request produced by a callback (the engine's `crawl`). */
  schedule: (request: Request) => void | Promise<void>;
  /** Closes the spider (a callback threw CloseSpider). */
  closeSpider: (reason: string) => void;
  /** Called when work finishes, so the engine can pull more. */
  onProgress: () => void;
  /** Parses pages on threads before their callback runs (PARSE_THREADS); null: lazily, here. */
  parseAhead?: ParseAhead | null;
}

/** The spider or middleware gave back something that is neither an item nor a Request. */
function describe(v: unknown): string {
  return v === null ? 'null' : Array.isArray(v) ? 'an array' : typeof v;
}

/**
 * Runs callbacks and errbacks, sends their requests to the scheduler and their items through
 * the pipelines, and keeps the bytes of responses and items in progress under a budget.
 */
export class Scraper {
  readonly #o: ScraperOptions;
  /** Some spider middleware transforms whole output streams (decided once, not per response). */
  readonly #streams: boolean;
  #activeSize = 0;
  #activeResponses = 0;
  #activeItems = 0;

  constructor(options: ScraperOptions) {
    this.#o = options;
    this.#streams = options.spidermw.middlewares.some((m) => m.processSpiderOutput);
  }

  /** True while responses and items in progress exceed the byte budget. */
  needsBackout(): boolean {
    return this.#activeSize > this.#o.maxActiveSize;
  }

  get idle(): boolean {
    return this.#activeResponses === 0 && this.#activeItems === 0;
  }

  /** Bytes of responses and items in progress. */
  get activeSize(): number {
    return this.#activeSize;
  }

  get activeItems(): number {
    return this.#activeItems;
  }

  /** Runs the request's callback (or errback, for a disallowed status) and processes the output. */
  async handleResponse(response: Response, request: Request): Promise<void> {
    const size = Math.max(response.body.length, MIN_RESPONSE_SIZE);
    this.#activeSize += size;
    this.#activeResponses++;
    try {
      const { spider, spidermw } = this.#o;
      let result: CallbackResult;
      let callbackRan = false;
      try {
        const checked = spidermw.input(response, spider);
        if (checked) await checked;
        const callback = this.#callback(request);
        const parsing = this.#o.parseAhead?.prepare(response, request);
        if (parsing) await parsing;
        callbackRan = true;
        result = callback.call(spider, response, request.cbKwargs);
      } catch (err) {
        result = this.#inputFailed(err as Error, request, response);
      }
      await this.#consume(result, response, request, callbackRan);
      const invalid = (response as { invalidLinkCount?: number }).invalidLinkCount;
      if (invalid) this.#o.stats.incValue('request/invalid_url_count', invalid);
    } finally {
      this.#activeSize -= size;
      this.#activeResponses--;
      this.#o.onProgress();
    }
  }

  /** A download failed: the errback runs (when there is one), else the failure is logged. */
  async handleFailure(error: Error, request: Request): Promise<void> {
    this.#activeResponses++;
    try {
      const errback = this.#errback(request);
      if (errback) {
        const result = this.#safeCall(() => errback.call(this.#o.spider, { error, request }), null, request);
        await this.#consume(result, null, request);
      } else if (!(error instanceof IgnoreRequest)) {
        this.#o.logger.error(`Error downloading ${request}: ${error.message}`);
      }
    } finally {
      this.#activeResponses--;
      this.#o.onProgress();
    }
  }

  /** One output of `spider.start()`: through the middlewares, then scheduled or processed as an item. */
  async handleStartOutput(output: unknown): Promise<void> {
    await this.#handleOutput(output, null);
  }

  #callback(request: Request): Callback {
    const cb = request.callback;
    if (typeof cb === 'function') return cb;
    const spider = this.#o.spider as unknown as Record<string, unknown>;
    const fn = spider[cb ?? 'parse'];
    if (typeof fn !== 'function') {
      throw new TypeError(`${this.#o.spider.constructor.name} has no callback method "${cb}" (requested by ${request})`);
    }
    return fn as Callback;
  }

  #errback(request: Request): Errback | null {
    const eb = request.errback;
    if (eb === null || typeof eb === 'function') return eb;
    const fn = (this.#o.spider as unknown as Record<string, unknown>)[eb];
    return typeof fn === 'function' ? (fn as Errback) : null;
  }

  /** The input hooks or the callback call itself threw. HttpError goes to the errback. */
  #inputFailed(err: Error, request: Request, response: Response): CallbackResult {
    const handled = this.#o.spidermw.exception(response, err, this.#o.spider);
    if (handled !== undefined) return handled;
    if (err.name === 'HttpError') {
      const errback = this.#errback(request);
      return errback ? this.#safeCall(() => errback.call(this.#o.spider, { error: err, request, response }), response, request) : null;
    }
    this.#spiderError(err, response, request);
    return null;
  }

  #safeCall(fn: () => CallbackResult, response: Response | null, request: Request): CallbackResult {
    try {
      return fn();
    } catch (err) {
      this.#spiderError(err as Error, response, request);
      return null;
    }
  }

  /**
   * Iterates a callback's result (any shape), routing each output; callback errors are reported,
   * not thrown. Outputs are routed without yielding to the event loop unless something is really
   * asynchronous (an async generator, a persistent scheduler, a full item budget): with many
   * responses arriving together, their parsed pages then die one by one instead of piling up in
   * the young generation. The page is released once the output is consumed (and, after the
   * request's own callback, how it used the page is told to the parse threads).
   */
  async #consume(result: CallbackResult, response: Response | null, request: Request, callbackRan = false): Promise<void> {
    if (result === undefined || result === null) return this.#release(response, request, callbackRan);
    const pending = new Set<Promise<void>>();
    try {
      let value: unknown = result;
      if (value instanceof Promise) value = await value;
      if (value === undefined || value === null) return;
      if (typeof value !== 'object' || value instanceof Request || !(Symbol.iterator in value || Symbol.asyncIterator in value)) {
        const r = this.#route(value, response, pending);
        if (r) await r;
      } else if (response && this.#streams) {
        for await (const out of this.#o.spidermw.wrapOutput(response, toAsync(value as Iterable<unknown>), this.#o.spider)) {
          const r = this.#route(out, response, pending);
          if (r) await r;
        }
      } else if (Symbol.asyncIterator in value) {
        for await (const out of value as AsyncIterable<unknown>) {
          const r = this.#route(out, response, pending);
          if (r) await r;
        }
      } else {
        for (const out of value as Iterable<unknown>) {
          const r = this.#route(out, response, pending);
          if (r) await r;
        }
      }
    } catch (err) {
      if (response) {
        const handled = this.#o.spidermw.exception(response, err as Error, this.#o.spider);
        if (handled !== undefined) {
          await Promise.all(pending);
          return this.#consume(handled, response, request);
        }
      }
      this.#spiderError(err as Error, response, request);
    } finally {
      this.#release(response, request, callbackRan);
    }
    if (pending.size) await Promise.all(pending);
  }

  /** Routes one output; returns a promise only when the caller must wait before the next. */
  #route(output: unknown, response: Response | null, pending: Set<Promise<void>>): void | Promise<void> {
    const out = this.#o.spidermw.filter(output, response, this.#o.spider);
    if (out === null) return;
    let p: void | Promise<void>;
    if (out instanceof Request) {
      // An asynchronous scheduler (Redis) stores a callback's requests together, one round trip
      // for the batch, if they are issued without waiting for each; the output is complete (and
      // the request may be acked) only once all are stored: the caller awaits `pending`.
      p = this.#o.schedule(out);
      if (!p) return;
    } else if (typeof out === 'object') {
      p = this.#processItem(out, response);
    } else {
      this.#o.stats.incValue('spider_output_error_count');
      this.#o.logger.error(`Spider must return Request, item (a plain object), or nothing, got ${describe(out)} in ${response ?? 'start()'}`);
      return;
    }
    const task = p;
    pending.add(task);
    const forget = () => void pending.delete(task);
    task.then(forget, forget);
    if (pending.size >= this.#o.concurrentItems) return Promise.race(pending);
  }

  /** Routes one start() output. */
  async #handleOutput(output: unknown, response: Response | null): Promise<void> {
    const pending = new Set<Promise<void>>();
    const r = this.#route(output, response, pending);
    if (r) await r;
    if (pending.size) await Promise.all(pending);
  }

  async #processItem(item: object, response: Response | null): Promise<void> {
    const { pipelines, signals, stats, spider, logger } = this.#o;
    const size = estimateSize(item);
    this.#activeSize += size;
    this.#activeItems++;
    try {
      const out = pipelines.empty ? item : await pipelines.process(item, spider);
      stats.incValue('item_scraped_count');
      if (logger.isEnabledFor(LEVELS.DEBUG)) logger.debug(`Scraped from ${response ?? 'start()'}\n${safeJson(out)}`);
      if (signals.has('itemScraped')) await signals.sendAsync('itemScraped', { item: out, response, spider });
    } catch (err) {
      if (err instanceof DropItem) {
        stats.incValue('item_dropped_count');
        stats.incValue(`item_dropped_reasons_count/${err.constructor.name}`);
        logger.warn(`Dropped: ${err.message}\n${safeJson(item)}`);
        if (signals.has('itemDropped')) await signals.sendAsync('itemDropped', { item, response, error: err, spider });
      } else {
        stats.incValue('item_error_count');
        logger.error(`Error processing ${safeJson(item)}: ${(err as Error)?.stack ?? err}`);
        if (signals.has('itemError')) await signals.sendAsync('itemError', { item, response, error: err as Error, spider });
      }
    } finally {
      this.#activeSize -= size;
      this.#activeItems--;
      this.#o.onProgress();
    }
  }

  /** Drops a response's parsed page once its output is consumed; after the callback, tells the parse threads how it was used. */
  #release(response: Response | null, request: Request, callbackRan: boolean): void {
    const use = response?.releaseParsed();
    if (use !== undefined && callbackRan) this.#o.parseAhead?.record(request, use);
  }

  #spiderError(err: Error, response: Response | null, request: Request): void {
    if (err instanceof CloseSpider) {
      this.#o.closeSpider(err.reason);
      return;
    }
    const { stats, logger, signals, spider } = this.#o;
    stats.incValue('spider_exceptions/count');
    stats.incValue(`spider_exceptions/${err?.constructor?.name ?? 'Error'}`);
    const referer = request.headers.get('Referer');
    logger.error(`Spider error processing ${request} (referer: ${referer ?? 'None'})\n${err?.stack ?? err}`);
    if (response) signals.send('spiderError', { error: err, response, spider });
  }
}

/** A cheap size estimate of an item: string lengths plus a per-field overhead, shallow. */
function estimateSize(item: object): number {
  let size = 64;
  for (const k in item) {
    const v = (item as Record<string, unknown>)[k];
    size += 16 + k.length + (typeof v === 'string' ? v.length : 16);
  }
  return size;
}

async function* toAsync<T>(it: Iterable<T> | AsyncIterable<T>): AsyncGenerator<T> {
  yield* it;
}

function safeJson(v: unknown): string {
  try {
    return JSON.stringify(v);
  } catch {
    return String(v);
  }
}
