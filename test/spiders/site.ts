import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One route of the fixture site: a body, its Content-Type, and optional extra headers/status. */
export interface Route {
  body: string | Buffer;
  type?: string;
  status?: number;
  headers?: Record<string, string>;
}

export interface FixtureSite {
  origin: string;
  /** Paths requested, in order. */
  hits: string[];
  close(): Promise<void>;
}

/** A tiny static site on 127.0.0.1 (listen(0)): routes by path, everything else 404. `{origin}` in bodies becomes the site's origin. */
export async function startFixtureSite(routes: Record<string, Route | string>): Promise<FixtureSite> {
  const hits: string[] = [];
  let origin = '';
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0]!;
    hits.push(path);
    const r = routes[path];
    const route = typeof r === 'string' ? { body: r } : r;
    if (!route) {
      res.writeHead(404, { 'content-type': 'text/html' });
      res.end('<h1>Not found</h1>');
      return;
    }
    const body = typeof route.body === 'string' ? Buffer.from(route.body.replaceAll('{origin}', origin)) : route.body;
    res.writeHead(route.status ?? 200, { 'content-type': route.type ?? 'text/html; charset=utf-8', 'content-length': String(body.length), ...route.headers });
    res.end(body);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    origin,
    hits,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

/** Settings for quiet, fast test crawls. */
export const QUIET = { LOG_LEVEL: 'WARNING', LOGSTATS_INTERVAL: 0, STATS_DUMP: false, TELNETCONSOLE_ENABLED: false } as const;
