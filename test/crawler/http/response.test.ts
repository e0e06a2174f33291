import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InvalidArgumentError } from '../../../src/crawler/errors.js';
import { Request } from '../../../src/crawler/http/request.js';
import { InvalidJsonError, Response, ResponseNotTextError } from '../../../src/crawler/http/response.js';

function html(body: string, url = 'https://shop.test/cat/page.html', contentType = 'text/html; charset=utf-8'): Response {
  return new Response({ url, request: new Request(url), body: Buffer.from(body), headers: { 'content-type': contentType } });
}

describe('Response.json()', () => {
  it('parses the body once and returns the same object', () => {
    const r = html('{"items":[1,2],"next":null}', 'https://api.test/x', 'application/json');
    assert.deepEqual(r.json(), { items: [1, 2], next: null });
    assert.equal(r.json(), r.json());
  });
  it('names the URL and shows the start of the body when it is not JSON', () => {
    const r = html('<html>oops</html>', 'https://api.test/broken');
    assert.throws(
      () => r.json(),
      (e: unknown) => e instanceof InvalidJsonError && e.message.includes('https://api.test/broken') && e.message.includes('<html>oops'),
    );
  });
});

describe('Response.selector / css()', () => {
  it('parses lazily, once, and answers css()', () => {
    const r = html('<h1>Title</h1><p class="price">$3</p>');
    assert.equal(r.selector, r.selector);
    assert.equal(r.css('h1::text').get(), 'Title');
    assert.equal(r.css('.price::text').reFirst(/\d+/), '3');
  });
  it('uses XML parsing for XML responses', () => {
    const r = html('<?xml version="1.0"?><urlset><url><loc>https://a.test/1</loc></url></urlset>', 'https://a.test/sitemap.xml', 'application/xml');
    assert.equal(r.selector.type, 'xml');
    assert.deepEqual(r.css('url loc::text').getall(), ['https://a.test/1']);
  });
  it('refuses css() on a binary response with a clear error', () => {
    const png = new Response({
      url: 'https://shop.test/logo.png',
      request: new Request('https://shop.test/logo.png'),
      body: Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]),
      headers: { 'content-type': 'image/png' },
    });
    assert.equal(png.isText, false);
    assert.throws(() => png.css('a'), (e: unknown) => e instanceof ResponseNotTextError && /logo\.png/.test(e.message) && /image\/png/.test(e.message));
    assert.equal(typeof png.text, 'string');
  });
});

describe('Response.urljoin() and <base href>', () => {
  it('resolves against the response URL without a <base>', () => {
    const r = html('<a href="x">');
    assert.equal(r.urljoin('item?id=1'), 'https://shop.test/cat/item?id=1');
    assert.equal(r.urljoin('/top'), 'https://shop.test/top');
    assert.equal(r.baseUrl, r.url);
  });
  it('honours <base href> (relative, with entities) before and after parsing', () => {
    const body = '<html><head><base href="/static/v2/?a=1&amp;b=2"></head><body><a href="img.html">x</a></body></html>';
    const unparsed = html(body);
    assert.equal(unparsed.urljoin('img.html'), 'https://shop.test/static/v2/img.html');
    assert.equal(unparsed.baseUrl, 'https://shop.test/static/v2/?a=1&b=2');
    const parsed = html(body);
    void parsed.css('a');
    assert.equal(parsed.baseUrl, 'https://shop.test/static/v2/?a=1&b=2');
  });
  it('throws InvalidArgumentError naming an unresolvable URL', () => {
    assert.throws(() => html('').urljoin('http://[bad'), (e: unknown) => e instanceof InvalidArgumentError && e.message.includes('http://[bad'));
  });
});

const LINKS = `<html><head><base href="https://cdn.test/base/"><link rel="next" href="page2.html"></head><body>
<a class="p" href="p/1">one</a>
<a class="p" href=" /p/2 ">two</a>
<a class="p" href="javascript:void(0)">js</a>
<a class="p" href="mailto:shop@test">mail</a>
<a class="p" href="tel:+123">tel</a>
<a class="p" href="data:text/plain,hi">data</a>
<a class="p" href="http://[::1">broken</a>
<a class="p" href="file:///etc/passwd">file</a>
<a class="p" name="anchor-without-href">anchor</a>
<a class="p" href="https://other.test/x#frag">abs</a>
<div class="not-a-link">x</div>
</body></html>`;

