import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { crawl } from '../../src/crawler/crawl.js';
import { Request } from '../../src/crawler/http/request.js';
import { Response as ResponseClass, type Response } from '../../src/crawler/http/response.js';
import { MemorySink } from '../../src/crawler/logger.js';
import type { Selector } from '../../src/selector/selector.js';
import { parseCsv } from '../../src/spiders/csv.js';
import { CSVFeedSpider } from '../../src/spiders/csv-feed-spider.js';
import { XMLFeedSpider, type FeedIterator } from '../../src/spiders/xml-feed-spider.js';
import { QUIET, startFixtureSite, type FixtureSite } from './site.js';

const RSS = `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:g="http://base.google.com/ns/1.0"><channel><title>Shop</title>
<item><title>Kettle</title><link>{origin}/p/1</link><g:price>20.00 EUR</g:price></item>
<item><title><![CDATA[Toaster & grill]]></title><link>{origin}/p/2</link><g:price>35.50 EUR</g:price></item>
</channel></rss>`;

// The same namespace under another prefix: `namespaces` matches by URI, not by the feed's prefix.
const ATOM_LIKE = `<?xml version="1.0"?>
<feed xmlns:x="http://example.com/products"><x:product><x:name>A</x:name></x:product><x:product><x:name>B</x:name></x:product><product><name>not namespaced</name></product></feed>`;

const CSV = `sku;name;price\r\nA1;"Kettle; steel";20\r\nB2;"Toaster ""Pro""\nwith grill";35.5\r\nbad;row\r\n\r\nC3;Cup;3\n`;

let site: FixtureSite;
before(async () => {
  site = await startFixtureSite({
    '/feed.xml': { body: RSS, type: 'application/rss+xml' },
    '/products.xml': { body: ATOM_LIKE, type: 'text/xml' },
    '/list.html': '<html><body><div class="card"><b>1</b></div><div class="card"><b>2</b></div></body></html>',
    '/feed.csv': { body: CSV, type: 'text/csv' },
    '/noheader.csv': { body: 'x,1\ny,2\n', type: 'text/csv' },
  });
});
after(() => site.close());

describe('XMLFeedSpider', { timeout: 30_000 }, () => {
  it('calls parseNode for each itertag element of an RSS feed, with namespaced children reachable', async () => {
    const origin = site.origin;
    class Rss extends XMLFeedSpider {
      override name = 'rss';
      override startUrls = [`${origin}/feed.xml`];
      override itertag = 'item';
      override parseNode(_response: Response, node: Selector) {
        return { title: node.css('title::text').get(), link: node.css('link::text').get(), price: node.css('g\\:price::text').get() };
      }
    }
    const { items } = await crawl(Rss, { settings: QUIET, logSink: new MemorySink() });
    assert.deepEqual(items, [
      { title: 'Kettle', link: `${origin}/p/1`, price: '20.00 EUR' },
      { title: 'Toaster & grill', link: `${origin}/p/2`, price: '35.50 EUR' },
    ]);
  });

  it("gives each node as a document of its own with the spider's prefixes registered, for XPath as in Scrapy", async () => {
    const origin = site.origin;
    class Rss extends XMLFeedSpider {
      override name = 'rss-xpath';
      override startUrls = [`${origin}/feed.xml`];
      override namespaces = [['g', 'http://base.google.com/ns/1.0']] as const;
      override parseNode(_response: Response, node: Selector) {
        return {
          title: node.xpath('title/text()').get(),
          price: node.xpath('g:price/text()').get(),
          titles: node.xpath('//title/text()').getall(),
          root: node.xpath('name(/*)').get(),
        };
      }
    }
    const { items } = await crawl(Rss, { settings: QUIET, logSink: new MemorySink() });
    assert.deepEqual(items, [
      { title: 'Kettle', price: '20.00 EUR', titles: ['Kettle'], root: 'item' },
      { title: 'Toaster & grill', price: '35.50 EUR', titles: ['Toaster & grill'], root: 'item' },
    ]);
  });

  it("with iterator 'xml', itertag is an XPath step after // on the whole feed, prefixes from namespaces", async () => {
    const origin = site.origin;
    class Xml extends XMLFeedSpider {
      override name = 'xml-iter';
      override startUrls = [`${origin}/products.xml`];
      override iterator: FeedIterator = 'xml';
      override itertag = 'p:product[p:name != "B"]';
      override namespaces = [['p', 'http://example.com/products']] as const;
      override parseNode(_response: Response, node: Selector) {
        return { name: node.xpath('p:name/text()').get(), feedNames: node.xpath('count(//name)').get() };
      }
    }
    const { items } = await crawl(Xml, { settings: QUIET, logSink: new MemorySink() });
    assert.deepEqual(items, [{ name: 'A', feedNames: '1.0' }]);
  });

  it("with iterator 'html', a CSS-looking itertag is an error that shows the XPath form", () => {
    class Html extends XMLFeedSpider {
      override name = 'html-css';
      override iterator: FeedIterator = 'html';
      override itertag = 'div.card';
    }
    const url = `${site.origin}/list.html`;
    const response = new ResponseClass({ url, body: Buffer.from('<div class="card"></div>'), headers: { 'content-type': 'text/html' }, request: new Request(url) });
    assert.throws(() => new Html().parse(response), /itertag "div\.card" looks like CSS.*div\[@class="card"\]/);
  });

  it('matches a prefixed itertag by namespace URI, and itertag as XPath with the html iterator; processResults sees the output', async () => {
    const origin = site.origin;
    class Ns extends XMLFeedSpider {
      override name = 'ns';
      override startUrls = [`${origin}/products.xml`];
      override itertag = 'p:product';
      override namespaces = [['p', 'http://example.com/products']] as const;
      override parseNode(_response: Response, node: Selector) {
        return { name: node.css('x\\:name::text').get() };
      }
      override async *processResults(_response: Response, results: AsyncIterable<unknown>) {
        for await (const r of results) yield { ...(r as object), checked: true };
      }
    }
    const { items } = await crawl(Ns, { settings: QUIET, logSink: new MemorySink() });
    assert.deepEqual(items, [{ name: 'A', checked: true }, { name: 'B', checked: true }]);

    class Html extends XMLFeedSpider {
      override name = 'html';
      override startUrls = [`${origin}/list.html`];
      override iterator: FeedIterator = 'html';
      override itertag = 'div[@class="card"]';
      override *parseNode(response: Response, node: Selector) {
        const n = node.css('b::text').get();
        yield { n };
        if (n === '1') yield new Request(response.urljoin('/feed.xml'), { callback: 'ignore' });
      }
      ignore() {}
    }
    const html = await crawl(Html, { settings: QUIET, logSink: new MemorySink() });
    assert.deepEqual(html.items, [{ n: '1' }, { n: '2' }]);
    assert.equal(html.stats['downloader/request_count'], 2);
  });
});

