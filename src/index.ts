/** The public library API of tscrapy. */
export * from './crawler/errors.js';
export { Settings, PRIORITIES, parseSettingValue, type SettingsInput, type SettingName } from './crawler/settings/settings.js';
export { DEFAULTS, VERSION, type DefaultSettings, type FeedOptions } from './crawler/settings/defaults.js';
export { Headers, type HeadersInit } from './crawler/http/headers.js';
export { Request, type RequestOptions, type RequestJSON, type Callback, type Errback, type Failure, type CallbackResult } from './crawler/http/request.js';
export { Response, type ResponseInit } from './crawler/http/response.js';
export { Spider, type SpiderClass } from './crawler/spider.js';
export { StatsCollector } from './crawler/stats.js';
export { SignalManager, type SignalMap, type SignalName } from './crawler/signals.js';
export { Logger, MemorySink, StreamSink, FileSink, type LogSink, LEVELS } from './crawler/logger.js';
export { ComponentRegistry, type ComponentMap, type ComponentClass, type CrawlerContext } from './crawler/components.js';
export type { DownloaderMiddleware, Downloader } from './crawler/downloader/types.js';
export type { RequestQueue, DupeFilter } from './crawler/queues/types.js';
export { canonicalizeUrl, requestFingerprint } from './crawler/fingerprint.js';
export {
  FeedExporter,
  FEED_COMPONENTS,
  FeedConfigError,
  FeedResumeError,
  feedsFromCliOption,
  feedsFromCliOptions,
  FEED_FORMATS,
  type FeedExporterOptions,
  type FeedFormat,
  type ItemExporter,
} from './feeds/index.js';
export { crawl, CrawlRun, CrawlerProcess } from './crawler/crawl.js';
export { Crawler, type CrawlOptions, type CrawlResult } from './crawler/crawler.js';
export type { Engine, EngineStatus } from './crawler/engine.js';
export { Scheduler, type SchedulerOptions } from './crawler/scheduler.js';
export { MemoryQueue, MemoryDupeFilter, type QueueBackend } from './crawler/queues/index.js';
export type { ItemPipeline } from './crawler/pipelines/types.js';
export type { SpiderMiddleware } from './crawler/spidermw/types.js';
export {
  DepthMiddleware,
  HttpErrorMiddleware,
  OffsiteMiddleware,
  RefererMiddleware,
  UrlLengthMiddleware,
} from './crawler/spidermw/index.js';
export { CloseSpiderExtension, CoreStats, LogStats, MemoryUsage } from './crawler/extensions/index.js';
export { BUILTIN_COMPONENTS } from './crawler/builtins.js';
export { installShutdownHandlers, type Stoppable } from './crawler/shutdown.js';
