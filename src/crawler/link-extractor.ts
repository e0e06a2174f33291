import type { AnyNode, Element } from 'domhandler';
import { textContent, walkElements } from '../selector/document.js';
import { checkXPath } from '../selector/xpath/evaluate.js';
import { InvalidArgumentError } from './errors.js';
import { canonicalizeUrl } from './fingerprint.js';
import { checkOptionNames, optionNames } from './http/request.js';
import type { Response } from './http/response.js';

/** A link found in a page. */
export interface Link {
  /** Absolute URL. */
  url: string;
  /** The text of the element the link came from (all its text, unstripped, as in Scrapy). */
  text: string;
  /** The URL's fragment, without '#' ('' when none). */
  fragment: string;
  /** Whether the element has `rel="nofollow"`. */
  nofollow: boolean;
}

type Patterns = RegExp | string | readonly (RegExp | string)[];

/** Which links a LinkExtractor keeps, and how it normalises them. */
export interface LinkExtractorOptions {
  /** Keep only URLs matching one of these (regex search). Default: all. */
  allow?: Patterns;
  /** Drop URLs matching one of these; wins over `allow`. */
  deny?: Patterns;
  /** Keep only URLs on these domains (or their subdomains). */
  allowDomains?: string | readonly string[];
  /** Drop URLs on these domains (or their subdomains). */
  denyDomains?: string | readonly string[];
  /** Look for links only inside elements matching these CSS queries. */
  restrictCss?: string | readonly string[];
  /** Look for links only inside elements matching these XPath queries (with `restrictCss`: inside either). */
  restrictXpaths?: string | readonly string[];
  /** Keep only links whose text matches one of these. */
  restrictText?: Patterns;
  /** Tags to take links from. @default ['a', 'area'] */
  tags?: string | readonly string[];
  /** Attributes holding the URL. @default ['href'] */
  attrs?: string | readonly string[];
  /** Return canonical URLs (sorted query, no fragment). @default false */
  canonicalize?: boolean;
  /** Drop repeated links (compared in canonical form). @default true */
  unique?: boolean;
  /** Extensions (without dot) to skip. @default IGNORED_EXTENSIONS */
  denyExtensions?: readonly string[];
  /** Rewrites each attribute value (after resolving against the page); return null/undefined to drop it. */
  processValue?: (value: string) => string | null | undefined;
  /** Strip whitespace around attribute values. @default true */
  strip?: boolean;
}

/** File extensions a crawl does not follow by default (Scrapy's list). */
export const IGNORED_EXTENSIONS: readonly string[] = Object.freeze([
  // archives
  '7z', '7zip', 'bz2', 'rar', 'tar', 'tar.gz', 'xz', 'zip',
  // images
  'mng', 'pct', 'bmp', 'gif', 'jpg', 'jpeg', 'png', 'pst', 'psp', 'tif', 'tiff', 'ai', 'drw', 'dxf', 'eps', 'ps', 'svg', 'cdr', 'ico', 'webp',
  // audio
  'mp3', 'wma', 'ogg', 'wav', 'ra', 'aac', 'mid', 'au', 'aiff',
  // video
  '3gp', 'asf', 'asx', 'avi', 'mov', 'mp4', 'mpg', 'qt', 'rm', 'swf', 'wmv', 'm4a', 'm4v', 'flv', 'webm',
  // office suites
  'xls', 'xlsx', 'ppt', 'pptx', 'pps', 'doc', 'docx', 'odt', 'ods', 'odg', 'odp',
  // other
  'css', 'pdf', 'exe', 'bin', 'rss', 'dmg', 'iso', 'apk',
]);

const VALID_SCHEMES = new Set(['http:', 'https:', 'file:', 'ftp:']);

const LINK_EXTRACTOR_OPTIONS = optionNames<LinkExtractorOptions>({
  allow: true, deny: true, allowDomains: true, denyDomains: true, restrictCss: true, restrictXpaths: true, restrictText: true, tags: true, attrs: true,
  canonicalize: true, unique: true, denyExtensions: true, processValue: true, strip: true,
});

