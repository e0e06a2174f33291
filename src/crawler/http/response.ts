import { decodeHTML } from 'entities';
import type { ParsedPage } from '../../selector/parse-pool.js';
import { Selector, type XPathOptions } from '../../selector/selector.js';
import type { XPathVariable } from '../../selector/xpath/values.js';
import { SelectorList } from '../../selector/selector-list.js';
import { InvalidArgumentError, TscrapyError } from '../errors.js';
import { decodeBody, detectEncoding, isTextBody, markupType, type EncodingSource } from './encoding.js';
import { buildFollowRequests, hrefsOf, urlFromSelector, type FollowAllInput } from './follow.js';
import { Headers, type HeadersInit } from './headers.js';
import { Request, type RequestOptions } from './request.js';

/** What a Response is made of (downloaders and tests build responses from it). */
export interface ResponseInit {
  url: string;
  /** @default 200 */
  status?: number;
  headers?: HeadersInit;
  /** The decoded (decompressed) body. */
  body?: Uint8Array;
  /** The request this answers (after redirects: the last one). */
  request: Request;
  /** Labels shown in logs, e.g. 'cached'. */
  flags?: string[];
  /** The server's address, when known. */
  ip?: string;
  /** e.g. 'HTTP/1.1'. */
  protocol?: string;
  /** Decode the body with this encoding instead of detecting it (Scrapy's `encoding=`). */
  encoding?: string;
}

/** `css()`/`selector` on a response whose body is not text (an image, a PDF). */
export class ResponseNotTextError extends TscrapyError {
  override readonly code = 'TSC_ERR_RESPONSE_NOT_TEXT';
}

/** `json()` on a body that is not JSON. */
export class InvalidJsonError extends TscrapyError {
  override readonly code = 'TSC_ERR_INVALID_JSON';
}

/**
 * How a callback used its response's parsed document: parsed lazily on the main thread, parsed
 * ahead on a thread and queried, parsed ahead but not queried, or not queried at all.
 */
export type ParseUse = 'main' | 'thread' | 'thread-unused' | 'unused';

const EMPTY = new Uint8Array(0);
const NO_VALUE = Symbol('none');
const EXPLICIT_SCHEMES = new Set(['http:', 'https:', 'ftp:', 'file:', 'data:']);
const BASE_TAG = /<base\b[^>]*?\bhref\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))/i;

/** A downloaded response. Text decoding and parsing happen lazily, once, on first use. */
export class Response {
  readonly url: string;
  readonly status: number;
  readonly headers: Headers;
  readonly body: Uint8Array;
  readonly request: Request;
  readonly flags: string[];
  readonly ip: string | undefined;
  readonly protocol: string | undefined;
  /**
   * Links `followAll()` skipped because they could not be resolved or lead nowhere a crawl
   * can go (`javascript:`, `mailto:`, `tel:`, `data:`, malformed). The engine adds it to stats.
   */
  invalidLinkCount = 0;

  readonly #explicitEncoding: string | undefined;
  #encoding: string | undefined;
  #encodingSource: EncodingSource | undefined;
  #text: string | undefined;
  #selector: Selector | undefined;
  #json: unknown = NO_VALUE;
  #baseUrl: string | undefined;
  #isText: boolean | undefined;
  #parsedPage: ParsedPage | undefined;
  #parsedBy: 'thread' | undefined;
  #selectorUsed = false;

  constructor(init: ResponseInit) {
    this.url = init.url;
    this.status = init.status ?? 200;
    this.headers = init.headers instanceof Headers ? init.headers : new Headers(init.headers);
    this.body = init.body ?? EMPTY;
    this.request = init.request;
    this.flags = init.flags ?? [];
    this.ip = init.ip;
    this.protocol = init.protocol;
    this.#explicitEncoding = init.encoding;
  }

  /** The request's meta (shared object: what a middleware writes, the callback reads). */
  get meta(): Record<string, any> {
    return this.request.meta;
  }

