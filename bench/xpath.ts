/**
 * XPath against CSS on the bench site (issue 15): the catalogue spider's extraction written
 * both ways, on the same pages, one core, no network once the pages are downloaded.
 *
 *   node --import tsx bench/xpath.ts [--seconds 2] [--pages 200]
 *
 * Rows: the query cost alone on pages already parsed (the strictest comparison: parsing, the
 * larger cost of a callback, is left out), then a whole callback (decode + parse + extract +
 * followAll) per page, as a crawl runs it. Times are CPU time per page (the bench box is
 * shared); ratios are XPath time / CSS time, against the better of two CSS runs.
 */
import { Request } from '../src/crawler/http/request.js';
import { Response } from '../src/crawler/http/response.js';
import { startCatalogueSite } from '../src/demo/catalogue-site.js';

interface Measurement {
  label: string;
  /** CPU time (user + system) per page, in µs. */
  cpuUs: number;
}

/**
 * Runs `work` round-robin for `seconds` of CPU time after a warm-up and reports the CPU time
 * per call: on a shared machine, wall time measures the neighbours as much as the code.
 */
function measure(label: string, count: number, work: (i: number) => unknown, seconds: number): Measurement {
  let sink = 0;
  for (let i = 0; i < Math.min(count, 50); i++) sink += work(i) ? 1 : 0;
  const start = process.cpuUsage();
  const budget = seconds * 1e6;
  let n = 0;
  let used = 0;
  while (used < budget) {
    for (let k = 0; k < 20; k++, n++) sink += work(n) ? 1 : 0;
    const d = process.cpuUsage(start);
    used = d.user + d.system;
  }
  if (sink < 0) console.log(sink); // keep the work observable
  return { label, cpuUs: used / n };
}

type Extract = (r: Response) => number;

/** The catalogue spider's product callback (src/demo/catalogue-spider.ts), in CSS. */
const productCss: Extract = (r) => {
  const page = r.css('div.product-page');
  const item = {
    sku: page.attrib['data-sku'],
    name: page.css('h1.name::text').get(),
    price: page.css('p.price::text').get(),
    inStock: page.css('p.stock::text').get() === 'In stock',
    specs: r.css('table.specs tr').map((row) => [row.css('th::text').get(), row.css('td::text').get()]),
  };
  return r.followAll(page.css('ul.related a')).length + (item.name ? 1 : 0) + item.specs.length;
};

/** The same, as a Scrapy user writes it in XPath (exact class match). */
const productXpath: Extract = (r) => {
  const page = r.xpath('//div[@class="product-page"]');
  const item = {
    sku: page.attrib['data-sku'],
    name: page.xpath('./h1[@class="name"]/text()').get(),
    price: page.xpath('./p[@class="price"]/text()').get(),
    inStock: page.xpath('./p[@class="stock"]/text()').get() === 'In stock',
    specs: r.xpath('//table[@class="specs"]//tr').map((row) => [row.xpath('./th/text()').get(), row.xpath('./td/text()').get()]),
  };
  return r.followAll(page.xpath('.//ul[@class="related"]//a')).length + (item.name ? 1 : 0) + item.specs.length;
};

/** The same with parsel's has-class(), which matches like CSS's `.class`. */
const productHasClass: Extract = (r) => {
  const page = r.xpath('//div[has-class("product-page")]');
  const item = {
    sku: page.attrib['data-sku'],
    name: page.xpath('./h1[has-class("name")]/text()').get(),
    price: page.xpath('./p[has-class("price")]/text()').get(),
    inStock: page.xpath('./p[has-class("stock")]/text()').get() === 'In stock',
    specs: r.xpath('//table[has-class("specs")]//tr').map((row) => [row.xpath('./th/text()').get(), row.xpath('./td/text()').get()]),
  };
  return r.followAll(page.xpath('.//ul[has-class("related")]//a')).length + (item.name ? 1 : 0) + item.specs.length;
};

/** The listing callback: product links and the next page. */
const listingCss: Extract = (r) => r.followAll(r.css('li.product a.title')).length + (r.css('li.next a::attr(href)').get() ? 1 : 0);
const listingXpath: Extract = (r) =>
  r.followAll(r.xpath('//li[@class="product"]/a[@class="title"]')).length + (r.xpath('//li[@class="next"]/a/@href').get() ? 1 : 0);

function line(m: Measurement, css?: Measurement): void {
  const ratio = css ? `  XPath/CSS time ${(m.cpuUs / css.cpuUs).toFixed(2)}` : '';
  console.log(`${m.label.padEnd(56)} ${m.cpuUs.toFixed(1).padStart(8)} µs CPU/page${ratio}`);
}

async function main(): Promise<void> {
  const arg = (name: string, d: number) => {
    const i = process.argv.indexOf(name);
    return i > 0 ? Number(process.argv[i + 1]) : d;
  };
  const seconds = arg('--seconds', 2);
  const count = arg('--pages', 200);
  const site = await startCatalogueSite({ products: count });
  const get = async (path: string) => Buffer.from(await (await fetch(site.origin + path)).arrayBuffer());
  const products: Buffer[] = [];
  const listings: Buffer[] = [];
  try {
    for (let id = 1; products.length < count; id++) {
      const body = await get(`/product/${id}`);
      if (body.includes('product-page')) products.push(body);
    }
    for (let p = 1; listings.length < Math.ceil(count / 20); p++) listings.push(await get(`/catalogue/page-${p}.html`));
  } finally {
    await site.close();
  }
  const headers = { 'content-type': 'text/html; charset=utf-8' };
  const request = new Request(site.origin + '/product/1');
  const fresh = (body: Buffer) => new Response({ url: request.url, body, headers, request });
  // Parsed and indexed once: the rows below time the queries only.
  const parsed = (bodies: Buffer[]) =>
    bodies.map((b) => {
      const r = fresh(b);
      void r.css('html').length;
      return r;
    });
  const pp = parsed(products);
  const lp = parsed(listings);
  const onParsed = (label: string, pages: Response[], f: Extract) => measure(label, pages.length, (i) => f(pages[i % pages.length]!), seconds);
  const whole = (label: string, f: Extract) => measure(label, products.length, (i) => f(fresh(products[i % products.length]!)), seconds);
  const avgKb = products.reduce((a, p) => a + p.length, 0) / products.length / 1024;
  console.log(`${products.length} product pages (${avgKb.toFixed(1)} KB) and ${listings.length} listing pages from the catalogue site; ${seconds} s of CPU per row\n`);

  const pairs: [() => Measurement, () => Measurement][] = [
    [() => onParsed('product, CSS (queries on a parsed page)', pp, productCss), () => onParsed('product, XPath @class= (queries on a parsed page)', pp, productXpath)],
    [() => onParsed('product, CSS (queries on a parsed page)', pp, productCss), () => onParsed('product, XPath has-class() (queries on a parsed page)', pp, productHasClass)],
    [() => onParsed('listing, CSS (queries on a parsed page)', lp, listingCss), () => onParsed('listing, XPath (queries on a parsed page)', lp, listingXpath)],
    [() => whole('product, CSS (decode + parse + extract)', productCss), () => whole('product, XPath (decode + parse + extract)', productXpath)],
  ];
  for (const [css, xpath] of pairs) {
    // CSS, XPath, CSS again: the CSS figure is the better of the two, so XPath is not flattered by a warm-up.
    const c1 = css();
    const x = xpath();
    const c2 = css();
    const c = c1.cpuUs < c2.cpuUs ? c1 : c2;
    line(c);
    line(x, c);
  }
}

await main();
