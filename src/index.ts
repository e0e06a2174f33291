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
export { FeedStorages, FEED_STORAGES_BASE, S3FeedStorage, FtpFeedStorage, StorageError, type FeedStorage, type FeedStorageClass, type FeedStorageOptions } from './feeds/storages/index.js';
export { FilesPipeline, ImagesPipeline, MediaPipeline, FSFilesStore, FileException, ImageException, MediaStoreError, MediaDependencyError, MAX_IMAGE_PIXELS, S3FilesStore, FTPFilesStore, type MediaResult, type MediaOutcome, type MediaSettings, type FilesStore, type StoredFileInfo, type ThumbSizes } from './crawler/pipelines/media/index.js';
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
// Projects, bundles and deploy (src/config, src/project, src/deploy).
export { loadConfig, configSources, closestConfig, LayeredConfig, type ConfigOptions, type ConfigValue } from './config/config-files.js';
export { expandEnv } from './config/expand.js';
export { parseIni, readIniFile, type IniSections } from './config/ini-file.js';
export { parseNetrc, findNetrcEntry, lookupNetrc, netrcPath, type NetrcEntry, type NetrcLookup } from './config/netrc.js';
export { resolveCredentials, credentialKey, type Credentials, type CredentialResult, type CredentialTarget } from './config/credentials.js';
export { keychainGet, keychainSet, keychainDelete, KEYCHAIN_SERVICE } from './config/keychain.js';
export { ConfigSyntaxError, KeychainUnavailableError } from './config/errors.js';
export { findProject, resolveModule, moduleFiles, type ProjectInfo } from './project/project.js';
export { buildProject, type BuiltProject, type BuildOptions } from './project/build.js';
export { loadProjectModule, getSpider, linkTscrapy, type ProjectModule } from './project/load.js';
export { buildSpiderFile } from './project/spider-file.js';
export { ProjectNotFoundError, ProjectConfigError, BuildError, DuplicateSpiderError, ProjectLoadError, SpiderNotFoundError, type BuildDiagnostic } from './project/errors.js';
export { packArchive, readBundle, readBundleManifest, readBundleFile, makeManifest, portableMap, sourceDateEpoch, type ArchiveInput } from './project/archive.js';
export { validateManifest, manifestHash, canonicalJson, BundleFormatError, PROJECT_NAME_PATTERN, VERSION_PATTERN, ARCHIVE_ENTRIES, type Manifest } from './project/manifest.js';
export { buildDeployBundle, type DeployBundle } from './deploy/bundle.js';
export { addVersion, listProjects, callEndpoint, type ClientOptions, type ServerAnswer } from './deploy/client.js';
export { getTargets, getTarget, endpointUrl, maskUrl, type DeployTarget } from './deploy/targets.js';
export { resolveVersion } from './deploy/version.js';
export { UnknownTargetError, ServerUnreachableError, TlsError, AuthenticationError, ServerError } from './deploy/errors.js';
export {
  createDownloader,
  DOWNLOADER_COMPONENTS,
  HttpDownloader,
  type HttpDownloaderOptions,
  AutoThrottle,
  type AutoThrottleOptions,
  HttpHandler,
  DataHandler,
  FileHandler,
  type DownloadHandler,
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
  RobotsTxtForbiddenError,
  MaxRedirectsError,
  RedirectLoopError,
  HttpCacheMissError,
  UnsupportedSchemeError,
  FileNotFoundError,
  InvalidDataUrlError,
  DownloaderClosedError,
  DownloadFailedError,
  RequestNotSentError,
} from './crawler/downloader/index.js';
export { Selector, type SelectorInit, type XPathOptions } from './selector/selector.js';
export { XPathSyntaxError, XPathEvalError, type XPathVariable } from './selector/xpath/evaluate.js';
export { SelectorList } from './selector/selector-list.js';
export type { ReOptions } from './selector/regex.js';
export type { DocumentType } from './selector/document.js';
export { ResponseNotTextError, InvalidJsonError } from './crawler/http/response.js';
export type { FollowAllInput } from './crawler/http/follow.js';
export { detectEncoding, resolveEncoding, type DetectedEncoding, type EncodingSource } from './crawler/http/encoding.js';
export { JsonRequest, type JsonRequestOptions } from './crawler/http/json-request.js';
export { FormRequest, type FormRequestOptions, type FromResponseOptions, type FormFields } from './crawler/http/form-request.js';
export { LinkExtractor, IGNORED_EXTENSIONS, type Link, type LinkExtractorOptions } from './crawler/link-extractor.js';
export { startServer, type ServerOptions, type TscrapyServer } from './server/server.js';
export { loadServerConfig, defaultServerConfig, type ServerConfig, type LoadConfigOptions } from './server/config.js';
export { ServerConfigError, ApiError, BundleRejectedError } from './server/errors.js';
export type { JobRunner, JobSpec, RunningJob } from './server/launcher/types.js';
// Generic spiders (src/spiders).
export {
  CrawlSpider,
  Rule,
  type RuleOptions,
  type ProcessLinks,
  type ProcessRequest,
  SitemapSpider,
  type SitemapRule,
  XMLFeedSpider,
  type FeedIterator,
  CSVFeedSpider,
  parseSitemap,
  sitemapUrlsFromRobots,
  SitemapTooLargeError,
  type Sitemap,
  type SitemapEntry,
  parseCsv,
  type CsvOptions,
  type SpiderOutput,
  type OutputCallback,
} from './spiders/index.js';
