import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { request } from 'undici';
import { createCrawlService } from '../../examples/http-service/service.js';
import { startCatalogueSite, type CatalogueSite } from '../../src/demo/catalogue-site.js';

let site: CatalogueSite;
let service: ReturnType<typeof createCrawlService>;
let base: string;

before(async () => {
  site = await startCatalogueSite({ products: 60, productBytes: 2000, latencyMs: 5 });
  service = createCrawlService({ maxPages: 500, settings: { LOGSTATS_INTERVAL: 0 } });
  await new Promise<void>((r) => service.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(service.address() as AddressInfo).port}`;
});
after(async () => {
  await new Promise<void>((r) => service.close(() => r()));
  await site.close();
});

async function call(method: string, path: string, body?: unknown) {
  const res = await request(base + path, { method, body: body === undefined ? undefined : JSON.stringify(body) });
  return { status: res.statusCode, body: (await res.body.json()) as Record<string, any> };
}

async function waitDone(id: string) {
  for (let i = 0; i < 300; i++) {
    const { body } = await call('GET', `/crawl/${id}`);
    if (body.status !== 'running') return body;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`job ${id} did not finish`);
}

describe('examples/http-service', { timeout: 60_000 }, () => {
  it('runs concurrent crawls, refuses a duplicate while running, and reports each separately', async () => {
    const a = await call('POST', '/crawl', { url: `${site.origin}/` });
    const dup = await call('POST', '/crawl', { url: `${site.origin}/` });
    const b = await call('POST', '/crawl', { url: `${site.origin}/about` });
    assert.equal(a.status, 202);
    assert.equal(dup.status, 409);
    assert.equal(dup.body.id, a.body.id);
    assert.equal(b.status, 202);
    const [ja, jb] = await Promise.all([waitDone(a.body.id), waitDone(b.body.id)]);
    assert.equal(ja.status, 'finished');
    assert.equal(jb.status, 'finished');
    assert.ok(ja.items.length > 60, `crawl a scraped ${ja.items.length} pages`);
    assert.ok(ja.items.some((i: { title: string }) => i.title === 'Product 7 | Demo Shop'));
    assert.equal(ja.stats.item_scraped_count, ja.items.length);
    assert.notEqual(jb.stats.item_scraped_count, undefined);
    // Finished: the same URL may be crawled again.
    const again = await call('POST', '/crawl', { url: `${site.origin}/` });
    assert.equal(again.status, 202);
    await waitDone(again.body.id);
  });

  it('answers bad input and unknown jobs clearly', async () => {
    assert.equal((await call('POST', '/crawl', { url: 'ftp://x' })).status, 400);
    const missing = await call('GET', '/crawl/00000000-0000-0000-0000-000000000000');
    assert.equal(missing.status, 404);
    const res = await request(base + '/crawl', { method: 'POST', body: '{nope' });
    assert.equal(res.statusCode, 400);
    assert.match(((await res.body.json()) as { error: string }).error, /not valid JSON/);
  });

  it('stops a running crawl on DELETE', async () => {
    const { body } = await call('POST', '/crawl', { url: `${site.origin}/catalogue/page-2.html` });
    const stop = await call('DELETE', `/crawl/${body.id}`);
    assert.equal(stop.status, 202);
    const done = await waitDone(body.id);
    assert.equal(done.reason, 'shutdown');
  });
});
