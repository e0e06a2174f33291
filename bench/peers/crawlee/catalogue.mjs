// The bench's catalogue crawl with Crawlee's CheerioCrawler (bench/peers/run.ts starts it):
// the same pages and fields as bench/catalogue-runspider.ts and ../scrapy_catalogue.py.
//
//   node catalogue.mjs ORIGIN ITEMS.jsonl CONCURRENCY
// Storage stays in memory (CRAWLEE_PERSIST_STORAGE=false, set by the caller): with its default
// disk storage Crawlee writes a file per request and grows to gigabytes on this crawl.
import { createWriteStream } from 'node:fs';
import { CheerioCrawler, log } from '@crawlee/cheerio';

const [origin, itemsFile, concurrency = '64'] = process.argv.slice(2);
if (!origin || !itemsFile) {
  console.error('usage: node catalogue.mjs ORIGIN ITEMS.jsonl [CONCURRENCY]');
  process.exit(2);
}
log.setLevel(log.LEVELS.WARNING);
const out = createWriteStream(itemsFile);
const n = Number(concurrency);

const crawler = new CheerioCrawler({
  // The same concurrency from the first request: Crawlee's autoscaler would otherwise start at
  // 1–2 and grow slowly, which measures the autoscaler rather than the crawl.
  minConcurrency: n,
  maxConcurrency: n,
  // Scrapy's and tscrapy's RETRY_TIMES.
  maxRequestRetries: 2,
  async requestHandler({ request, response, $, enqueueLinks }) {
    // Crawlee hands 4xx pages to the handler; Scrapy's and tscrapy's HttpErrorMiddleware keep
    // them from the callbacks. The same rule here, so the three scrape the same pages.
    if (response.statusCode >= 400) return;
    if (request.label === 'product') {
      const page = $('div.product-page').first();
      const price = page.find('p.price').first().text();
      out.write(
        JSON.stringify({
          url: request.loadedUrl ?? request.url,
          sku: page.attr('data-sku'),
          name: page.find('h1.name').first().text(),
          price: price ? Number(price.replace(/[^0-9.]/g, '')) : null,
          inStock: page.find('p.stock').first().text() === 'In stock',
        }) + '\n',
      );
      await enqueueLinks({ selector: 'div.product-page ul.related a', label: 'product' });
      return;
    }
    await enqueueLinks({ selector: 'li.product a.title', label: 'product' });
    await enqueueLinks({ selector: 'li.next a' });
  },
  // 404s and 500s are part of the site: they are logged as failures, not thrown.
  failedRequestHandler() {},
});

await crawler.run([`${origin}/`]);
await new Promise((resolve) => out.end(resolve));
