import { componentRegistry } from './builtins.js';
import { buildComponents, type ComponentClass, type ComponentRegistry, type CrawlerContext } from './components.js';
import { createDownloader } from './downloader/index.js';
import { maskUrl } from './downloader/mask.js';
import { Engine } from './engine.js';
import { InvalidArgumentError } from './errors.js';
import { JobDir } from './jobdir/job-dir.js';
import { LogCounter } from './log-counter.js';
import { FileSink, Logger, parseLevel, StreamSink, type LogSink } from './logger.js';
import { ParseAhead, parseThreadCount } from './parse-ahead.js';
import { ItemPipelineManager } from './pipelines/manager.js';
import { pformat } from './python-repr.js';
import { Scheduler } from './scheduler.js';
import { Scraper } from './scraper.js';
import { VERSION } from './settings/defaults.js';
import { Settings, type SettingsInput } from './settings/settings.js';
import { validateSettings } from './settings/validate.js';
import { SignalManager } from './signals.js';
import type { Spider, SpiderClass } from './spider.js';
import { SpiderMiddlewareManager } from './spidermw/manager.js';
import { StatsCollector } from './stats.js';

/** Options of one crawl. */
export interface CrawlOptions {
  /**
   * Settings: a plain object (applied at `project` priority, under the spider's
   * `customSettings`) or a `Settings` with its own priorities (the CLI passes `-s` at `cmdline`).
   */
  settings?: SettingsInput | Settings;
  /** Spider arguments, set as properties of the spider (`-a k=v`). */
  args?: Record<string, unknown>;
  /** Component classes that ITEM_PIPELINES & co. may name, e.g. a project's exports. */
  components?: Record<string, ComponentClass>;
  /** Where log lines go. Default: LOG_FILE, else stderr (nothing when LOG_ENABLED is false). */
  logSink?: LogSink;
  /** Keep every item for the result's `items`. Turn off for big crawls that use feeds. @default true */
  keepItems?: boolean;
}

/** What a finished crawl reports. */
export interface CrawlResult {
  /** Items scraped, in order (empty when `keepItems` is false). */
  items: unknown[];
  /** Final stats, Scrapy key names. */
  stats: Record<string, unknown>;
  /** Why it closed: 'finished', 'shutdown', 'closespider_itemcount', ... */
  reason: string;
  /**
   * True when a second stop (Ctrl-C twice, `stop(true)`) ended it without waiting for the
   * requests in flight: their pages were not processed (a JOBDIR keeps them).
   */
  forced: boolean;
}

/**
 * One crawl of one spider, with its own settings, stats, signals and logger: nothing is
 * process-global, so any number run one after another or side by side in one process.
 */
export class Crawler implements CrawlerContext {
  readonly settings: Settings;
  readonly stats = new StatsCollector();
  readonly signals: SignalManager;
  readonly logger: Logger;
  readonly components: ComponentRegistry;
  readonly spiderClass: SpiderClass;
  spider!: Spider;
  engine?: Engine;
  readonly #options: CrawlOptions;
  #sink: LogSink;
  #started = false;
  #stopRequested: { reason: string; force: boolean } | null = null;

