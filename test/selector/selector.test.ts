import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InvalidArgumentError } from '../../src/crawler/errors.js';
import { Selector } from '../../src/selector/selector.js';
import { SelectorList } from '../../src/selector/selector-list.js';

const QUOTES = `<!DOCTYPE html><html><head><title>Quotes</title></head><body>
<div class="quote" data-n="1"><span class="text">“The world”</span> by <small class="author">Albert</small>
  <a class="tag" href="/tag/change/">change</a><a class="tag" href="/tag/deep/">deep</a></div>
<div class="quote" data-n="2"><span class="text">“It is our choices”</span> by <small class="author">J.K.</small>
  <a class="tag" href="/tag/abilities/">abilities</a></div>
<ul class="pager"><li class="next"><a href="/page/2/">Next <span>→</span></a></li></ul>
</body></html>`;

describe('Selector.css', () => {
  const sel = new Selector({ text: QUOTES });

  it('selects elements and serialises them with get()/getall()', () => {
    const quotes = sel.css('div.quote');
    assert.ok(quotes instanceof SelectorList);
    assert.equal(quotes.length, 2);
    assert.equal(sel.css('small.author').get(), '<small class="author">Albert</small>');
    assert.deepEqual(sel.css('title').getall(), ['<title>Quotes</title>']);
  });

  it('::text gives the direct text children, " ::text" and " *::text" all descendant text (parsel)', () => {
    assert.deepEqual(sel.css('li.next a::text').getall(), ['Next ']);
    assert.deepEqual(sel.css('li.next a ::text').getall(), ['Next ', '→']);
    assert.deepEqual(sel.css('li.next a *::text').getall(), ['Next ', '→']);
    assert.deepEqual(sel.css('li.next a > *::text').getall(), ['→']);
    assert.deepEqual(sel.css('li.next').css('::text').getall(), ['Next ', '→']);
    assert.deepEqual(sel.css('li.next').css('*::text').getall(), ['Next ', '→']);
  });

  it('::attr(name) gives attribute values and skips elements without it', () => {
    assert.deepEqual(sel.css('a.tag::attr(href)').getall(), ['/tag/change/', '/tag/deep/', '/tag/abilities/']);
    assert.deepEqual(sel.css('div::attr(data-n)').getall(), ['1', '2']);
    assert.deepEqual(sel.css('span::attr(nope)').getall(), []);
    assert.equal(sel.css('a::attr(HREF)').get(), '/tag/change/', 'HTML attribute names are case-insensitive');
  });

  it('nested css() is relative to each result, including the element itself (descendant-or-self)', () => {
    const items = sel.css('div.quote').map((q) => ({
      text: q.css('span.text::text').get(),
      tags: q.css('a.tag::text').getall(),
    }));
    assert.deepEqual(items, [
      { text: '“The world”', tags: ['change', 'deep'] },
      { text: '“It is our choices”', tags: ['abilities'] },
    ]);
    const first = sel.css('div.quote')[0]!;
    assert.equal(first.css('div.quote').length, 1, 'parsel: css() on an element can match the element itself');
    assert.deepEqual(first.css('::attr(data-n)').getall(), ['1']);
    assert.deepEqual(sel.css('div.quote').css('small::text').getall(), ['Albert', 'J.K.']);
  });

  it('comma queries return the union in document order', () => {
    const s = new Selector({ text: '<head><link href="/l1"></head><body><a href="/a1"></a><link href="/l2"><a href="/a2"></a></body>' });
    assert.deepEqual(s.css('a::attr(href), link::attr(href)').getall(), ['/l1', '/a1', '/l2', '/a2']);
    assert.deepEqual(s.css('a, link').getall(), ['<link href="/l1">', '<a href="/a1"></a>', '<link href="/l2">', '<a href="/a2"></a>']);
    const mixed = new Selector({ text: '<h2>b</h2><h1>a</h1><h2>c</h2>' });
    assert.deepEqual(mixed.css('h1::text, h2').getall(), ['<h2>b</h2>', 'a', '<h2>c</h2>']);
  });

  it('get(default) and empty results', () => {
    assert.equal(sel.css('h6::text').get(), undefined);
    assert.equal(sel.css('h6::text').get('none'), 'none');
    assert.deepEqual(sel.css('h6').getall(), []);
    assert.deepEqual(sel.css('h6').attrib, {});
  });

  it('attrib is a copy of the element attributes; {} for strings', () => {
    const q = sel.css('div.quote')[1]!;
    assert.deepEqual(q.attrib, { class: 'quote', 'data-n': '2' });
    q.attrib['class'] = 'changed';
    assert.equal(q.attrib['class'], 'quote');
    assert.deepEqual(sel.css('div.quote').attrib, { class: 'quote', 'data-n': '1' });
    assert.deepEqual(sel.css('title::text')[0]!.attrib, {});
  });

  it('string results have nothing to select and report their root as the string', () => {
    const t = sel.css('title::text')[0]!;
    assert.equal(t.root, 'Quotes');
    assert.equal(t.isString, true);
    assert.equal(t.css('b').length, 0);
  });

  it('CSS features: attribute operators, :not, :nth-child, sibling combinators, :has', () => {
    assert.deepEqual(sel.css('a[href^="/tag/d"]::text').getall(), ['deep']);
    assert.deepEqual(sel.css('a.tag:not([href*=change])::text').getall(), ['deep', 'abilities']);
    assert.deepEqual(sel.css('div.quote:nth-child(2) small::text').getall(), ['J.K.']);
    assert.deepEqual(sel.css('span.text + small::text').getall(), ['Albert', 'J.K.']);
    assert.deepEqual(sel.css('div:has(a[href="/tag/deep/"])::attr(data-n)').getall(), ['1']);
    assert.deepEqual(sel.css('#nope, li.next > a::attr(href)').getall(), ['/page/2/']);
  });
});

