/**
 * Every built-in setting with its default, alphabetical, one TSDoc each. Names and meanings
 * follow Scrapy's where Scrapy has the setting. Components read these through `Settings`.
 */
import type { ComponentMap } from '../components.js';

/** Options of one feed of the FEEDS setting. */
export interface FeedOptions {
  /** jsonl (alias jl, jsonlines), json, csv or xml; guessed from the URI's extension when absent. */
  format?: string;
  /** Truncate the file when the job starts fresh (`-O`); append otherwise (`-o`). */
  overwrite?: boolean;
  /** Fields to export, in order; default: the keys of the items as they come. */
  fields?: string[];
  /** @default 'utf-8' */
  encoding?: string;
  /** Pretty-print indent for json/xml. */
  indent?: number;
  /** How Dates are written: 'iso' or 'scrapy' (see FEED_EXPORT_DATETIME_FORMAT). */
  datetimeFormat?: 'iso' | 'scrapy';
  /** Start a new file every N items (needs `%(batch_id)d` or `%(batch_time)s` in the URI). */
  batchItemCount?: number;
}

/** The built-in settings and their types (`satisfies Partial<DefaultSettings>` in a project's settings catches typos). */
export interface DefaultSettings {
  /** Adjust delay and concurrency to the latency of each site. @default false */
  AUTOTHROTTLE_ENABLED: boolean;
  /** Log every throttle adjustment. @default false */
  AUTOTHROTTLE_DEBUG: boolean;
  /** Initial download delay in seconds. @default 5 */
  AUTOTHROTTLE_START_DELAY: number;
  /** Highest delay in seconds. @default 60 */
  AUTOTHROTTLE_MAX_DELAY: number;
  /** Requests that should be in flight towards each site on average. @default 1 */
  AUTOTHROTTLE_TARGET_CONCURRENCY: number;
  /** The project's bot name, shown in logs. @default 'tscrapybot' */
  BOT_NAME: string;
  /** Close the spider after this many errors (0: never). @default 0 */
  CLOSESPIDER_ERRORCOUNT: number;
  /** Close the spider after this many items (0: never). @default 0 */
  CLOSESPIDER_ITEMCOUNT: number;
  /** Close the spider after this many responses (0: never). @default 0 */
  CLOSESPIDER_PAGECOUNT: number;
  /** Close the spider after this many seconds (0: never). @default 0 */
  CLOSESPIDER_TIMEOUT: number;
  /** Items processed in parallel per response by the pipelines. @default 100 */
  CONCURRENT_ITEMS: number;
  /** Downloads in flight at once, all sites together. @default 16 */
  CONCURRENT_REQUESTS: number;
  /** Downloads in flight at once towards one domain (one slot). @default 8 */
  CONCURRENT_REQUESTS_PER_DOMAIN: number;
  /** Id of a shared (Redis) crawl: workers with the same id share one frontier; default the spider's name. @default null */
  CRAWL_ID: string | null;
  /** Keep cookies per crawl and send them back. @default true */
  COOKIES_ENABLED: boolean;
  /** Log cookies sent and received. @default false */
  COOKIES_DEBUG: boolean;
  /** Bytes of the Cookie header sent; cookies that would pass it are left out, with a warning (8 KiB is what nginx and Apache accept by default). @default 8192 */
  COOKIES_MAX_HEADER_SIZE: number;
  /** Cookies kept per domain; beyond, the least recently used go (as in Chrome and Firefox). @default 180 */
  COOKIES_MAX_PER_DOMAIN: number;
  /** Bytes of a cookie's name and value; a larger one is refused (as browsers do). @default 4096 */
  COOKIES_MAX_SIZE: number;
  /** Cookies kept per jar; beyond, the least recently used go. @default 3000 */
  COOKIES_MAX_TOTAL: number;
  /** Ask for compressed bodies and decode them (HttpCompressionMiddleware). @default true */
  COMPRESSION_ENABLED: boolean;
  /** Whether CrawlSpider applies its rules (false: only the callbacks run, no links are followed). @default true */
  CRAWLSPIDER_FOLLOW_LINKS: boolean;
  /** Headers sent with every request unless the request sets them. */
  DEFAULT_REQUEST_HEADERS: Record<string, string>;
  /** Requests deeper than this are dropped (0: no limit). @default 0 */
  DEPTH_LIMIT: number;
  /** Priority adjustment per depth: positive → breadth-first, negative → depth-first. @default 0 */
  DEPTH_PRIORITY: number;
  /** Keep per-depth request counts in stats. @default false */
  DEPTH_STATS_VERBOSE: boolean;
  /** Seconds to wait between requests to the same slot. @default 0 */
  DOWNLOAD_DELAY: number;
  /** Largest body accepted, in bytes, counted after decoding (0: no limit). @default 1073741824 */
  DOWNLOAD_MAXSIZE: number;
  /** Seconds before a download fails with a timeout. @default 180 */
  DOWNLOAD_TIMEOUT: number;
  /** Verify TLS certificates of https sites (Scrapy does not; turn off for sites with broken certificates). @default true */
  DOWNLOAD_TLS_VERIFY: boolean;
  /** Warn when a body passes this many bytes (0: never). @default 33554432 */
  DOWNLOAD_WARNSIZE: number;
  /** User downloader middlewares: name or class → order (null disables a built-in). */
  DOWNLOADER_MIDDLEWARES: ComponentMap;
  /** Built-in downloader middlewares and their orders. */
  DOWNLOADER_MIDDLEWARES_BASE: ComponentMap;
  /** Collect the `downloader/*` stats (DownloaderStats). @default true */
  DOWNLOADER_STATS: boolean;
  /** Log each request dropped as a duplicate, not just the first. @default false */
  DUPEFILTER_DEBUG: boolean;
  /**
   * A crawl fails (CLI exit code 1, a server job's exit_code 1) when it has more failures than
   * this: callback errors, invalid callback outputs, item pipeline errors, feed errors, close
   * errors (see `FAILURE_STATS` in crawl-outcome.ts); pages that failed after their retries are
   * not failures. -1: never. @default 0
   */
  EXIT_ERROR_THRESHOLD: number;
  /** User extensions: name or class → order. */
  EXTENSIONS: ComponentMap;
  /** Built-in extensions. */
  EXTENSIONS_BASE: ComponentMap;
  /** Start a new feed file every N items (0: one file). @default 0 */
  FEED_EXPORT_BATCH_ITEM_COUNT: number;
  /**
   * How feeds write Dates. 'iso': `2024-01-02T03:04:05.678Z`, what JavaScript writes and reads
   * back. 'scrapy': what Scrapy's exporters write for the same UTC time, `2024-01-02 03:04:05`
   * in json/jsonl and `2024-01-02 03:04:05.678000` in csv/xml. @default 'iso'
   */
  FEED_EXPORT_DATETIME_FORMAT: 'iso' | 'scrapy';
  /** @default 'utf-8' */
  FEED_EXPORT_ENCODING: string;
  /** Fields to export when a feed names none. @default null */
  FEED_EXPORT_FIELDS: string[] | null;
  /** @default 0 */
  FEED_EXPORT_INDENT: number;
  /** Feed URI → options. `-o`/`-O` add to it. */
  FEEDS: Record<string, FeedOptions>;
  /**
   * V8's old-generation growth, in percent over what the last full GC kept. Applied by `tscrapy
   * crawl`/`runspider` and server jobs (it is process-wide; embedders set Node's
   * `--heap-growing-percent` themselves). Lower: less memory, a little more CPU. 0: V8's default. @default 30
   */
  HEAP_GROWING_PERCENT: number;
  /** Non-2xx statuses that still reach callbacks. @default [] */
  HTTPERROR_ALLOWED_CODES: number[];
  /** Let every status reach callbacks. @default false */
  HTTPERROR_ALLOW_ALL: boolean;
  /** Folder of the HTTP cache, relative to the project's `.tscrapy` folder. @default 'httpcache' */
  HTTPCACHE_DIR: string;
  /** Cache responses on disk for fast spider development. @default false */
  HTTPCACHE_ENABLED: boolean;
  /** Seconds a cached response stays fresh (0: forever). @default 0 */
  HTTPCACHE_EXPIRATION_SECS: number;
  /** Statuses never cached. @default [] */
  HTTPCACHE_IGNORE_HTTP_CODES: number[];
  /** Fail requests missing from the cache instead of downloading them. @default false */
  HTTPCACHE_IGNORE_MISSING: boolean;
  /** URL schemes never cached. @default ['file'] */
  HTTPCACHE_IGNORE_SCHEMES: string[];
  /** Honour proxies from `http_proxy`/`https_proxy`/`no_proxy` and `meta.proxy`. @default true */
  HTTPPROXY_ENABLED: boolean;
  /** Redis stream key for ITEMS_URL (default `<REDIS_KEY_PREFIX>:<CRAWL_ID>:items`). @default null */
  ITEMS_KEY: string | null;
  /** `redis://…`: also push every scraped item to a Redis stream (XADD), for a consumer. @default null */
  ITEMS_URL: string | null;
  /** Item pipelines: name or class → order. */
  ITEM_PIPELINES: ComponentMap;
  /** Built-in item pipelines (none by default). */
  ITEM_PIPELINES_BASE: ComponentMap;
  /** Folder that holds the state of one job, for pause and resume (unset: no persistence). */
  JOBDIR: string | null;
  /**
   * Resume a JOBDIR whose queue is damaged (a file missing, truncated or changed since a clean
   * pause) with what is readable, instead of refusing to start. `--jobdir-repair`. @default false
   */
  JOBDIR_REPAIR: boolean;
  /** Log at all. @default true */
  LOG_ENABLED: boolean;
  /** @default 'utf-8' */
  LOG_ENCODING: string;
  /** Write the log to this file instead of stderr. @default null */
  LOG_FILE: string | null;
  /** Append to LOG_FILE instead of truncating it. @default true */
  LOG_FILE_APPEND: boolean;
  /** CRITICAL, ERROR, WARNING, INFO or DEBUG. @default 'DEBUG' */
  LOG_LEVEL: string;
  /** Seconds between the periodic stats lines (0: none). @default 60 */
  LOGSTATS_INTERVAL: number;
  /** Track the process's peak memory in `memusage/max`. @default true */
  MEMUSAGE_ENABLED: boolean;
  /** Follow `<meta http-equiv=refresh>`. @default true */
  METAREFRESH_ENABLED: boolean;
  /** Seconds between memory samples. @default 1 */
  MEMUSAGE_CHECK_INTERVAL_SECONDS: number;
  /** Close the spider when RSS passes this many MB (0: never). @default 0 */
  MEMUSAGE_LIMIT_MB: number;
  /** Warn once when RSS passes this many MB (0: never). @default 0 */
  MEMUSAGE_WARNING_MB: number;
  /** Tags whose content is ignored when looking for `<meta http-equiv=refresh>`. @default ['noscript'] */
  METAREFRESH_IGNORE_TAGS: string[];
  /** Refreshes with a longer delay, in seconds, are not followed. @default 100 */
  METAREFRESH_MAXDELAY: number;
  /**
   * Most worker threads that parse HTML before callbacks run, so that parse5 runs beside the
   * event loop instead of on it: 'auto' (one per core but one, and at most one per 256 MiB of
   * memory), or a number; 0 parses every page lazily on the main thread. Threads start only
   * after the first 32 pages a callback queried, so short crawls never start one, and then one at
   * a time while those running all have a page waiting, so a crawl starts only the threads it
   * keeps busy (stat `parse/threads_started`). @default 'auto'
   */
  PARSE_THREADS: number | 'auto';
  /** Randomise DOWNLOAD_DELAY between 0.5× and 1.5×. @default true */
  RANDOMIZE_DOWNLOAD_DELAY: boolean;
  /** Follow redirects. @default true */
  REDIRECT_ENABLED: boolean;
  /** Redirects followed for one request before giving up. @default 20 */
  REDIRECT_MAX_TIMES: number;
  /** Adjust the priority of redirected requests. @default 2 */
  REDIRECT_PRIORITY_ADJUST: number;
  /** An idle worker waits at most this many seconds for requests leased by other workers (0: as long as any lease is outstanding). @default 0 */
  REDIS_IDLE_TIMEOUT: number;
  /** Namespace of a shared crawl's keys: `<prefix>:<CRAWL_ID>:…`. @default 'tscrapy' */
  REDIS_KEY_PREFIX: string;
  /** Seconds without a heartbeat after which a worker's leased requests go back to the queue. @default 30 */
  REDIS_LEASE_TIMEOUT: number;
  /** Reconnection attempts (100 ms doubling to 3 s) before a lost Redis fails the crawl. @default 10 */
  REDIS_MAX_RETRIES: number;
  /** Keep the frontier and fingerprints in Redis when the crawl finishes (default: the last worker deletes them; stats stay). @default false */
  REDIS_PERSIST: boolean;
  /** Requests a worker takes under lease per round trip. @default 8 */
  REDIS_PREFETCH: number;
  /** Seconds between flushes of this worker's stats into the crawl's merged stats. @default 1 */
  REDIS_STATS_INTERVAL: number;
  /** The seeding worker feeds `start()` into the shared queue while fewer requests than this are pending there (every worker takes them, so its own downloader does not pace it). @default 1000 */
  REDIS_START_BACKLOG: number;
  /** Set Referer on requests made from a response. @default true */
  REFERER_ENABLED: boolean;
  /** Retry failed downloads. @default true */
  RETRY_ENABLED: boolean;
  /** Statuses that are retried. @default [500, 502, 503, 504, 522, 524, 408, 429] */
  RETRY_HTTP_CODES: number[];
  /** Priority adjustment of retried requests. @default -1 */
  RETRY_PRIORITY_ADJUST: number;
  /** Retries per request, on top of the first attempt. @default 2 */
  RETRY_TIMES: number;
  /** Base of the exponential backoff between retries, in seconds (0: retry at once): the n-th retry waits base × 2^(n-1) s, capped at RETRY_BACKOFF_MAX, times a random 0.5–1.5. @default 0 */
  RETRY_BACKOFF_BASE: number;
  /** Highest backoff between retries, in seconds (jitter included). @default 60 */
  RETRY_BACKOFF_MAX: number;
  /** Fetch and obey robots.txt. @default false (projects made by `tscrapy new` turn it on) */
  ROBOTSTXT_OBEY: boolean;
  /** User agent matched against robots.txt rules (default: USER_AGENT). @default null */
  ROBOTSTXT_USER_AGENT: string | null;
  /** Log requests that cannot be serialized to disk and keep them in memory. @default false */
  SCHEDULER_DEBUG: boolean;
  /** A Scrapy queue class name; one containing 'Fifo' makes the memory queue FIFO. @default 'LifoMemoryQueue' */
  SCHEDULER_MEMORY_QUEUE: string;
  /** 'lifo' (depth-first, default) or 'fifo' (breadth-first with DEPTH_PRIORITY=1); overrides SCHEDULER_MEMORY_QUEUE. @default null */
  SCHEDULER_ORDER: string | null;
  /** Where the frontier lives: unset → memory (or JOBDIR), `redis://…` → a shared crawl. @default null */
  SCHEDULER_URL: string | null;
  /** Bytes of responses and items the scraper may hold before the engine stops pulling requests. @default 5000000 */
  SCRAPER_SLOT_MAX_ACTIVE_SIZE: number;
  /** User spider middlewares: name or class → order. */
  SPIDER_MIDDLEWARES: ComponentMap;
  /** Built-in spider middlewares and their orders. */
  SPIDER_MIDDLEWARES_BASE: ComponentMap;
  /** Dump the stats when the spider closes. @default true */
  STATS_DUMP: boolean;
  /** Drop requests whose URL is longer than this (0: no limit). @default 2083 */
  URLLENGTH_LIMIT: number;
  /** @default 'tscrapy/<version> (+https://github.com/tscrapy/tscrapy)' */
  USER_AGENT: string;
  [key: string]: unknown;
}

