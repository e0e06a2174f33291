import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Request } from '../../src/crawler/http/request.js';
import { Response } from '../../src/crawler/http/response.js';
import { Selector } from '../../src/selector/selector.js';
import { SelectorList } from '../../src/selector/selector-list.js';
import { parseHtml } from '../../src/selector/document.js';
import { decodeTree, encodeTree } from '../../src/selector/tree-codec.js';
import { XPathEvalError, XPathSyntaxError } from '../../src/selector/xpath/evaluate.js';

const QUOTES = `<!DOCTYPE html><html><head><title>Quotes</title></head><body>
<div class="quote" data-n="1"><span class="text">“The world”</span> by <small class="author">Albert</small>
  <a class="tag" href="/tag/change/">change</a><a class="tag" href="/tag/deep/">deep</a></div>
<div class="quote" data-n="2"><span class="text">“It is our choices”</span> by <small class="author">J.K.</small>
  <a class="tag" href="/tag/abilities/">abilities</a></div>
<ul class="pager"><li class="next"><a href="/page/2/">Next <span>→</span></a></li></ul>
</body></html>`;

const FEED = `<?xml version="1.0"?>
<feed xmlns="http://www.w3.org/2005/Atom" xmlns:g="http://base.google.com/ns/1.0">
<entry><title>One</title><g:price>10 USD</g:price></entry>
<entry><title>Two</title><g:price>20 USD</g:price></entry>
</feed>`;

