import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';

/** Options of the local catalogue site. */
export interface CatalogueSiteOptions {
  /** Product pages. @default 200 */
  products?: number;
  /** Products per listing page. @default 20 */
  perPage?: number;
  /** Delay before each response, in ms (simulates a remote site). @default 0 */
  latencyMs?: number;
  /** Padding so that product pages weigh about this many bytes. @default 20000 */
  productBytes?: number;
  /** @default '127.0.0.1' */
  host?: string;
  /** @default 0 (a free port) */
  port?: number;
  /** Path prefix every page and link lives under (`/shop` serves the shop at `/shop/`). @default '' */
  basePath?: string;
}

export interface CatalogueSite {
  /** e.g. `http://127.0.0.1:40123` */
  readonly origin: string;
  /** Requests served, by path kind. */
  readonly counts: { total: number; byPath: Map<string, number> };
  /** The products a full crawl scrapes (ids that answer 200). */
  expectedProductIds(): number[];
  close(): Promise<void>;
}

/** Product ids that always answer 500 (a fixed, small share). */
export function isBroken(id: number): boolean {
  return id % 997 === 0;
}

/** Every 50th product is linked by an old URL that redirects. */
function productHref(base: string, id: number): string {
  return id % 50 === 0 ? `${base}/p/${id}` : `${base}/product/${id}`;
}

/** Deterministic pseudo-random numbers, so every run serves the same site. */
function rnd(seed: number): number {
  const x = Math.sin(seed * 9301 + 49297) * 233280;
  return x - Math.floor(x);
}

const WORDS = 'lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor incididunt ut labore et dolore magna aliqua'.split(' ');

function sentence(seed: number, words: number): string {
  const out: string[] = [];
  for (let i = 0; i < words; i++) out.push(WORDS[Math.floor(rnd(seed + i) * WORDS.length)]!);
  return out.join(' ');
}

function layout(base: string, title: string, body: string): string {
  return `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>${title} | Demo Shop</title>
<link rel="stylesheet" href="${base}/static/site.css"></head><body>
<nav class="top"><a href="${base}/">Home</a> <a href="${base}/category/tools/">Tools</a> <a href="${base}/category/books/">Books</a> <a href="${base}/about">About</a></nav>
${body}
<footer><a href="${base}/">Demo Shop</a> · <a href="${base}/about">About</a></footer></body></html>`;
}

function listingPage(base: string, page: number, products: number, perPage: number): string {
  const pages = Math.ceil(products / perPage);
  const first = (page - 1) * perPage + 1;
  const items: string[] = [];
  for (let id = first; id < first + perPage && id <= products; id++) {
    items.push(`<li class="product"><a class="title" href="${productHref(base, id)}">Product ${id}</a> <span class="price">$${(10 + rnd(id) * 90).toFixed(2)}</span></li>`);
  }
  // A link to a product that does not exist: a 404 the crawl must survive.
  items.push(`<li class="product"><a class="title" href="${base}/product/${products + page}">Discontinued</a></li>`);
  const next = page < pages ? `<li class="next"><a href="${base}/catalogue/page-${page + 1}.html">next</a></li>` : '';
  return layout(base, `Catalogue page ${page}`, `<h1>Catalogue</h1><ul class="products">${items.join('\n')}</ul><ul class="pager">${next}</ul>`);
}

function productPage(base: string, id: number, products: number, bytes: number): string {
  const related: string[] = [];
  for (let i = 1; i <= 10; i++) {
    const other = 1 + Math.floor(rnd(id * 31 + i) * products);
    related.push(`<li><a href="${productHref(base, other)}">Product ${other}</a></li>`);
  }
  const paras: string[] = [];
  let size = 0;
  for (let i = 0; size < bytes - 3000; i++) {
    const p = `<p>${sentence(id * 7 + i, 60)}</p>`;
    paras.push(p);
    size += p.length;
  }
  const specs = ['weight', 'colour', 'material', 'size', 'origin']
    .map((k, i) => `<tr><th>${k}</th><td>${sentence(id + i * 3, 2)}</td></tr>`)
    .join('');
  return layout(
    base,
    `Product ${id}`,
    `<div class="product-page" data-sku="SKU-${String(id).padStart(6, '0')}">
<h1 class="name">Product ${id}</h1>
<p class="price">$${(10 + rnd(id) * 90).toFixed(2)}</p>
<p class="stock">${id % 7 === 0 ? 'Out of stock' : 'In stock'}</p>
<table class="specs">${specs}</table>
<div class="description">${paras.join('\n')}</div>
<ul class="related">${related.join('')}</ul>
<a class="back" href="${base}/catalogue/page-${Math.ceil(id / 20)}.html">Back to the catalogue</a></div>`,
  );
}

