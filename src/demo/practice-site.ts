import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { InvalidArgumentError } from '../crawler/errors.js';
import { catalogueHandler } from './catalogue-site.js';
import { quotesHandler } from './quotes-site.js';

/** The path the practice shop is served under. */
export const SHOP_PATH = '/shop';

/** Options of the practice site (`tscrapy practice`). */
export interface PracticeSiteOptions {
  /** @default 8800; 0 picks a free port */
  port?: number;
  /** Listing pages of ten quotes. @default 10 */
  pages?: number;
  /** Products in the shop. @default 100 */
  products?: number;
  /** Delay before each answer, in ms (to feel like a remote site). @default 0 */
  latencyMs?: number;
  /** Called with each request's path (tests watch the crawl with it). */
  onRequest?: (path: string) => void;
}

/** A running practice site. */
export interface PracticeSite {
  /** `http://127.0.0.1:PORT` */
  readonly origin: string;
  /** Quotes on all listing pages. */
  readonly quotes: number;
  /** Product pages a full crawl of the shop scrapes (some products answer 500 on purpose). */
  readonly products: number;
  close(): Promise<void>;
}

/** The default port of `tscrapy practice`, used by the README's examples. */
export const PRACTICE_PORT = 8800;

/**
 * Serves, on 127.0.0.1 only, quotes pages shaped like quotes.toscrape.com's at `/` and the demo
 * shop of `npm start` at `/shop/`, so that every example of the README runs offline.
 * @throws InvalidArgumentError when the port is taken.
 */
export async function startPracticeSite(options: PracticeSiteOptions = {}): Promise<PracticeSite> {
  const quotes = quotesHandler({ pages: options.pages, shopPath: `${SHOP_PATH}/` });
  const shop = catalogueHandler({ products: options.products ?? 100, productBytes: 2000, basePath: SHOP_PATH });
  const latency = options.latencyMs ?? 0;
  const port = options.port ?? PRACTICE_PORT;
  const server: Server = createServer({ keepAliveTimeout: 30_000 }, (req, res) => {
    const path = (req.url ?? '/').split('?')[0]!;
    options.onRequest?.(path);
    const answer = () => {
      if (path === '/robots.txt') {
        res.writeHead(200, { 'Content-Type': 'text/plain' });
        res.end(`User-agent: *\nDisallow: ${SHOP_PATH}/admin/\n`);
      } else if (path === SHOP_PATH) {
        res.writeHead(301, { Location: `${SHOP_PATH}/` });
        res.end();
      } else if (path.startsWith(`${SHOP_PATH}/`)) {
        shop(req, res, path.slice(SHOP_PATH.length));
      } else if (!quotes.handle(req, res, path)) {
        res.writeHead(404, { 'Content-Type': 'text/plain' });
        res.end('Not found: the practice site serves quotes at / and a shop at /shop/\n');
      }
    };
    if (latency > 0) setTimeout(answer, latency);
    else answer();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) =>
      reject(err.code === 'EADDRINUSE' ? new InvalidArgumentError(`Port ${port} on 127.0.0.1 is already in use (is a practice site already running?): choose another with --port, or --port 0 for a free one`) : err),
    );
    server.listen(port, '127.0.0.1', () => resolve());
  });
  return {
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    quotes: quotes.total,
    products: shop.expectedProductIds().length,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
