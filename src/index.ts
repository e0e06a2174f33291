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
export { startServer, type ServerOptions, type TscrapyServer } from './server/server.js';
export { loadServerConfig, defaultServerConfig, type ServerConfig, type LoadConfigOptions } from './server/config.js';
export { ServerConfigError, ApiError, BundleRejectedError } from './server/errors.js';
export type { JobRunner, JobSpec, RunningJob } from './server/launcher/types.js';