describe('CSVFeedSpider', { timeout: 30_000 }, () => {
  it('calls parseRow with rows keyed by the header row, honouring delimiter and quotes, skipping bad rows', async () => {
    const origin = site.origin;
    class Prices extends CSVFeedSpider {
      override name = 'prices';
      override startUrls = [`${origin}/feed.csv`];
      override delimiter = ';';
      override parseRow(_response: Response, row: Record<string, string>) {
        return { sku: row.sku, name: row.name, price: Number(row.price) };
      }
    }
    const sink = new MemorySink();
    const { items } = await crawl(Prices, { settings: QUIET, logSink: sink });
    assert.deepEqual(items, [
      { sku: 'A1', name: 'Kettle; steel', price: 20 },
      { sku: 'B2', name: 'Toaster "Pro"\nwith grill', price: 35.5 },
      { sku: 'C3', name: 'Cup', price: 3 },
    ]);
    assert.ok(sink.lines.some((l) => /Ignoring row 4 of .*feed\.csv: 2 fields, but 3 headers/.test(l)), sink.lines.join('\n'));
  });

  it('uses `headers` when the file has no header row', async () => {
    const origin = site.origin;
    class NoHeader extends CSVFeedSpider {
      override name = 'nh';
      override startUrls = [`${origin}/noheader.csv`];
      override headers = ['key', 'value'];
      override parseRow(_response: Response, row: Record<string, string>) {
        return row;
      }
    }
    const { items } = await crawl(NoHeader, { settings: QUIET, logSink: new MemorySink() });
    assert.deepEqual(items, [{ key: 'x', value: '1' }, { key: 'y', value: '2' }]);
  });
});

describe('parseCsv', () => {
  it('splits RFC 4180 text, including empty fields, CR line ends, a BOM and a last line without newline', () => {
    assert.deepEqual([...parseCsv('\ufeffa,b,\r"",x\r\n\n1,"2\r\n3"')], [['a', 'b', ''], ['', 'x'], ['1', '2\r\n3']]);
    assert.deepEqual([...parseCsv("a|'b|c'", { delimiter: '|', quotechar: "'" })], [['a', 'b|c']]);
    assert.throws(() => [...parseCsv('a', { delimiter: ',,' })], /two different single characters/);
  });
});