  constructor(spiderClass: SpiderClass, options: CrawlOptions = {}) {
    if (typeof spiderClass !== 'function' || typeof spiderClass.fromCrawler !== 'function') {
      throw new InvalidArgumentError('crawl() needs a Spider subclass (class MySpider extends Spider { ... })');
    }
    this.spiderClass = spiderClass;
    this.#options = options;
    const given = options.settings;
    this.settings = given instanceof Settings ? given.copy() : new Settings(given, 'project');
    if (spiderClass.customSettings) this.settings.update(spiderClass.customSettings, 'spider');
    this.#sink = new LogCounter(options.logSink ?? defaultSink(this.settings), this.stats);
    this.logger = new Logger('tscrapy.crawler', parseLevel(this.settings.get('LOG_LEVEL')), this.#sink);
    this.signals = new SignalManager(this.logger.child('tscrapy.signals'));
    this.components = componentRegistry(options.components);
  }

  /** Runs the crawl to its end. Call once. */
  async crawl(onItem?: (item: unknown) => void | Promise<void>): Promise<CrawlResult> {
    if (this.#started) throw new InvalidArgumentError('This crawler already ran; create a new one (or call crawl() again) for another run');
    this.#started = true;
    const items: unknown[] = [];
    const keep = this.#options.keepItems ?? true;
    let engine: Engine | undefined;
    let parts: Awaited<ReturnType<Crawler['build']>> | undefined;
    try {
      validateSettings(this.settings);
      this.spider = this.spiderClass.fromCrawler(this, this.#options.args ?? {});
      this.settings.freeze();
      this.logger.info(`tscrapy ${VERSION} started (bot: ${this.settings.get('BOT_NAME', 'tscrapybot')})`);
      const overridden = overriddenSettings(this.settings);
      if (Object.keys(overridden).length) this.logger.info(`Overridden settings:\n${pformat(overridden)}`);
      if (keep || onItem) {
        this.signals.connect('itemScraped', ({ item }) => {
          if (keep) items.push(item);
          return onItem?.(item);
        });
      }
      // JOBDIR: lock it and check its version before any component reads or writes it.
      JobDir.forCrawler(this);
      await buildComponents(this, 'EXTENSIONS_BASE', 'EXTENSIONS', 'extensions');
      parts = await this.build();
      engine = parts.engine;
      this.engine = engine;
      await parts.scheduler.open(this.spider);
      await parts.downloader.open(this.spider);
      await parts.pipelines.open(this.spider);
      this.logger.info('Spider opened');
      await this.signals.sendAsync('spiderOpened', { spider: this.spider });
      if (this.#stopRequested) engine.close(this.#stopRequested.reason, this.#stopRequested.force);
      const reason = await engine.run();
      await this.#close(parts, reason);
      return { items, stats: this.stats.getStats(), reason, forced: engine.forced };
    } catch (err) {
      if (parts && !engine?.closing) await this.#close(parts, 'error').catch(() => undefined);
      throw err;
    } finally {
      JobDir.release(this);
      this.signals.disconnectAll();
      await this.#sink.close?.();
    }
  }

  /**
   * Stops the crawl. Graceful (reason 'shutdown'): no new requests, in-flight ones finish.
   * `force`: stop now; unfinished requests are not processed (a JOBDIR keeps them).
   */
  stop(reason = 'shutdown', force = false): void {
    if (this.engine) this.engine.close(reason, force);
    else this.#stopRequested = { reason, force };
  }

  private async build() {
    const s = this.settings;
    const spidermw = await SpiderMiddlewareManager.fromCrawler(this);
    const pipelines = await ItemPipelineManager.fromCrawler(this);
    const scheduler = await Scheduler.fromCrawler(this);
    const downloader = await createDownloader(this);
    const threads = parseThreadCount(s.get('PARSE_THREADS'));
    const parseAhead = threads > 0 ? new ParseAhead({ threads, stats: this.stats, logger: this.logger.child('tscrapy.core.parse') }) : null;
    let engine!: Engine;
    const scraper = new Scraper({
      spider: this.spider,
      spidermw,
      pipelines,
      signals: this.signals,
      stats: this.stats,
      logger: this.logger.child('tscrapy.core.scraper'),
      maxActiveSize: s.getInt('SCRAPER_SLOT_MAX_ACTIVE_SIZE'),
      concurrentItems: Math.max(1, s.getInt('CONCURRENT_ITEMS')),
      schedule: (request) => engine.crawl(request),
      closeSpider: (reason) => engine.close(reason),
      onProgress: () => engine.kick(),
      parseAhead,
    });
    engine = new Engine({
      spider: this.spider,
      scheduler,
      downloader,
      scraper,
      spidermw,
      signals: this.signals,
      stats: this.stats,
      logger: this.logger.child('tscrapy.core.engine'),
      startLookahead: Math.max(1, s.getInt('CONCURRENT_REQUESTS') * 2),
    });
    return { spidermw, pipelines, scheduler, downloader, scraper, engine, parseAhead };
  }

  /** Closes every part even when one fails, logging each failure; then signals and dumps stats. */
  async #close(parts: Awaited<ReturnType<Crawler['build']>>, reason: string): Promise<void> {
    const step = async (what: string, fn: () => unknown) => {
      try {
        await fn();
      } catch (err) {
        this.stats.incValue('close_error_count');
        this.logger.error(`Error while closing ${what}: ${(err as Error)?.stack ?? err}`);
      }
    };
    await step('the downloader', () => parts.downloader.close());
    await step('the parse threads', () => parts.parseAhead?.close());
    await step('the item pipelines', () => parts.pipelines.close(this.spider));
    await step('the spider middlewares', () => parts.spidermw.close(this.spider));
    await step('the scheduler', () => parts.scheduler.close(reason));
    await step('the spider', () => this.spider.closed?.(reason));
    await step('spiderClosed handlers', () => this.signals.sendAsync('spiderClosed', { spider: this.spider, reason }));
    if (this.settings.getBool('STATS_DUMP')) {
      // Scrapy's words and Python's dict layout: LogParser and ScrapydWeb read this block
      this.logger.info(`Dumping Scrapy stats:\n${pformat(this.stats.getStats())}`);
    }
    this.logger.info(`Spider closed (${reason})`);
  }
}

function defaultSink(settings: Settings): LogSink | null {
  if (!settings.getBool('LOG_ENABLED')) return null;
  const file = settings.get('LOG_FILE');
  return file ? new FileSink(String(file), settings.getBool('LOG_FILE_APPEND')) : new StreamSink(process.stderr);
}

/** Settings set above the defaults, for the start-up log line (secrets masked). */
/** `v` with the password of every URL in it masked, also in object keys (FEEDS: {'ftp://user:pw@host/…': {…}}). */
function maskUrls(v: unknown): unknown {
  if (typeof v === 'string') return /:\/\/[^/@]*:[^/@]*@/.test(v) ? maskUrl(v) : v;
  if (Array.isArray(v)) return v.map(maskUrls);
  if (v !== null && typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype) {
    return Object.fromEntries(Object.entries(v).map(([key, value]) => [maskUrls(key) as string, maskUrls(value)]));
  }
  return v;
}

function overriddenSettings(settings: Settings): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(settings.toObject())) {
    if ((settings.getPriority(k) ?? 0) > 0) {
      // URL settings (SCHEDULER_URL=redis://:pw@host, ITEMS_URL, proxies) show their password masked.
      out[k] = /PASS|SECRET|TOKEN/i.test(k) ? '***' : maskUrls(v);
    }
  }
  return out;
}
