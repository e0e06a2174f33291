import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InvalidArgumentError } from '../../src/crawler/errors.js';
import { Request } from '../../src/crawler/http/request.js';
import { Response } from '../../src/crawler/http/response.js';
import { IGNORED_EXTENSIONS, LinkExtractor } from '../../src/crawler/link-extractor.js';

const PAGE = `<html><body>
<nav id="menu"><a href="/">Home</a> <a href="/category/shoes?b=2&amp;a=1">Shoes</a></nav>
<div id="main">
  <a href="/product/1">Product <b>one</b></a>
  <a href="/product/2#reviews" rel="nofollow noopener">Product two</a>
  <a href=" /product/1 ">Product one again</a>
  <a href="https://blog.shop.test/post">Blog</a>
  <a href="https://partner.test/deal">Partner</a>
  <a href="/manual.PDF">Manual</a>
  <a href="/img/photo.jpg">Photo</a>
  <a href="javascript:void(0)">JS</a>
  <a href="mailto:x@y.test">Mail</a>
  <a href="http://[broken">Broken</a>
  <area href="/map/area1" alt="a1">
  <img src="/img/a.png" data-src="/lazy/b.html">
  <a data-href="/alt/target">Alt</a>
</div>
<a href="/category/shoes?a=1&amp;b=2">Shoes sorted</a>
</body></html>`;

const res = (body = PAGE, url = 'https://shop.test/list') =>
  new Response({ url, request: new Request(url), body: Buffer.from(body), headers: { 'content-type': 'text/html' } });

const urls = (le: LinkExtractor, r = res()) => le.extractLinks(r).map((l) => l.url);

