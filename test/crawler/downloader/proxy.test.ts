import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer as createHttpsServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { maskUrl } from '../../../src/crawler/downloader/mask.js';
import { bypassesProxy, HttpProxyMiddleware, proxyEnvFrom } from '../../../src/crawler/downloader/middlewares/http-proxy.js';
import { ConnectionError } from '../../../src/crawler/errors.js';
import { Request } from '../../../src/crawler/http/request.js';
import { LEVELS, Logger, MemorySink } from '../../../src/crawler/logger.js';
import { startFaultSite, type FaultSite } from '../../support/fault-site.js';
import { json, openDownloader } from './helpers.js';
import { selfSignedCert, startLocalProxy, type LocalProxy } from './local-proxy.js';

describe('HttpProxyMiddleware and https', { timeout: 60_000 }, () => {
  let site: FaultSite;
  let proxy: LocalProxy;
  let dir: string;
  let https: Server;
  let httpsOrigin: string;
  const httpsSockets = new Set<Duplex>();
  before(async () => {
    site = await startFaultSite();
    proxy = await startLocalProxy();
    dir = await mkdtemp(join(tmpdir(), 'tscrapy-tls-'));
    const { key, cert } = selfSignedCert(dir);
    https = createHttpsServer({ key: await readFile(key), cert: await readFile(cert) }, (req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ url: req.url, headers: req.headers }));
    });
    https.on('connection', (s) => {
      httpsSockets.add(s);
      s.on('close', () => httpsSockets.delete(s));
    });
    await new Promise<void>((r) => https.listen(0, '127.0.0.1', r));
    httpsOrigin = `https://127.0.0.1:${(https.address() as AddressInfo).port}`;
  });
  after(async () => {
    await proxy.close();
    await site.close();
    await new Promise<void>((r) => {
      https.close(() => r());
      for (const s of httpsSockets) s.destroy();
    });
    await rm(dir, { recursive: true, force: true });
  });

  it('sends http requests through meta.proxy with Proxy-Authorization, never leaking the password', async () => {
    proxy.seen.length = 0;
    const h = await openDownloader();
    try {
      const proxyUrl = `http://user:s3cr%3At@127.0.0.1:${proxy.port}`;
      const r = await h.get(new Request(site.url('/echo'), { meta: { proxy: proxyUrl } }));
      const e = json(r);
      assert.equal(proxy.seen.length, 1);
      assert.equal(proxy.seen[0]!.kind, 'http');
      assert.equal(proxy.seen[0]!.target, site.url('/echo'));
      assert.equal(proxy.seen[0]!.proxyAuthorization, 'Basic ' + Buffer.from('user:s3cr:t').toString('base64'));
      assert.equal(e.headers['proxy-authorization'], undefined); // stripped by the proxy, never sent past it
      assert.equal(r.meta.proxy, `http://127.0.0.1:${proxy.port}`);
      assert.ok(!h.sink.lines.join('\n').includes('s3cr'), 'password in a log line');
    } finally {
      await h.close();
    }
  });

  it('tunnels https through CONNECT with credentials on the CONNECT only', async () => {
    proxy.seen.length = 0;
    const h = await openDownloader({ DOWNLOAD_TLS_VERIFY: false });
    try {
      const r = await h.get(new Request(`${httpsOrigin}/secure`, { meta: { proxy: `http://u:pw@127.0.0.1:${proxy.port}` } }));
      const e = json(r);
      assert.equal(e.url, '/secure');
      assert.equal(e.headers['proxy-authorization'], undefined);
      assert.equal(proxy.seen[0]!.kind, 'connect');
      assert.equal(proxy.seen[0]!.target, httpsOrigin.replace('https://', ''));
      assert.equal(proxy.seen[0]!.proxyAuthorization, 'Basic ' + Buffer.from('u:pw').toString('base64'));
    } finally {
      await h.close();
    }
  });

  it('verifies TLS certificates unless DOWNLOAD_TLS_VERIFY is off', async () => {
    const strict = await openDownloader({ RETRY_ENABLED: false });
    try {
      await assert.rejects(strict.get(`${httpsOrigin}/x`), ConnectionError);
    } finally {
      await strict.close();
    }
    const lax = await openDownloader({ DOWNLOAD_TLS_VERIFY: false });
    try {
      assert.equal(json(await lax.get(`${httpsOrigin}/x`)).url, '/x');
    } finally {
      await lax.close();
    }
  });

  it('uses http_proxy from the environment, except for no_proxy hosts', async () => {
    const saved = { http_proxy: process.env.http_proxy, no_proxy: process.env.no_proxy };
    process.env.http_proxy = `http://envuser:envpass@127.0.0.1:${proxy.port}`;
    process.env.no_proxy = '';
    proxy.seen.length = 0;
    const h = await openDownloader();
    process.env.no_proxy = '127.0.0.1';
    const h2 = await openDownloader();
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
    try {
      await h.get(site.url('/echo'));
      assert.equal(proxy.seen.length, 1);
      assert.equal(proxy.seen[0]!.proxyAuthorization, 'Basic ' + Buffer.from('envuser:envpass').toString('base64'));
      await h2.get(site.url('/echo'));
      assert.equal(proxy.seen.length, 1); // no_proxy: direct
      // An explicit empty meta.proxy goes direct too.
      await h.get(new Request(site.url('/echo'), { meta: { proxy: '' } }));
      assert.equal(proxy.seen.length, 1);
      assert.ok(!h.sink.lines.join('\n').includes('envpass'));
    } finally {
      await h.close();
      await h2.close();
    }
  });

  it('takes the environment proxy of the URL\'s scheme, none when the environment has none for it', () => {
    const logger = new Logger('test', LEVELS.WARNING, new MemorySink());
    const both = new HttpProxyMiddleware(proxyEnvFrom({ http_proxy: 'http://plain:1', https_proxy: 'http://secure:2', no_proxy: 'direct.test' }), logger);
    const onlyHttps = new HttpProxyMiddleware(proxyEnvFrom({ HTTPS_PROXY: 'http://secure:2' }), logger);
    const proxied = (mw: HttpProxyMiddleware, url: string) => {
      const r = new Request(url);
      mw.processRequest(r);
      return r.meta.proxy;
    };
    assert.equal(proxied(both, 'http://shop.test/a'), 'http://plain:1');
    assert.equal(proxied(both, 'HTTPS://shop.test/a'), 'http://secure:2');
    assert.equal(proxied(both, 'https://direct.test/a'), undefined);
    assert.equal(proxied(onlyHttps, 'http://shop.test/a'), undefined);
    assert.equal(proxied(onlyHttps, 'https://shop.test/a'), 'http://secure:2');
  });

  it('matches no_proxy entries and masks proxy passwords', () => {
    const env = proxyEnvFrom({ HTTPS_PROXY: 'http://p:1', no_proxy: 'example.com, .internal,localhost:8080' });
    assert.equal(env.https, 'http://p:1');
    assert.ok(bypassesProxy(new URL('http://www.example.com/'), env.noProxy));
    assert.ok(bypassesProxy(new URL('http://a.internal/'), env.noProxy));
    assert.ok(bypassesProxy(new URL('http://localhost:8080/'), env.noProxy));
    assert.ok(!bypassesProxy(new URL('http://localhost:9090/'), env.noProxy));
    assert.ok(!bypassesProxy(new URL('http://notexample.com/'), env.noProxy));
    assert.ok(bypassesProxy(new URL('http://x/'), ['*']));
    assert.equal(maskUrl('http://u:secret@h:1/'), 'http://u:****@h:1/');
    assert.equal(maskUrl('http://h:1/'), 'http://h:1/');
  });
});
