import assert from 'node:assert/strict';
import { gzipSync } from 'node:zlib';
import { after, before, describe, it } from 'node:test';
import { crawl } from '../../src/crawler/crawl.js';
import { Request } from '../../src/crawler/http/request.js';
import { Response } from '../../src/crawler/http/response.js';
import { MemorySink } from '../../src/crawler/logger.js';
import { parseSitemap, sitemapUrlsFromRobots } from '../../src/spiders/sitemap.js';
import { SitemapSpider, type SitemapRule } from '../../src/spiders/sitemap-spider.js';
import { testContext } from '../support/context.js';
import { QUIET, startFixtureSite, type FixtureSite } from './site.js';

const urlset = (locs: string[], extra = '') =>
  `<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:xhtml="http://www.w3.org/1999/xhtml">
${locs.map((l) => `<url><loc>${l}</loc><lastmod>2024-01-01</lastmod>${extra}</url>`).join('\n')}
</urlset>`;
const index = (locs: string[]) =>
  `<?xml version="1.0" encoding="UTF-8"?>
<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
${locs.map((l) => `<sitemap><loc>${l}</loc></sitemap>`).join('\n')}
</sitemapindex>`;
const page = (title: string) => `<html><head><title>${title}</title></head><body><h1>${title}</h1></body></html>`;

let site: FixtureSite;
before(async () => {
  // The gzipped sitemap is served as a file (application/gzip, no Content-Encoding), which the downloader leaves as is.
  const gz = gzipSync(urlset(['{origin}/product/3', '{origin}/blog/2']).replace(/\{origin\}/g, 'ORIGIN'));
  site = await startFixtureSite({
    '/robots.txt': { body: 'User-agent: *\nDisallow: /private/\nSitemap: /sitemap_index.xml\nsitemap: {origin}/missing.xml\n', type: 'text/plain' },
    '/sitemap_index.xml': { body: index(['{origin}/sitemap-products.xml', '{origin}/sitemap-more.xml.gz', '{origin}/sitemap-ignored.xml']), type: 'application/xml' },
    '/sitemap-products.xml': { body: urlset(['{origin}/product/1', '{origin}/product/2', '{origin}/blog/1']), type: 'text/xml' },
    '/sitemap-more.xml.gz': { body: gz, type: 'application/gzip' },
    '/sitemap-ignored.xml': { body: urlset(['{origin}/product/99']), type: 'text/xml' },
    '/product/1': page('P1'),
    '/product/2': page('P2'),
    '/product/3': page('P3'),
    '/product/99': page('P99'),
    '/blog/1': page('B1'),
    '/blog/2': page('B2'),
  });
});
after(() => site.close());

