import { ConcurrencyLimit } from '../../../util/concurrency-limit.js';
import type { CrawlerContext } from '../../components.js';
import { requestFingerprint } from '../../fingerprint.js';
import type { Request } from '../../http/request.js';
import type { Response } from '../../http/response.js';
import type { Spider } from '../../spider.js';
import type { ItemPipeline } from '../types.js';
import { FileException } from './errors.js';

/** One successful download, as stored in the item's result field (Scrapy's `files`/`images` entries). */
export interface MediaResult {
  url: string;
  /** Relative to the store's root. */
  path: string;
  /** MD5 (hex) of the stored file. */
  checksum: string;
  /** 'downloaded', 'uptodate' (fresh in the store, not fetched) or 'cached' (from HTTPCACHE). */
  status: 'downloaded' | 'uptodate' | 'cached';
}

/** The outcome of one media request for `itemCompleted`. */
export type MediaOutcome = { ok: true; result: MediaResult } | { ok: false; error: Error };

/** Every status but the redirects (MEDIA_ALLOW_REDIRECTS: the redirect middleware follows those). */
const ALL_BUT_REDIRECTS: readonly number[] = Array.from({ length: 500 }, (_, i) => i + 100).filter((s) => s < 300 || s >= 400);

/**
 * The base of FilesPipeline and ImagesPipeline (Scrapy's MediaPipeline): for each item, the
 * media requests are downloaded through the crawl's own engine (slots, delays, robots, retries),
 * each URL at most once per crawl however many items name it, and `itemCompleted` gets every
 * outcome. A failed download is an item-level error: logged, left out of the results, and the
 * item goes on.
 */
export abstract class MediaPipeline implements ItemPipeline {
  protected readonly crawler: CrawlerContext;
  readonly #allowRedirects: boolean;
  /** Fingerprint → outcome, shared by every item of the crawl (Scrapy's `info.downloaded` + `info.waiting`). */
  readonly #seen = new Map<string, Promise<MediaResult>>();
  /**
   * Files being checked, downloaded and stored at once: CONCURRENT_REQUESTS, as the downloader
   * cannot fetch more at a time anyway. Without it, bodies that arrive faster than they are
   * stored (image conversion) pile up in memory.
   */
  readonly #limit: ConcurrencyLimit;

  constructor(crawler: CrawlerContext) {
    this.crawler = crawler;
    this.#allowRedirects = crawler.settings.getBool('MEDIA_ALLOW_REDIRECTS', false);
    this.#limit = new ConcurrencyLimit(Math.max(1, crawler.settings.getInt('CONCURRENT_REQUESTS', 16)));
  }

  /** The requests for the media `item` names. */
  abstract getMediaRequests(item: any): Request[];

  /** A result without downloading (the stored copy is fresh), or null to download. */
  abstract mediaToDownload(request: Request, item: any): Promise<MediaResult | null>;

  /** Checks and stores a downloaded response; throws FileException to fail this file. */
  abstract mediaDownloaded(response: Response, request: Request, item: any): Promise<MediaResult>;

  /** Puts the outcomes into the item; returns the item. */
  abstract itemCompleted(outcomes: MediaOutcome[], item: any): unknown;

  async processItem(item: any, _spider: Spider): Promise<unknown> {
    const requests = this.getMediaRequests(item);
    const outcomes = await Promise.all(
      requests.map((request) =>
        this.#resultFor(request, item).then(
          (result): MediaOutcome => ({ ok: true, result }),
          (err: unknown): MediaOutcome => ({ ok: false, error: err instanceof Error ? err : new Error(String(err)) }),
        ),
      ),
    );
    for (const o of outcomes) if (!o.ok) this.crawler.logger.warn(`${this.constructor.name}: ${o.error.message}`);
    return this.itemCompleted(outcomes, item);
  }

  #resultFor(request: Request, item: any): Promise<MediaResult> {
    const fp = requestFingerprint(request);
    let pending = this.#seen.get(fp);
    if (!pending) {
      pending = this.#limit.run(() => this.#fetch(request, item));
      this.#seen.set(fp, pending);
    }
    return pending;
  }

  async #fetch(request: Request, item: any): Promise<MediaResult> {
    const fresh = await this.mediaToDownload(request, item);
    if (fresh) return fresh;
    const engine = this.crawler.engine;
    if (!engine) throw new FileException(`Cannot download ${request.url}: ${this.constructor.name} runs only inside a crawl`);
    if (this.#allowRedirects) request.meta.handle_httpstatus_list = ALL_BUT_REDIRECTS;
    else request.meta.handle_httpstatus_all = true;
    let response: Response;
    try {
      response = await engine.download(request);
    } catch (err) {
      throw new FileException(`Error downloading file from ${request}: ${(err as Error)?.message ?? err}`, { cause: err });
    }
    return this.mediaDownloaded(response, request, item);
  }
}
