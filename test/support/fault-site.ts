/**
 * A local HTTP site with fault routes, shared by the crawler's tests. It listens on
 * 127.0.0.1:0 and closes cleanly (idle and active sockets, pending timers).
 *
 * Routes:
 * - `/ok`, `/html?title=`             small HTML page
 * - `/status/:code`                   that status, a short body
 * - `/delay/:ms`                      answers after ms
 * - `/drop`                           destroys the socket without answering
 * - `/partial`                        declares a longer Content-Length, sends less, closes
 * - `/broken-chunk`                   chunked encoding with an invalid chunk size
 * - `/slow-drip?chunks=&interval=`    one byte every interval ms
 * - `/gzip`, `/deflate`, `/deflate-raw`, `/br`, `/gzip-br`   compressed TEXT (always, whatever Accept-Encoding says)
 * - `/gzip-bomb?mb=&chunked`          ~mb MB of zeros, gzip'd (default 64 → ~64 KB on the wire); `chunked`: no Content-Length
 * - `/redirect/:code?to=`             redirect with Location `to` (default /echo)
 * - `/redirect-loop`                  redirects to itself
 * - `/meta-refresh?to=&delay=`        HTML with `<meta http-equiv=refresh>`
 * - `/robots.txt`                     `site.robots` (text, a status, or a drop) after `site.robotsDelayMs`; 404 by default
 * - `/set-cookie?name=&value=&path=`  sets a cookie
 * - `/echo`                           the request as JSON {method, url, headers, body}
 * - `/large/:bytes`                   that many bytes with Content-Length; `/large-chunked/:bytes` without
 * - `/flaky?key=&fail=&status=`       fails (status, default 503) the first `fail` times per key, then 200
 * - `/flaky-drop?key=&fail=`          drops the socket the first `fail` times per key, then 200
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { brotliCompressSync, deflateRawSync, deflateSync, gzipSync } from 'node:zlib';

export interface SeenRequest {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
}

export interface FaultSite {
  origin: string;
  url(path: string): string;
  /** Every request received, in order. */
  requests: SeenRequest[];
  /** What `/robots.txt` serves: a body (status 200), a status, or a dropped connection. Default: status 404. */
  robots: string | { status: number } | { drop: true };
  /** Milliseconds `/robots.txt` waits before answering. Default 0. */
  robotsDelayMs: number;
  /** While set, `/robots.txt` answers only once this settles: a hold that does not depend on time. */
  robotsGate: Promise<unknown> | null;
  /** Sockets open now, and the most seen at once. */
  readonly openSockets: number;
  readonly maxOpenSockets: number;
  /** Requests being answered now, and the most at once. */
  readonly inFlight: number;
  readonly maxInFlight: number;
  /** Forget requests and maxima (between test cases). */
  reset(): void;
  close(): Promise<void>;
}

/** The text the compressed routes encode. */
export const COMPRESSED_TEXT = '<html><body>' + 'compressed tscrapy body '.repeat(200) + '</body></html>';

let bombCache: Map<number, Buffer> | undefined;
function bomb(mb: number): Buffer {
  bombCache ??= new Map();
  let b = bombCache.get(mb);
  if (!b) {
    // Concatenated gzip members are one valid gzip stream: 1 MB of zeros compressed once, repeated.
    const member = gzipSync(Buffer.alloc(1024 * 1024), { level: 9 });
    b = Buffer.concat(Array.from({ length: mb }, () => member));
    bombCache.set(mb, b);
  }
  return b;
}