describe('Selector parsing', () => {
  it('decodes entities in text and attributes; get() re-escapes markup characters only', () => {
    const s = new Selector({ text: '<p title="a &amp; b &quot;q&quot;">x &lt; y &amp;&nbsp;caf&eacute; &#x263A;</p>' });
    assert.equal(s.css('p::text').get(), 'x < y &\u00a0café ☺');
    assert.equal(s.css('p::attr(title)').get(), 'a & b "q"');
    assert.equal(s.css('p').get(), '<p title="a &amp; b &quot;q&quot;">x &lt; y &amp;&nbsp;café ☺</p>');
  });

  it('keeps whitespace-only text nodes, as parsel does', () => {
    const s = new Selector({ text: '<ul>\n  <li>a</li>\n  <li>b</li>\n</ul>' });
    assert.deepEqual(s.css('ul::text').getall(), ['\n  ', '\n  ', '\n']);
  });

  it('ignores comments for ::text but keeps them in get()', () => {
    const s = new Selector({ text: '<div>a<!-- hidden -->b</div>' });
    assert.deepEqual(s.css('div::text').getall(), ['a', 'b']);
    assert.equal(s.css('div').get(), '<div>a<!-- hidden -->b</div>');
  });

  it('repairs malformed HTML the way browsers do', () => {
    const s = new Selector({ text: '<div><p>one<p>two</div><table><tr><td>cell</table><b><i>x</b>y</i>' });
    assert.deepEqual(s.css('p::text').getall(), ['one', 'two']);
    assert.equal(s.css('table > tbody > tr > td::text').get(), 'cell');
    assert.equal(s.css('table td::text').get(), 'cell');
    assert.deepEqual(s.css('i::text').getall(), ['x', 'y']);
  });

  it('parses <noscript> content as markup (lxml-like), and script text is text', () => {
    const s = new Selector({ text: '<body><noscript><img src="/pixel.gif"></noscript><script>var a = "<b>";</script></body>' });
    assert.equal(s.css('noscript img::attr(src)').get(), '/pixel.gif');
    assert.equal(s.css('script::text').get(), 'var a = "<b>";');
  });

  it('does not look inside <template> (css-select/browser querySelectorAll behaviour)', () => {
    const s = new Selector({ text: '<template><a href="/t">t</a></template><a href="/real">r</a>' });
    assert.deepEqual(s.css('a::attr(href)').getall(), ['/real']);
  });

  it('is lazy: nothing is parsed before the first query', () => {
    const s = new Selector({ text: '<p>x</p>' });
    assert.equal(s.type, 'html');
    assert.equal(s.css('p::text').get(), 'x');
  });

  it('survives very deep nesting without overflowing the stack', () => {
    const depth = 20000;
    const s = new Selector({ text: '<div>'.repeat(depth) + '<a href="/deep">x</a>' + '</div>'.repeat(depth) });
    assert.equal(s.css('a::attr(href)').get(), '/deep');
    assert.equal(s.css('div').length, depth);
  });

  it('XML: case-sensitive names, CDATA as text, no entity expansion from a DTD', () => {
    const xml = `<?xml version="1.0"?><!DOCTYPE r [<!ENTITY boom "BOOM">]>
<rss><channel><Item><title>One</title><description><![CDATA[<b>bold</b> & more]]></description></Item>
<item><title>Two &amp; a half</title><link>https://x.test/2</link></item></channel></rss>`;
    const s = new Selector({ text: xml, type: 'xml' });
    assert.deepEqual(s.css('item title::text').getall(), ['Two & a half']);
    assert.deepEqual(s.css('Item title::text').getall(), ['One']);
    assert.equal(s.css('description::text').get(), '<b>bold</b> & more');
    assert.equal(s.css('item').get(), '<item><title>Two &amp; a half</title><link>https://x.test/2</link></item>');
  });
});

