/**
 * `tscrapy`: what a spider author and an embedder need — spiders, requests and responses,
 * selectors, link extraction, crawling from code, settings, and the component interfaces.
 * One name a line, grouped, in the order of the README's list ("Entry points"), which a test
 * compares with this module's exports. Servers, deploying and config files have entry points of
 * their own: `tscrapy/server`, `tscrapy/deploy`, `tscrapy/config`.
 */

// Spiders
export { Spider, type SpiderClass } from './crawler/spider.js';
export { CrawlSpider, Rule, type RuleOptions, type ProcessLinks, type ProcessRequest } from './spiders/crawl-spider.js';
export { SitemapSpider, type SitemapRule } from './spiders/sitemap-spider.js';
export { SitemapTooLargeError, type Sitemap, type SitemapEntry } from './spiders/sitemap.js';
export { XMLFeedSpider, type FeedIterator } from './spiders/xml-feed-spider.js';
export { CSVFeedSpider } from './spiders/csv-feed-spider.js';
export type { SpiderOutput, OutputCallback } from './spiders/output.js';

// Requests and responses
export { Request, type RequestOptions, type RequestJSON, type Callback, type Errback, type Failure, type CallbackResult } from './crawler/http/request.js';
export { JsonRequest, type JsonRequestOptions } from './crawler/http/json-request.js';
export { FormRequest, type FormRequestOptions, type FromResponseOptions, type FormFields } from './crawler/http/form-request.js';
export { Response, ResponseNotTextError, InvalidJsonError, type ResponseInit } from './crawler/http/response.js';
export type { FollowAllInput } from './crawler/http/follow.js';
export { Headers, type HeadersInit } from './crawler/http/headers.js';
export { BrowserRequest, BrowserResponse, type BrowserRequestOptions, type BrowserMeta, type PageAction } from './crawler/downloader/handlers/browser/index.js';
export { canonicalizeUrl, requestFingerprint } from './crawler/fingerprint.js';

// Selectors and links
export { Selector, type SelectorInit, type XPathOptions } from './selector/selector.js';
export { XPathSyntaxError, XPathEvalError, type XPathVariable } from './selector/xpath/evaluate.js';
export { SelectorList } from './selector/selector-list.js';
export type { ReOptions } from './selector/regex.js';
export type { DocumentType } from './selector/document.js';
export { LinkExtractor, IGNORED_EXTENSIONS, type Link, type LinkExtractorOptions } from './crawler/link-extractor.js';

// Items and item loaders
export { Item, Field, UnknownFieldError, type FieldMeta, type ItemValues } from './items/index.js';
export { ItemLoader, type ItemLoaderOptions, type FieldProcessors, type LoaderSelector, type ValueOptions } from './items/index.js';
export { Identity, TakeFirst, Join, MapCompose, Compose, type Processor } from './items/index.js';

// Crawling from code
export { crawl, CrawlRun, CrawlerProcess } from './crawler/crawl.js';
export { Crawler, type CrawlOptions, type CrawlResult } from './crawler/crawler.js';
export type { Engine, EngineStatus } from './crawler/engine.js';
export { installShutdownHandlers, type Stoppable } from './crawler/shutdown.js';
export { MemorySink, StreamSink, FileSink, type LogSink } from './crawler/logger.js';

// Settings
export { Settings, PRIORITIES, type SettingsInput, type SettingName } from './crawler/settings/settings.js';
export { DEFAULTS, VERSION, type DefaultSettings, type FeedOptions } from './crawler/settings/defaults.js';

// Components: pipelines, middlewares, extensions, feeds
export type { ItemPipeline } from './crawler/pipelines/types.js';
export type { SpiderMiddleware } from './crawler/spidermw/types.js';
export type { DownloaderMiddleware, Downloader } from './crawler/downloader/types.js';
export type { ComponentMap, ComponentClass, CrawlerContext } from './crawler/components.js';
export { StatsCollector } from './crawler/stats.js';
export { SignalManager, type SignalMap, type SignalName } from './crawler/signals.js';
export { Logger } from './crawler/logger.js';
export type { RequestQueue, DupeFilter } from './crawler/queues/types.js';
export type { FeedFormat, ItemExporter } from './feeds/exporters/types.js';
export { DepthMiddleware, HttpErrorMiddleware, OffsiteMiddleware, RefererMiddleware, UrlLengthMiddleware } from './crawler/spidermw/index.js';
export { CookiesMiddleware, DefaultHeadersMiddleware, DownloadTimeoutMiddleware, DownloaderStats, HttpAuthMiddleware, HttpCacheMiddleware } from './crawler/downloader/index.js';
export { HttpCompressionMiddleware, HttpProxyMiddleware, MetaRefreshMiddleware, RedirectMiddleware, RetryMiddleware, RobotsTxtMiddleware, UserAgentMiddleware } from './crawler/downloader/index.js';
export { CloseSpiderExtension, CoreStats, LogStats, MemoryUsage } from './crawler/extensions/index.js';

// Files and images, feed storages
export { FilesPipeline, ImagesPipeline, MediaPipeline, type MediaSettings, type MediaResult, type MediaOutcome, type ThumbSizes } from './crawler/pipelines/media/index.js';
export type { FilesStore, StoredFileInfo } from './crawler/pipelines/media/index.js';
export type { FeedStorage, FeedStorageClass, FeedStorageOptions } from './feeds/storages/index.js';

// Errors
export { TscrapyError, InvalidArgumentError, NotConfigured, IgnoreRequest, DropItem, CloseSpider, HttpError } from './crawler/errors.js';
export { SerializationError, RetryableError, DownloadTimeoutError, ConnectionError, MaxSizeExceededError } from './crawler/errors.js';
export { RobotsTxtForbiddenError, MaxRedirectsError, RedirectLoopError, HttpCacheMissError, UnsupportedSchemeError } from './crawler/downloader/index.js';
export { FileNotFoundError, InvalidDataUrlError, DownloaderClosedError, DownloadFailedError, RequestNotSentError } from './crawler/downloader/index.js';
export { BrowserNotAvailableError, BrowserCrashedError, BrowserNavigationError, BrowserActionError } from './crawler/downloader/handlers/browser/index.js';
export { FeedConfigError, FeedResumeError } from './feeds/errors.js';
export { FileException, ImageException, MediaStoreError, MediaDependencyError } from './crawler/pipelines/media/index.js';
export { StorageError } from './feeds/storages/index.js';
