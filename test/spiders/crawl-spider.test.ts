import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { crawl } from '../../src/crawler/crawl.js';
import { Request } from '../../src/crawler/http/request.js';
import { Response } from '../../src/crawler/http/response.js';
import { LinkExtractor } from '../../src/crawler/link-extractor.js';
import { MemorySink } from '../../src/crawler/logger.js';
import { CrawlSpider, Rule } from '../../src/spiders/crawl-spider.js';
import { QUIET, startFixtureSite, type FixtureSite } from './site.js';

const page = (title: string, links: string[]) =>
  `<html><head><title>${title}</title></head><body><h1>${title}</h1>${links.map((l) => `<a href="${l}">${l}</a>`).join(' ')}</body></html>`;

let site: FixtureSite;
before(async () => {
  site = await startFixtureSite({
    '/': page('Home', ['/category/a', '/category/b', '/about', 'http://elsewhere.invalid/x']),
    '/category/a': page('Cat A', ['/item/1', '/item/2', '/category/b', '/']),
    '/category/b': page('Cat B', ['/item/2', '/item/3', '/category/a']),
    '/item/1': page('Item 1', ['/item/2', '/category/a']),
    '/item/2': page('Item 2', []),
    '/item/3': page('Item 3', ['/private/secret']),
    '/about': page('About', []),
    '/private/secret': page('Secret', []),
  });
});
after(() => site.close());

describe('CrawlSpider', { timeout: 30_000 }, () => {
  it('follows category links, scrapes items by rule callback, passes cbKwargs and link text', async () => {
    const origin = site.origin;
    class Shop extends CrawlSpider {
      override name = 'shop';
      override allowedDomains = ['127.0.0.1'];
      override startUrls = [`${origin}/`];
      override rules = [
        new Rule(new LinkExtractor({ allow: /\/category\// })),
        new Rule(new LinkExtractor({ allow: /\/item\// }), { callback: 'parseItem', cbKwargs: { kind: 'item' } }),
      ];
      parseItem(response: Response, kwargs: Record<string, any>) {
        return { title: response.css('h1::text').get(), kind: kwargs.kind, linkText: response.meta.link_text };
      }
    }
    const { items } = await crawl(Shop, { settings: QUIET, logSink: new MemorySink() });
    const titles = (items as Array<{ title: string }>).map((i) => i.title).sort();
    assert.deepEqual(titles, ['Item 1', 'Item 2', 'Item 3']);
    assert.ok(items.every((i) => (i as { kind: string }).kind === 'item'));
    assert.ok(items.some((i) => (i as { linkText: string }).linkText === '/item/1'));
    // Item rules do not follow (callback set, follow unset): /private/secret is never fetched.
    assert.ok(!site.hits.includes('/private/secret'));
    assert.ok(!site.hits.includes('/about'));
  });

  it('scrapes start pages with parseStartUrl, takes callbacks as functions, and honours processLinks/processRequest/follow', async () => {
    const origin = site.origin;
    const seenRequests: string[] = [];
    class Shop extends CrawlSpider {
      override name = 'shop2';
      override startUrls = [`${origin}/`];
      override rules = [
        new Rule(new LinkExtractor({ allow: /\/category\/a/ }), {
          follow: true,
          processRequest: (request: Request, response: Response) => {
            seenRequests.push(`${new URL(response.url).pathname} -> ${new URL(request.url).pathname}`);
            return request.replace({ headers: { 'x-rule': 'cat' } });
          },
        }),
        new Rule(new LinkExtractor({ allow: /\/item\// }), {
          callback: function (this: Shop, response: Response) {
            return [{ page: new URL(response.url).pathname, header: response.request.headers.get('x-rule') }];
          },
          follow: true,
          processLinks: 'onlyOdd',
        }),
      ];
      override parseStartUrl(response: Response) {
        return { start: response.css('title::text').get() };
      }
      onlyOdd(links: { url: string }[]) {
        return links.filter((l) => Number(l.url.split('/').pop()) % 2 === 1);
      }
    }
    const { items } = await crawl(Shop, { settings: QUIET, logSink: new MemorySink() });
    assert.deepEqual(items.filter((i) => 'start' in (i as object)), [{ start: 'Home' }]);
    const pages = items.filter((i) => 'page' in (i as object)).map((i) => (i as { page: string }).page).sort();
    assert.deepEqual(pages, ['/item/1']); // /item/2 filtered by processLinks, /item/3 only on category b
    assert.ok(seenRequests.includes('/ -> /category/a'));
  });

  it('takes each link once per page even when several rules match it (the first rule wins)', async () => {
    class Two extends CrawlSpider {
      override name = 'two';
      override rules = [
        new Rule(new LinkExtractor({ allow: /item/ }), { callback: 'a' }),
        new Rule(new LinkExtractor({ allow: /item\/1/ }), { callback: 'b' }),
      ];
      a() {}
      b() {}
    }
    const spider = new Two();
    const url = 'http://127.0.0.1/';
    const response = new Response({
      url,
      body: Buffer.from(page('x', ['/item/1', '/item/2', '/item/1'])),
      headers: { 'content-type': 'text/html' },
      request: new Request(url),
    });
    const out: Request[] = [];
    for await (const r of spider.parse(response) as AsyncIterable<Request>) out.push(r);
    assert.deepEqual(out.map((r) => [new URL(r.url).pathname, r.meta.rule, r.callback]), [
      ['/item/1', 0, 'ruleCallback'],
      ['/item/2', 0, 'ruleCallback'],
    ]);
    // Requests name their callbacks as methods, so they serialize for JOBDIR.
    assert.equal(out[0]!.toJSON(spider).callback, 'ruleCallback');
  });

  it('rejects a Rule without a LinkExtractor and a callback name the spider lacks', async () => {
    assert.throws(() => new Rule({} as LinkExtractor), /needs a LinkExtractor/);
    class Bad extends CrawlSpider {
      override name = 'bad';
      override rules = [new Rule(new LinkExtractor(), { callback: 'nope' })];
    }
    const url = 'http://127.0.0.1/';
    const response = new Response({ url, body: Buffer.from(page('x', ['/a'])), headers: { 'content-type': 'text/html' }, request: new Request(url) });
    await assert.rejects(async () => {
      for await (const _ of new Bad().parse(response) as AsyncIterable<unknown>) void _;
    }, /Bad has no method "nope" \(named as callback of rules\[0\]\)/);
  });
});