/**
 * Finds links in HTML responses, filtered Scrapy's way. Options are checked once, here;
 * `extractLinks` does one walk of the tree and one URL parse per candidate link.
 *
 * ```ts
 * const le = new LinkExtractor({ allow: /\/product\//, restrictCss: '#main' });
 * const menu = new LinkExtractor({ restrictXpaths: '//nav[@id="menu"]' });
 * for (const link of le.extractLinks(response)) yield response.follow(link.url);
 * ```
 */
export class LinkExtractor {
  readonly #allow: RegExp[];
  readonly #deny: RegExp[];
  readonly #allowDomains: string[];
  readonly #denyDomains: string[];
  readonly #restrictCss: string[];
  readonly #restrictXpaths: string[];
  readonly #restrictText: RegExp[];
  readonly #tags: Set<string>;
  readonly #attrs: string[];
  readonly #canonicalize: boolean;
  readonly #unique: boolean;
  readonly #denyExtensions: Set<string>;
  readonly #processValue: ((value: string) => string | null | undefined) | undefined;
  readonly #strip: boolean;

  constructor(options: LinkExtractorOptions = {}) {
    checkOptionNames('LinkExtractor', options, LINK_EXTRACTOR_OPTIONS);
    this.#allow = toRegExps(options.allow, 'allow');
    this.#deny = toRegExps(options.deny, 'deny');
    this.#restrictText = toRegExps(options.restrictText, 'restrictText');
    this.#allowDomains = toList(options.allowDomains).map((d) => d.toLowerCase());
    this.#denyDomains = toList(options.denyDomains).map((d) => d.toLowerCase());
    this.#restrictCss = toList(options.restrictCss);
    this.#restrictXpaths = toList(options.restrictXpaths);
    // A typo in a query fails here, when the spider is built, not on the first page.
    for (const q of this.#restrictXpaths) checkXPath(q);
    this.#tags = new Set(toList(options.tags ?? ['a', 'area']).map((t) => t.toLowerCase()));
    this.#attrs = toList(options.attrs ?? ['href']).map((a) => a.toLowerCase());
    this.#canonicalize = options.canonicalize ?? false;
    this.#unique = options.unique ?? true;
    this.#denyExtensions = new Set(
      (options.denyExtensions ?? IGNORED_EXTENSIONS).map((e) => '.' + e.replace(/^\./, '').toLowerCase()),
    );
    if (options.processValue !== undefined && typeof options.processValue !== 'function') {
      throw new InvalidArgumentError(`LinkExtractor processValue must be a function, got ${typeof options.processValue}`);
    }
    this.#processValue = options.processValue;
    this.#strip = options.strip ?? true;
  }

