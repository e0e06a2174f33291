// Crawlee's PlaywrightCrawler on the same pages, browser and concurrency as tscrapy in
// bench/browser.ts. Usage: node run.mjs <base> <pages> <concurrency> <chromium>; prints one JSON line.
//
// Kept equal to the tscrapy side: the same Chromium switches (Playwright adds --headless for
// both), navigation done at `load` (Crawlee's and tscrapy's default), nothing blocked, and the
// same extraction (the rendered HTML from page.content(), parsed in Node). Fingerprint injection
// is off: it is extra work per page that tscrapy does not do, so leaving it on would flatter tscrapy.
import * as cheerio from 'cheerio';
import { Configuration, PlaywrightCrawler } from 'crawlee';
import { chromium } from 'playwright';

const [base, pages, concurrency, executablePath] = process.argv.slice(2);
let items = 0;
const crawler = new PlaywrightCrawler(
  {
    launchContext: {
      launcher: chromium,
      launchOptions: {
        executablePath,
        headless: true,
        args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
      },
    },
    browserPoolOptions: { useFingerprints: false },
    minConcurrency: Number(concurrency),
    maxConcurrency: Number(concurrency),
    maxRequestRetries: 2,
    async requestHandler({ page }) {
      const $ = cheerio.load(await page.content());
      const title = $('h1').text();
      const price = $('p.price').text();
      const paras = $('p.para').length;
      if (title && price && paras === 20) items++;
    },
  },
  new Configuration({ persistStorage: false }),
);
const urls = Array.from({ length: Number(pages) }, (_, i) => `${base}/item/${i + 1}`);
await crawler.run(urls);
console.log(JSON.stringify({ items }));