describe('SitemapSpider', { timeout: 30_000 }, () => {
  it('follows robots.txt → sitemap index → plain and gzipped sitemaps, routing pages by sitemapRules', async () => {
    const origin = site.origin;
    const gzHits = () => site.hits.filter((h) => h.endsWith('.gz')).length;
    // The gzipped sitemap holds the literal ORIGIN (bodies are bytes); rewrite it on the way in.
    class Shop extends SitemapSpider {
      override name = 'shop';
      override sitemapUrls = [`${origin}/robots.txt`];
      override sitemapFollow = [/products|more/];
      override sitemapRules: SitemapRule[] = [
        [/\/product\//, 'parseProduct'],
        ['/blog/', 'parseBlog'],
      ];
      protected override sitemapBody(response: Response) {
        return super.sitemapBody(response)?.replaceAll('ORIGIN', origin) ?? null;
      }
      parseProduct(response: Response) {
        return { product: response.css('h1::text').get() };
      }
      parseBlog(response: Response) {
        return { blog: response.css('h1::text').get() };
      }
    }
    const sink = new MemorySink();
    const { items } = await crawl(Shop, { settings: QUIET, logSink: sink });
    const got = items.map((i) => Object.entries(i as object)[0]!.join(':')).sort();
    assert.deepEqual(got, ['blog:B1', 'blog:B2', 'product:P1', 'product:P2', 'product:P3']);
    assert.equal(gzHits(), 1);
    assert.ok(!site.hits.includes('/sitemap-ignored.xml'), 'sitemapFollow keeps only matching sitemaps of the index');
  });

  it('drops a gzipped sitemap that decompresses beyond the cap, with a warning', async () => {
    const spider = new (class extends SitemapSpider {
      override name = 'cap';
    })();
    const ctx = testContext({ DOWNLOAD_MAXSIZE: 10_000 }, spider);
    const bomb = gzipSync(Buffer.alloc(5_000_000, 0x20)); // ~5 KB compressed, 5 MB inflated
    const url = 'http://127.0.0.1/sitemap.xml.gz';
    const response = new Response({ url, body: bomb, headers: { 'content-type': 'application/octet-stream' }, request: new Request(url) });
    const out = [...spider.parseSitemap(response)];
    assert.deepEqual(out, []);
    assert.ok(ctx.sink.lines.some((l) => /decompresses to more than 10000 bytes/.test(l)), ctx.sink.lines.join('\n'));
    assert.equal(ctx.stats.getValue('sitemap/too_large'), 1);
  });

  it('yields alternate links when sitemapAlternateLinks is set, and ignores bodies that are not sitemaps', () => {
    const spider = new (class extends SitemapSpider {
      override name = 'alt';
      override sitemapAlternateLinks = true;
    })();
    const ctx = testContext({}, spider);
    const xml = urlset(['http://e.com/en'], '<xhtml:link rel="alternate" hreflang="de" href="http://e.com/de"/>');
    const url = 'http://e.com/sitemap.xml';
    const out = [...spider.parseSitemap(new Response({ url, body: Buffer.from(xml), headers: { 'content-type': 'text/xml' }, request: new Request(url) }))];
    assert.deepEqual(out.map((r) => r.url), ['http://e.com/en', 'http://e.com/de']);
    const html = 'http://e.com/page';
    assert.deepEqual([...spider.parseSitemap(new Response({ url: html, body: Buffer.from('<html></html>'), headers: { 'content-type': 'text/html' }, request: new Request(html) }))], []);
    assert.ok(ctx.sink.lines.some((l) => l.includes('Ignoring invalid sitemap: http://e.com/page')));
  });
});

describe('sitemap helpers', () => {
  it('parses entries with namespaces, CDATA and entities, skipping entries without loc', () => {
    const s = parseSitemap(`<?xml version="1.0"?><ns:urlset xmlns:ns="http://www.sitemaps.org/schemas/sitemap/0.9">
      <ns:url><ns:loc> http://e.com/a?x=1&amp;y=2 </ns:loc><ns:priority>0.8</ns:priority></ns:url>
      <ns:url><ns:loc><![CDATA[http://e.com/b]]></ns:loc></ns:url>
      <ns:url><ns:lastmod>2024</ns:lastmod></ns:url></ns:urlset>`);
    assert.equal(s.type, 'urlset');
    assert.deepEqual(s.entries, [{ loc: 'http://e.com/a?x=1&y=2', priority: '0.8' }, { loc: 'http://e.com/b' }]);
  });

  it('does not expand entities declared in a DTD (no XML bomb, no external files)', () => {
    const s = parseSitemap(`<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]>
      <urlset><url><loc>http://e.com/&b;</loc></url></urlset>`);
    assert.equal(s.entries.length, 1);
    assert.ok(!s.entries[0]!.loc.includes('aaaa'));
  });

  it('reads Sitemap: lines of robots.txt in any case, resolved against its URL', () => {
    assert.deepEqual(sitemapUrlsFromRobots('User-agent: *\nSITEMAP: /a.xml\n  sitemap:http://x.org/b.xml\nDisallow: /\n', 'http://e.com/robots.txt'), [
      'http://e.com/a.xml',
      'http://x.org/b.xml',
    ]);
  });
});
