// One <loc> that is not an absolute URL (a relative path, a typo) made `new Request(loc)` throw
// inside parseSitemap: every later entry of that sitemap was lost and the crawl exited 1 for a
// fault of the site's. Bad entries are skipped now, each counted, and the site is named once.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { crawl } from '../../src/crawler/crawl.js';
import type { Response } from '../../src/crawler/http/response.js';
import { MemorySink } from '../../src/crawler/logger.js';
import { SitemapSpider, type SitemapRule } from '../../src/spiders/sitemap-spider.js';
import { QUIET, startFixtureSite, type FixtureSite } from './site.js';

const urlset = (locs: string[]) =>
  `<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">${locs.map((l) => `<url><loc>${l}</loc></url>`).join('')}</urlset>`;
const index = (locs: string[]) =>
  `<?xml version="1.0" encoding="UTF-8"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">${locs.map((l) => `<sitemap><loc>${l}</loc></sitemap>`).join('')}</sitemapindex>`;
const page = (title: string) => `<html><body><h1>${title}</h1></body></html>`;

let site: FixtureSite;
before(async () => {
  site = await startFixtureSite({
    '/sitemap_index.xml': { body: index(['/relative-sitemap.xml', '{origin}/sitemap-products.xml']), type: 'application/xml' },
    '/sitemap-products.xml': { body: urlset(['{origin}/product/1', '/product/relative', 'http://[bad/product/3', '{origin}/product/2']), type: 'text/xml' },
    '/product/1': page('P1'),
    '/product/2': page('P2'),
  });
});
after(() => site.close());

describe('SitemapSpider and entries that are not URLs', { timeout: 30_000 }, () => {
  it('skips them with a warning and a stat, keeps every other entry, and the crawl succeeds', async () => {
    const origin = site.origin;
    class Shop extends SitemapSpider {
      override name = 'shop';
      override sitemapUrls = [`${origin}/sitemap_index.xml`];
      override sitemapRules: SitemapRule[] = [[/\/product\//, 'parseProduct']];
      parseProduct(response: Response) {
        return { product: response.css('h1::text').get() };
      }
    }
    const sink = new MemorySink();
    const { items, stats, reason } = await crawl(Shop, { settings: QUIET, logSink: sink });
    assert.equal(reason, 'finished');
    assert.deepEqual(items.map((i) => (i as { product: string }).product).sort(), ['P1', 'P2']);
    assert.equal(stats['spider_exceptions/InvalidArgumentError'], undefined, sink.lines.join('\n'));
    assert.equal(stats['sitemap/invalid_loc'], 3);
    assert.ok(sink.lines.some((l) => l.includes('WARNING') && l.includes('/sitemap-products.xml') && l.includes('"/product/relative"')), sink.lines.join('\n'));
  });
});
