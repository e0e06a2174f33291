import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A local site whose content exists only after its scripts run: listings and detail pages
 * filled in by a script, a click-to-load-more list, an infinite-scroll list, and fault routes.
 * It counts requests per path and the most document requests in flight at once.
 */
export interface JsSite {
  origin: string;
  /** Requests seen, by path (without the query). */
  hits: Map<string, number>;
  /** Headers of the last request to each path. */
  lastHeaders: Map<string, IncomingMessage['headers']>;
  /** Most `/detail/*` requests held open at once. */
  maxInFlight: number;
  /** Called when a `/detail/<n>` request arrives, before it is answered; may delay the answer. */
  onDetail: ((n: number) => void | Promise<void>) | null;
  close(): Promise<void>;
}

const page = (title: string, body: string) =>
  `<!doctype html><html><head><meta charset="utf-8"><title>${title}</title></head><body>${body}</body></html>`;

/** A script that builds the listing: `n` links to detail pages, written by JavaScript only. */
const listScript = (n: number) => `<ul id="items"></ul><script>
  const ul = document.getElementById('items');
  for (let i = 1; i <= ${n}; i++) {
    const li = document.createElement('li'); li.className = 'item';
    const a = document.createElement('a'); a.href = '/detail/' + i; a.textContent = 'Item ' + i;
    li.appendChild(a); ul.appendChild(li);
  }
</script>`;

/** Three batches of three behind a "more" button; the button goes away after the last batch. */
const moreScript = `<ul id="items"></ul><button id="more">More</button><script>
  let batch = 0;
  async function load() {
    const r = await fetch('/api/batch?b=' + batch++);
    for (const name of await r.json()) {
      const li = document.createElement('li'); li.className = 'item'; li.textContent = name;
      document.getElementById('items').appendChild(li);
    }
    if (batch >= 3) document.getElementById('more').remove();
    else document.getElementById('more').dataset.next = String(batch);
  }
  document.getElementById('more').addEventListener('click', load);
  load();
</script>`;

/** Tall items; reaching the bottom loads the next batch (four batches in all). */
const scrollScript = `<ul id="items"></ul><script>
  let batch = 0, loading = false;
  async function load() {
    if (loading || batch >= 4) return;
    loading = true;
    const r = await fetch('/api/batch?b=' + batch++);
    for (const name of await r.json()) {
      const li = document.createElement('li'); li.className = 'item'; li.style.height = '900px'; li.textContent = name;
      document.getElementById('items').appendChild(li);
    }
    loading = false;
  }
  window.addEventListener('scroll', () => {
    if (window.innerHeight + window.scrollY >= document.documentElement.scrollHeight - 10) load();
  });
  load();
</script>`;

export async function startJsSite(): Promise<JsSite> {
  let inFlight = 0;
  const site: JsSite = {
    origin: '',
    hits: new Map(),
    lastHeaders: new Map(),
    maxInFlight: 0,
    onDetail: null,
    close: () => new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
  const html = (res: ServerResponse, body: string, status = 200, headers: Record<string, string | string[]> = {}) => {
    res.writeHead(status, { 'Content-Type': 'text/html; charset=utf-8', ...headers });
    res.end(body);
  };
  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const path = url.pathname;
    site.hits.set(path, (site.hits.get(path) ?? 0) + 1);
    site.lastHeaders.set(path, req.headers);
    const detail = /^\/detail\/(\d+)$/.exec(path);
    if (detail) {
      inFlight++;
      site.maxInFlight = Math.max(site.maxInFlight, inFlight);
      try {
        await site.onDetail?.(Number(detail[1]));
      } finally {
        inFlight--;
      }
      if (res.destroyed) return;
      return html(res, page(`Detail ${detail[1]}`, `<h1></h1><script>document.querySelector('h1').textContent = 'Detail ' + ${detail[1]};</script>`));
    }
    switch (path) {
      case '/list':
        return html(res, page('List', listScript(Number(url.searchParams.get('n') ?? 5))));
      case '/go':
        res.writeHead(302, { Location: '/list?n=2' });
        return res.end();
      case '/more':
        return html(res, page('More', moreScript));
      case '/scroll':
        return html(res, page('Scroll', scrollScript));
      case '/api/batch': {
        const b = Number(url.searchParams.get('b'));
        res.writeHead(200, { 'Content-Type': 'application/json' });
        return res.end(JSON.stringify([1, 2, 3].map((i) => `Batch ${b} item ${i}`)));
      }
      case '/with-image':
        return html(res, page('Image', '<img src="/pixel.png"><p id="done"></p><script>document.getElementById("done").textContent = "rendered"</script>'));
      case '/pixel.png':
        res.writeHead(200, { 'Content-Type': 'image/png' });
        return res.end(Buffer.from('89504e470d0a1a0a', 'hex'));
      case '/gone':
        return html(res, page('Gone', '<p id="msg"></p><script>document.getElementById("msg").textContent = "not here"</script>'), 404);
      case '/set-cookie':
        return html(res, page('Cookie', '<p>set</p>'), 200, { 'Set-Cookie': 'session=abc123; Path=/' });
      case '/echo':
        return html(res, page('Echo', `<p id="js"></p><script>document.getElementById("js").textContent = document.cookie; document.cookie = "fromjs=yes; path=/";</script>`));
      case '/robots.txt':
        res.writeHead(200, { 'Content-Type': 'text/plain' });
        return res.end('User-agent: *\nDisallow: /private\n');
      case '/private':
        return html(res, page('Private', 'secret'));
      case '/form': {
        let body = '';
        for await (const c of req) body += c;
        return html(res, page('Form', `<p id="m"></p><script>document.getElementById("m").textContent = ${JSON.stringify(`${req.method} ${body}`)}</script>`));
      }
      case '/hang':
        return; // never answered: the navigation timeout ends it
      case '/data.json':
        res.writeHead(200, { 'Content-Type': 'application/json' });
        return res.end('{"ok":true}');
      default:
        return html(res, page('Not found', 'nothing'), 404);
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  site.origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return site;
}
