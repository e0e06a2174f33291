import { isAbsolute, join, resolve } from 'node:path';
import type { CrawlerContext } from '../../components.js';
import { NotConfigured } from '../../errors.js';
import { requestFingerprint } from '../../fingerprint.js';
import type { Request } from '../../http/request.js';
import type { Response } from '../../http/response.js';
import type { Logger } from '../../logger.js';
import type { Spider } from '../../spider.js';
import type { StatsCollector } from '../../stats.js';
import { HttpCacheMissError } from '../errors.js';
import type { DownloaderMiddleware } from '../types.js';
import { FilesystemCacheStorage } from './http-cache-storage.js';

export interface HttpCacheOptions {
  /** Absolute folder. */
  dir: string;
  expirationSecs: number;
  ignoreHttpCodes: ReadonlySet<number>;
  ignoreSchemes: ReadonlySet<string>;
  ignoreMissing: boolean;
}

/** HTTPCACHE_DIR: absolute as given, else under `<cwd>/.tscrapy/`. */
export function resolveCacheDir(dir: string, cwd = process.cwd()): string {
  return isAbsolute(dir) ? dir : resolve(join(cwd, '.tscrapy', dir));
}

/**
 * Scrapy's HttpCacheMiddleware with the "dummy" policy (HTTPCACHE_ENABLED): every response
 * is stored on disk by request fingerprint and replayed, flagged 'cached', until it expires
 * (HTTPCACHE_EXPIRATION_SECS). Skips HTTPCACHE_IGNORE_SCHEMES / _IGNORE_HTTP_CODES and
 * `meta.dont_cache`; HTTPCACHE_IGNORE_MISSING fails misses instead of downloading them.
 * Stats: httpcache/hit, miss, store, firsthand, uncacheable, ignore.
 */
export class HttpCacheMiddleware implements DownloaderMiddleware {
  readonly #storage: FilesystemCacheStorage;
  /** Requests whose responses must not be stored (uncacheable or already from the cache). */
  readonly #skip = new WeakSet<Request>();

  constructor(
    private readonly opts: HttpCacheOptions,
    private readonly stats: StatsCollector,
    private readonly logger: Logger,
  ) {
    this.#storage = new FilesystemCacheStorage(opts.dir, opts.expirationSecs);
  }

  static fromCrawler(crawler: CrawlerContext): HttpCacheMiddleware {
    const s = crawler.settings;
    if (!s.getBool('HTTPCACHE_ENABLED')) throw new NotConfigured('HTTPCACHE_ENABLED is off');
    return new HttpCacheMiddleware(
      {
        dir: resolveCacheDir(String(s.get('HTTPCACHE_DIR'))),
        expirationSecs: s.getFloat('HTTPCACHE_EXPIRATION_SECS'),
        ignoreHttpCodes: new Set(s.getList<number | string>('HTTPCACHE_IGNORE_HTTP_CODES').map(Number)),
        ignoreSchemes: new Set(s.getList<string>('HTTPCACHE_IGNORE_SCHEMES').map((x) => x.toLowerCase())),
        ignoreMissing: s.getBool('HTTPCACHE_IGNORE_MISSING'),
      },
      crawler.stats,
      crawler.logger.child('tscrapy.downloadermiddlewares.httpcache'),
    );
  }

  get dir(): string {
    return this.opts.dir;
  }

  open(): void {
    this.logger.debug(`Using filesystem cache storage in ${this.opts.dir}`);
  }

  async processRequest(request: Request, spider: Spider): Promise<Response | undefined> {
    if (request.meta.dont_cache) return undefined;
    const scheme = request.url.slice(0, request.url.indexOf(':')).toLowerCase();
    if (this.opts.ignoreSchemes.has(scheme)) {
      this.#skip.add(request);
      return undefined;
    }
    const cached = await this.#storage.retrieve(spider.name, requestFingerprint(request), request);
    if (!cached) {
      this.stats.incValue('httpcache/miss');
      if (this.opts.ignoreMissing) {
        this.stats.incValue('httpcache/ignore');
        throw new HttpCacheMissError(`Ignored request not in cache: ${request}`);
      }
      return undefined;
    }
    this.stats.incValue('httpcache/hit');
    this.#skip.add(request);
    return cached;
  }

  async processResponse(request: Request, response: Response, spider: Spider): Promise<Response> {
    if (request.meta.dont_cache) return response;
    if (response.flags.includes('cached') || this.#skip.has(request)) {
      this.#skip.delete(request);
      return response;
    }
    this.stats.incValue('httpcache/firsthand');
    if (this.opts.ignoreHttpCodes.has(response.status)) {
      this.stats.incValue('httpcache/uncacheable');
      return response;
    }
    try {
      await this.#storage.store(spider.name, requestFingerprint(request), request, response);
      this.stats.incValue('httpcache/store');
    } catch (err) {
      this.logger.error(`Could not store ${response} in the HTTP cache at ${this.opts.dir}: ${(err as Error).message}`);
    }
    return response;
  }
}
