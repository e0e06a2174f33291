import { accessSync, closeSync, constants, existsSync, openSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { CrawlerContext } from '../crawler/components.js';
import { maskUrl } from '../crawler/downloader/mask.js';
import { NotConfigured } from '../crawler/errors.js';
import type { Logger } from '../crawler/logger.js';
import type { SignalManager } from '../crawler/signals.js';
import type { StatsCollector } from '../crawler/stats.js';
import { FeedConfigError } from './errors.js';
import { toPlainItem } from './exporters/values.js';
import { Feed } from './feed.js';
import { FeedStorages } from './storages/registry.js';
import { FEEDS_STATE_VERSION, feedsStatePath, loadFeedsState, saveFeedsState, type FeedsJobState } from './job-state.js';
import { readFeedsSetting, resolveFeed, type FeedConfig } from './options.js';
import { makeDirSync } from '../util/make-dir.js';

/** What a FeedExporter is built from (fromCrawler fills it from the crawl). */
export interface FeedExporterOptions {
  feeds: FeedConfig[];
  /** The spider: its name and attributes fill URI placeholders. */
  spider: object | null;
  logger: Logger;
  stats: StatsCollector;
  /** JOBDIR of the job, or null: with it, feeds continue across pause/resume. */
  jobdir?: string | null;
  /** Where `-`/`stdout:` feeds go. @default process.stdout */
  stdout?: NodeJS.WritableStream;
  /** Base of relative paths. @default process.cwd() */
  cwd?: string;
  /** Storages of remote schemes (s3://…) for FEEDS URIs. */
  storages?: FeedStorages | null;
}

/**
 * The extension that writes scraped items to the feeds of the FEEDS setting (and `-o`/`-O`).
 * It opens the feeds on `spiderOpened`, exports each `itemScraped` item, and closes them on
 * `spiderClosed` whatever the reason, so JSON and XML feeds are well-formed after any graceful
 * stop. Configuration errors are raised by `fromCrawler`, before the crawl starts.
 *
 * With JOBDIR, `<JOBDIR>/feeds.json` records where each feed stands, so a resumed job appends
 * (an `-O` feed is truncated only when the job starts fresh) and batch ids keep counting.
 */
export class FeedExporter {
  readonly #feeds: Feed[];
  readonly #logger: Logger;
  readonly #stats: StatsCollector;
  readonly #jobdir: string | null;
  readonly #jobState: FeedsJobState | null;
  /** The JOBDIR's job ran before, but feeds.json is missing: overwrite feeds must not truncate its items. */
  readonly #stateLost: boolean;
  readonly #startTime: Date;
  #opening: Promise<void> | null = null;
  #opened = false;
  #closing: Promise<void> | null = null;
  #saving: Promise<void> = Promise.resolve();
  #badItems = 0;

  /** Builds it from the crawl's FEEDS, validates every feed (format, placeholders, writable path) and connects it to the signals. */
  static fromCrawler(crawler: CrawlerContext): FeedExporter {
    const feedsSetting = readFeedsSetting(crawler.settings);
    const uris = Object.keys(feedsSetting);
    if (uris.length === 0) throw new NotConfigured('FEEDS is empty');
    const jobdir = crawler.settings.get('JOBDIR');
    const exporter = new FeedExporter({
      feeds: uris.map((uri) => resolveFeed(uri, feedsSetting[uri]!, crawler.settings)),
      spider: crawler.spider ?? null,
      logger: crawler.logger.child('tscrapy.extensions.feedexport'),
      stats: crawler.stats,
      jobdir: typeof jobdir === 'string' && jobdir !== '' ? jobdir : null,
      storages: new FeedStorages(crawler.settings, crawler.components),
    });
    exporter.validate();
    exporter.connect(crawler.signals);
    return exporter;
  }

  constructor(options: FeedExporterOptions) {
    this.#logger = options.logger;
    this.#stats = options.stats;
    this.#jobdir = options.jobdir ?? null;
    this.#jobState = this.#jobdir ? loadFeedsState(this.#jobdir) : null;
    const jobdir = this.#jobdir;
    this.#stateLost = jobdir !== null && this.#jobState === null && ['state.json', 'queue.json'].some((f) => existsSync(join(jobdir, f)));
    this.#startTime = this.#jobState ? new Date(this.#jobState.startedAt) : new Date();
    const ctx = {
      spider: options.spider,
      startTime: this.#startTime,
      stdout: options.stdout ?? process.stdout,
      cwd: options.cwd ?? process.cwd(),
      logger: this.#logger,
      stats: this.#stats,
      onRotate: () => this.#saveState(),
      storages: options.storages ?? null,
      resumable: this.#jobdir !== null,
    };
    this.#feeds = options.feeds.map((config) => new Feed(config, ctx));
  }

  /** True when this run continues a job whose feeds were already opened (JOBDIR with feeds.json). */
  get resumed(): boolean {
    return this.#jobState !== null;
  }

  /**
   * Checks that every feed can be written before the crawl starts: placeholders render, the
   * folder can be created and the file opened, no two feeds share a file. Throws FeedConfigError.
   */
  validate(): void {
    const seen = new Map<string, string>();
    for (const feed of this.#feeds) {
      const saved = this.#jobState?.feeds[feed.config.uri];
      const target = saved?.path ? { kind: 'file' as const, path: saved.path } : feed.target(saved?.batchId ?? 1);
      const key = target.kind === 'stdout' ? 'stdout:' : target.path;
      const other = seen.get(key);
      if (other !== undefined) throw new FeedConfigError(feed.config.uri, `writes to the same ${key === 'stdout:' ? 'output' : `file (${key})`} as the feed "${other}"; give each feed its own file`);
      seen.set(key, feed.config.uri);
      if (target.kind === 'file') probeWritable(feed.config.uri, target.path);
    }
  }

  /** Connects the handlers to a crawl's signals; returns a function that disconnects them. */
  connect(signals: SignalManager): () => void {
    const offs = [
      signals.connect('spiderOpened', () => this.open()),
      signals.connect('itemScraped', ({ item }) => this.exportItem(item)),
      // JOBDIR: items reach the disk before the acks of the requests that produced them.
      signals.connect('checkpoint', () => this.flush(true)),
      signals.connect('spiderClosed', ({ reason }) => this.close(reason)),
    ];
    return () => offs.forEach((off) => off());
  }

  /** Opens (or continues) every feed. Called on `spiderOpened`. */
  open(): Promise<void> {
    this.#opening ??= this.#open();
    return this.#opening;
  }

  async #open(): Promise<void> {
    for (const feed of this.#feeds) {
      await feed.open(this.#jobState?.feeds[feed.config.uri] ?? null, this.#stateLost);
      if (this.#stateLost && feed.config.overwrite) {
        this.#logger.warn(
          `${feedsStatePath(this.#jobdir!)} is missing although the job in ${this.#jobdir} ran before: continuing ${feed.describe()} instead of overwriting it, so that the items of earlier runs are kept`,
        );
      }
    }
    this.#opened = true;
    if (this.#jobState) this.#logger.info(`Resuming feeds of the job in ${this.#jobdir}: ${this.#feeds.map((f) => f.describe()).join('; ')}`);
    await this.#saveState();
  }

  /**
   * Exports one item to every feed. Returns a promise only when the caller must wait (the
   * feeds are still opening, a write backlog, a new batch file); otherwise nothing is awaited.
   */
  exportItem(item: unknown): void | Promise<void> {
    if (!this.#opened) return this.open().then(() => this.exportItem(item));
    if (this.#closing) return;
    const plain = toPlainItem(item);
    if (plain === null) {
      if (this.#badItems++ === 0) this.#logger.warn(`Feeds skip items that are not objects, e.g. ${describeValue(item)}`);
      this.#stats.incValue('feedexport/skipped_items_count');
      return;
    }
    let waits: Array<Promise<void>> | null = null;
    for (const feed of this.#feeds) {
      try {
        const r = feed.export(plain);
        if (r) (waits ??= []).push(r.catch((err: unknown) => this.#exportFailed(feed, err)));
      } catch (err) {
        this.#exportFailed(feed, err);
      }
    }
    if (waits) return Promise.all(waits).then(() => undefined);
  }

  /** Writes buffered items of every feed and, with `durable`, fsyncs them and saves the job state. */
  async flush(durable = false): Promise<void> {
    if (!this.#opened) return;
    await Promise.all(this.#feeds.map((f) => f.flush(durable)));
    if (durable) await this.#saveState();
  }

  /** Closes every feed (each on its own: one failure does not leave the others open). Idempotent. */
  close(reason = 'finished'): Promise<void> {
    this.#closing ??= this.#close(reason);
    return this.#closing;
  }

  async #close(reason: string): Promise<void> {
    if (this.#opening) await this.#opening.catch(() => {});
    if (!this.#opened) return;
    for (const feed of this.#feeds) {
      try {
        await feed.close();
        this.#stats.incValue('feedexport/success_count');
        this.#logger.info(`Stored ${feed.describe()}`);
      } catch (err) {
        this.#stats.incValue('feedexport/failed_count');
        this.#logger.error(`Error storing ${feed.describe()} (spider closed: ${reason}): ${err instanceof Error ? err.message : String(err)}`);
      }
    }
    await this.#saveState().catch((err: unknown) => this.#logger.error(`Could not save the feeds state in ${this.#jobdir}: ${String(err)}`));
  }

  #exportFailed(feed: Feed, err: unknown): void {
    this.#stats.incValue('feedexport/item_errors_count');
    this.#logger.error(`Feed ${maskUrl(feed.config.uri)}: could not export an item: ${err instanceof Error ? err.message : String(err)}`);
  }

  /** Saves `<JOBDIR>/feeds.json` (serialised: the latest state wins). */
  #saveState(): Promise<void> {
    const jobdir = this.#jobdir;
    if (!jobdir) return Promise.resolve();
    this.#saving = this.#saving.catch(() => {}).then(() => {
      const state: FeedsJobState = {
        version: FEEDS_STATE_VERSION,
        startedAt: this.#startTime.toISOString(),
        feeds: { ...this.#jobState?.feeds },
      };
      for (const f of this.#feeds) state.feeds[f.config.uri] = f.state();
      return saveFeedsState(jobdir, state);
    });
    return this.#saving;
  }
}

/**
 * Creates the folder, then checks that the file can be written: an existing file is opened for
 * appending, a missing one is not created (a probe that created and removed it could remove the
 * file another process had just created under the same name): its folder must be writable.
 */
function probeWritable(uri: string, path: string): void {
  const dir = dirname(path);
  try {
    makeDirSync(dir);
  } catch (err) {
    throw new FeedConfigError(uri, `cannot create the folder ${dir}: ${(err as Error).message}`, { cause: err });
  }
  let exists = true;
  try {
    if (statSync(path).isDirectory()) throw new FeedConfigError(uri, `${path} is a folder, not a file`);
  } catch (err) {
    if (err instanceof FeedConfigError) throw err;
    exists = false;
  }
  try {
    if (exists) closeSync(openSync(path, 'a'));
    else accessSync(dir, constants.W_OK);
  } catch (err) {
    throw new FeedConfigError(uri, `cannot write ${exists ? path : `in ${dir}`}: ${(err as Error).message}`, { cause: err });
  }
}

function describeValue(v: unknown): string {
  const s = typeof v === 'string' ? JSON.stringify(v) : Array.isArray(v) ? 'an array' : String(v);
  return s.length > 60 ? s.slice(0, 57) + '...' : s;
}
