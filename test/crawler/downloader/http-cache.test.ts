import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { HttpCacheMissError } from '../../../src/crawler/downloader/errors.js';
import { resolveCacheDir } from '../../../src/crawler/downloader/middlewares/http-cache.js';
import { Request } from '../../../src/crawler/http/request.js';
import { startFaultSite, type FaultSite } from '../../support/fault-site.js';
import { openDownloader, text } from './helpers.js';

async function listFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true, recursive: true })) if (e.isFile()) out.push(join(e.parentPath ?? e.path, e.name));
  return out;
}

describe('HttpCacheMiddleware', { timeout: 60_000 }, () => {
  let site: FaultSite;
  let dir: string;
  before(async () => {
    site = await startFaultSite();
    dir = await mkdtemp(join(tmpdir(), 'tscrapy-cache-'));
  });
  after(async () => {
    await site.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('stores responses and replays them flagged cached, without the network', async () => {
    const settings = { HTTPCACHE_ENABLED: true, HTTPCACHE_DIR: join(dir, 'a') };
    site.reset();
    const h = await openDownloader(settings);
    try {
      const first = await h.get(site.url('/gzip'));
      assert.deepEqual(first.flags, []);
      const s = h.stats.getStats();
      assert.equal(s['httpcache/miss'], 1);
      assert.equal(s['httpcache/store'], 1);
      assert.equal(s['httpcache/firsthand'], 1);
    } finally {
      await h.close();
    }
    const h2 = await openDownloader(settings);
    try {
      const again = await h2.get(site.url('/gzip'));
      assert.ok(again.flags.includes('cached'));
      assert.match(text(again), /compressed tscrapy body/);
      assert.equal(again.headers.get('content-encoding'), null);
      assert.equal(h2.stats.getValue('httpcache/hit'), 1);
      assert.equal(site.requests.length, 1);
      const files = await listFiles(join(dir, 'a'));
      assert.ok(files.some((f) => f.endsWith('meta.json')) && files.some((f) => f.endsWith('body')));
      assert.ok(!files.some((f) => f.endsWith('.tmp')), 'temporary files left');
      assert.ok(files.every((f) => f.includes(join('a', 'test'))), 'entries are per spider');
    } finally {
      await h2.close();
    }
  });

  it('expires entries after HTTPCACHE_EXPIRATION_SECS', async () => {
    const settings = { HTTPCACHE_ENABLED: true, HTTPCACHE_DIR: join(dir, 'b'), HTTPCACHE_EXPIRATION_SECS: 0.05 };
    const h = await openDownloader(settings);
    try {
      await h.get(site.url('/html?title=exp'));
      await new Promise((r) => setTimeout(r, 120));
      const r = await h.get(site.url('/html?title=exp'));
      assert.ok(!r.flags.includes('cached'));
      assert.equal(h.stats.getValue('httpcache/miss'), 2);
    } finally {
      await h.close();
    }
  });

  it('skips ignored statuses and schemes and meta.dont_cache', async () => {
    const settings = { HTTPCACHE_ENABLED: true, HTTPCACHE_DIR: join(dir, 'c'), HTTPCACHE_IGNORE_HTTP_CODES: [404], HTTPCACHE_IGNORE_SCHEMES: ['data'] };
    const h = await openDownloader(settings);
    try {
      await h.get(site.url('/status/404'));
      assert.equal(h.stats.getValue('httpcache/uncacheable'), 1);
      assert.ok(!(await h.get(site.url('/status/404'))).flags.includes('cached'));
      await h.get('data:,x');
      await h.get(new Request(site.url('/ok'), { meta: { dont_cache: true } }));
      assert.equal(h.stats.getValue('httpcache/store'), undefined);
    } finally {
      await h.close();
    }
  });

  it('fails missing entries with HTTPCACHE_IGNORE_MISSING', async () => {
    const h = await openDownloader({ HTTPCACHE_ENABLED: true, HTTPCACHE_DIR: join(dir, 'd'), HTTPCACHE_IGNORE_MISSING: true });
    try {
      site.reset();
      await assert.rejects(h.get(site.url('/ok')), HttpCacheMissError);
      assert.equal(site.requests.length, 0);
      assert.equal(h.stats.getValue('httpcache/ignore'), 1);
    } finally {
      await h.close();
    }
  });

  it('resolves a relative HTTPCACHE_DIR under <cwd>/.tscrapy', () => {
    assert.equal(resolveCacheDir('httpcache', '/proj'), '/proj/.tscrapy/httpcache');
    assert.equal(resolveCacheDir('/abs/cache', '/proj'), '/abs/cache');
  });
});
