/**
 * The "raw parse limit": how many pages per second one core can parse and extract with no
 * network. `measureParse()` is used by the crawl benchmark on the pages it saved; run this
 * file directly for the figures on generated ≈22 KB product pages:
 *
 *   node --import tsx bench/parse.ts [--seconds 2]
 */
import { parseDocument } from 'htmlparser2';
import { pathToFileURL } from 'node:url';
import { Request } from '../src/crawler/http/request.js';
import { Response } from '../src/crawler/http/response.js';
import { parseHtml } from '../src/selector/document.js';
import { parseHtmlEncoded } from '../src/selector/flat-tree-builder.js';
import { encodeTree } from '../src/selector/tree-codec.js';

export interface ParseMeasurement {
  label: string;
  pages: number;
  ms: number;
  pagesPerSecond: number;
  msPerPage: number;
}

/**
 * Runs `work` over `pages` round-robin for at least `seconds` (after a warm-up pass) and
 * reports the rate. One core, no I/O: the ceiling a crawl's parsing can reach.
 */
export function measureParse(
  label: string,
  pages: readonly Buffer[],
  work: (body: Buffer, index: number) => unknown,
  seconds = 2,
): ParseMeasurement {
  if (pages.length === 0) throw new Error('measureParse needs at least one page');
  let sink = 0;
  for (let i = 0; i < Math.min(pages.length, 50); i++) sink += work(pages[i]!, i) ? 1 : 0; // warm-up
  const start = process.hrtime.bigint();
  const until = start + BigInt(Math.round(seconds * 1e9));
  let n = 0;
  let now = start;
  while (now < until) {
    for (let k = 0; k < 20; k++, n++) sink += work(pages[n % pages.length]!, n) ? 1 : 0;
    now = process.hrtime.bigint();
  }
  const ms = Number(now - start) / 1e6;
  if (sink < 0) console.log(sink); // keep the work observable
  return { label, pages: n, ms, pagesPerSecond: (n / ms) * 1000, msPerPage: ms / n };
}

