import assert from 'node:assert/strict';
import type { Document } from 'domhandler';
import { parse } from 'parse5';
import { adapter } from 'parse5-htmlparser2-tree-adapter';
import { catalogueHandler } from '../../src/demo/catalogue-site.js';
import { parseHtml, serialize } from '../../src/selector/document.js';
import { parseHtmlEncoded } from '../../src/selector/flat-tree-builder.js';
import { Selector } from '../../src/selector/selector.js';
import { decodeTree, encodeTree } from '../../src/selector/tree-codec.js';
import { dumpTree } from './dom-dump.js';

/**
 * Markup where HTML5 tree construction does more than nest tags as written: each case makes
 * parse5 move, merge, clone or re-parent nodes through a different tree-adapter call, or read
 * text in a different tokenizer state or insertion mode.
 */
export const TRICKY: Record<string, string> = {
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

/** Fragments that make the tree builder work hard. */
export const PIECES = [
  '<p>', '</p>', '<b>', '</b>', '<i>', '</i>', '<a href="/x">', '</a>', '<div class="d">', '</div>', '<table>', '</table>',
  '<tr>', '<td>', '</td>', '<th>', 'text ', ' ', '&amp;', '&copy', '<br>', '</br>', '<template>', '</template>',
  '<svg>', '</svg>', '<math>', '<mi>', '<foreignObject>', '<!-- c -->', '<form>', '</form>', '<input name=i>',
  '<select>', '<option>', '<html lang=x>', '<body id=b>', '<li>', '<ul>', '<h1>', '</h2>', '<nobr>', '<font size=2>',
  '<caption>', '<col>', '<tbody>', '<frameset>', '<script>x<y</script>', '<style>a</style>', '<textarea>', '\r\n',
  '<em>', '<button>', '<p title="&amp;">', '<img src=a>', '<hr>', '<marquee>', '<object>', '<applet>', '<dd>', '<rt>',
];

/**
 * Fragments for the text fast path (src/selector/html-parser.ts): runs of words and spaces in
 * every insertion mode that treats them differently (tables, select, template, head, after
 * body, frameset, foreign content), every text state (RCDATA, RAWTEXT, script data,
 * PLAINTEXT), and what ends a run: NUL, CR and CRLF, entities, `<` that starts no tag, an
 * unclosed comment at the end, surrogates (pairs and lone halves), `<pre>`'s leading newline;
 * then the same in tag and attribute names and values.
 */
export const TEXT_PIECES = [
  'words and more words ', 'word', ' ', '  \n\t ', '\n', '\f', 'x y', ' z ',
  '<table>', '</table>', ' table text ', '<tr>', '</tr>', '<td>', '</td>', '<caption>', '</caption>', '<colgroup>', '<tbody>',
  '<select>', '</select>', '<option>', ' opt ion ', '<optgroup>', '<template>', '</template>',
  '<svg>', '</svg>', '<text>', '<math>', '</math>', '<mi>', '<mtext>', '<foreignObject>', '<desc>',
  '\u0000', 'a\u0000b', ' \u0000 ', '\r\n', '\r', '\n\r', 'a\r\nb',
  '&amp;', '&lt;', '&#32;', '&#x20;', '&nbsp;', '&notin', '&', '&#0;', 'a&b', '&#x0D;',
  ' < ', '<3', '<>', '</ >', 'a<=b', '</3', '<!', '<?x',
  '<textarea>', '</textarea>', '<title>', '</title>', '<script>', '</script>', '<style>', '</style>', '<pre>', '</pre>', '<listing>',
  '<xmp>', '</xmp>', '<iframe>', '</iframe>', '<noembed>', '<noframes>', '<!-- c -->', '<!--', '-->', '<!-- unclosed',
  '😀', '\ud83d', '\ude00', 'é', '\u2028', '\u0001',
  '<head>', '</head>', '<html>', '<body>', '</body>', '</html>', '<frameset>', '<frame>', '<meta>',
  '<b>', '</b>', '<i>', '<p>', '</p>', '<a href=x>', '</a>', '<nobr>', '<div>', '</div>', '<li>', '<br>', '<plaintext>',
  // Tag and attribute names and values (read in runs too): upper case, entities, NUL, CR, line
  // feeds, quotes, duplicates, non-ASCII and astral characters, a tag cut off by the end.
  '<DIV CLASS="A b">', '<Table bOrder=1>', '<a HREF=x&amp;y>', '<p title="a&quot;b\nc">', "<p title='x\r\ny'>",
  '<p a=b c = "d" e=\'f\' g>', '<img src="😀" alt=é>', '<p\u0000x a\u0000b="c\u0000d" e=f\u0000g>', '<p id="a" id="b" ID=c>',
  '<svg viewBox="0 0 1 1" preserveAspectRatio=none>', '<x-y:z foo:bar=1>', '<p `=x a="b"c>', '<a b=c<d e=f"g>', '<br/>', '<p/ >',
  '<a href="x\ud83d">', "<a title='&notin;&amp'>", '<a title="&#x1F600;&#0;">', '<a href="', '<a href=', '<a h', '<a', '</a b="c">',
];

/** A document of 5–`most` pieces drawn from `pieces` (half of them with a doctype). */
export function randomDocument(random: () => number, pieces: readonly string[] = PIECES, most = 65): string {
  const n = 5 + Math.floor(random() * (most - 4));
  let s = random() < 0.5 ? '<!doctype html>' : '';
  for (let i = 0; i < n; i++) s += pieces[Math.floor(random() * pieces.length)];
  return s;
}

/** Runs the demo shop's handler for `path` against a stand-in response; the body when it answers 200. */
function shopPage(handler: ReturnType<typeof catalogueHandler>, path: string): string | undefined {
  let status = 0;
  let body = '';
  const res = {
    writeHead(s: number) {
      status = s;
    },
    end(b: string | Buffer) {
      body = String(b);
    },
  };
  handler({ headers: {} } as never, res as never, path);
  return status === 200 ? body : undefined;
}

/**
 * The demo shop's pages as a crawl of it saves them: the first `products` product pages and
 * the listing pages that link them (5,000 products, as in the crawl benchmark).
 */
export function demoShopPages(products = 300): { path: string; html: string }[] {
  const handler = catalogueHandler({ products: 5000 });
  const out: { path: string; html: string }[] = [];
  for (let page = 1; page <= Math.ceil(products / 20); page++) {
    const path = `/catalogue/page-${page}.html`;
    out.push({ path, html: shopPage(handler, path)! });
  }
  for (let id = 1; id <= products; id++) {
    const path = `/product/${id}`;
    const html = shopPage(handler, path);
    if (html !== undefined) out.push({ path, html });
  }
  return out;
}

/** What a spider asks of a page, in CSS and XPath: each query's results must not depend on the parser path. */
export const QUERIES: { css?: string; xpath?: string }[] = [
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

/** Stock parse5 (no text fast path) into domhandler nodes, as `parseHtml` parses. */
export function parseStock(html: string): Document {
  return parse(html, { treeAdapter: adapter, scriptingEnabled: false });
}

/**
 * Asserts that every way tscrapy parses `html` gives stock parse5's tree: the parse threads'
 * encoding (`parseHtmlEncoded`, number for number what flattening parse5's tree gives, so text
 * nodes split and merge alike), the tree rebuilt from it, `parseHtml` (the main thread's and
 * `Selector({ text })`'s parse), their markup, and what the QUERIES find.
 */
export function assertParsedAsStock(html: string, label: string): void {
  const reference = parseStock(html);
  const encoded = parseHtmlEncoded(html);
  assert.deepStrictEqual(encoded, encodeTree(reference), `${label}: encoding`);
  const referenceDump = dumpTree(reference);
  const rebuilt = decodeTree(structuredClone(encoded));
  assert.deepStrictEqual(dumpTree(rebuilt), referenceDump, `${label}: tree rebuilt from the encoding`);
  const parsed = parseHtml(html);
  assert.deepStrictEqual(dumpTree(parsed), referenceDump, `${label}: parseHtml's tree`);
  const markup = serialize(reference, 'html');
  assert.equal(serialize(rebuilt, 'html'), markup, `${label}: markup of the rebuilt tree`);
  assert.equal(serialize(parsed, 'html'), markup, `${label}: markup of parseHtml's tree`);
  const fromStock = new Selector({ root: reference, type: 'html' });
  const fromText = new Selector({ text: html });
  const fromThread = new Selector({ root: rebuilt, type: 'html' });
  for (const q of QUERIES) {
    const run = (s: Selector) => (q.css !== undefined ? s.css(q.css) : s.xpath(q.xpath!)).getall();
    const expected = run(fromStock);
    assert.deepStrictEqual(run(fromText), expected, `${label}: ${q.css ?? q.xpath} on Selector({ text })`);
    assert.deepStrictEqual(run(fromThread), expected, `${label}: ${q.css ?? q.xpath} on the rebuilt tree`);
  }
}
