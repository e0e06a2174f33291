import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseHtml, serialize } from '../../src/selector/document.js';
import { parseHtmlEncoded } from '../../src/selector/flat-tree-builder.js';
import { Selector } from '../../src/selector/selector.js';
import { decodeTree, encodeTree } from '../../src/selector/tree-codec.js';
import { dumpTree } from '../support/dom-dump.js';
import { seeded } from '../support/seeded.js';

/**
 * Markup where HTML5 tree construction does more than nest tags as written: each case makes
 * parse5 move, merge, clone or re-parent nodes through a different tree-adapter call.
 */
const TRICKY: Record<string, string> = {
  empty: '',
  'whitespace only': ' \n\t ',
  'text only': 'just text & more',
  'misnested inline and block': '<p>one<p>two <b>bold <i>both</b> italic</i> <em>a<div>b</em>c</div>',
  'adoption agency, furthest block': '<a href="/x">1<div>2<div>3</a>4</div>5</div>',
  'adoption agency, more than three clones': '<b><b><b><b><b><p>x</b>y</b>z</b></b></b>',
  'nested anchors': '<a href="1"><p>x<a href="2">y</a>z</p></a>',
  'formatting reconstruction': '<p><b class="k"><i>a</p>b</i>c</b><p>d',
  'tables and foster parenting': '<table>fostered text<tr>more<td>cell</td>tail</tr><div>fostered div</div>end</table>after',
  'table in table, caption, colgroup': '<table><caption>c<table><tr><td>inner</table></caption><colgroup><col span=2></colgroup><tbody><tr><th>h<td>d</table>',
  'text before a table in a cell': '<table><tr><td>a<table>b<tr><td>c</table>d</td></tr></table>',
  templates: '<template id="t"><li class="x">item <a href="/a">a</a></li><template><b>nested</b></template></template><p>after</p>',
  'template in a table and head': '<head><template><meta charset=x></template></head><table><template><tr><td>t</td></tr></template></table>',
  'svg and mathml': '<svg viewBox="0 0 1 1" ATTRIBUTENAME=v><use xlink:href="#a" xml:lang="en" xmlns:xlink="http://www.w3.org/1999/xlink"/><foreignObject><p>html</p></foreignObject><desc><b>b</b></desc></svg><math><mi>x</mi><annotation-xml encoding="text/html"><div>d</div></annotation-xml></math>',
  'foreign attributes with a clashing plain name': '<svg><a xlink:href="#one" href="#two" xlink:title="t" title="u"/></svg>',
  'html breaks out of svg': '<svg><g><p>para</p></g></svg><math><mtext><b>b</b></mtext></math>',
  'CDATA in svg, bogus comment in html': '<svg><![CDATA[ a < b ]]></svg><![CDATA[x]]><?pi data?>',
  'comments everywhere': '<!-- before --><!doctype html><!--a--><html><!--b--><head><!--c--></head><body><!--d--></body><!--e--></html><!--f--><!-->x<!--->',
  'unterminated comment': '<p>a<!-- never closed',
  'doctype with ids (quirks)': '<!DOCTYPE html PUBLIC "-//W3C//DTD HTML 4.01 Transitional//EN" "http://www.w3.org/TR/html4/loose.dtd"><title>q</title>',
  'doctype, limited quirks, quotes in ids': `<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" 'sys"id'><p>x`,
  'doctype, system only': '<!DOCTYPE html SYSTEM "about:legacy-compat"><p>x',
  'doctype without name': '<!DOCTYPE><p>x',
  'two doctypes': '<!doctype html><!doctype other><p>x',
  entities: 'a &amp; b &lt;c&gt; &nbsp;&copy &notin; &#x1F600; &#0; &#x110000; &amp &unknown; <a title="&amp;&quot;x&q=1&lt" href="?a=1&copy=2">&#128;</a>',
  '<br></br> and stray end tags': '<p>a<br></br>b</p></p></div></span><br/>c</br>',
  'form association': '<form id=f1 action=/a><table><tr><td><input name=x></td></tr></table><form id=f2><input name=y></form></form><div><form><input name=z></div></form>',
  'html and body attributes merged': '<html lang=en><body class=a><html lang=de data-x=1><body class=b id=main>text</body></html>',
  'numeric and duplicate attribute names': '<div 2=b 1=a id="x" id="y" class=c data-x=\'1\' hidden>d</div><p 10=x 9=y 01=z>',
  'head elements after body': '<html><head></head><body><title>late</title><meta name=a><link rel=x><style>s{}</style>b</body><meta name=after>',
  frameset: '<!doctype html><html><head></head><frameset rows="*"><frame src=a><noframes><p>nf</p></noframes></frameset></html>',
  'select and options': '<select name=s><option>a<option selected>b<optgroup label=g><option>c</optgroup><input></select><select><select>',
  'raw text elements': '<style>p > a { color: "</p>" }</style><xmp><b>x</b></xmp><iframe><b>i</b></iframe><noembed><b></noembed><noframes><i></noframes>',
  'script data states': '<script>if (a < b && c) { document.write("<!--<script></script>-->") }</script><script><!-- <script> --></script>x',
  'noscript with scripting off': '<head><noscript><link rel=stylesheet href=n.css></noscript></head><body><noscript><a href="/n">n</a></noscript>',
  'textarea and pre leading newline': '<textarea>\nfirst\n<b>x</b></textarea><pre>\n\nkept</pre><listing>\nl</listing>',
  plaintext: '<p>a<plaintext>rest <b>not a tag</b> &amp; not an entity',
  'line ends and NUL': '\r\n<p title="a\r\nb">x\ry\r\nz\u0000w</p>\u0000<svg>\u0000</svg>',
  'image becomes img': '<image src="a.png"><isindex prompt="q">',
  'ruby and lists': '<ruby>a<rb>b<rt>c<rp>d</ruby><ul><li>1<li>2<dl><dt>t<dd>d</dl></ul>',
  'non-ASCII and astral text': '<p class="café">naïve — 😀 \u2028 text</p>',
};