/** A product page like the benchmark site's: ≈22 KB, ~15 links, a specs table. */
export function productPage(i: number): string {
  const links = Array.from({ length: 15 }, (_, k) => {
    const target = (i * 7 + k * 13) % 5000;
    return `<li><a href="${k % 5 === 0 ? `https://shop.test/product/${target}` : `/product/${target}`}" class="rel">Related product ${target}</a></li>`;
  }).join('\n');
  const paras = Array.from(
    { length: 70 },
    (_, k) =>
      `<p class="d">Paragraph ${k} of product ${i}: durable &amp; light, made with care for everyday use. ` +
      `It ships in recycled packaging and comes with a two-year warranty. Lorem ipsum dolor sit amet, consectetur ` +
      `adipiscing elit, sed do eiusmod tempor incididunt ut labore et dolore magna aliqua — ${k * i}.</p>`,
  ).join('\n');
  const specs = Array.from({ length: 20 }, (_, k) => `<tr><th>Spec ${k}</th><td>Value ${(k * i) % 97} units</td></tr>`).join('\n');
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Product ${i} | Shop</title>
<link rel="stylesheet" href="/static/site.css"><script>window.dataLayer=[];function gtag(){dataLayer.push(arguments)}</script></head>
<body><header><nav><a href="/">Home</a> <a href="/category/1">Category</a> <a href="/cart">Cart</a></nav></header>
<main><div class="product" data-id="${i}"><h1 class="title">Product ${i}</h1>
<span class="price">$${(i % 900) + 9}.99</span><div class="stock in">In stock</div>
<div class="description">
${paras}
</div>
<table class="specs"><tbody>
${specs}
</tbody></table>
<ul class="related">
${links}
</ul></div></main>
<footer><p>&copy; 2024 Shop. All rights reserved.</p></footer></body></html>`;
}

/** The extraction a product callback does: fields, specs, and requests for the links. */
export function extractProduct(response: Response): { item: Record<string, unknown>; requests: number } {
  const specs: Record<string, string> = {};
  for (const row of response.css('table.specs tr')) {
    const k = row.css('th::text').get();
    if (k) specs[k] = row.css('td::text').get('');
  }
  const item = {
    title: response.css('h1.title::text').get(),
    price: response.css('.price::text').reFirst(/[\d.]+/),
    description: response.css('div.description p::text').getall().join(' '),
    inStock: response.css('.stock.in').length > 0,
    specs,
  };
  const requests = response.followAll(response.css('ul.related a'));
  return { item, requests: requests.length };
}

function report(m: ParseMeasurement, baseline?: ParseMeasurement): void {
  const ratio = baseline ? `  (${(m.pagesPerSecond / baseline.pagesPerSecond).toFixed(2)}× ${baseline.label})` : '';
  console.log(
    `${m.label.padEnd(44)} ${m.pagesPerSecond.toFixed(0).padStart(6)} pages/s  ${m.msPerPage.toFixed(3)} ms/page${ratio}`,
  );
}

async function main(): Promise<void> {
  const secIdx = process.argv.indexOf('--seconds');
  const seconds = secIdx > 0 ? Number(process.argv[secIdx + 1]) : 2;
  const pages = Array.from({ length: 200 }, (_, i) => Buffer.from(productPage(i)));
  const avgKb = pages.reduce((a, p) => a + p.length, 0) / pages.length / 1024;
  const request = new Request('https://shop.test/product/1');
  const headers = { 'content-type': 'text/html; charset=utf-8' };
  const texts = pages.map((p) => p.toString('utf8'));
  console.log(`${pages.length} generated product pages, ${avgKb.toFixed(1)} KB each on average, ${seconds} s per row, one core\n`);

  const raw = measureParse('htmlparser2 parseDocument (reference)', pages, (_b, i) => parseDocument(texts[i % texts.length]!), seconds);
  report(raw);
  const parseOnly = measureParse('parse5 + htmlparser2 adapter (parse only)', pages, (_b, i) => parseHtml(texts[i % texts.length]!), seconds);
  report(parseOnly, raw);
  // What a parse thread does with the page (session 5): the old path built domhandler nodes and flattened them.
  const flattened = measureParse('parse5 + htmlparser2 adapter, then encodeTree', pages, (_b, i) => encodeTree(parseHtml(texts[i % texts.length]!)), seconds);
  report(flattened, parseOnly);
  const encoded = measureParse('parse5 straight to the encoding (parse thread)', pages, (_b, i) => parseHtmlEncoded(texts[i % texts.length]!), seconds);
  report(encoded, flattened);
  const decodeParse = measureParse(
    'Response: decode + parse (response.selector)',
    pages,
    (body) => new Response({ url: request.url, body, headers, request }).selector.root,
    seconds,
  );
  report(decodeParse, parseOnly);
  const full = measureParse(
    'Response: decode + parse + extract + followAll',
    pages,
    (body) => extractProduct(new Response({ url: request.url, body, headers, request })),
    seconds,
  );
  report(full, parseOnly);
  const parsed = pages.slice(0, 50).map((body) => {
    const r = new Response({ url: request.url, body, headers, request });
    void r.selector.root;
    return r;
  });
  const extractOnly = measureParse('extract + followAll on parsed pages', pages, (_b, i) => {
    const r = parsed[i % parsed.length]!;
    r.invalidLinkCount = 0;
    return extractProduct(r);
  }, seconds);
  report(extractOnly);

  // Is a Request constructor that skips re-validating the URL worth having? Measure its share.
  const urls = Array.from({ length: 1000 }, (_, i) => `https://shop.test/product/${i}?ref=rel`);
  const reqBench = measureParse('new Request(url) ×15 (one page of links)', pages, (_b, i) => {
    let last: Request | undefined;
    for (let k = 0; k < 15; k++) last = new Request(urls[(i + k) % urls.length]!);
    return last;
  }, Math.min(seconds, 1));
  console.log(`\nRequest construction for 15 links: ${(reqBench.msPerPage * 1000).toFixed(1)} µs/page = ${((reqBench.msPerPage / full.msPerPage) * 100).toFixed(1)}% of the full per-page cost`);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  main().catch((e: unknown) => {
    console.error(e);
    process.exitCode = 1;
  });
}