  /**
   * The body's encoding (WHATWG name): explicit, else BOM, else the Content-Type charset, else
   * `<meta charset>` in the first 4 KB, else utf-8. Labels like latin1/ascii mean windows-1252.
   */
  get encoding(): string {
    if (this.#encoding === undefined) {
      const d = detectEncoding(this.body, this.headers.get('content-type'), { explicit: this.#explicitEncoding });
      this.#encoding = d.encoding;
      this.#encodingSource = d.source;
    }
    return this.#encoding;
  }

  /** Where `encoding` came from: 'explicit', 'bom', 'header', 'meta' or 'default'. */
  get encodingSource(): EncodingSource {
    void this.encoding;
    return this.#encodingSource!;
  }

  /** The body decoded as `encoding` (bad bytes become U+FFFD). Decoded once, on first use. */
  get text(): string {
    return (this.#text ??= decodeBody(this.body, this.encoding));
  }

  /** Whether the body is text (HTML, XML, JSON, …): by Content-Type, else by sniffing. */
  get isText(): boolean {
    return (this.#isText ??= isTextBody(this.body, this.headers.get('content-type')));
  }

  /**
   * The body parsed as JSON (once; later calls return the same object).
   * @throws InvalidJsonError naming the URL when it is not JSON.
   */
  json<T = any>(): T {
    if (this.#json === NO_VALUE) {
      const text = this.text;
      try {
        this.#json = JSON.parse(text);
      } catch (e) {
        const head = text.slice(0, 60);
        throw new InvalidJsonError(
          `Response from ${this.url} is not valid JSON (${(e as Error).message}); the body starts with ${JSON.stringify(head)}`,
          { cause: e },
        );
      }
    }
    return this.#json as T;
  }

  /**
   * @internal A page parsed elsewhere (a parse thread) from this response's body: the first
   * query rebuilds its tree instead of parsing again. Ignored once the response has been parsed.
   */
  adoptParsed(page: ParsedPage): void {
    if (this.#selector !== undefined) return;
    this.#parsedPage = page;
    this.#parsedBy = 'thread';
  }

  /**
   * @internal Drops the parsed document and the decoded text (the engine calls this once the
   * callback's output is consumed, so that a page's tree and text die young; a later `css()`
   * or `text` works again) and tells whether and where the page was parsed for the callback.
   */
  releaseParsed(): ParseUse {
    const use: ParseUse = this.#parsedBy === 'thread' ? (this.#selectorUsed ? 'thread' : 'thread-unused') : this.#selectorUsed ? 'main' : 'unused';
    this.#selector = undefined;
    this.#parsedPage = undefined;
    this.#text = undefined;
    this.#parsedBy = undefined;
    this.#selectorUsed = false;
    return use;
  }

  /**
   * The parsed document (HTML, or XML for XML media types), built on first use and kept.
   * @throws ResponseNotTextError when the body is not text.
   */
  get selector(): Selector {
    this.#rebuildParsedPage();
    if (this.#selector === undefined) {
      if (!this.isText) {
        throw new ResponseNotTextError(
          `Response from ${this.url} is not text (Content-Type: ${this.headers.get('content-type') ?? 'none'}); ` +
            'css() and selector work on HTML/XML responses only; use body for binary content',
        );
      }
      const type = markupType(this.body, this.headers.get('content-type'));
      this.#selector = new Selector({ text: this.text, type, baseUrl: this.url });
    }
    this.#selectorUsed = true;
    return this.#selector;
  }

  /** Turns a page parsed on a thread into this response's selector. */
  #rebuildParsedPage(): void {
    const page = this.#parsedPage;
    if (page === undefined) return;
    this.#parsedPage = undefined;
    const doc = page.take();
    if (doc !== null) this.#selector = new Selector({ root: doc, type: 'html', baseUrl: this.url });
  }

  /** `this.selector.css(query)`: parsel-style CSS with `::text` and `::attr(name)`. */
  css(query: string): SelectorList {
    return this.selector.css(query);
  }

  /** `this.selector.xpath(query, variables, options)`: XPath 1.0 over the same tree as `css()`. */
  xpath(query: string, variables?: Record<string, XPathVariable>, options?: XPathOptions): SelectorList {
    return this.selector.xpath(query, variables, options);
  }

  /**
   * The URL relative links resolve against: the document's `<base href>` when it has one,
   * else the response URL. Uses the parsed tree when it exists, else a regex scan of the text
   * (no parse just for this).
   */
  get baseUrl(): string {
    if (this.#baseUrl === undefined) this.#baseUrl = this.#findBaseUrl();
    return this.#baseUrl;
  }

  #findBaseUrl(): string {
    if (!this.isText) return this.url;
    let href: string | undefined;
    this.#rebuildParsedPage();
    if (this.#selector !== undefined) {
      if (this.#selector.type !== 'html') return this.url;
      href = this.#selector.css('base[href]::attr(href)').get();
    } else {
      if (markupType(this.body, this.headers.get('content-type')) !== 'html') return this.url;
      const m = BASE_TAG.exec(this.text);
      if (m) href = decodeHTML(m[1] ?? m[2] ?? m[3] ?? '');
    }
    if (href === undefined) return this.url;
    try {
      return new URL(href, this.url).href;
    } catch {
      return this.url;
    }
  }

  /**
   * Resolves `url` against this response's URL (or its `<base href>`).
   * @throws InvalidArgumentError naming the URL when it cannot be resolved.
   */
  urljoin(url: string): string {
    try {
      return new URL(url, this.baseUrl).href;
    } catch {
      throw new InvalidArgumentError(`Cannot resolve URL ${JSON.stringify(url)} against ${this.baseUrl}: it is not a valid URL`);
    }
  }

  /**
   * A request for `url` resolved against this response, or for the link a Selector stands for
   * (an `<a>`/`<link>`/`<area>` element's href, or an `::attr()` result). Options as for
   * `new Request`; the default callback is the spider's `parse`.
   * @throws InvalidArgumentError naming the URL when it cannot be followed.
   */
  follow(url: string | Selector, options: RequestOptions = {}): Request {
    let href: string | null;
    if (typeof url === 'string') href = url;
    else if (url instanceof SelectorList) {
      throw new InvalidArgumentError('follow() takes one URL or Selector, got a SelectorList; use followAll() or .get()');
    } else if (url instanceof Selector) {
      href = urlFromSelector(url);
      if (href === null) throw new InvalidArgumentError(`Cannot follow ${url.get()}: it has no href attribute`);
    } else {
      throw new InvalidArgumentError(`follow() takes a URL string or a Selector, got ${url === null ? 'null' : typeof url}`);
    }
    const abs = this.urljoin(href);
    // Asked for explicitly, data:/file:/ftp: are fine (Request supports them); mailto: and the like are not.
    const scheme = pageProtocol(abs);
    if (!EXPLICIT_SCHEMES.has(scheme)) {
      throw new InvalidArgumentError(
        `Cannot follow ${JSON.stringify(href)} from ${this.url}: ${scheme} URLs cannot be downloaded (http:, https:, ftp:, file:, data: can)`,
      );
    }
    return new Request(abs, options);
  }

  /**
   * Requests for many links: URL strings, Selectors (as in `follow()`), a SelectorList,
   * `{ css: 'a.next' }` or `{ xpath: '//a[@rel="next"]' }` (anchors without href are passed over). Links that cannot be
   * resolved or lead to `javascript:`, `mailto:`, `tel:`, `data:` are skipped and counted
   * in `invalidLinkCount`, never thrown. Each request gets its own copy of `meta`/`cbKwargs`.
   */
  followAll(input: FollowAllInput, options: RequestOptions = {}): Request[] {
    let items: Iterable<string | Selector>;
    if (input instanceof SelectorList) items = input;
    else if (typeof input === 'object' && input !== null && 'css' in input && typeof input.css === 'string') {
      items = this.css(input.css);
    } else if (typeof input === 'object' && input !== null && 'xpath' in input && typeof input.xpath === 'string') {
      items = this.xpath(input.xpath);
    } else if (typeof input === 'string') {
      throw new InvalidArgumentError('followAll() takes a list of URLs, a SelectorList, { css } or { xpath }, got a string; use follow() for one URL');
    } else if (input && typeof (input as Iterable<unknown>)[Symbol.iterator] === 'function') {
      items = input as Iterable<string | Selector>;
    } else {
      throw new InvalidArgumentError('followAll() takes an iterable of URLs/Selectors, a SelectorList, { css: query } or { xpath: query }');
    }
    const { requests, invalid } = buildFollowRequests(hrefsOf(items), this.baseUrl, pageProtocol(this.url), options);
    this.invalidLinkCount += invalid;
    return requests;
  }

  /** A copy with some fields changed. */
  replace(changes: Partial<ResponseInit> = {}): Response {
    const Ctor = this.constructor as new (init: ResponseInit) => Response;
    const init: ResponseInit = {
      url: this.url,
      status: this.status,
      headers: this.headers,
      body: this.body,
      request: this.request,
      flags: this.flags,
      ip: this.ip,
      protocol: this.protocol,
      ...changes,
    };
    if (this.#explicitEncoding !== undefined && !('encoding' in changes)) init.encoding = this.#explicitEncoding;
    return new Ctor(init);
  }

  toString(): string {
    return `<${this.status} ${this.url}>`;
  }
}

function pageProtocol(url: string): string {
  const colon = url.indexOf(':');
  return colon === -1 ? '' : url.slice(0, colon + 1).toLowerCase();
}
