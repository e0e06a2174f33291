import type { ComponentClass } from '../crawler/components.js';
import type { Crawler, CrawlResult } from '../crawler/crawler.js';
import { Request } from '../crawler/http/request.js';
import type { Response } from '../crawler/http/response.js';
import type { LogSink } from '../crawler/logger.js';
import type { Settings } from '../crawler/settings/settings.js';
import { Spider, type SpiderClass } from '../crawler/spider.js';

/** The spider of `fetch` and `shell` when no --spider is given (Scrapy's DefaultSpider). */
export class DefaultSpider extends Spider {
  override name = 'default';
}

export interface InteractiveCrawlOptions {
  spiderClass?: SpiderClass;
  settings: Settings;
  components?: Record<string, ComponentClass>;
  args?: Record<string, unknown>;
  logSink?: LogSink;
}

/** Download failed: the error the errback got, with the request. */
export class FetchFailedError extends Error {
  constructor(
    readonly request: Request,
    readonly error: Error,
  ) {
    super(`Fetching ${request.url} failed: ${error.message}`, { cause: error });
    this.name = 'FetchFailedError';
  }
}

/**
 * A crawl kept open to download requests one at a time through the whole middleware stack
 * (`fetch`, `parse`, `shell`): the spider's start() waits for requests handed to
 * {@link InteractiveCrawl.fetch} until {@link InteractiveCrawl.close}.
 */
export class InteractiveCrawl {
  readonly crawler: Crawler;
  readonly #done: Promise<CrawlResult>;
  #queue: Request[] = [];
  #wake: (() => void) | null = null;
  #closed = false;
  #opened!: Promise<void>;

  private constructor(crawler: Crawler, done: Promise<CrawlResult>, opened: Promise<void>) {
    this.crawler = crawler;
    this.#done = done;
    this.#opened = opened;
  }

  /** Starts the crawl; resolves once the spider is open (settings checked, components built). */
  static async start(o: InteractiveCrawlOptions): Promise<InteractiveCrawl> {
    const { Crawler } = await import('../crawler/crawler.js');
    const Base = o.spiderClass ?? DefaultSpider;
    let self!: InteractiveCrawl;
    // A subclass keeps the spider's name, attributes, callbacks and customSettings; only start() changes.
    const Interactive = class extends (Base as unknown as typeof Spider) {
      override async *start(): AsyncGenerator<unknown, void, undefined> {
        for (;;) {
          const next = self.#queue.shift();
          if (next) {
            yield next;
            continue;
          }
          if (self.#closed) return;
          await new Promise<void>((r) => (self.#wake = r));
        }
      }
    } as unknown as SpiderClass;
    Object.defineProperty(Interactive, 'name', { value: Base.name });
    const crawler = new Crawler(Interactive, { settings: o.settings, components: o.components, args: o.args, logSink: o.logSink, keepItems: false });
    let opened!: () => void;
    const openedP = new Promise<void>((r) => (opened = r));
    crawler.signals.connect('spiderOpened', () => opened());
    const done = crawler.crawl();
    self = new InteractiveCrawl(crawler, done, openedP);
    // A crawl that fails before opening (bad settings) rejects `done`: surface that instead of hanging.
    await Promise.race([openedP, done.then(() => undefined)]);
    return self;
  }

  /** The spider instance (its attributes, callbacks and logger). */
  get spider(): Spider {
    return this.crawler.spider;
  }

  /**
   * Downloads `request` (its callback/errback are replaced; keep the original to call it
   * yourself). Resolves with the response whatever its status when `anyStatus`; rejects with
   * FetchFailedError when the download fails.
   */
  fetch(request: Request, options: { anyStatus?: boolean; redirect?: boolean } = {}): Promise<Response> {
    if (this.#closed) return Promise.reject(new Error('The crawl is closed'));
    return new Promise<Response>((resolve, reject) => {
      const meta = { ...request.meta };
      if (options.redirect === false) meta.dont_redirect = true;
      if (options.anyStatus) {
        // Every status reaches the callback; with redirects on, 3xx are still followed (as Scrapy's fetch does).
        if (options.redirect === false) meta.handle_httpstatus_all = true;
        else meta.handle_httpstatus_list = ALL_BUT_REDIRECTS;
      }
      const r = request.replace({
        meta,
        dontFilter: true,
        callback: (response: Response) => {
          resolve(response);
        },
        errback: (failure) => {
          const err = failure.error ?? new Error(String(failure));
          if (options.anyStatus && failure.response) resolve(failure.response as Response);
          else reject(new FetchFailedError(request, err instanceof Error ? err : new Error(String(err))));
        },
      });
      this.#queue.push(r);
      const w = this.#wake;
      this.#wake = null;
      w?.();
    });
  }

  /** Ends the crawl (after the requests in flight) and returns its result. */
  async close(): Promise<CrawlResult> {
    this.#closed = true;
    const w = this.#wake;
    this.#wake = null;
    w?.();
    return this.#done;
  }

  /** Stops at once (Ctrl-C twice, a REPL killed). */
  stop(force = false): void {
    this.#closed = true;
    this.crawler.stop('shutdown', force);
    const w = this.#wake;
    this.#wake = null;
    w?.();
  }

  get opened(): Promise<void> {
    return this.#opened;
  }
}

const ALL_BUT_REDIRECTS: number[] = [];
for (let s = 100; s < 600; s++) if (s < 300 || s >= 400) ALL_BUT_REDIRECTS.push(s);

/** Builds a GET request for `url`, with a clear error for a URL without a scheme. */
export function requestFor(url: string): Request {
  return new Request(url);
}