/** tscrapy's version. */
export const VERSION = '0.1.0';

/** Every built-in setting with its default value. */
export const DEFAULTS: Readonly<DefaultSettings> = Object.freeze({
  AUTOTHROTTLE_DEBUG: false,
  AUTOTHROTTLE_ENABLED: false,
  AUTOTHROTTLE_MAX_DELAY: 60,
  AUTOTHROTTLE_START_DELAY: 5,
  AUTOTHROTTLE_TARGET_CONCURRENCY: 1,
  BOT_NAME: 'tscrapybot',
  CLOSESPIDER_ERRORCOUNT: 0,
  CLOSESPIDER_ITEMCOUNT: 0,
  CLOSESPIDER_PAGECOUNT: 0,
  CLOSESPIDER_TIMEOUT: 0,
  CONCURRENT_ITEMS: 100,
  CONCURRENT_REQUESTS: 16,
  CONCURRENT_REQUESTS_PER_DOMAIN: 8,
  CRAWL_ID: null,
  COOKIES_DEBUG: false,
  COOKIES_ENABLED: true,
  COOKIES_MAX_HEADER_SIZE: 8192,
  COOKIES_MAX_PER_DOMAIN: 180,
  COOKIES_MAX_SIZE: 4096,
  COOKIES_MAX_TOTAL: 3000,
  COMPRESSION_ENABLED: true,
  CRAWLSPIDER_FOLLOW_LINKS: true,
  DEFAULT_REQUEST_HEADERS: {
    Accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8',
    'Accept-Language': 'en',
  },
  DEPTH_LIMIT: 0,
  DEPTH_PRIORITY: 0,
  DEPTH_STATS_VERBOSE: false,
  DOWNLOAD_DELAY: 0,
  DOWNLOAD_MAXSIZE: 1024 * 1024 * 1024,
  DOWNLOAD_TIMEOUT: 180,
  DOWNLOAD_TLS_VERIFY: true,
  DOWNLOAD_WARNSIZE: 32 * 1024 * 1024,
  DOWNLOADER_MIDDLEWARES: {},
  DOWNLOADER_MIDDLEWARES_BASE: {
    RobotsTxtMiddleware: 100,
    HttpAuthMiddleware: 300,
    DownloadTimeoutMiddleware: 350,
    DefaultHeadersMiddleware: 400,
    UserAgentMiddleware: 500,
    RetryMiddleware: 550,
    MetaRefreshMiddleware: 580,
    HttpCompressionMiddleware: 590,
    RedirectMiddleware: 600,
    CookiesMiddleware: 700,
    HttpProxyMiddleware: 750,
    DownloaderStats: 850,
    HttpCacheMiddleware: 900,
  },
  DOWNLOADER_STATS: true,
  DUPEFILTER_DEBUG: false,
  EXIT_ERROR_THRESHOLD: 0,
  EXTENSIONS: {},
  EXTENSIONS_BASE: {
    CoreStats: 0,
    MemoryUsage: 0,
    LogStats: 0,
    CloseSpiderExtension: 0,
    FeedExporter: 0,
    RedisItemsStream: 0,
    SpiderStateExtension: 0,
  },
  FEED_EXPORT_BATCH_ITEM_COUNT: 0,
  FEED_EXPORT_DATETIME_FORMAT: 'iso',
  FEED_EXPORT_ENCODING: 'utf-8',
  FEED_EXPORT_FIELDS: null,
  FEED_EXPORT_INDENT: 0,
  FEEDS: {},
  HEAP_GROWING_PERCENT: 30,
  HTTPCACHE_DIR: 'httpcache',
  HTTPCACHE_ENABLED: false,
  HTTPCACHE_EXPIRATION_SECS: 0,
  HTTPCACHE_IGNORE_HTTP_CODES: [],
  HTTPCACHE_IGNORE_MISSING: false,
  HTTPCACHE_IGNORE_SCHEMES: ['file'],
  HTTPERROR_ALLOW_ALL: false,
  HTTPERROR_ALLOWED_CODES: [],
  HTTPPROXY_ENABLED: true,
  ITEMS_KEY: null,
  ITEMS_URL: null,
  ITEM_PIPELINES: {},
  ITEM_PIPELINES_BASE: {},
  JOBDIR: null,
  JOBDIR_REPAIR: false,
  LOG_ENABLED: true,
  LOG_ENCODING: 'utf-8',
  LOG_FILE: null,
  LOG_FILE_APPEND: true,
  LOG_LEVEL: 'DEBUG',
  LOGSTATS_INTERVAL: 60,
  MEMUSAGE_CHECK_INTERVAL_SECONDS: 1,
  MEMUSAGE_ENABLED: true,
  MEMUSAGE_LIMIT_MB: 0,
  MEMUSAGE_WARNING_MB: 0,
  METAREFRESH_ENABLED: true,
  METAREFRESH_IGNORE_TAGS: ['noscript'],
  METAREFRESH_MAXDELAY: 100,
  PARSE_THREADS: 'auto',
  RANDOMIZE_DOWNLOAD_DELAY: true,
  REDIRECT_ENABLED: true,
  REDIRECT_MAX_TIMES: 20,
  REDIRECT_PRIORITY_ADJUST: 2,
  REDIS_IDLE_TIMEOUT: 0,
  REDIS_KEY_PREFIX: 'tscrapy',
  REDIS_LEASE_TIMEOUT: 30,
  REDIS_MAX_RETRIES: 10,
  REDIS_PERSIST: false,
  REDIS_PREFETCH: 8,
  REDIS_STATS_INTERVAL: 1,
  REDIS_START_BACKLOG: 1000,
  REFERER_ENABLED: true,
  RETRY_BACKOFF_BASE: 0,
  RETRY_BACKOFF_MAX: 60,
  RETRY_ENABLED: true,
  RETRY_HTTP_CODES: [500, 502, 503, 504, 522, 524, 408, 429],
  RETRY_PRIORITY_ADJUST: -1,
  RETRY_TIMES: 2,
  ROBOTSTXT_OBEY: false,
  ROBOTSTXT_USER_AGENT: null,
  SCHEDULER_DEBUG: false,
  SCHEDULER_MEMORY_QUEUE: 'LifoMemoryQueue',
  SCHEDULER_ORDER: null,
  SCHEDULER_URL: null,
  SCRAPER_SLOT_MAX_ACTIVE_SIZE: 5_000_000,
  SPIDER_MIDDLEWARES: {},
  SPIDER_MIDDLEWARES_BASE: {
    HttpErrorMiddleware: 50,
    OffsiteMiddleware: 500,
    RefererMiddleware: 700,
    UrlLengthMiddleware: 800,
    DepthMiddleware: 900,
  },
  STATS_DUMP: true,
  URLLENGTH_LIMIT: 2083,
  USER_AGENT: `tscrapy/${VERSION} (+https://github.com/tscrapy/tscrapy)`,
});
