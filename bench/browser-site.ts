// A site for bench/browser.ts and bench/browser-mixed.ts: `/item/<n>` pages whose title, price and
// text are written by a script (nothing to extract without rendering), and `/product/<n>` plain
// pages with the same content in the HTML. It notes when each request of either kind arrived.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface BrowserBenchSite {
  origin: string;
  server: Server;
  /** performance.now() of each request's arrival, by kind; cleared by the caller between runs. */
  arrivals: { item: number[]; product: number[] };
  close(): Promise<void>;
}

export async function startBrowserBenchSite(): Promise<BrowserBenchSite> {
  const arrivals = { item: [] as number[], product: [] as number[] };
  const server = createServer((req, res) => {
    const m = /^\/(item|product)\/(\d+)$/.exec(req.url ?? '');
    if (!m) {
      res.writeHead(404).end();
      return;
    }
    const n = m[2];
    arrivals[m[1] as 'item' | 'product'].push(performance.now());
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
    if (m[1] === 'product') {
      res.end(`<!doctype html><html><head><meta charset="utf-8"><title>Product ${n}</title></head><body>
<h1>Product ${n}</h1><p class="price">${(Number(n) * 1.25).toFixed(2)}</p>
${Array.from({ length: 20 }, (_, i) => `<p class="para">Paragraph ${i} of product ${n}.</p>`).join('\n')}
</body></html>`);
      return;
    }
    res.end(`<!doctype html><html><head><meta charset="utf-8"><title>Item ${n}</title></head><body>
<div id="app"></div>
<script>
  const app = document.getElementById('app');
  app.innerHTML = '<h1>Item ${n}</h1><p class="price">' + (${n} * 1.25).toFixed(2) + '</p>' +
    Array.from({ length: 20 }, (_, i) => '<p class="para">Paragraph ' + i + ' of item ${n}.</p>').join('');
</script></body></html>`);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    server,
    arrivals,
    close: () => new Promise((r) => {
      server.closeAllConnections();
      server.close(() => r());
    }),
  };
}
