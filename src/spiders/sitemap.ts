import type { AnyNode, Element } from 'domhandler';
import { gunzipSync } from 'node:zlib';
import { TscrapyError } from '../crawler/errors.js';
import { parseXml, textContent } from '../selector/document.js';

/** One `<url>` (or `<sitemap>`) entry: its child elements by local name, plus alternate links. */
export interface SitemapEntry {
  /** The entry's URL. */
  loc: string;
  /** `<xhtml:link rel="alternate" href>` URLs, when the entry has any. */
  alternate?: string[];
  /** Other child elements by local name (`lastmod`, `changefreq`, `priority`, `image`, …): their trimmed text. */
  [field: string]: string | string[] | undefined;
}

/** A parsed sitemap: a `urlset` of pages or a `sitemapindex` of sitemaps. */
export interface Sitemap {
  /** The root element's local name: 'urlset', 'sitemapindex', or whatever else the document holds. */
  type: string;
  entries: SitemapEntry[];
}

const isElement = (n: AnyNode): n is Element => n.type === 'tag';

/** `xhtml:link` → `link`. */
function localName(name: string): string {
  const colon = name.indexOf(':');
  return colon >= 0 ? name.slice(colon + 1) : name;
}

/**
 * Parses a sitemap or sitemap index (https://www.sitemaps.org/protocol.html) the way Scrapy's
 * `Sitemap` does: namespace prefixes are ignored, entries without `<loc>` are skipped, and
 * `<link href>` children become `alternate`. The XML parser reads no DTD and expands no custom
 * entity, so a hostile sitemap cannot make it fetch files or blow up in memory.
 */
export function parseSitemap(xml: string): Sitemap {
  const doc = parseXml(xml);
  const root = doc.children.find(isElement);
  if (!root) return { type: '', entries: [] };
  const entries: SitemapEntry[] = [];
  for (const entryEl of root.children) {
    if (!isElement(entryEl)) continue;
    const entry: Partial<SitemapEntry> = {};
    for (const el of entryEl.children) {
      if (!isElement(el)) continue;
      const name = localName(el.name);
      if (name === 'link') {
        const href = el.attribs['href'];
        if (href) (entry.alternate ??= []).push(href.trim());
      } else {
        entry[name] = textContent(el).trim();
      }
    }
    if (typeof entry.loc === 'string' && entry.loc) entries.push(entry as SitemapEntry);
  }
  return { type: localName(root.name), entries };
}

/** The `Sitemap:` URLs of a robots.txt, resolved against its URL (case-insensitive, as crawlers read them). */
export function sitemapUrlsFromRobots(robotsTxt: string, baseUrl: string): string[] {
  const out: string[] = [];
  for (const line of robotsTxt.split(/\r\n|\r|\n/)) {
    const m = /^\s*sitemap\s*:\s*(\S+)/i.exec(line);
    if (!m) continue;
    try {
      out.push(new URL(m[1]!, baseUrl).href);
    } catch {
      // not a URL: skipped, as robots.txt parsers do
    }
  }
  return out;
}

/** The URLs of entries, each followed by its alternates when `alternate` is set. */
export function* sitemapLocations(entries: Iterable<SitemapEntry>, alternate: boolean): Generator<string, void, undefined> {
  for (const entry of entries) {
    yield entry.loc;
    if (alternate && entry.alternate) yield* entry.alternate;
  }
}

/** Whether a body starts with the gzip magic number. */
export function isGzip(body: Uint8Array): boolean {
  return body.length >= 2 && body[0] === 0x1f && body[1] === 0x8b;
}

/** Decompressing would pass the size cap: the sitemap is dropped (a gzip bomb or a sitemap beyond the limit). */
export class SitemapTooLargeError extends TscrapyError {
  override readonly code = 'TSC_ERR_SITEMAP_TOO_LARGE';
  constructor(
    readonly url: string,
    readonly maxSize: number,
  ) {
    super(`Sitemap ${url} decompresses to more than ${maxSize} bytes (the cap: DOWNLOAD_MAXSIZE, the spider's sitemapMaxSize or the request's meta.download_maxsize)`);
  }
}

/**
 * Gunzips a sitemap body with a cap on the decompressed size: zlib stops at `maxSize` bytes
 * instead of inflating a bomb into memory. Concatenated gzip members are read as one stream.
 */
export function gunzipCapped(body: Uint8Array, maxSize: number, url: string): Buffer {
  try {
    return gunzipSync(body, { maxOutputLength: maxSize });
  } catch (err) {
    if ((err as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE' || err instanceof RangeError) throw new SitemapTooLargeError(url, maxSize);
    throw err;
  }
}
