import { InvalidArgumentError } from '../crawler/errors.js';
import { decodeBody, detectEncoding, mediaType } from '../crawler/http/encoding.js';
import { Request, type Callback } from '../crawler/http/request.js';
import type { OutputCallback } from './output.js';
import type { Response } from '../crawler/http/response.js';
import { Spider } from '../crawler/spider.js';
import {
  gunzipCapped,
  isGzip,
  parseSitemap,
  sitemapLocations,
  sitemapUrlsFromRobots,
  SitemapTooLargeError,
  type SitemapEntry,
} from './sitemap.js';

/** `[pattern, callback]`: pages whose URL matches `pattern` (a regex search) go to `callback` (a method or its name). */
export type SitemapRule = readonly [RegExp | string, OutputCallback | string];

/** Decompressed-size cap when DOWNLOAD_MAXSIZE is 0 ("no limit"): a gzip bomb must still stop somewhere. */
const FALLBACK_MAX_SIZE = 1024 * 1024 * 1024;

/**
 * A spider that crawls the pages listed in sitemaps, like Scrapy's SitemapSpider.
 * `sitemapUrls` may name sitemaps, sitemap indexes (followed when they match `sitemapFollow`),
 * gzipped sitemaps (`.xml.gz`, served with or without Content-Encoding; decompressed under a
 * size cap) and robots.txt files (their `Sitemap:` lines are followed). Each page URL goes to
 * the callback of the first `sitemapRules` entry whose pattern it matches.
 *
 * ```ts
 * class Shop extends SitemapSpider {
 *   name = 'shop';
 *   sitemapUrls = ['https://shop.example/robots.txt'];
 *   sitemapRules = [[/\/product\//, 'parseProduct']] as const;
 *   parseProduct(response: Response) { return { name: response.css('h1::text').get() }; }
 * }
 * ```
 */
export class SitemapSpider extends Spider {
  /** Sitemaps, sitemap indexes or robots.txt URLs to start from. */
  sitemapUrls: readonly string[] = [];
  /** Page URL pattern → callback; the first match wins, URLs matching none are skipped. @default [['', 'parse']] */
  sitemapRules: readonly SitemapRule[] = [['', 'parse']];
  /** Only sitemaps of an index whose URL matches one of these are followed. @default [''] (all) */
  sitemapFollow: readonly (RegExp | string)[] = [''];
  /** Also crawl the `<xhtml:link rel="alternate">` URLs of each entry. @default false */
  sitemapAlternateLinks = false;
  /** Cap on the decompressed size of a gzipped sitemap, in bytes. @default DOWNLOAD_MAXSIZE */
  sitemapMaxSize?: number;

  #rules: Array<[RegExp, OutputCallback | string]> | undefined;
  #follow: RegExp[] | undefined;

  /** Requests for `sitemapUrls`, parsed by `parseSitemap`. */
  override async *start(): AsyncGenerator<unknown, void, undefined> {
    for (const url of this.sitemapUrls) yield new Request(url, { callback: 'parseSitemap' });
  }

  /** Filters or rewrites the entries of each sitemap before they are used (e.g. by `lastmod`). Default: all. */
  sitemapFilter(entries: SitemapEntry[]): Iterable<SitemapEntry> {
    return entries;
  }