  /** The links of `response` that pass the filters, in document order. */
  extractLinks(response: Response): Link[] {
    if (!response.isText) return [];
    const selector = response.selector;
    const base = response.baseUrl;
    // Scrapy looks in the XPath regions first, then in the CSS ones.
    const restricted = this.#restrictXpaths.length || this.#restrictCss.length;
    const roots: AnyNode[] = restricted
      ? [...this.#restrictXpaths.map((q) => selector.xpath(q)), ...this.#restrictCss.map((q) => selector.css(q))].flatMap((list) =>
          list.filter((s) => !s.isString).map((s) => s.root as AnyNode),
        )
      : [selector.root as AnyNode];
    const links: Link[] = [];
    const seen = this.#unique ? new Set<string>() : null;
    for (const root of roots) {
      walkElements(root, (el) => {
        if (!this.#tags.has(el.name)) return;
        for (const attr of this.#attrs) {
          const raw = el.attribs[attr];
          if (typeof raw !== 'string') continue;
          const link = this.#makeLink(el, raw, base, response.url);
          if (link === null || !this.#allowed(link)) continue;
          if (this.#canonicalize) link.url = canonicalizeUrl(link.url);
          if (seen) {
            const key = this.#canonicalize ? link.url : canonicalizeUrl(link.url, true);
            if (seen.has(key)) continue;
            seen.add(key);
          }
          links.push(link);
        }
      });
    }
    return links;
  }

  /** Whether `url` passes the domain and allow/deny filters (for CrawlSpider rules). */
  matches(url: string): boolean {
    let host = '';
    try {
      host = new URL(url).hostname.toLowerCase();
    } catch {
      return false;
    }
    if (this.#allowDomains.length && !onDomains(host, this.#allowDomains)) return false;
    if (this.#denyDomains.length && onDomains(host, this.#denyDomains)) return false;
    if (this.#allow.length && !this.#allow.some((r) => r.test(url))) return false;
    return !this.#deny.some((r) => r.test(url));
  }

  #makeLink(el: Element, raw: string, base: string, pageUrl: string): Link | null {
    let value = this.#strip ? raw.trim() : raw;
    let u: URL;
    try {
      value = new URL(value, base).href;
    } catch {
      return null; // bogus link: skipped, as in Scrapy
    }
    if (this.#processValue) {
      const processed = this.#processValue(value);
      if (processed === null || processed === undefined) return null;
      value = processed;
    }
    try {
      u = new URL(value, pageUrl); // processValue may return a relative URL
    } catch {
      return null;
    }
    const rel = el.attribs['rel'];
    return {
      url: u.href,
      text: textContent(el),
      fragment: u.hash ? u.hash.slice(1) : '',
      nofollow: rel !== undefined && /(?:^|\s)nofollow(?:\s|$)/i.test(rel),
    };
  }

  #allowed(link: Link): boolean {
    const url = link.url;
    const colon = url.indexOf(':');
    if (!VALID_SCHEMES.has(url.slice(0, colon + 1))) return false;
    if (this.#allow.length && !this.#allow.some((r) => r.test(url))) return false;
    if (this.#deny.length && this.#deny.some((r) => r.test(url))) return false;
    if (this.#allowDomains.length || this.#denyDomains.length || this.#denyExtensions.size) {
      const u = new URL(url);
      const host = u.hostname.toLowerCase();
      if (this.#allowDomains.length && !onDomains(host, this.#allowDomains)) return false;
      if (this.#denyDomains.length && onDomains(host, this.#denyDomains)) return false;
      if (this.#denyExtensions.size && this.#denyExtensions.has(extensionOf(u.pathname))) return false;
    }
    if (this.#restrictText.length && !this.#restrictText.some((r) => r.test(link.text))) return false;
    return true;
  }
}

function onDomains(host: string, domains: readonly string[]): boolean {
  for (const d of domains) if (host === d || host.endsWith('.' + d)) return true;
  return false;
}

/** The last extension of a URL path, lower-cased with its dot ('' for none), like posixpath.splitext. */
function extensionOf(pathname: string): string {
  const slash = pathname.lastIndexOf('/');
  const dot = pathname.lastIndexOf('.');
  if (dot <= slash + 1) return ''; // no dot, or a leading dot (".htaccess") in the last segment
  return pathname.slice(dot).toLowerCase();
}

function toList(v: string | readonly string[] | undefined): string[] {
  if (v === undefined) return [];
  return typeof v === 'string' ? [v] : [...v];
}

function toRegExps(v: Patterns | undefined, name: string): RegExp[] {
  if (v === undefined) return [];
  const list = Array.isArray(v) ? (v as readonly (RegExp | string)[]) : [v as RegExp | string];
  return list.map((p) => {
    if (p instanceof RegExp) {
      // A global/sticky regex keeps lastIndex between test() calls and would skip matches.
      return p.global || p.sticky ? new RegExp(p.source, p.flags.replace(/[gy]/g, '')) : p;
    }
    if (typeof p !== 'string') throw new InvalidArgumentError(`LinkExtractor ${name} must be a RegExp or string, got ${typeof p}`);
    try {
      return new RegExp(p);
    } catch (e) {
      throw new InvalidArgumentError(`LinkExtractor ${name} pattern ${JSON.stringify(p)} is not a valid regex: ${(e as Error).message}`);
    }
  });
}