describe('Selector.xpath', { timeout: 30_000 }, () => {
  const sel = new Selector({ text: QUOTES });

  it('returns SelectorLists that mix with css() both ways', () => {
    const quotes = sel.xpath('//div[@class="quote"]');
    assert.ok(quotes instanceof SelectorList);
    assert.equal(quotes.length, 2);
    assert.deepEqual(quotes.xpath('./span[@class="text"]/text()').getall(), ['“The world”', '“It is our choices”']);
    assert.deepEqual(quotes.css('small::text').getall(), ['Albert', 'J.K.']);
    assert.deepEqual(sel.css('div.quote').xpath('.//a/@href').getall(), ['/tag/change/', '/tag/deep/', '/tag/abilities/']);
    assert.deepEqual(quotes.attrib, { class: 'quote', 'data-n': '1' });
    assert.deepEqual(sel.xpath('//a[@class="tag"]/@href').re(/\/tag\/(\w+)\//), ['change', 'deep', 'abilities']);
    assert.equal(sel.xpath('//li/a/@href').reFirst(/\d+/), '2');
  });

  it('starts relative queries at the root element on a page, and "//" at the document from a sub-selector (parsel)', () => {
    assert.deepEqual(sel.xpath('head/title/text()').getall(), ['Quotes']);
    assert.deepEqual(sel.xpath('html').getall(), []);
    const second = sel.xpath('//div[@class="quote"]')[1]!;
    assert.deepEqual(second.xpath('.//small/text()').getall(), ['J.K.']);
    assert.deepEqual(second.xpath('//small/text()').getall(), ['Albert', 'J.K.']);
    assert.deepEqual(second.xpath('../ul/li/@class').getall(), ['next']);
  });

  it('gives strings for text, attributes, numbers and booleans, as parsel prints them', () => {
    assert.deepEqual(sel.xpath('count(//a)').getall(), ['4.0']);
    assert.deepEqual(sel.xpath('count(//a) > 3').getall(), ['1']);
    assert.deepEqual(sel.xpath('string(//title)').getall(), ['Quotes']);
    assert.deepEqual(sel.xpath('//title/text()').xpath('.').getall(), [], 'a string has nothing to select');
    assert.equal(sel.xpath('//nothing').get(), undefined);
    assert.equal(sel.xpath('//nothing').get('none'), 'none');
  });

  it("supports parsel's has-class() and EXSLT regular expressions", () => {
    assert.deepEqual(sel.xpath('//*[has-class("quote")]/@data-n').getall(), ['1', '2']);
    assert.deepEqual(sel.xpath('//a[re:test(@href, "/TAG/D", "i")]/text()').getall(), ['deep']);
    assert.deepEqual(sel.xpath('re:replace(//li/a/@href, "\\d+", "", "3")').getall(), ['/page/3/']);
  });

  it("runs the README's example", () => {
    const items = [];
    for (const q of sel.xpath('//div[has-class("quote")]')) {
      items.push({
        text: q.xpath('./span[@class="text"]/text()').get(),
        author: q.css('small.author::text').get(),
        tags: q.xpath('.//a[re:test(@href, "^/tag/")]/text()').getall(),
      });
    }
    assert.deepEqual(items, [
      { text: '“The world”', author: 'Albert', tags: ['change', 'deep'] },
      { text: '“It is our choices”', author: 'J.K.', tags: ['abilities'] },
    ]);
    assert.equal(sel.xpath('//li[@class=$cls]/a/@href', { cls: 'next' }).get(), '/page/2/');
  });

  it('binds variables, and names the one missing', () => {
    assert.deepEqual(sel.xpath('//div[@data-n=$n]//small/text()', { n: 2 }).getall(), ['J.K.']);
    assert.deepEqual(sel.xpath('//a[@href=$href]/text()', { href: '/tag/deep/' }).getall(), ['deep']);
    assert.throws(() => sel.xpath('//a[@href=$href]'), (e: unknown) => e instanceof XPathEvalError && /\$href/.test(e.message));
    assert.throws(() => sel.xpath('//a[@id=$x]', { x: null as unknown as string }), /\$x must be a string, number or boolean/);
  });

  it('rejects malformed queries, unknown functions and prefixes with a message naming the query', () => {
    assert.throws(() => sel.xpath('//a['), (e: unknown) => e instanceof XPathSyntaxError && e.message.includes('"//a["'));
    assert.throws(() => sel.xpath('//a[foo()]'), /Unknown XPath function foo\(\)/);
    assert.throws(() => sel.xpath('//svg:rect'), /Undefined namespace prefix "svg".*registerNamespace/);
    assert.throws(() => sel.xpath('substring("a")'), /takes 2 to 3 arguments, got 1/);
    // A string result has nothing to select, but a typo is still reported.
    assert.throws(() => sel.xpath('//title/text()').xpath('//a['), XPathSyntaxError);
  });

  it('walks a tree nested 20,000 deep without overflowing the stack', () => {
    const deep = new Selector({ text: '<b>'.repeat(20_000) + 'x' });
    assert.deepEqual(deep.xpath('count(//b)').getall(), ['20000.0']);
    assert.deepEqual(deep.xpath('count(//text()/ancestor::*)').getall(), ['20002.0']);
    assert.equal(deep.xpath('string(/html/body)').get(), 'x');
  });
});

describe('XPath on a page parsed on a parse thread', () => {
  it('gives the same results as on a page parsed in place', () => {
    const threaded = new Selector({ root: decodeTree(encodeTree(parseHtml(QUOTES))) });
    const local = new Selector({ text: QUOTES });
    for (const q of ['//div[has-class("quote")]/@data-n', 'body/div[2]//a/text()', 'count(//text())', '//li//text()', 'name(//*[last()])']) {
      assert.deepEqual(threaded.xpath(q).getall(), local.xpath(q).getall(), q);
    }
  });
});

describe('XPath namespaces in XML', { timeout: 30_000 }, () => {
  it('matches names in a default namespace only with a registered prefix, as lxml does', () => {
    const sel = new Selector({ text: FEED, type: 'xml' });
    assert.deepEqual(sel.xpath('//entry/title/text()').getall(), []);
    sel.registerNamespace('a', 'http://www.w3.org/2005/Atom');
    sel.registerNamespace('g', 'http://base.google.com/ns/1.0');
    assert.deepEqual(sel.xpath('//a:entry/a:title/text()').getall(), ['One', 'Two']);
    // Results keep the prefixes of the selector they came from.
    const entries = sel.xpath('//a:entry');
    assert.deepEqual(entries.xpath('g:price/text()').getall(), ['10 USD', '20 USD']);
    assert.deepEqual(new Selector({ text: FEED, type: 'xml' }).xpath('//x:title/text()', undefined, { namespaces: { x: 'http://www.w3.org/2005/Atom' } }).getall(), ['One', 'Two']);
  });

  it('removeNamespaces() makes plain names match, for XPath and CSS alike', () => {
    const sel = new Selector({ text: FEED, type: 'xml' });
    assert.deepEqual(sel.css('entry').getall().length, 2); // css-select ignores namespaces
    assert.deepEqual(sel.xpath('//price/text()').getall(), []);
    sel.removeNamespaces();
    assert.deepEqual(sel.xpath('//entry/title/text()').getall(), ['One', 'Two']);
    assert.deepEqual(sel.xpath('//price/text()').getall(), ['10 USD', '20 USD']);
    assert.deepEqual(sel.css('price::text').getall(), ['10 USD', '20 USD']);
    assert.equal(sel.xpath('//entry').get(), '<entry><title>One</title><price>10 USD</price></entry>');
  });

  it('serialises an element with the namespace declarations in scope, as lxml does', () => {
    const sel = new Selector({ text: FEED, type: 'xml' });
    sel.registerNamespace('g', 'http://base.google.com/ns/1.0');
    assert.equal(sel.xpath('//g:price').get(), '<g:price xmlns="http://www.w3.org/2005/Atom" xmlns:g="http://base.google.com/ns/1.0">10 USD</g:price>');
  });
});

describe('Response.xpath', () => {
  it('queries the same parsed document as css()', () => {
    const url = 'http://127.0.0.1/quotes';
    const response = new Response({ url, body: Buffer.from(QUOTES), headers: { 'content-type': 'text/html' }, request: new Request(url) });
    assert.deepEqual(response.xpath('//small[@class="author"]/text()').getall(), response.css('small.author::text').getall());
    const first = response.css('div.quote')[0]!;
    assert.deepEqual(first.xpath('./a/text()').getall(), ['change', 'deep']);
    assert.strictEqual(response.xpath('//title')[0]!.root, response.css('title')[0]!.root, 'one tree for both languages');
  });
});

describe('extract() and extractFirst(): parsel\'s old names', () => {
  it('are get()/getall()', () => {
    const sel = new Selector({ text: QUOTES });
    assert.deepEqual(sel.css('small::text').extract(), ['Albert', 'J.K.']);
    assert.equal(sel.css('small::text').extractFirst(), 'Albert');
    assert.equal(sel.css('nothing').extractFirst(), undefined);
    assert.equal(sel.css('nothing').extractFirst('-'), '-');
    assert.equal(sel.css('small')[0]!.extract(), '<small class="author">Albert</small>');
  });
});