describe('Response.follow()', () => {
  const r = html(LINKS);
  it('follows a string relative to <base>, keeping options', () => {
    const req = r.follow('p/9', { meta: { a: 1 }, priority: 5 });
    assert.equal(req.url, 'https://cdn.test/base/p/9');
    assert.deepEqual(req.meta, { a: 1 });
    assert.equal(req.priority, 5);
  });
  it('follows an <a> or <link> Selector by its href, and an ::attr() result', () => {
    assert.equal(r.follow(r.css('a.p')[0]!).url, 'https://cdn.test/base/p/1');
    assert.equal(r.follow(r.css('link[rel=next]')[0]!).url, 'https://cdn.test/base/page2.html');
    assert.equal(r.follow(r.css('a.p::attr(href)')[1]!).url, 'https://cdn.test/p/2');
  });
  it('throws InvalidArgumentError naming the URL for explicit invalid or unfetchable URLs', () => {
    for (const bad of ['http://[::1', 'mailto:a@b.test', 'javascript:void(0)']) {
      assert.throws(() => r.follow(bad), (e: unknown) => e instanceof InvalidArgumentError && e.message.includes(bad), bad);
    }
  });
  it('rejects a non-link element, an anchor without href and a SelectorList', () => {
    assert.throws(() => r.follow(r.css('div.not-a-link')[0]!), /<div>/);
    assert.throws(() => r.follow(r.css('a[name]')[0]!), /no href/);
    assert.throws(() => r.follow(r.css('a') as never), /SelectorList/);
  });
  it('allows data: when asked for explicitly', () => {
    assert.equal(r.follow('data:text/plain,hi').url, 'data:text/plain,hi');
  });
});

describe('Response.followAll()', () => {
  it('takes { css }, skips and counts links a crawl cannot follow, never throws', () => {
    const r = html(LINKS);
    const reqs = r.followAll({ css: 'a.p' }, { callback: 'parseItem', meta: { depthHint: 1 } });
    assert.deepEqual(
      reqs.map((q) => q.url),
      ['https://cdn.test/base/p/1', 'https://cdn.test/p/2', 'https://other.test/x#frag'],
    );
    // javascript:, mailto:, tel:, data:, the broken URL and file: from an https page
    assert.equal(r.invalidLinkCount, 6);
    assert.equal(reqs[0]!.callback, 'parseItem');
    reqs[0]!.meta['depth'] = 3;
    assert.deepEqual(reqs[1]!.meta, { depthHint: 1 }, 'each request has its own meta');
  });
  it("takes { xpath } (Scrapy's follow_all(xpath=...)), as { css }", () => {
    const r = html(LINKS);
    assert.deepEqual(
      r.followAll({ xpath: '//a[@class="p"]' }).map((q) => q.url),
      r.followAll({ css: 'a.p' }).map((q) => q.url),
    );
    assert.equal(r.followAll({ xpath: '//a[@class="p"]/@href' }).length, 3);
  });
  it('takes a SelectorList of ::attr() results, an array of strings, or Selectors', () => {
    const r = html(LINKS);
    assert.equal(r.followAll(r.css('a.p::attr(href)')).length, 3);
    assert.deepEqual(
      r.followAll(['/a', 'b', 'mailto:x@y.test']).map((q) => q.url),
      ['https://cdn.test/a', 'https://cdn.test/base/b'],
    );
    assert.equal(r.invalidLinkCount, 7);
    assert.deepEqual(r.followAll([r.css('link')[0]!]).map((q) => q.url), ['https://cdn.test/base/page2.html']);
  });
  it('works from a generator and with no links', () => {
    const r = html('<p>nothing</p>', 'https://shop.test/');
    function* gen() {
      yield '/x';
      yield '/y';
    }
    assert.deepEqual(r.followAll(gen()).map((q) => q.url), ['https://shop.test/x', 'https://shop.test/y']);
    assert.deepEqual(r.followAll({ css: 'a' }), []);
    assert.equal(r.invalidLinkCount, 0);
  });
  it('lets a file: page link to file: URLs', () => {
    const r = html('<a href="other.html">o</a>', 'file:///tmp/site/index.html');
    assert.deepEqual(r.followAll({ css: 'a' }).map((q) => q.url), ['file:///tmp/site/other.html']);
  });
  it('rejects input it cannot read', () => {
    const r = html(LINKS);
    assert.throws(() => r.followAll('a.p' as never), /use follow\(\)/);
    assert.throws(() => r.followAll({ css: 'div.not-a-link' }), /<div>/);
  });
});

describe('Response basics kept', () => {
  it('meta, replace() and toString() still work', () => {
    const req = new Request('https://shop.test/', { meta: { k: 1 } });
    const r = new Response({ url: req.url, request: req, status: 404, body: Buffer.from('x') });
    assert.deepEqual(r.meta, { k: 1 });
    assert.equal(r.replace({ status: 200 }).status, 200);
    assert.equal(String(r), '<404 https://shop.test/>');
  });
});
