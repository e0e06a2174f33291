import { Crawler, type CrawlOptions, type CrawlResult } from './crawler.js';
import type { Spider, SpiderClass } from './spider.js';

/** Items buffered for a slow `for await` consumer before the crawl waits for it. */
const ITERATOR_BUFFER = 1000;

/**
 * A running crawl: await it for the result, iterate it for items as they arrive, stop it.
 *
 * ```ts
 * const { items, stats, reason } = await crawl(QuotesSpider, { settings: { LOG_LEVEL: 'INFO' } });
 * for await (const item of crawl(QuotesSpider)) console.log(item);
 * ```
 */
export class CrawlRun implements PromiseLike<CrawlResult>, AsyncIterable<unknown> {
  readonly crawler: Crawler;
  readonly #result: Promise<CrawlResult>;
  #consumers = new Set<ItemChannel>();

  constructor(spiderClass: SpiderClass, options: CrawlOptions = {}) {
    this.crawler = new Crawler(spiderClass, options);
    // Start on the next turn so that `for await (… of crawl(…))` attaches before the first item.
    this.#result = new Promise<void>((resolve) => setImmediate(resolve)).then(() =>
      this.crawler.crawl((item) => this.#deliver(item)),
    );
    this.#result.then(
      () => this.#endConsumers(),
      (err: unknown) => this.#endConsumers(err),
    );
  }

  /** Stops gracefully ('shutdown'); `force` stops at once without finishing in-flight requests. */
  stop(force = false): this {
    this.crawler.stop('shutdown', force);
    return this;
  }

  then<T = CrawlResult, E = never>(
    onfulfilled?: ((value: CrawlResult) => T | PromiseLike<T>) | null,
    onrejected?: ((reason: unknown) => E | PromiseLike<E>) | null,
  ): Promise<T | E> {
    return this.#result.then(onfulfilled, onrejected);
  }

  catch<E = never>(onrejected?: ((reason: unknown) => E | PromiseLike<E>) | null): Promise<CrawlResult | E> {
    return this.#result.catch(onrejected);
  }

  finally(onfinally?: (() => void) | null): Promise<CrawlResult> {
    return this.#result.finally(onfinally);
  }

  /**
   * Items as they are scraped; a slow consumer slows the crawl down instead of buffering
   * everything. Leaving the loop (`break`, `return`, a throw) stops the crawl gracefully once no
   * other loop iterates it, and the loop is left when the crawl is over: no page is fetched after.
   */
  [Symbol.asyncIterator](): AsyncIterator<unknown> {
    const channel = new ItemChannel(async () => {
      this.#consumers.delete(channel);
      if (this.#consumers.size > 0) return;
      this.stop();
      // The crawl's error, if any, belongs to whoever awaits the run, not to a loop that left.
      await this.#result.catch(() => undefined);
    });
    this.#consumers.add(channel);
    return channel;
  }

  async #deliver(item: unknown): Promise<void> {
    for (const c of this.#consumers) await c.push(item);
  }

  #endConsumers(error?: unknown): void {
    for (const c of this.#consumers) c.end(error);
  }
}

/** A bounded queue between the crawl and one `for await` loop. */
class ItemChannel implements AsyncIterator<unknown> {
  #buffer: unknown[] = [];
  #ended = false;
  #error: unknown;
  #wantItem: (() => void) | null = null;
  #wantRoom: (() => void) | null = null;

  constructor(private readonly onReturn: () => Promise<void>) {}

  async push(item: unknown): Promise<void> {
    if (this.#ended) return;
    this.#buffer.push(item);
    this.#wake();
    if (this.#buffer.length >= ITERATOR_BUFFER) await new Promise<void>((r) => (this.#wantRoom = r));
  }

  end(error?: unknown): void {
    this.#ended = true;
    this.#error = error;
    this.#wake();
  }

  async next(): Promise<IteratorResult<unknown>> {
    for (;;) {
      if (this.#buffer.length) {
        const value = this.#buffer.shift();
        if (this.#wantRoom && this.#buffer.length < ITERATOR_BUFFER) {
          const r = this.#wantRoom;
          this.#wantRoom = null;
          r();
        }
        return { value, done: false };
      }
      if (this.#ended) {
        if (this.#error) throw this.#error;
        return { value: undefined, done: true };
      }
      await new Promise<void>((r) => (this.#wantItem = r));
    }
  }

  async return(): Promise<IteratorResult<unknown>> {
    const wasEnded = this.#ended;
    this.#ended = true;
    this.#buffer = [];
    this.#wantRoom?.();
    if (!wasEnded) await this.onReturn();
    return { value: undefined, done: true };
  }

  #wake(): void {
    const w = this.#wantItem;
    this.#wantItem = null;
    w?.();
  }
}

/** Starts a crawl of `spiderClass`. See `CrawlRun`. */
export function crawl(spiderClass: SpiderClass, options: CrawlOptions = {}): CrawlRun {
  return new CrawlRun(spiderClass, options);
}

/**
 * Runs several crawls side by side in one process, each with its own settings, and waits for
 * all of them (Scrapy's CrawlerProcess, without the one-reactor-per-process limit).
 */
export class CrawlerProcess {
  readonly #defaults: CrawlOptions;
  readonly runs: CrawlRun[] = [];

  constructor(defaults: CrawlOptions = {}) {
    this.#defaults = defaults;
  }

  /** Adds a crawl; it starts at once. Options are merged over the process defaults. */
  crawl<S extends Spider>(spiderClass: SpiderClass<S>, options: CrawlOptions = {}): CrawlRun {
    const base = this.#defaults.settings;
    const own = options.settings;
    const settings = base && own ? mergeSettings(base, own) : (own ?? base);
    const run = crawl(spiderClass as SpiderClass, { ...this.#defaults, ...options, settings });
    this.runs.push(run);
    return run;
  }

  /** Waits for every crawl; results in the order they were added. Rejects if one failed. */
  async join(): Promise<CrawlResult[]> {
    return Promise.all(this.runs);
  }

  /** Stops every crawl gracefully (or at once with `force`). */
  stop(force = false): void {
    for (const r of this.runs) r.stop(force);
  }
}

function mergeSettings(base: NonNullable<CrawlOptions['settings']>, own: NonNullable<CrawlOptions['settings']>): CrawlOptions['settings'] {
  // A Settings instance carries priorities: copy it and lay the other on top.
  if ('copy' in base && typeof base.copy === 'function') {
    const s = base.copy();
    s.update(own as never);
    return s;
  }
  if ('copy' in own && typeof own.copy === 'function') return own;
  return { ...(base as object), ...(own as object) };
}
