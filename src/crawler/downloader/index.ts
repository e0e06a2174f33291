import { buildComponents, type ComponentClass, type CrawlerContext } from '../components.js';
import { InvalidArgumentError } from '../errors.js';
import { AutoThrottle } from './autothrottle.js';
import { withBrowserRendering } from './handlers/browser/index.js';
import { DataHandler } from './handlers/data.js';
import { FileHandler } from './handlers/file.js';
import { HttpHandler } from './handlers/http.js';
import { HttpDownloader } from './http-downloader.js';
import { CookiesMiddleware } from './middlewares/cookies.js';
import { DefaultHeadersMiddleware } from './middlewares/default-headers.js';
import { DownloadTimeoutMiddleware } from './middlewares/download-timeout.js';
import { DownloaderStats } from './middlewares/downloader-stats.js';
import { HttpAuthMiddleware } from './middlewares/http-auth.js';
import { HttpCacheMiddleware } from './middlewares/http-cache.js';
import { HttpCompressionMiddleware } from './middlewares/http-compression.js';
import { HttpProxyMiddleware } from './middlewares/http-proxy.js';
import { MetaRefreshMiddleware } from './middlewares/meta-refresh.js';
import { RedirectMiddleware } from './middlewares/redirect.js';
import { RetryMiddleware } from './middlewares/retry.js';
import { RobotsTxtMiddleware } from './middlewares/robots-txt.js';
import { UserAgentMiddleware } from './middlewares/user-agent.js';
import type { Downloader, DownloaderMiddleware } from './types.js';

/** Every built-in downloader middleware, by its name in DOWNLOADER_MIDDLEWARES_BASE. */
export const DOWNLOADER_COMPONENTS: Record<string, ComponentClass> = {
  RobotsTxtMiddleware,
  HttpAuthMiddleware,
  DownloadTimeoutMiddleware,
  DefaultHeadersMiddleware,
  UserAgentMiddleware,
  RetryMiddleware,
  MetaRefreshMiddleware,
  HttpCompressionMiddleware,
  RedirectMiddleware,
  CookiesMiddleware,
  HttpProxyMiddleware,
  DownloaderStats,
  HttpCacheMiddleware,
};

/**
 * The crawl's downloader, from its settings: middlewares from DOWNLOADER_MIDDLEWARES(_BASE)
 * (the crawl's `components` registry must hold DOWNLOADER_COMPONENTS), slots from
 * CONCURRENT_REQUESTS(_PER_DOMAIN), DOWNLOAD_DELAY (or the spider's `downloadDelay`),
 * RANDOMIZE_DOWNLOAD_DELAY and AUTOTHROTTLE_*, handlers for http(s), data: and file:; http(s)
 * requests asking for rendering (`meta.browser`, BROWSER_RENDER_ALL) go to headless Chromium.
 * Call `open(spider)` before fetching and `close()` at the end (it closes every socket).
 */
export async function createDownloader(crawler: CrawlerContext): Promise<HttpDownloader> {
  const s = crawler.settings;
  const logger = crawler.logger.child('tscrapy.core.downloader');
  const spiderDelay = (crawler.spider as { downloadDelay?: unknown } | undefined)?.downloadDelay;
  const delay = typeof spiderDelay === 'number' ? spiderDelay : s.getFloat('DOWNLOAD_DELAY');
  const perSlot = s.getInt('CONCURRENT_REQUESTS_PER_DOMAIN');
  const timeout = s.getFloat('DOWNLOAD_TIMEOUT');
  const maxSize = s.getInt('DOWNLOAD_MAXSIZE');
  const warnSize = s.getInt('DOWNLOAD_WARNSIZE');
  if (maxSize < 0 || warnSize < 0) {
    throw new InvalidArgumentError(`DOWNLOAD_MAXSIZE and DOWNLOAD_WARNSIZE must be 0 (no limit) or more bytes, got ${maxSize} and ${warnSize}`);
  }
  const middlewares = await buildComponents<DownloaderMiddleware>(crawler, 'DOWNLOADER_MIDDLEWARES_BASE', 'DOWNLOADER_MIDDLEWARES', 'downloader middlewares');
  const http = new HttpHandler({
    connectionsPerOrigin: Math.max(1, perSlot),
    tlsVerify: s.getBool('DOWNLOAD_TLS_VERIFY', true),
    timeout,
    maxSize,
    warnSize,
    logger,
  });
  const web = withBrowserRendering(http, crawler, { timeout, maxSize, tlsVerify: s.getBool('DOWNLOAD_TLS_VERIFY', true) });
  return new HttpDownloader({
    middlewares,
    handlers: { http: web, https: web, data: new DataHandler(), file: new FileHandler({ maxSize }) },
    totalConcurrency: s.getInt('CONCURRENT_REQUESTS'),
    perSlotConcurrency: perSlot,
    delay,
    randomizeDelay: s.getBool('RANDOMIZE_DOWNLOAD_DELAY'),
    autoThrottle: AutoThrottle.fromSettings(s, delay, crawler.logger.child('tscrapy.extensions.throttle')),
    maxWaitingAdmission: web.maxWaiting,
    logger,
    signals: crawler.signals,
  });
}

export type { Downloader, DownloaderMiddleware };
export { HttpDownloader, type HttpDownloaderOptions } from './http-downloader.js';
export { AutoThrottle, type AutoThrottleOptions } from './autothrottle.js';
export { Slot } from './slot.js';
export { HttpHandler, type HttpHandlerOptions } from './handlers/http.js';
export { DataHandler, parseDataUrl } from './handlers/data.js';
export { FileHandler } from './handlers/file.js';
export type { DownloadHandler, HandlerDefaults } from './handlers/types.js';
export { BodyDecoder, parseContentEncoding, responseEncodings, type BodyLimits } from './body-decoder.js';
export { maskUrl } from './mask.js';
export * from './errors.js';
export {
  CookiesMiddleware,
  DefaultHeadersMiddleware,
  DownloadTimeoutMiddleware,
  DownloaderStats,
  HttpAuthMiddleware,
  HttpCacheMiddleware,
  HttpCompressionMiddleware,
  HttpProxyMiddleware,
  MetaRefreshMiddleware,
  RedirectMiddleware,
  RetryMiddleware,
  RobotsTxtMiddleware,
  UserAgentMiddleware,
};
export { statusMessage } from './middlewares/retry.js';
export { resolveCacheDir } from './middlewares/http-cache.js';
export { FilesystemCacheStorage } from './middlewares/http-cache-storage.js';
