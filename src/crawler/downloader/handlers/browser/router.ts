import type { CrawlerContext } from '../../../components.js';
import type { Request } from '../../../http/request.js';
import type { Response } from '../../../http/response.js';
import type { DownloadHandler } from '../types.js';
import { BrowserHandler } from './handler.js';
import { browserSettings, type BrowserSettings } from './options.js';
import { wantsBrowser } from './request-meta.js';

/**
 * The http(s) handler of a crawl that may render: requests asking for the browser (see
 * `wantsBrowser`) go to a BrowserHandler made on first need, the others to the plain handler.
 */
export class RenderRouter implements DownloadHandler {
  readonly #plain: DownloadHandler;
  readonly #renderAll: boolean;
  readonly #makeBrowser: () => BrowserHandler;
  #browser: BrowserHandler | null = null;
  /** BROWSER_MAX_WAITING: rendered requests that may wait for a page outside CONCURRENT_REQUESTS. */
  readonly maxWaiting: number;

  constructor(plain: DownloadHandler, renderAll: boolean, makeBrowser: () => BrowserHandler, maxWaiting = 0) {
    this.#plain = plain;
    this.#renderAll = renderAll;
    this.#makeBrowser = makeBrowser;
    this.maxWaiting = maxWaiting;
  }

  /** The browser handler, once a request needed it. */
  get browser(): BrowserHandler | null {
    return this.#browser;
  }

  admit(request: Request): Promise<void> | null {
    if (!wantsBrowser(request, this.#renderAll)) return null;
    this.#browser ??= this.#makeBrowser();
    return this.#browser.admit(request);
  }

  cancelAdmission(request: Request): void {
    this.#browser?.cancelAdmission(request);
  }

  download(request: Request): Promise<Response> {
    if (!wantsBrowser(request, this.#renderAll)) return this.#plain.download(request);
    this.#browser ??= this.#makeBrowser();
    return this.#browser.download(request);
  }

  async close(): Promise<void> {
    // Both close even if one fails; the downloader logs the first failure.
    const results = await Promise.allSettled([this.#plain.close(), this.#browser?.close()]);
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
  }
}

/** Wraps the crawl's http handler so requests can be rendered; BROWSER_* settings are checked now. */
export function withBrowserRendering(plain: DownloadHandler, crawler: CrawlerContext, defaults: { timeout: number; maxSize: number; tlsVerify: boolean }): RenderRouter {
  const settings: BrowserSettings = browserSettings(crawler.settings);
  return new RenderRouter(plain, settings.renderAll, () =>
    new BrowserHandler({
      ...settings,
      ...defaults,
      logger: crawler.logger.child('tscrapy.downloader.browser'),
      stats: crawler.stats,
    }),
    settings.maxWaiting,
  );
}
