import { iterateOutput } from './callback-output.js';
import type { CrawlerContext } from './components.js';
import { InvalidArgumentError, TscrapyError } from './errors.js';
import { Request, type CallbackResult } from './http/request.js';
import type { Response } from './http/response.js';
import type { Logger } from './logger.js';
import { adoptScrapyNames } from './scrapy-names.js';
import type { Settings, SettingsInput } from './settings/settings.js';

/** A spider class as the crawler sees it. */
export interface SpiderClass<S extends Spider = Spider> {
  new (): S;
  /** Settings applied at `spider` priority before the spider is built. */
  customSettings?: SettingsInput;
  fromCrawler(this: SpiderClass<S>, crawler: CrawlerContext, args?: Record<string, unknown>): S;
}

/** Names that spider arguments (`-a k=v`) may not overwrite. */
const RESERVED_ARGS = new Set(['crawler', 'settings', 'logger', 'parse', 'start', 'closed', 'state', 'constructor']);

/**
 * Throws when a spider argument's name would overwrite the spider's machinery (a reserved
 * name, or one starting with `_`). The crawl checks this when it builds the spider, and
 * schedule.json when a job is scheduled.
 */
export function checkSpiderArgs(args: Record<string, unknown>): void {
  for (const k of Object.keys(args)) {
    if (RESERVED_ARGS.has(k) || k.startsWith('_')) {
      throw new InvalidArgumentError(`Spider argument "${k}" is reserved; choose another name (not ${[...RESERVED_ARGS].join(', ')}, nor a name starting with _)`);
    }
  }
}

/**
 * Base class of every spider. Subclasses set `name`, `startUrls` (or override `start()`),
 * and write callbacks that yield items (plain objects) and `Request`s.
 */
export class Spider {
  /** Settings applied at `spider` priority before the spider is built (Scrapy's `custom_settings`); set it as a static property. */
  static customSettings?: SettingsInput;
  /** Unique within a project; `tscrapy crawl NAME` finds the spider by it. */
  name = '';
  /** URLs requested by the default `start()`. */
  startUrls: string[] = [];
  /** When set, requests to other domains (and their subdomains) are dropped and counted. */
  allowedDomains?: string[];
  /** Data kept across pause/resume of a JOBDIR job. Plain JSON-safe values only. */
  state: Record<string, any> = {};
  /** Set before `start()` runs. */
  crawler!: CrawlerContext;
  settings!: Settings;
  logger!: Logger;

  /** Builds the spider, sets its arguments as properties and binds it to the crawl. */
  static fromCrawler<S extends Spider>(this: SpiderClass<S>, crawler: CrawlerContext, args: Record<string, unknown> = {}): S {
    checkSpiderArgs(args);
    const spider = new this();
    for (const [k, v] of Object.entries(args)) (spider as Record<string, unknown>)[k] = v;
    spider.crawler = crawler;
    spider.settings = crawler.settings;
    spider.logger = crawler.logger.child(spider.name || spider.constructor.name);
    const scrapyNames = adoptScrapyNames(spider, this);
    for (const s of scrapyNames.settings) crawler.settings.update(s, 'spider');
    for (const w of scrapyNames.warnings) spider.logger.warning(w);
    return spider;
  }

  /**
   * The first requests (and items), as an async or plain generator. Default: what
   * `startRequests()` yields when the spider defines it (Scrapy's older name, which Scrapy's
   * default `start()` calls too), else a GET for each of `startUrls`, never filtered.
   */
  async *start(): AsyncIterable<unknown> | Iterable<unknown> {
    if (typeof this.startRequests === 'function') {
      yield* iterateOutput(this.startRequests());
      return;
    }
    for (const url of this.startUrls) yield new Request(url, { dontFilter: true });
  }

  /** The default callback. */
  parse(response: Response, _kwargs?: Record<string, any>): CallbackResult {
    throw new TscrapyError(`${this.constructor.name}.parse callback is not defined; add a parse(response) method (got ${response.url})`);
  }

  /** Scrapy's older name for `start()`: when a spider defines it, the default `start()` yields what it yields. */
  startRequests?(): AsyncIterable<unknown> | Iterable<unknown>;

  /** Called when the spider closes, with the reason ('finished', 'shutdown', 'closespider_itemcount', ...). */
  closed?(reason: string): void | Promise<void>;
}