describe('re / reFirst', () => {
  const s = new Selector({ text: '<p class="price">Price: 12.50 EUR, was 15.00 EUR</p><p>Ref &eacute;t&eacute; &amp; &lt;x&gt;</p>' });

  it('without groups returns whole matches', () => {
    assert.deepEqual(s.css('.price::text').re(/\d+\.\d+/), ['12.50', '15.00']);
    assert.deepEqual(s.css('.price::text').re('\\d+\\.\\d+'), ['12.50', '15.00']);
  });
  it('with one group returns the group; with several, all groups flattened', () => {
    assert.deepEqual(s.css('.price::text').re(/(\d+)\.\d+/), ['12', '15']);
    assert.deepEqual(s.css('.price::text').re(/(\d+)\.(\d+)/), ['12', '50', '15', '00']);
    assert.deepEqual(s.css('.price::text').re(/(\d+)(x)?\./), ['12', '', '15', '']);
  });
  it('a named group "extract" gives its first match only', () => {
    assert.deepEqual(s.css('.price::text').re(/(?<extract>\d+)\.\d+/), ['12']);
  });
  it('applies to the serialised element and replaces entities except &lt; and &amp;', () => {
    assert.deepEqual(s.css('p.price').re(/class="(\w+)"/), ['price']);
    assert.deepEqual(s.css('p:not(.price)').re(/Ref (.*)<\/p>/), ['été &amp; &lt;x>']);
    assert.deepEqual(s.css('p:not(.price)').re(/Ref (.*)<\/p>/, { replaceEntities: false }), ['été &amp; &lt;x&gt;']);
  });
  it('reFirst returns the first match or the default; global flags do not leak state', () => {
    const g = /\d+/g;
    assert.equal(s.css('.price::text').reFirst(g), '12');
    assert.equal(s.css('.price::text').reFirst(g), '12');
    assert.equal(s.css('.price::text').reFirst(/GBP/), undefined);
    assert.equal(s.css('.price::text').reFirst(/GBP/, 'n/a'), 'n/a');
    assert.equal(s.css('h1').reFirst(/x/, 'empty list'), 'empty list');
  });
  it('an invalid regex string is an InvalidArgumentError naming it', () => {
    assert.throws(() => s.css('p').re('(unclosed'), (e: unknown) => e instanceof InvalidArgumentError && /\(unclosed/.test(e.message));
  });
});

describe('malformed queries', () => {
  const s = new Selector({ text: '<p>x</p>' });
  for (const q of ['p[', 'p::before', 'p::attr()', 'p::text span', 'p::text(x)', '', 'a,,b']) {
    it(`rejects ${JSON.stringify(q)} with an InvalidArgumentError naming the query`, () => {
      assert.throws(
        () => s.css(q),
        (e: unknown) => e instanceof InvalidArgumentError && e.message.includes(JSON.stringify(q)),
      );
    });
  }
});

describe('SelectorList as an array', () => {
  const s = new Selector({ text: '<tr><td>h</td></tr><table><tr><td>1</td></tr><tr><td>2</td></tr><tr><td>3</td></tr></table>' });
  it('slice and filter keep the list methods; map returns a plain array', () => {
    const rows = s.css('tr');
    assert.ok(rows.slice(1) instanceof SelectorList);
    assert.deepEqual(rows.slice(1).css('td::text').getall(), ['2', '3']);
    assert.deepEqual(rows.filter((r) => r.css('td::text').get() !== '2').css('td::text').getall(), ['1', '3']);
    const mapped = rows.map((r) => r.css('td::text').get());
    assert.equal(Array.isArray(mapped), true);
    assert.equal(mapped instanceof SelectorList, false);
    assert.deepEqual(mapped, ['1', '2', '3']);
    assert.deepEqual([...rows].length, 3);
    assert.equal(rows.concat([]).length, 3);
    assert.ok(SelectorList.from(rows) instanceof SelectorList);
  });
  it('re/reFirst over the list', () => {
    assert.deepEqual(s.css('td::text').re(/\d/), ['1', '2', '3']);
    assert.equal(s.css('td::text').reFirst(/[23]/), '2');
  });
});

describe('Selector construction', () => {
  it('rejects a bad type or missing text', () => {
    assert.throws(() => new Selector({ text: 'x', type: 'json' as never }), InvalidArgumentError);
    assert.throws(() => new Selector({}), InvalidArgumentError);
  });
  it('keeps baseUrl and exposes the document root', () => {
    const s = new Selector({ text: '<p>x</p>', baseUrl: 'https://x.test/' });
    assert.equal(s.baseUrl, 'https://x.test/');
    assert.equal((s.root as { type: string }).type, 'root');
    assert.match(s.get(), /^<html><head><\/head><body><p>x<\/p><\/body><\/html>$/);
  });
});

describe('Selector extras', () => {
  it('XML prefixed names can be selected with an escaped colon', () => {
    const s = new Selector({
      type: 'xml',
      text: '<urlset xmlns:image="http://www.google.com/schemas/sitemap-image/1.1"><url><loc>https://a.test/</loc><image:image><image:loc>https://a.test/i.jpg</image:loc></image:image></url></urlset>',
    });
    assert.deepEqual(s.css('image\\:loc::text').getall(), ['https://a.test/i.jpg']);
    assert.deepEqual(s.css('url > loc::text').getall(), ['https://a.test/']);
  });
  it('can wrap an already parsed node', () => {
    const doc = new Selector({ text: '<div id="x"><p>a</p></div><p>b</p>' });
    const div = doc.css('#x')[0]!.root;
    const sub = new Selector({ root: div as never });
    assert.deepEqual(sub.css('p::text').getall(), ['a']);
  });
});
