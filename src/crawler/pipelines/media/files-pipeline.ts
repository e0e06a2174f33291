import { createHash } from 'node:crypto';
import { extname } from 'node:path';
import type { CrawlerContext } from '../../components.js';
import { NotConfigured } from '../../errors.js';
import { Request } from '../../http/request.js';
import type { Response } from '../../http/response.js';
import { FileException } from './errors.js';
import { MediaPipeline, type MediaOutcome, type MediaResult } from './media-pipeline.js';
import { checkStorePath, openFilesStore, type FilesStore } from './stores/index.js';

const DAY_MS = 86_400_000;

/** The settings a media pipeline reads, by Scrapy's names (FILES_* or IMAGES_*). */
export interface MediaSettings {
  store: FilesStore;
  urlsField: string;
  resultField: string;
  /** Days a stored file stays fresh (not downloaded again). */
  expires: number;
}

/**
 * Downloads the files an item lists in FILES_URLS_FIELD (default `file_urls`) into FILES_STORE
 * and records them in FILES_RESULT_FIELD (default `files`) as `{url, path, checksum, status}`,
 * like Scrapy's FilesPipeline. Enable it with `ITEM_PIPELINES: { FilesPipeline: 1 }` and
 * `FILES_STORE`; override `filePath()` to name files.
 */
export class FilesPipeline extends MediaPipeline {
  protected readonly media: MediaSettings;

  constructor(crawler: CrawlerContext, media: MediaSettings) {
    super(crawler);
    this.media = media;
  }

  /** Builds the pipeline (or a subclass) from the crawl's settings, read by `loadSettings`. */
  static async fromCrawler<M extends MediaSettings>(this: MediaPipelineClass<M>, crawler: CrawlerContext): Promise<FilesPipeline> {
    return new this(crawler, await this.loadSettings(crawler));
  }

  /** The FILES_* settings; throws NotConfigured (with a warning) when FILES_STORE is not set. */
  static async loadSettings(crawler: CrawlerContext): Promise<MediaSettings> {
    return readMediaSettings(crawler, this.name, 'FILES', 'file_urls', 'files');
  }

  getMediaRequests(item: any): Request[] {
    const urls: unknown = item?.[this.media.urlsField];
    if (urls === undefined || urls === null) return [];
    const list = typeof urls === 'string' ? [urls] : Array.isArray(urls) ? urls : null;
    if (!list) throw new FileException(`${this.media.urlsField} must be a list of URLs, got ${JSON.stringify(urls)}`);
    return list.map((u) => (u instanceof Request ? u : new Request(String(u))));
  }

  /**
   * Where a file goes in the store, relative to its root: `full/<SHA-1 of the URL><extension>`.
   * Override to name files your way; the result is checked (relative, no `..`).
   */
  filePath(request: Request, _response: Response | null, _item: any): string {
    const guid = createHash('sha1').update(request.url).digest('hex');
    return `full/${guid}${mediaExtension(request.url)}`;
  }

  async mediaToDownload(request: Request, item: any): Promise<MediaResult | null> {
    const path = checkStorePath(this.filePath(request, null, item));
    let stat;
    try {
      stat = await this.media.store.statFile(path);
    } catch (err) {
      this.crawler.logger.error(`${this.constructor.name}: could not check ${path} in the store (${(err as Error).message}); downloading ${request.url} again`);
      return null;
    }
    if (!stat || (Date.now() - stat.lastModified) / DAY_MS > this.media.expires) return null;
    this.crawler.logger.debug(`File (uptodate): Downloaded file from ${request} referred in <${item?.url ?? 'None'}>`);
    this.incStats('uptodate');
    return { url: request.url, path, checksum: stat.checksum, status: 'uptodate' };
  }

  async mediaDownloaded(response: Response, request: Request, item: any): Promise<MediaResult> {
    if (response.status !== 200) {
      throw new FileException(`File (code: ${response.status}): Error downloading file from ${request}`);
    }
    if (response.body.length === 0) throw new FileException(`File (empty-content): Empty file from ${request}`);
    const status = response.flags.includes('cached') ? 'cached' : 'downloaded';
    this.crawler.logger.debug(`File (${status}): Downloaded file from ${request}`);
    this.incStats(status);
    const path = checkStorePath(this.filePath(request, response, item));
    let checksum: string;
    try {
      checksum = await this.fileDownloaded(response, request, item);
    } catch (err) {
      if (err instanceof FileException) throw err;
      throw new FileException(`File (error): Error processing file from ${request}: ${(err as Error)?.message ?? err}`, { cause: err });
    }
    return { url: request.url, path, checksum, status };
  }

  /** Stores the downloaded body; returns its MD5 (hex). */
  protected async fileDownloaded(response: Response, request: Request, item: any): Promise<string> {
    const path = checkStorePath(this.filePath(request, response, item));
    await this.media.store.persistFile(path, response.body, { contentType: response.headers.get('content-type') ?? undefined });
    return createHash('md5').update(response.body).digest('hex');
  }

  async closeSpider(): Promise<void> {
    await this.media.store.close?.();
  }

  itemCompleted(outcomes: MediaOutcome[], item: any): unknown {
    if (item !== null && typeof item === 'object') {
      item[this.media.resultField] = outcomes.flatMap((o) => (o.ok ? [o.result] : []));
    }
    return item;
  }

  protected incStats(status: string): void {
    this.crawler.stats.incValue('file_count');
    this.crawler.stats.incValue(`file_status_count/${status}`);
  }
}

/** A media pipeline class as `fromCrawler` builds it. */
export interface MediaPipelineClass<M extends MediaSettings> {
  new (crawler: CrawlerContext, media: M): FilesPipeline;
  loadSettings(crawler: CrawlerContext): Promise<M>;
}

/**
 * Reads `<prefix>_STORE`, `_URLS_FIELD`, `_RESULT_FIELD` and `_EXPIRES` (days, default 90).
 * An unset store disables the pipeline `name` with a warning (Scrapy's NotConfigured).
 */
export function readMediaSettings(crawler: CrawlerContext, name: string, prefix: string, urlsField: string, resultField: string): MediaSettings {
  const s = crawler.settings;
  const uri = s.get(`${prefix}_STORE`);
  if (uri === undefined || uri === null || uri === '') {
    crawler.logger.warn(`${name} is disabled: set ${prefix}_STORE to a folder (or a store URI) to keep the downloaded files`);
    throw new NotConfigured(`${prefix}_STORE is not set`);
  }
  return {
    store: openFilesStore(String(uri), s, `${prefix}_STORE`),
    urlsField: String(s.get(`${prefix}_URLS_FIELD`, urlsField)),
    resultField: String(s.get(`${prefix}_RESULT_FIELD`, resultField)),
    expires: s.getFloat(`${prefix}_EXPIRES`, 90),
  };
}

/** The URL path's extension when it looks like one (`.pdf`, `.tar`), else ''. */
function mediaExtension(url: string): string {
  let pathname: string;
  try {
    pathname = new URL(url).pathname;
  } catch {
    return '';
  }
  const ext = extname(decodeURIComponentSafe(pathname));
  return /^\.[A-Za-z0-9]{1,8}$/.test(ext) ? ext.toLowerCase() : '';
}

function decodeURIComponentSafe(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
