import { randomBytes } from 'node:crypto';
import type { Browser, BrowserContext, BrowserContextOptions, Page, Response as PageResponse, Route } from 'playwright-core';
import { DownloadTimeoutError, MaxSizeExceededError, TscrapyError } from '../../../errors.js';
import type { Request } from '../../../http/request.js';
import type { Logger } from '../../../logger.js';
import type { StatsCollector } from '../../../stats.js';
import { DownloaderClosedError } from '../../errors.js';
import { maskUrl } from '../../mask.js';
import { metaNumber, type DownloadHandler } from '../types.js';
import { checkActions, runActions, type PageAction } from './actions.js';
import { BrowserResponse } from './browser-response.js';
import { addJarCookies, jarCookies, newBrowserCookies } from './cookies.js';
import { BrowserCrashedError, BrowserNavigationError } from './errors.js';
import { findChromium, launchChromium } from './launcher.js';
import { forgetProfile, profileOf, recordProfile, sweepDeadProfiles } from './profiles.js';
import type { BrowserSettings } from './options.js';
import { browserMeta, type BrowserMeta } from './request-meta.js';
import { ConcurrencyLimit } from '../../../../util/concurrency-limit.js';

export interface BrowserHandlerOptions extends BrowserSettings {
  /** Seconds (DOWNLOAD_TIMEOUT), used when BROWSER_NAVIGATION_TIMEOUT is 0. */
  timeout: number;
  /** Bytes of the rendered page (DOWNLOAD_MAXSIZE, or meta.download_maxsize); 0: no limit. */
  maxSize: number;
  /** DOWNLOAD_TLS_VERIFY: false lets the browser accept bad certificates too. */
  tlsVerify: boolean;
  logger: Logger;
  stats?: StatsCollector | null;
}

interface ContextEntry {
  context: Promise<BrowserContext>;
  /** The browser generation it belongs to: a restarted browser starts with no contexts. */
  generation: number;
  served: number;
  open: number;
  retired: boolean;
}

/** Request headers the browser sets itself, or that the context carries (User-Agent, proxy, cookies). */
const BROWSER_OWNED_HEADERS = new Set(['host', 'content-length', 'connection', 'accept-encoding', 'user-agent', 'proxy-authorization', 'transfer-encoding', 'cookie']);
/** The body is the decoded, re-serialized document, so these no longer describe it. */
const STALE_RESPONSE_HEADERS = new Set(['content-encoding', 'content-length', 'transfer-encoding']);

/**
 * Renders requests in headless Chromium (through playwright-core). The browser starts with the
 * first rendered request, serves at most BROWSER_MAX_PAGES pages at once from contexts shared by
 * requests with the same User-Agent, proxy and cookie jar (each context replaced after
 * BROWSER_CONTEXT_MAX_PAGES pages), and is started again if it dies. `close()` ends it.
 */
export class BrowserHandler implements DownloadHandler {
  readonly #o: BrowserHandlerOptions;
  readonly #owner = `${process.pid}-${randomBytes(4).toString('hex')}`;
  readonly #contexts = new Map<string, ContextEntry>();
  /** Pages handed to callbacks whose response was dropped unseen (a middleware retried it): closed when it is collected. */
  readonly #orphans = new FinalizationRegistry<() => Promise<void>>((close) => void close());
  /** Page slots: at most BROWSER_MAX_PAGES pages render at once. */
  readonly #pages: ConcurrencyLimit;
  /** Requests `admit` reserved a page for (how many times, should one Request be sent twice at once). */
  readonly #reserved = new WeakMap<Request, number>();
  #browser: Promise<Browser> | null = null;
  #generation = 0;
  #closed = false;

  constructor(options: BrowserHandlerOptions) {
    this.#o = options;
    this.#pages = new ConcurrencyLimit(options.maxPages);
  }

  /** The `--tscrapy-owner=` switch value on the command line of this handler's browser processes. */
  get owner(): string {
    return this.#owner;
  }

