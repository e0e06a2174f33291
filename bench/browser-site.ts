// A site for bench/browser.ts: `/item/<n>` pages whose title, price and text are written by a
// script (nothing to extract without rendering), each linking a stylesheet-free small page.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export async function startBrowserBenchSite(): Promise<{ origin: string; server: Server; close(): Promise<void> }> {
  const server = createServer((req, res) => {
    const m = /^\/item\/(\d+)$/.exec(req.url ?? '');
    if (!m) {
      res.writeHead(404).end();
      return;
    }
    const n = m[1];
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
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
    close: () => new Promise((r) => {
      server.closeAllConnections();
      server.close(() => r());
    }),
  };
}
