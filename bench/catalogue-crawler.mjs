// The crawl both crawl-child.mjs and jobdir-child.mjs measure: the demo shop with
// CatalogueSpider at concurrency 64, a JSONL feed in `dir`, quiet logs. The classes come from
// the caller, so a benchmark can run it on another build (jobdir-child's `dist=PATH`).
import { join } from 'node:path';

export function catalogueCrawler({ Crawler, MemorySink, CatalogueSpider }, origin, dir, extraSettings = {}) {
  return new Crawler(CatalogueSpider, {
    args: { startUrl: `${origin}/` },
    settings: {
      CONCURRENT_REQUESTS: 64,
      CONCURRENT_REQUESTS_PER_DOMAIN: 64,
      LOG_LEVEL: 'INFO',
      LOGSTATS_INTERVAL: 0,
      STATS_DUMP: false,
      FEEDS: { [join(dir, 'items.jsonl')]: { format: 'jsonl' } },
      ...extraSettings,
    },
    logSink: new MemorySink(),
    keepItems: false,
  });
}