  /** Pages open now. */
  get openPages(): number {
    return this.#pages.active;
  }

  /**
   * Reserves a page for `request` before it enters its download slot (see DownloadHandler.admit):
   * a request waiting for a page then holds no place of its site's slot, which plain requests to
   * the same site need.
   */
  admit(request: Request): Promise<void> | null {
    if (this.#closed) return null; // download() fails it with the reason
    if (this.#pages.tryAcquire()) {
      this.#reserve(request);
      return null;
    }
    return this.#pages.acquire().then(() => this.#reserve(request));
  }

  cancelAdmission(request: Request): void {
    if (this.#takeReservation(request)) this.#pages.release();
  }

  #reserve(request: Request): void {
    this.#reserved.set(request, (this.#reserved.get(request) ?? 0) + 1);
  }

  #takeReservation(request: Request): boolean {
    const n = this.#reserved.get(request);
    if (!n) return false;
    if (n === 1) this.#reserved.delete(request);
    else this.#reserved.set(request, n - 1);
    return true;
  }

  async download(request: Request): Promise<BrowserResponse> {
    const reserved = this.#takeReservation(request);
    let meta: BrowserMeta;
    let actions: PageAction[];
    try {
      if (this.#closed) throw new DownloaderClosedError(`Cannot render ${request}: the downloader is closed`);
      meta = browserMeta(request);
      actions = checkActions(meta.actions, request.url);
    } catch (err) {
      if (reserved) this.#pages.release();
      throw err;
    }
    if (!reserved) await this.#pages.acquire();
    const started = performance.now();
    try {
      return await this.#render(request, meta, actions);
    } finally {
      this.#o.stats?.incValue('browser/seconds', (performance.now() - started) / 1000);
      this.#pages.release();
    }
  }

  async #render(request: Request, meta: BrowserMeta, actions: PageAction[]): Promise<BrowserResponse> {
    const browser = await this.#ensureBrowser();
    const generation = this.#generation;
    const entry = this.#contextFor(browser, generation, request);
    const seconds = this.#o.navigationTimeout || metaNumber(request.meta, 'download_timeout', this.#o.timeout);
    let page: Page | undefined;
    let keep = false;
    try {
      const context = await entry.context;
      const sentCookies = jarCookies(request);
      await addJarCookies(context, request, sentCookies);
      page = await context.newPage();
      this.#o.stats?.incValue('browser/pages');
      page.setDefaultTimeout(seconds * 1000);
      const first = { sent: false };
      await page.route('**/*', (route) => this.#routeRequest(route, request, first));
      const referer = request.headers.get('Referer') ?? undefined;
      const answer = await page.goto(request.url, { waitUntil: meta.waitUntil ?? this.#o.waitUntil, ...(referer ? { referer } : {}) });
      await runActions(page, actions);
      const cookies = request.meta.dont_merge_cookies ? [] : await newBrowserCookies(context, page.url(), sentCookies);
      const response = await this.#toResponse(page, answer, request, cookies);
      if (meta.screenshot) await page.screenshot({ path: meta.screenshot, fullPage: true });
      if (meta.pdf) await page.pdf({ path: meta.pdf });
      if (request.meta.browserPage === true) {
        this.#handOver(response, page, entry);
        keep = true;
      }
      return response;
    } catch (err) {
      throw this.#failure(err, request, browser, generation, seconds);
    } finally {
      if (!keep) await this.#closePage(page, entry);
    }
  }

  async #closePage(page: Page | undefined, entry: ContextEntry): Promise<void> {
    // A crashed browser's page rejects close(); it is gone either way.
    if (page) await page.close().catch(() => undefined);
    this.#pageDone(entry);
  }

  /**
   * The callback gets the live page; it stops counting against BROWSER_MAX_PAGES (the scraper's
   * own backpressure bounds responses in callbacks) and closes when the callback is done.
   */
  #handOver(response: BrowserResponse, page: Page, entry: ContextEntry): void {
    let closed = false;
    // The registry's held value must not reach the response, or it is never collected.
    const token = {};
    const close = async () => {
      if (closed) return;
      closed = true;
      this.#orphans.unregister(token);
      await this.#closePage(page, entry);
    };
    response.attachPage(page, close);
    this.#orphans.register(response, close, token);
    this.#o.stats?.incValue('browser/pages_handed_to_callbacks');
  }

  /** The crawl's request rides on the page's first document request; blocked types are dropped. */
  #routeRequest(route: Route, request: Request, first: { sent: boolean }): Promise<void> {
    const r = route.request();
    if ((this.#o.blockedResources as string[]).includes(r.resourceType())) {
      this.#o.stats?.incValue('browser/blocked_resources');
      return route.abort('blockedbyclient');
    }
    if (!first.sent && r.isNavigationRequest() && r.frame().parentFrame() === null) {
      // Only the first document: later navigations (a click, a redirect) are the page's own.
      first.sent = true;
      const headers: Record<string, string> = { ...r.headers() };
      for (const [name, value] of request.headers) {
        if (!BROWSER_OWNED_HEADERS.has(name.toLowerCase())) headers[name.toLowerCase()] = value;
      }
      const body = request.body ? Buffer.from(request.body) : undefined;
      return route.continue({ method: request.method, headers, ...(body ? { postData: body } : {}) });
    }
    return route.continue();
  }

  async #toResponse(page: Page, answer: PageResponse | null, request: Request, cookies: string[]): Promise<BrowserResponse> {
    const pairs = answer ? await answer.headersArray() : [];
    const type = pairs.find((h) => h.name.toLowerCase() === 'content-type')?.value ?? 'text/html';
    const isHtml = !answer || /html/i.test(type);
    const body = isHtml ? Buffer.from(await page.content(), 'utf8') : await answer.body();
    const maxSize = metaNumber(request.meta, 'download_maxsize', this.#o.maxSize);
    if (maxSize > 0 && body.length > maxSize) {
      throw new MaxSizeExceededError(`The rendered page of ${maskUrl(request.url)} is ${body.length} bytes, more than DOWNLOAD_MAXSIZE (or meta.download_maxsize) of ${maxSize}`);
    }
    const headers: Array<[string, string]> = [];
    for (const { name, value } of pairs) {
      const lower = name.toLowerCase();
      // The browser's cookie store replaces the answer's Set-Cookie (it has the scripts' cookies too).
      if (STALE_RESPONSE_HEADERS.has(lower) || lower === 'set-cookie' || (isHtml && lower === 'content-type')) continue;
      headers.push([name, value]);
    }
    for (const c of cookies) headers.push(['Set-Cookie', c]);
    if (isHtml) headers.push(['Content-Type', 'text/html; charset=utf-8']);
    const server = answer ? await answer.serverAddr().catch(() => null) : null;
    return new BrowserResponse({
      url: page.url(),
      status: answer?.status() ?? 200,
      headers,
      body,
      request,
      flags: ['browser'],
      ...(server ? { ip: server.ipAddress } : {}),
    });
  }

  #failure(err: unknown, request: Request, browser: Browser, generation: number, seconds: number): Error {
    if (generation !== this.#generation || !browser.isConnected()) {
      return new BrowserCrashedError(`Chromium exited while rendering ${request}; it restarts for the next rendered request`, { cause: err });
    }
    if (err instanceof TscrapyError) return err;
    const e = err as Error;
    const first = String(e?.message ?? e).split('\n')[0];
    if (e?.name === 'TimeoutError') {
      return new DownloadTimeoutError(`Rendering ${maskUrl(request.url)} took longer than ${seconds} seconds (BROWSER_NAVIGATION_TIMEOUT, else DOWNLOAD_TIMEOUT or meta.download_timeout): ${first}`, { cause: err });
    }
    return new BrowserNavigationError(`Chromium could not load ${maskUrl(request.url)}: ${first}`, { cause: err });
  }

