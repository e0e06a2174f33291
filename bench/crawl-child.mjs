// One measurement of bench/crawl.ts, in its own process: `crawl`, `fetch` or `parse`.
// Plain JS over the built `dist/` (run `npm run build` first), so that it measures what users
// run, without a TypeScript loader's memory. Prints one JSON line on stdout.
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent, request } from 'undici';
import { Crawler, MemorySink, Selector } from '../dist/index.js';
import { CatalogueSpider } from '../dist/demo/catalogue-spider.js';
import { applyHeapGrowingPercent } from '../dist/crawler/heap.js';
import { catalogueCrawler } from './catalogue-crawler.mjs';

const [mode, origin, productsArg, heapArg, threadsArg = 'auto'] = process.argv.slice(2);
// As `tscrapy crawl` does with HEAP_GROWING_PERCENT (30 by default; 0: V8's default).
applyHeapGrowingPercent(Number(heapArg ?? 30));
const products = Number(productsArg);
const productUrls = () => Array.from({ length: products }, (_, i) => `${origin}/product/${i + 1}`);

/**
 * Fetches every product URL once at concurrency 64 with undici's dispatcher, no parsing. With
 * `acceptEncoding` the site sends what it sends a crawler (a quarter of the pages gzipped, not
 * decoded here), and fills its gzip cache, so that every crawl after this one meets a warm site.
 */
async function rawFetch(urls, concurrency = 64, keep = 0, acceptEncoding = undefined) {
  const headers = acceptEncoding ? { 'accept-encoding': acceptEncoding } : {};
  const agent = new Agent({ connections: concurrency });
  const bodies = [];
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < urls.length) {
        const res = await request(urls[next++], { dispatcher: agent, headers });
        const body = Buffer.from(await res.body.arrayBuffer());
        if (bodies.length < keep && res.statusCode === 200) bodies.push(body);
      }
    }),
  );
  const perSecond = urls.length / ((performance.now() - t0) / 1000);
  await agent.close();
  return { perSecond, bodies };
}

/** Parses saved product pages and extracts what CatalogueSpider extracts, with the Selector API. */
function rawParse(bodies, seconds = 5) {
  let pages = 0;
  const t0 = performance.now();
  while (performance.now() - t0 < seconds * 1000) {
    for (const body of bodies) {
      const page = new Selector({ text: body.toString('utf8') }).css('div.product-page');
      void page.attrib['data-sku'];
      void page.css('h1.name::text').get();
      void page.css('p.price::text').get();
      void page.css('p.stock::text').get();
      for (const href of page.css('ul.related a::attr(href)').getall()) void new URL(href, origin).href;
      pages++;
    }
  }
  return pages / ((performance.now() - t0) / 1000);
}

async function crawl() {
  const dir = mkdtempSync(join(tmpdir(), 'tscrapy-bench-'));
  try {
    const threads = threadsArg === 'auto' ? 'auto' : Number(threadsArg);
    const crawler = catalogueCrawler({ Crawler, MemorySink, CatalogueSpider }, origin, dir, { PARSE_THREADS: threads });
    const t0 = performance.now();
    const cpu0 = process.cpuUsage();
    const { stats } = await crawler.crawl();
    const seconds = (performance.now() - t0) / 1000;
    const cpu = process.cpuUsage(cpu0);
    if (statSync(join(dir, 'items.jsonl')).size === 0) throw new Error('the feed is empty');
    return {
      pages: Number(stats.response_received_count),
      items: Number(stats.item_scraped_count),
      seconds,
      cpuSeconds: (cpu.user + cpu.system) / 1e6,
      parsedOnThreads: Number(stats['parse/thread_count'] ?? 0),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

let out;
if (mode === 'fetch') out = { perSecond: (await rawFetch(productUrls(), 64, 0, 'gzip, deflate, br')).perSecond };
else if (mode === 'parse') out = { perSecond: rawParse((await rawFetch(productUrls().slice(0, 1000), 64, 1000)).bodies) };
else out = await crawl();
console.log(JSON.stringify(out));