export async function startFaultSite(): Promise<FaultSite> {
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();
  const flaky = new Map<string, number>();
  let inFlight = 0;
  let maxInFlight = 0;
  let maxOpenSockets = 0;
  const later = (ms: number, fn: () => void) => {
    const t = setTimeout(() => {
      timers.delete(t);
      fn();
    }, ms);
    timers.add(t);
  };

  const site: FaultSite = {
    origin: '',
    url: (path) => site.origin + path,
    requests: [],
    robots: { status: 404 },
    robotsDelayMs: 0,
    robotsGate: null,
    get openSockets() {
      return sockets.size;
    },
    get maxOpenSockets() {
      return maxOpenSockets;
    },
    get inFlight() {
      return inFlight;
    },
    get maxInFlight() {
      return maxInFlight;
    },
    reset() {
      site.requests.length = 0;
      maxInFlight = inFlight;
      maxOpenSockets = sockets.size;
      flaky.clear();
    },
    close: async () => {
      for (const t of timers) clearTimeout(t);
      timers.clear();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
        for (const s of sockets) s.destroy();
      });
    },
  };

  const handle = (req: IncomingMessage, res: ServerResponse, body: Buffer) => {
    const u = new URL(req.url ?? '/', 'http://x');
    const q = u.searchParams;
    const parts = u.pathname.split('/').filter(Boolean);
    const send = (status: number, text: string | Buffer, headers: Record<string, string | number | string[]> = {}) => {
      const buf = typeof text === 'string' ? Buffer.from(text) : text;
      res.writeHead(status, { 'Content-Type': 'text/html; charset=utf-8', 'Content-Length': buf.length, ...headers });
      res.end(req.method === 'HEAD' ? undefined : buf);
    };
    const compressed = (encoding: string, data: Buffer) => send(200, data, { 'Content-Encoding': encoding });
    switch (parts[0] ?? '') {
      case 'ok':
      case '':
        return send(200, '<html><head><title>ok</title></head><body><p>ok</p></body></html>');
      case 'html':
        return send(200, `<html><head><title>${q.get('title') ?? 'page'}</title></head><body>${q.get('body') ?? ''}</body></html>`);
      case 'status': {
        const code = Number(parts[1] ?? 200);
        return send(code, `status ${code}`);
      }
      case 'delay':
        return later(Number(parts[1] ?? 0), () => send(200, `delayed ${parts[1]}`));
      case 'drop':
        return req.socket.destroy();
      case 'partial':
        res.writeHead(200, { 'Content-Type': 'text/plain', 'Content-Length': 1000 });
        res.write('only a part of it');
        return later(20, () => req.socket.destroy());
      case 'broken-chunk': {
        const s = req.socket;
        s.write('HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\nZZZ\r\nbroken\r\n');
        return later(20, () => s.destroy());
      }
      case 'slow-drip': {
        const chunks = Number(q.get('chunks') ?? 10);
        const interval = Number(q.get('interval') ?? 100);
        res.writeHead(200, { 'Content-Type': 'text/plain', 'Content-Length': chunks });
        let n = 0;
        const drip = () => {
          if (res.destroyed) return;
          res.write('x');
          if (++n < chunks) later(interval, drip);
          else res.end();
        };
        return drip();
      }
      case 'gzip':
        return compressed('gzip', gzipSync(COMPRESSED_TEXT));
      case 'deflate':
        return compressed('deflate', deflateSync(COMPRESSED_TEXT));
      case 'deflate-raw':
        return compressed('deflate', deflateRawSync(COMPRESSED_TEXT));
      case 'br':
        return compressed('br', brotliCompressSync(COMPRESSED_TEXT));
      case 'gzip-br':
        return compressed('gzip, br', brotliCompressSync(gzipSync(COMPRESSED_TEXT)));
      case 'gzip-bomb': {
        const data = bomb(Number(q.get('mb') ?? 64));
        if (!q.has('chunked')) return send(200, data, { 'Content-Encoding': 'gzip', 'Content-Type': 'application/octet-stream' });
        // No Content-Length: the client must decode as a stream.
        res.writeHead(200, { 'Content-Encoding': 'gzip', 'Content-Type': 'application/octet-stream' });
        res.on('error', () => undefined);
        return res.end(data);
      }
      case 'redirect': {
        const code = Number(parts[1] ?? 302);
        return send(code, '', { Location: q.get('to') ?? '/echo' });
      }
      case 'redirect-loop':
        return send(302, '', { Location: '/redirect-loop' });
      case 'meta-refresh': {
        const to = q.get('to') ?? '/echo';
        const delay = q.get('delay') ?? '0';
        return send(200, `<html><head><meta http-equiv="refresh" content="${delay}; url=${to}"></head><body>moved</body></html>`);
      }
      case 'robots.txt': {
        const r = site.robots;
        const answer = () => {
          if (typeof r === 'string') return send(200, r, { 'Content-Type': 'text/plain' });
          if ('drop' in r) return req.socket.destroy();
          return send(r.status, `robots status ${r.status}`, { 'Content-Type': 'text/plain' });
        };
        if (site.robotsGate) return void site.robotsGate.then(answer);
        return site.robotsDelayMs > 0 ? later(site.robotsDelayMs, answer) : answer();
      }
      case 'set-cookie': {
        const name = q.get('name') ?? 'session';
        const value = q.get('value') ?? 'abc';
        const path = q.get('path') ?? '/';
        return send(200, 'cookie set', { 'Set-Cookie': `${name}=${value}; Path=${path}` });
      }
      case 'echo':
        return send(
          200,
          JSON.stringify({ method: req.method, url: req.url, headers: req.headers, body: body.toString('utf8') }),
          { 'Content-Type': 'application/json' },
        );
      case 'large': {
        const n = Number(parts[1] ?? 0);
        return send(200, Buffer.alloc(n, 0x61), { 'Content-Type': 'text/plain' });
      }
      case 'large-chunked': {
        const n = Number(parts[1] ?? 0);
        res.writeHead(200, { 'Content-Type': 'text/plain' });
        const chunk = Buffer.alloc(64 * 1024, 0x61);
        let left = n;
        const pump = () => {
          while (left > 0) {
            const c = left >= chunk.length ? chunk : chunk.subarray(0, left);
            left -= c.length;
            if (!res.write(c)) return void res.once('drain', pump);
          }
          res.end();
        };
        res.on('error', () => undefined);
        return pump();
      }
      case 'flaky':
      case 'flaky-drop': {
        const key = `${parts[0]}:${q.get('key') ?? ''}`;
        const seen = (flaky.get(key) ?? 0) + 1;
        flaky.set(key, seen);
        if (seen <= Number(q.get('fail') ?? 1)) {
          if (parts[0] === 'flaky-drop') return req.socket.destroy();
          return send(Number(q.get('status') ?? 503), `failure ${seen}`);
        }
        return send(200, `success after ${seen - 1} failures`);
      }
      default:
        return send(404, 'not found');
    }
  };

  const server = createServer((req, res) => {
    site.requests.push({ method: req.method ?? 'GET', url: req.url ?? '/', headers: req.headers });
    inFlight++;
    if (inFlight > maxInFlight) maxInFlight = inFlight;
    let finished = false;
    const finish = () => {
      if (finished) return;
      finished = true;
      inFlight--;
    };
    res.on('close', finish);
    res.on('finish', finish);
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => handle(req, res, Buffer.concat(chunks)));
    req.on('error', () => undefined);
  });
  server.on('connection', (s) => {
    sockets.add(s);
    if (sockets.size > maxOpenSockets) maxOpenSockets = sockets.size;
    s.on('close', () => sockets.delete(s));
  });
  server.on('clientError', (_err, s) => s.destroy());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  site.origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return site;
}
