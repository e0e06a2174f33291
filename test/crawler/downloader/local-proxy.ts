/** A small forward proxy on 127.0.0.1 for tests: absolute-form HTTP and CONNECT tunnels. */
import { execFileSync } from 'node:child_process';
import { createServer, request as httpRequest } from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';

export interface SeenProxyRequest {
  kind: 'http' | 'connect';
  target: string;
  proxyAuthorization: string | undefined;
}

export interface LocalProxy {
  url: string;
  port: number;
  seen: SeenProxyRequest[];
  close(): Promise<void>;
}

export async function startLocalProxy(): Promise<LocalProxy> {
  const sockets = new Set<Socket>();
  const seen: SeenProxyRequest[] = [];
  const server = createServer((req, res) => {
    seen.push({ kind: 'http', target: req.url ?? '', proxyAuthorization: req.headers['proxy-authorization'] });
    const target = new URL(req.url ?? '');
    const headers = { ...req.headers };
    delete headers['proxy-authorization'];
    delete headers['proxy-connection'];
    const up = httpRequest({ host: target.hostname, port: target.port, path: target.pathname + target.search, method: req.method, headers }, (upRes) => {
      res.writeHead(upRes.statusCode ?? 502, upRes.headers);
      upRes.pipe(res);
    });
    up.on('error', () => res.destroy());
    req.pipe(up);
  });
  server.on('connect', (req, client: Socket, head: Buffer) => {
    seen.push({ kind: 'connect', target: req.url ?? '', proxyAuthorization: req.headers['proxy-authorization'] });
    const [host, port] = (req.url ?? '').split(':');
    const upstream = connect(Number(port), host!, () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (head.length) upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    sockets.add(upstream);
    upstream.on('close', () => sockets.delete(upstream));
    upstream.on('error', () => client.destroy());
    client.on('error', () => upstream.destroy());
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    seen,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
        for (const s of sockets) s.destroy();
      }),
  };
}

/** A self-signed certificate for 127.0.0.1, made by the openssl binary in `dir`. */
export function selfSignedCert(dir: string): { key: string; cert: string } {
  execFileSync('openssl', [
    'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', `${dir}/key.pem`, '-out', `${dir}/cert.pem`,
    '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1',
  ], { stdio: 'ignore', timeout: 30_000 });
  return { key: `${dir}/key.pem`, cert: `${dir}/cert.pem` };
}