/** Random documents stitched from fragments that make the tree builder work hard. */
const PIECES = [
  '<p>', '</p>', '<b>', '</b>', '<i>', '</i>', '<a href="/x">', '</a>', '<div class="d">', '</div>', '<table>', '</table>',
  '<tr>', '<td>', '</td>', '<th>', 'text ', ' ', '&amp;', '&copy', '<br>', '</br>', '<template>', '</template>',
  '<svg>', '</svg>', '<math>', '<mi>', '<foreignObject>', '<!-- c -->', '<form>', '</form>', '<input name=i>',
  '<select>', '<option>', '<html lang=x>', '<body id=b>', '<li>', '<ul>', '<h1>', '</h2>', '<nobr>', '<font size=2>',
  '<caption>', '<col>', '<tbody>', '<frameset>', '<script>x<y</script>', '<style>a</style>', '<textarea>', '\r\n',
  '<em>', '<button>', '<p title="&amp;">', '<img src=a>', '<hr>', '<marquee>', '<object>', '<applet>', '<dd>', '<rt>',
];

function randomDocument(random: () => number): string {
  const n = 5 + Math.floor(random() * 60);
  let s = random() < 0.5 ? '<!doctype html>' : '';
  for (let i = 0; i < n; i++) s += PIECES[Math.floor(random() * PIECES.length)];
  return s;
}

/** What a spider asks of a page, in CSS and XPath: each query's results must not depend on the parser path. */
const QUERIES: { css?: string; xpath?: string }[] = [
  { css: '*' },
  { css: 'a::attr(href)' },
  { css: 'p ::text' },
  { css: 'td, th' },
  { css: 'table tr > td:first-child' },
  { css: '[id]' },
  { css: 'input::attr(name)' },
  { css: 'svg *' },
  { css: 'title::text' },
  { xpath: '//*' },
  { xpath: '//text()' },
  { xpath: '//comment()' },
  { xpath: '//@*' },
  { xpath: '//form//input/@name' },
  { xpath: 'count(//*)' },
  { xpath: 'string(/html/body)' },
];

function assertSameDocument(html: string, label: string): void {
  const reference = parseHtml(html);
  const encoded = parseHtmlEncoded(html);
  // The same encoding, number for number, as flattening parse5's htmlparser2 tree gives…
  assert.deepStrictEqual(encoded, encodeTree(reference), `${label}: encoding`);
  // …so the rebuilt tree is parse5's tree node for node, and serialises the same.
  const rebuilt = decodeTree(structuredClone(encoded));
  assert.deepStrictEqual(dumpTree(rebuilt), dumpTree(reference), `${label}: tree`);
  assert.equal(serialize(rebuilt, 'html'), serialize(reference, 'html'), `${label}: markup`);
  const fromText = new Selector({ text: html });
  const fromThread = new Selector({ root: rebuilt, type: 'html' });
  for (const q of QUERIES) {
    const run = (s: Selector) => (q.css !== undefined ? s.css(q.css) : s.xpath(q.xpath!)).getall();
    assert.deepStrictEqual(run(fromThread), run(fromText), `${label}: ${q.css ?? q.xpath}`);
  }
}

describe('parseHtmlEncoded (the parse threads\' tree builder)', { timeout: 120_000 }, () => {
  for (const [name, html] of Object.entries(TRICKY)) {
    it(`builds parse5's tree for ${name}`, () => assertSameDocument(html, name));
  }

  it('builds parse5\'s tree for 400 random documents of tricky fragments', () => {
    const random = seeded(20);
    for (let i = 0; i < 400; i++) {
      const html = randomDocument(random);
      assertSameDocument(html, `random document ${i}: ${JSON.stringify(html)}`);
    }
  });

  it('handles a page nested 100,000 deep without overflowing the stack', () => {
    const html = '<div>'.repeat(100_000) + 'deep' + '</div>'.repeat(100_000);
    assert.deepStrictEqual(parseHtmlEncoded(html), encodeTree(parseHtml(html)));
  });
});
