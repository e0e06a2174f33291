import type { CrawlerContext } from '../../components.js';
import { NotConfigured } from '../../errors.js';
import type { Request } from '../../http/request.js';
import type { Response } from '../../http/response.js';
import type { Logger } from '../../logger.js';
import type { DownloaderMiddleware } from '../types.js';
import { buildRedirect } from './redirect-base.js';

/** Bytes of the document searched: the `<head>` of any sane page fits in it. */
const SCAN_BYTES = 16 * 1024;
const META_TAG = /<meta\b[^>]*?http-equiv\s*=\s*["']?refresh["']?[^>]*>/i;
const REFRESH_WORD = /refresh/i;
const CONTENT_ATTR = /\bcontent\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))/i;

/**
 * Parses a refresh `content` value (`5; url=/next`, `0;URL='x'`) into seconds and URL;
 * null without a URL (a plain reload).
 */
export function parseRefresh(content: string): { delay: number; url: string } | null {
  const m = /^\s*(\d*\.?\d*)\s*[;,]?\s*(?:url\s*=\s*)?(.*)$/i.exec(content);
  if (!m) return null;
  const url = (m[2] ?? '').trim().replace(/^['"]|['"]$/g, '').trim();
  if (!url) return null;
  return { delay: Number(m[1] || 0), url };
}

/**
 * Follows `<meta http-equiv="refresh" content="N; url=…">` in an HTML page's head
 * (METAREFRESH_ENABLED, METAREFRESH_MAXDELAY), with a cheap regex over its first bytes
 * instead of a parse; tags inside METAREFRESH_IGNORE_TAGS (noscript) do not count.
 */
export class MetaRefreshMiddleware implements DownloaderMiddleware {
  readonly #ignore: RegExp | null;

  constructor(
    private readonly maxDelay: number,
    ignoreTags: string[],
    private readonly maxTimes: number,
    private readonly priorityAdjust: number,
    private readonly logger: Logger,
  ) {
    const tags = ignoreTags.filter((t) => /^[a-z][a-z0-9-]*$/i.test(t));
    this.#ignore = tags.length ? new RegExp(`<(${tags.join('|')})\\b[\\s\\S]*?</\\1\\s*>`, 'gi') : null;
  }

  static fromCrawler(crawler: CrawlerContext): MetaRefreshMiddleware {
    const s = crawler.settings;
    if (!s.getBool('METAREFRESH_ENABLED')) throw new NotConfigured('METAREFRESH_ENABLED is off');
    return new MetaRefreshMiddleware(
      s.getFloat('METAREFRESH_MAXDELAY', 100),
      s.getList<string>('METAREFRESH_IGNORE_TAGS', ['noscript']),
      s.getInt('REDIRECT_MAX_TIMES'),
      s.getInt('REDIRECT_PRIORITY_ADJUST'),
      crawler.logger.child('tscrapy.downloadermiddlewares.redirect'),
    );
  }

  processResponse(request: Request, response: Response): Response | Request {
    if (request.method === 'HEAD' || request.meta.dont_redirect || response.body.length === 0) return response;
    const type = response.headers.get('Content-Type');
    if (type && !/html/i.test(type)) return response;
    const target = this.findRefresh(response);
    if (!target || target.delay > this.maxDelay) return response;
    let url: string;
    try {
      url = new URL(target.url, response.url).href;
    } catch {
      return response;
    }
    if (!/^https?:/i.test(url)) return response;
    return buildRedirect(request, url, 'meta refresh', { maxTimes: this.maxTimes, priorityAdjust: this.priorityAdjust, toGet: true, logger: this.logger });
  }

  /** The refresh target in the page's head, if any. */
  findRefresh(response: Response): { delay: number; url: string } | null {
    const b = response.body;
    const bytes = Buffer.from(b.buffer, b.byteOffset, Math.min(b.byteLength, SCAN_BYTES));
    // Cheap pre-check: most pages have no refresh at all. One case-insensitive regex over the
    // bytes as latin1 (a copy, no decoding) costs half of two `Buffer.indexOf` searches, and
    // finds "ReFresh" too, which browsers honour as they match http-equiv case-insensitively.
    if (!REFRESH_WORD.test(bytes.toString('latin1'))) return null;
    let head = bytes.toString('utf8');
    const end = head.search(/<\/head\s*>|<body\b/i);
    if (end >= 0) head = head.slice(0, end);
    if (!/http-equiv/i.test(head)) return null;
    if (this.#ignore) head = head.replace(this.#ignore, '');
    const tag = META_TAG.exec(head)?.[0];
    if (!tag) return null;
    const c = CONTENT_ATTR.exec(tag);
    const content = c ? (c[1] ?? c[2] ?? c[3] ?? '') : '';
    return parseRefresh(content.replace(/&amp;/g, '&'));
  }
}
