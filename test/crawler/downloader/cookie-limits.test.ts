import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { InvalidArgumentError } from '../../../src/crawler/errors.js';
import { onlyMiddlewares, openDownloader, json } from './helpers.js';

/**
 * A site that keeps setting cookies: /set/<page>?n=<count>&size=<bytes> sets `count` new cookies
 * of `size` bytes of value each; every page answers with what the Cookie header it got held.
 */
function cookieMonster(): Promise<{ server: Server; origin: string }> {
  const server = createServer((req, res) => {
    const url = new URL(req.url!, 'http://x');
    const page = url.pathname.split('/').pop();
    const n = Number(url.searchParams.get('n') ?? 0);
    const size = Number(url.searchParams.get('size') ?? 100);
    res.setHeader(
      'set-cookie',
      Array.from({ length: n }, (_, i) => `c${page}_${i}=${'v'.repeat(size)}; Path=/`),
    );
    const header = req.headers.cookie ?? '';
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ bytes: Buffer.byteLength(header), count: header === '' ? 0 : header.split('; ').length, names: header.split('; ').map((p) => p.split('=')[0]) }));
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ server, origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}` })));
}

describe('cookie jar limits', { timeout: 120_000 }, () => {
  let server: Server;
  let origin: string;
  before(async () => ({ server, origin } = await cookieMonster()));
  after(() => new Promise((r) => server.close(r)));

  it('keeps at most COOKIES_MAX_PER_DOMAIN cookies of a site that keeps setting them, dropping the least recently used', async () => {
    const h = await openDownloader(onlyMiddlewares('CookiesMiddleware'));
    try {
      let seen = { bytes: 0, count: 0, names: [] as string[] };
      // 60 pages × 25 new cookies: 1,500 cookies, a 40 KB header without limits.
      for (let page = 0; page < 60; page++) seen = json(await h.get(`${origin}/set/${page}?n=25&size=20`));
      assert.equal(seen.count, 180, 'the default limit, as in Chrome and Firefox');
      assert.ok(seen.names.includes('c58_0'), 'recent cookies are kept');
      assert.ok(!seen.names.includes('c0_0'), 'the oldest went first');
      assert.equal(h.stats.getValue('cookies/evicted'), 1_500 - 25 - 180 + 25);
      assert.equal(h.sink.lines.filter((l) => l.includes('least recently used')).length, 1, 'warned once for the domain');
    } finally {
      await h.close();
    }
  });

  it('caps the jar as a whole with COOKIES_MAX_TOTAL, across hosts', async () => {
    const h = await openDownloader({ ...onlyMiddlewares('CookiesMiddleware'), COOKIES_MAX_TOTAL: 50 });
    try {
      // Two hosts of one jar: 127.0.0.1 and localhost, 40 cookies each.
      const other = origin.replace('127.0.0.1', 'localhost');
      await h.get(`${origin}/set/a?n=40&size=10`);
      await h.get(`${other}/set/b?n=40&size=10`);
      const first = json(await h.get(`${origin}/set/x`));
      const second = json(await h.get(`${other}/set/y`));
      assert.equal(first.count + second.count, 50);
      assert.equal(second.count, 40, 'the most recent host keeps its cookies');
    } finally {
      await h.close();
    }
  });

  it('refuses a cookie larger than COOKIES_MAX_SIZE and keeps one just under it', async () => {
    const h = await openDownloader(onlyMiddlewares('CookiesMiddleware'));
    try {
      await h.get(`${origin}/set/big?n=1&size=5000`);
      await h.get(`${origin}/set/fits?n=1&size=4000`);
      const seen = json(await h.get(`${origin}/set/check`));
      assert.deepEqual(seen.names, ['cfits_0']);
      assert.equal(h.stats.getValue('cookies/refused_too_big'), 1);
      assert.ok(h.sink.lines.some((l) => l.includes('Refused cookie "cbig_0"') && l.includes('COOKIES_MAX_SIZE (4096)')));
    } finally {
      await h.close();
    }
  });

  it('never sends a Cookie header longer than COOKIES_MAX_HEADER_SIZE', async () => {
    const h = await openDownloader({ ...onlyMiddlewares('CookiesMiddleware'), COOKIES_MAX_HEADER_SIZE: 2_000 });
    try {
      let seen = { bytes: 0, count: 0 };
      for (let page = 0; page < 10; page++) {
        seen = json(await h.get(`${origin}/set/${page}?n=10&size=50`));
        assert.ok(seen.bytes <= 2_000, `${seen.bytes} bytes of Cookie header`);
      }
      assert.ok(seen.count > 20, 'as many cookies as fit are sent');
      assert.ok((h.stats.getValue('cookies/omitted_from_header') as number) > 0);
      assert.equal(h.sink.lines.filter((l) => l.includes('COOKIES_MAX_HEADER_SIZE (2000 bytes)')).length, 1);
    } finally {
      await h.close();
    }
  });

  it('refuses a limit that is not a whole number of 0 or more, naming the setting', async () => {
    await assert.rejects(openDownloader({ COOKIES_MAX_PER_DOMAIN: -1 }), (e: Error) => e instanceof InvalidArgumentError && /COOKIES_MAX_PER_DOMAIN must be a whole number of 0 \(no limit\) or more, got -1/.test(e.message));
  });
});
