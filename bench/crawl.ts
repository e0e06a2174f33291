// The crawl benchmark of issue 2: a 20,000-product shop on 127.0.0.1 (served by a child
// process), crawled with CONCURRENT_REQUESTS=64 and a JSONL feed, against the two raw limits
// measured in the same run: fetching the same URLs with undici and no parsing, and parsing +
// extracting the same pages in a loop with no network.
//
//   node --import tsx bench/crawl.ts [products=20000]
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent, request } from 'undici';
import { Crawler } from '../src/crawler/crawler.js';
import { MemorySink } from '../src/crawler/logger.js';
import { CatalogueSpider } from '../src/demo/catalogue-spider.js';
import { startCatalogueSiteProcess } from '../src/demo/site-process.js';
import { Selector } from '../src/selector/selector.js';

export interface CrawlBenchResult {
  products: number;
  pages: number;
  items: number;
  seconds: number;
  pagesPerSecond: number;
  itemsPerSecond: number;
  peakRssMb: number;
  rawFetchPerSecond: number;
  rawParsePerSecond: number;
  /** pages/s of the crawl divided by the smaller raw limit. */
  ratioToLimit: number;
}

/** Fetches every URL once at `concurrency` with undici's dispatcher, no parsing: pages/s. */
async function rawFetch(urls: string[], concurrency: number): Promise<{ perSecond: number; bodies: Buffer[] }> {
  const agent = new Agent({ connections: concurrency, pipelining: 1 });
  const bodies: Buffer[] = [];
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < urls.length) {
        const url = urls[next++]!;
        const res = await request(url, { dispatcher: agent, headers: { 'accept-encoding': 'identity' } });
        const body = Buffer.from(await res.body.arrayBuffer());
        if (bodies.length < 2000 && res.statusCode === 200) bodies.push(body);
      }
    }),
  );
  const secs = (performance.now() - t0) / 1000;
  await agent.close();
  return { perSecond: urls.length / secs, bodies };
}

/** Parses saved product pages and extracts the spider's fields with the Selector API: pages/s. */
function rawParse(bodies: Buffer[], minSeconds = 3): number {
  let pages = 0;
  const t0 = performance.now();
  while (performance.now() - t0 < minSeconds * 1000) {
    for (const body of bodies) {
      const sel = new Selector({ text: body.toString('utf8') });
      const page = sel.css('div.product-page');
      void page.attrib['data-sku'];
      void page.css('h1.name::text').get();
      void page.css('p.price::text').get();
      void page.css('p.stock::text').get();
      void page.css('ul.related a::attr(href)').getall().map((h: string) => new URL(h, 'http://127.0.0.1/').href);
      pages++;
    }
  }
  return pages / ((performance.now() - t0) / 1000);
}

export async function benchCrawl(products = 20_000): Promise<CrawlBenchResult> {
  const site = await startCatalogueSiteProcess({ products });
  const dir = mkdtempSync(join(tmpdir(), 'tscrapy-bench-'));
  try {
    let peakRss = process.memoryUsage.rss();
    const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage.rss())), 100);
    const crawler = new Crawler(CatalogueSpider, {
      args: { startUrl: `${site.origin}/` },
      settings: {
        CONCURRENT_REQUESTS: 64,
        CONCURRENT_REQUESTS_PER_DOMAIN: 64,
        LOG_LEVEL: 'INFO',
        LOGSTATS_INTERVAL: 0,
        STATS_DUMP: false,
        FEEDS: { [join(dir, 'items.jsonl')]: { format: 'jsonl' } },
      },
      logSink: new MemorySink(),
      keepItems: false,
    });
    const t0 = performance.now();
    const { stats } = await crawler.crawl();
    const seconds = (performance.now() - t0) / 1000;
    clearInterval(sampler);
    const pages = Number(stats.response_received_count);
    const items = Number(stats.item_scraped_count);
    if (statSync(join(dir, 'items.jsonl')).size === 0) throw new Error('the feed is empty');

    // The same product URLs, fetched raw and parsed raw.
    const urls = Array.from({ length: products }, (_, i) => `${site.origin}/product/${i + 1}`);
    const fetched = await rawFetch(urls, 64);
    const parse = rawParse(fetched.bodies);
    const limit = Math.min(fetched.perSecond, parse);
    return {
      products,
      pages,
      items,
      seconds,
      pagesPerSecond: pages / seconds,
      itemsPerSecond: items / seconds,
      peakRssMb: peakRss / 1024 / 1024,
      rawFetchPerSecond: fetched.perSecond,
      rawParsePerSecond: parse,
      ratioToLimit: pages / seconds / limit,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
    await site.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const r = await benchCrawl(Number(process.argv[2] ?? 20_000));
  console.log(JSON.stringify(r, null, 2));
}