describe('LinkExtractor', () => {
  it('defaults: a and area hrefs, resolved, web schemes only, ignored extensions dropped, unique by canonical form', () => {
    assert.deepEqual(urls(new LinkExtractor()), [
      'https://shop.test/',
      'https://shop.test/category/shoes?b=2&a=1',
      'https://shop.test/product/1',
      'https://shop.test/product/2#reviews',
      'https://blog.shop.test/post',
      'https://partner.test/deal',
      'https://shop.test/map/area1',
    ]);
  });

  it('returns text, fragment and nofollow', () => {
    const links = new LinkExtractor({ allow: /product/ }).extractLinks(res());
    assert.deepEqual(links, [
      { url: 'https://shop.test/product/1', text: 'Product one', fragment: '', nofollow: false },
      { url: 'https://shop.test/product/2#reviews', text: 'Product two', fragment: 'reviews', nofollow: true },
    ]);
  });

  it('allow / deny accept strings, RegExps and arrays; deny wins', () => {
    assert.deepEqual(urls(new LinkExtractor({ allow: ['/product/\\d+$', /category/], deny: 'shoes' })), ['https://shop.test/product/1']);
    assert.deepEqual(urls(new LinkExtractor({ allow: /product/g })), ['https://shop.test/product/1', 'https://shop.test/product/2#reviews']);
  });

  it('allowDomains / denyDomains include subdomains', () => {
    assert.deepEqual(urls(new LinkExtractor({ allowDomains: 'shop.test', allow: /post|deal/ })), ['https://blog.shop.test/post']);
    assert.deepEqual(urls(new LinkExtractor({ denyDomains: ['shop.test'] })), ['https://partner.test/deal']);
  });

  it('restrictCss limits where links are looked for (including the matched element itself)', () => {
    assert.deepEqual(urls(new LinkExtractor({ restrictCss: '#menu' })), ['https://shop.test/', 'https://shop.test/category/shoes?b=2&a=1']);
    assert.deepEqual(urls(new LinkExtractor({ restrictCss: ['a[rel~=nofollow]', '#nothing'] })), ['https://shop.test/product/2#reviews']);
  });

  it('restrictXpaths limits where links are looked for, XPath regions before CSS ones (Scrapy)', () => {
    assert.deepEqual(urls(new LinkExtractor({ restrictXpaths: '//nav[@id="menu"]' })), ['https://shop.test/', 'https://shop.test/category/shoes?b=2&a=1']);
    assert.deepEqual(urls(new LinkExtractor({ restrictXpaths: ['//a[contains(@rel, "nofollow")]', '//nothing', '//a/@href'] })), [
      'https://shop.test/product/2#reviews',
    ]);
    assert.deepEqual(urls(new LinkExtractor({ restrictCss: '#menu', restrictXpaths: '//div[@id="main"]/a[1]' })), [
      'https://shop.test/product/1',
      'https://shop.test/',
      'https://shop.test/category/shoes?b=2&a=1',
    ]);
    assert.throws(() => new LinkExtractor({ restrictXpaths: '//div[' }), (e: unknown) => e instanceof InvalidArgumentError && /Invalid XPath "\/\/div\["/.test(e.message));
  });

  it('tags and attrs choose the link sources', () => {
    assert.deepEqual(urls(new LinkExtractor({ tags: 'img', attrs: ['src', 'data-src'], denyExtensions: [] })), [
      'https://shop.test/img/a.png',
      'https://shop.test/lazy/b.html',
    ]);
    assert.deepEqual(urls(new LinkExtractor({ attrs: 'data-href' })), ['https://shop.test/alt/target']);
  });

  it('denyExtensions: the default list, a custom one, or none', () => {
    assert.ok(IGNORED_EXTENSIONS.includes('pdf') && IGNORED_EXTENSIONS.includes('jpg'));
    assert.ok(urls(new LinkExtractor({ denyExtensions: ['jpg'] })).includes('https://shop.test/manual.PDF'));
    assert.ok(!urls(new LinkExtractor({ denyExtensions: ['jpg'] })).includes('https://shop.test/img/photo.jpg'));
    assert.equal(urls(new LinkExtractor({ denyExtensions: [] })).length, 9);
  });

  it('canonicalize returns canonical URLs; unique: false keeps repeats', () => {
    const canon = urls(new LinkExtractor({ canonicalize: true, allow: /shoes|product\/2/ }));
    assert.deepEqual(canon, ['https://shop.test/category/shoes?a=1&b=2', 'https://shop.test/product/2']);
    const all = urls(new LinkExtractor({ unique: false, allow: /product\/1|shoes/ }));
    assert.deepEqual(all, [
      'https://shop.test/category/shoes?b=2&a=1',
      'https://shop.test/product/1',
      'https://shop.test/product/1',
      'https://shop.test/category/shoes?a=1&b=2',
    ]);
  });

  it('processValue rewrites or drops values (after resolving, like Scrapy)', () => {
    const le = new LinkExtractor({
      processValue: (v) => {
        const m = /javascript:.*'(.*)'/.exec(decodeURIComponent(v));
        return m ? m[1] : v.includes('partner') ? null : v;
      },
      allow: /goto|partner/,
    });
    const r = res(`<a href="javascript:go('/goto/7')">x</a><a href="https://partner.test/">p</a>`);
    assert.deepEqual(urls(le, r), ['https://shop.test/goto/7']);
  });

  it('honours <base href>, restrictText, and returns [] for non-text responses', () => {
    const r = res('<head><base href="https://cdn.test/x/"></head><a href="y">Next page</a><a href="z">Prev</a>');
    assert.deepEqual(urls(new LinkExtractor({ restrictText: /next/i }), r), ['https://cdn.test/x/y']);
    const png = new Response({ url: 'https://shop.test/a.png', request: new Request('https://shop.test/a.png'), body: Buffer.from([0x89, 0x50, 0, 0]), headers: { 'content-type': 'image/png' } });
    assert.deepEqual(new LinkExtractor().extractLinks(png), []);
  });

  it('matches() applies the domain and allow/deny filters to a URL', () => {
    const le = new LinkExtractor({ allow: /product/, deny: /draft/, allowDomains: 'shop.test' });
    assert.equal(le.matches('https://shop.test/product/1'), true);
    assert.equal(le.matches('https://shop.test/product/draft'), false);
    assert.equal(le.matches('https://other.test/product/1'), false);
    assert.equal(le.matches('not a url'), false);
  });

  it('validates options once, naming the bad one', () => {
    assert.throws(() => new LinkExtractor({ allow: '(' }), (e: unknown) => e instanceof InvalidArgumentError && /allow pattern "\("/.test(e.message));
    assert.throws(() => new LinkExtractor({ processValue: 'x' as never }), /processValue must be a function/);
  });
});
