/** The generic spiders: rules-driven crawling, sitemaps and XML/CSV feeds. */
export { CrawlSpider, Rule, type RuleOptions, type ProcessLinks, type ProcessRequest } from './crawl-spider.js';
export { SitemapSpider, type SitemapRule } from './sitemap-spider.js';
export { XMLFeedSpider, type FeedIterator } from './xml-feed-spider.js';
export { CSVFeedSpider } from './csv-feed-spider.js';
export { parseSitemap, sitemapUrlsFromRobots, SitemapTooLargeError, type Sitemap, type SitemapEntry } from './sitemap.js';
export { parseCsv, type CsvOptions } from './csv.js';
export type { SpiderOutput, OutputCallback } from './output.js';
