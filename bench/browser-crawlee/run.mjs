// Crawlee's PlaywrightCrawler on the same pages, browser and concurrency as tscrapy in
// bench/browser.ts. Usage: node run.mjs <base> <pages> <concurrency> <chromium>; prints one JSON line.
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
    minConcurrency: Number(concurrency),
    maxConcurrency: Number(concurrency),
    maxRequestRetries: 2,
    async requestHandler({ page }) {
      const title = await page.locator('h1').textContent();
      const price = await page.locator('p.price').textContent();
      const paras = await page.locator('p.para').count();
      if (title && price && paras === 20) items++;
    },
  },
  new Configuration({ persistStorage: false }),
);
const urls = Array.from({ length: Number(pages) }, (_, i) => `${base}/item/${i + 1}`);
await crawler.run(urls);
console.log(JSON.stringify({ items }));
