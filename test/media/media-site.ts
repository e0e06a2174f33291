import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A local site for media tests: files by path, hit counts per path, optional robots.txt. */
export interface MediaSite {
  origin: string;
  hits: Map<string, number>;
  /** path → body, status and headers served there. */
  routes: Map<string, { status?: number; body?: Uint8Array | string; headers?: Record<string, string>; failFirst?: number }>;
  close(): Promise<void>;
}

export async function startMediaSite(): Promise<MediaSite> {
  const hits = new Map<string, number>();
  const routes: MediaSite['routes'] = new Map();
  const server: Server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    const n = (hits.get(path) ?? 0) + 1;
    hits.set(path, n);
    const route = routes.get(path);
    if (!route) {
      res.writeHead(404).end('not found');
      return;
    }
    if (route.failFirst && n <= route.failFirst) {
      res.writeHead(503).end('busy');
      return;
    }
    res.writeHead(route.status ?? 200, route.headers ?? {}).end(route.body ?? '');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    hits,
    routes,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