  /** The callback of sitemap and robots.txt responses. */
  *parseSitemap(response: Response): Generator<Request, void, undefined> {
    if (new URL(response.url).pathname.endsWith('/robots.txt')) {
      for (const url of sitemapUrlsFromRobots(response.text, response.url)) yield new Request(url, { callback: 'parseSitemap' });
      return;
    }
    const body = this.sitemapBody(response);
    if (body === null) {
      this.logger?.warn(`Ignoring invalid sitemap: ${response.url} (not XML, not gzip, and the URL does not end in .xml or .xml.gz)`);
      return;
    }
    const sitemap = parseSitemap(body);
    const entries = this.sitemapFilter(sitemap.entries);
    const bad = new InvalidLocs();
    if (sitemap.type === 'sitemapindex') {
      const follow = (this.#follow ??= this.sitemapFollow.map((p) => toRegExp(p, 'sitemapFollow')));
      for (const loc of sitemapLocations(entries, this.sitemapAlternateLinks)) {
        if (!follow.some((r) => r.test(loc))) continue;
        const request = bad.check(loc) && new Request(loc, { callback: 'parseSitemap' });
        if (request) yield request;
      }
    } else if (sitemap.type === 'urlset') {
      const rules = (this.#rules ??= this.sitemapRules.map(([p, cb]) => [toRegExp(p, 'sitemapRules'), cb]));
      for (const loc of sitemapLocations(entries, this.sitemapAlternateLinks)) {
        const rule = rules.find(([r]) => r.test(loc));
        const request = rule && bad.check(loc) && new Request(loc, { callback: rule[1] as Callback | string });
        if (request) yield request;
      }
    } else {
      this.logger?.warn(`Ignoring sitemap ${response.url}: its root element is <${sitemap.type || 'none'}>, not <urlset> or <sitemapindex>`);
    }
    if (bad.count) {
      this.crawler?.stats.incValue('sitemap/invalid_loc', bad.count);
      this.logger?.warn(`Skipped ${bad.count} <loc> of sitemap ${response.url} that ${bad.count === 1 ? 'is' : 'are'} not absolute URLs, the first ${JSON.stringify(bad.first)}`);
    }
  }

  /**
   * The sitemap's XML text, or null when the response is not a sitemap. A gzip body (a `.gz`
   * file the server sent without Content-Encoding, which the downloader leaves as is) is
   * decompressed here, under `meta.download_maxsize`, `sitemapMaxSize` or DOWNLOAD_MAXSIZE.
   */
  protected sitemapBody(response: Response): string | null {
    let body: Uint8Array = response.body;
    if (isGzip(body)) {
      const maxSize = this.#maxSize(response);
      try {
        body = gunzipCapped(body, maxSize, response.url);
      } catch (err) {
        if (err instanceof SitemapTooLargeError) {
          this.logger?.warn(`Ignoring ${err.message}`);
          this.crawler?.stats.incValue('sitemap/too_large');
          return null;
        }
        this.logger?.warn(`Ignoring sitemap ${response.url}: it looks gzipped but does not decompress (${(err as Error).message})`);
        return null;
      }
      const warnSize = this.settings ? this.settings.getInt('DOWNLOAD_WARNSIZE', 0) : 0;
      if (warnSize > 0 && response.body.length < warnSize && body.length >= warnSize) {
        this.logger?.warn(`Sitemap ${response.url} decompresses to ${body.length} bytes, more than DOWNLOAD_WARNSIZE (${warnSize})`);
      }
    } else {
      const type = mediaType(response.headers.get('content-type'));
      const path = new URL(response.url).pathname;
      if (!type.endsWith('xml') && !path.endsWith('.xml') && !path.endsWith('.xml.gz')) return null;
      if (body === response.body) return response.text;
    }
    return decodeBody(body, detectEncoding(body, null).encoding);
  }

  #maxSize(response: Response): number {
    const fromMeta = response.meta.download_maxsize;
    const size =
      typeof fromMeta === 'number' ? fromMeta : this.sitemapMaxSize ?? (this.settings ? this.settings.getInt('DOWNLOAD_MAXSIZE', FALLBACK_MAX_SIZE) : FALLBACK_MAX_SIZE);
    return size > 0 ? size : FALLBACK_MAX_SIZE;
  }
}

function toRegExp(p: RegExp | string, field: string): RegExp {
  if (p instanceof RegExp) return p.global || p.sticky ? new RegExp(p.source, p.flags.replace(/[gy]/g, '')) : p;
  if (typeof p !== 'string') throw new InvalidArgumentError(`SitemapSpider ${field} patterns must be RegExps or strings, got ${typeof p}`);
  try {
    return new RegExp(p);
  } catch (e) {
    throw new InvalidArgumentError(`SitemapSpider ${field} pattern ${JSON.stringify(p)} is not a valid regex: ${(e as Error).message}`);
  }
}

/**
 * The `<loc>` values of one sitemap that are not absolute URLs. A sitemap is the site's: one bad
 * entry (a relative path, a typo) is skipped and counted, and must not cost the entries after it.
 */
class InvalidLocs {
  count = 0;
  first = '';
  check(loc: string): boolean {
    try {
      Request.checkUrl(loc);
      return true;
    } catch {
      if (this.count++ === 0) this.first = loc;
      return false;
    }
  }
}