  #ensureBrowser(): Promise<Browser> {
    if (this.#browser) return this.#browser;
    const generation = ++this.#generation;
    const started = (async () => {
      const executable = findChromium(this.#o.executablePath);
      const swept = sweepDeadProfiles();
      if (swept > 0) this.#o.logger.info(`Deleted ${swept} browser profiles left in the temp folder by crawls that were killed`);
      const browser = await launchChromium(executable, this.#owner);
      this.#o.stats?.incValue('browser/launches');
      const profile = profileOf(this.#owner);
      if (profile) recordProfile(this.#owner, profile);
      browser.on('disconnected', () => this.#lost(generation));
      this.#o.logger.info(`Started Chromium ${browser.version()} for rendered requests`);
      return browser;
    })();
    this.#browser = started;
    // A failed start is not kept: the next rendered request tries again (and fails the same way, clearly).
    started.catch(() => {
      if (this.#browser === started) this.#browser = null;
    });
    return started;
  }

  #lost(generation: number): void {
    if (generation !== this.#generation) return;
    this.#browser = null;
    this.#contexts.clear();
    if (this.#closed) return;
    this.#o.stats?.incValue('browser/crashes');
    this.#o.logger.warn('Chromium exited unexpectedly; it will be started again for the next rendered request');
  }

  #contextFor(browser: Browser, generation: number, request: Request): ContextEntry {
    const options = contextOptions(request, this.#o.tlsVerify);
    // Each cookie jar (meta.cookiejar) gets its own contexts: a context's cookies are one jar's.
    const key = JSON.stringify([options.userAgent ?? '', options.proxy ?? null, request.meta.cookiejar ?? null]);
    let entry = this.#contexts.get(key);
    if (!entry || entry.generation !== generation) {
      entry = { context: browser.newContext(options), generation, served: 0, open: 0, retired: false };
      entry.context.catch(() => undefined);
      this.#contexts.set(key, entry);
    }
    entry.served++;
    entry.open++;
    if (entry.served >= this.#o.contextMaxPages) {
      // Long-lived contexts grow (caches, service workers, leaks of the site's scripts).
      entry.retired = true;
      this.#contexts.delete(key);
    }
    return entry;
  }

  #pageDone(entry: ContextEntry): void {
    entry.open--;
    if (entry.retired && entry.open === 0) {
      entry.context.then((c) => c.close()).catch(() => undefined);
      this.#o.stats?.incValue('browser/contexts_recycled');
    }
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#pages.rejectWaiting(new DownloaderClosedError('The downloader closed while the request waited for a browser page'));
    const starting = this.#browser;
    this.#browser = null;
    this.#contexts.clear();
    const browser = starting ? await starting.catch(() => null) : null;
    if (browser) await browser.close().catch((err: Error) => this.#o.logger.warn(`Closing Chromium failed: ${err.message}`));
    forgetProfile(this.#owner);
  }
}

/** The context a request needs: its User-Agent, its proxy (meta.proxy with any credentials). */
function contextOptions(request: Request, tlsVerify: boolean): BrowserContextOptions {
  const options: BrowserContextOptions = { ignoreHTTPSErrors: !tlsVerify };
  const ua = request.headers.get('User-Agent');
  if (ua) options.userAgent = ua;
  const proxy = request.meta.proxy;
  if (typeof proxy === 'string' && proxy !== '') {
    const u = new URL(proxy);
    let username = decodeURIComponent(u.username);
    let password = decodeURIComponent(u.password);
    const auth = request.headers.get('Proxy-Authorization');
    if (!username && auth && /^basic /i.test(auth)) {
      const plain = Buffer.from(auth.slice(6).trim(), 'base64').toString('utf8');
      const colon = plain.indexOf(':');
      username = colon < 0 ? plain : plain.slice(0, colon);
      password = colon < 0 ? '' : plain.slice(colon + 1);
    }
    // Chromium skips proxies for loopback hosts unless told not to; the crawl asked for this proxy.
    options.proxy = { server: `${u.protocol}//${u.host}`, bypass: '<-loopback>', ...(username ? { username, password } : {}) };
  }
  return options;
}