/** The shop's pages as a request handler, for a server of its own or mounted in another (the practice site). */
export interface CatalogueHandler {
  /** Answers `path`, the request path with `basePath` already removed. */
  (req: IncomingMessage, res: ServerResponse, path: string): void;
  readonly counts: { total: number; byPath: Map<string, number> };
  expectedProductIds(): number[];
}

/** The demo shop's pages (see startCatalogueSite), with every link under `options.basePath`. */
export function catalogueHandler(options: CatalogueSiteOptions = {}): CatalogueHandler {
  const base = options.basePath ?? '';
  const products = options.products ?? 200;
  const perPage = options.perPage ?? 20;
  const productBytes = options.productBytes ?? 20_000;
  const counts = { total: 0, byPath: new Map<string, number>() };
  const gzipCache = new Map<number, Buffer>();

  const send = (res: ServerResponse, status: number, body: string | Buffer, headers: Record<string, string> = {}) => {
    res.writeHead(status, { 'Content-Type': 'text/html; charset=utf-8', 'Content-Length': String(Buffer.byteLength(body)), ...headers });
    res.end(body);
  };

  const handle = (req: IncomingMessage, res: ServerResponse, path: string) => {
    counts.total++;
    const kind = path.replace(/\d+/g, 'N');
    counts.byPath.set(kind, (counts.byPath.get(kind) ?? 0) + 1);
    let m: RegExpExecArray | null;
    if (path === '/' || path === '/catalogue/' || path === '/index.html') return send(res, 200, listingPage(base, 1, products, perPage));
    if ((m = /^\/catalogue\/page-(\d+)\.html$/.exec(path))) {
      const page = Number(m[1]);
      if (page < 1 || page > Math.ceil(products / perPage)) return send(res, 404, layout(base, 'Not found', '<h1>Not found</h1>'));
      return send(res, 200, listingPage(base, page, products, perPage));
    }
    if ((m = /^\/p\/(\d+)$/.exec(path))) return send(res, 301, '', { Location: `${base}/product/${m[1]}` });
    if ((m = /^\/product\/(\d+)$/.exec(path))) {
      const id = Number(m[1]);
      if (id < 1 || id > products) return send(res, 404, layout(base, 'Not found', '<h1>No such product</h1>'));
      if (isBroken(id)) return send(res, 500, layout(base, 'Error', '<h1>Internal error</h1>'));
      const gz = id % 4 === 0 && /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''));
      if (!gz) return send(res, 200, productPage(base, id, products, productBytes));
      let body = gzipCache.get(id);
      if (!body) {
        body = gzipSync(productPage(base, id, products, productBytes), { level: 1 });
        if (gzipCache.size < 20_000) gzipCache.set(id, body);
      }
      return send(res, 200, body, { 'Content-Encoding': 'gzip' });
    }
    if (path === '/about') return send(res, 200, layout(base, 'About', '<h1>About</h1><p>A demo shop served by tscrapy itself.</p>'));
    if (path.startsWith('/category/')) return send(res, 200, layout(base, 'Category', `<h1>Category</h1><a href="${base}/">All products</a>`));
    if (path === '/robots.txt') return send(res, 200, `User-agent: *\nDisallow: ${base}/admin/\n`, { 'Content-Type': 'text/plain' });
    if (path === '/static/site.css') return send(res, 200, 'body{font-family:sans-serif}', { 'Content-Type': 'text/css' });
    return send(res, 404, layout(base, 'Not found', '<h1>Not found</h1>'));
  };
  return Object.assign(handle, {
    counts,
    expectedProductIds() {
      const ids: number[] = [];
      for (let id = 1; id <= products; id++) if (!isBroken(id)) ids.push(id);
      return ids;
    },
  });
}

/**
 * A deterministic shop on 127.0.0.1: listing pages with pagination, ~20 KB product pages with
 * ~15 links (most of them duplicates), some gzip, redirects from old URLs, 404s and 500s.
 * Used by `npm start`, `tscrapy bench`, `tscrapy practice` (under /shop/), the benchmarks and the tests.
 */
export async function startCatalogueSite(options: CatalogueSiteOptions = {}): Promise<CatalogueSite> {
  const latency = options.latencyMs ?? 0;
  const handler = catalogueHandler({ ...options, basePath: '' });
  const handle = (req: IncomingMessage, res: ServerResponse) => handler(req, res, (req.url ?? '/').split('?')[0]!);

  const server: Server = createServer({ keepAliveTimeout: 30_000 }, (req, res) => {
    if (latency > 0) setTimeout(() => handle(req, res), latency);
    else handle(req, res);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const addr = server.address() as AddressInfo;
  return {
    origin: `http://${addr.address}:${addr.port}`,
    counts: handler.counts,
    expectedProductIds: () => handler.expectedProductIds(),
    close() {
      return new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}
