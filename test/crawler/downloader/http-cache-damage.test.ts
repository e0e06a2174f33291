// A cache entry is a file anyone's crash or editor may have damaged, and a spider name is a
// path segment: a damaged entry must be a miss (the page is fetched again), never a failed
// request, and a spider named "." or ".." must not put its entries outside HTTPCACHE_DIR.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { FilesystemCacheStorage } from '../../../src/crawler/downloader/middlewares/http-cache-storage.js';
import { requestFingerprint } from '../../../src/crawler/fingerprint.js';
import { Request } from '../../../src/crawler/http/request.js';
import { Response } from '../../../src/crawler/http/response.js';

describe('FilesystemCacheStorage and bad input', { timeout: 30_000 }, () => {
  let root: string;
  before(async () => {
    root = await mkdtemp(join(tmpdir(), 'tscrapy-cache-damage-'));
  });
  after(() => rm(root, { recursive: true, force: true }));

  it('a meta.json that parses but is not an entry is a miss', async () => {
    const dir = join(root, 'cache');
    const storage = new FilesystemCacheStorage(dir, 0);
    const request = new Request('http://127.0.0.1/page');
    const fp = requestFingerprint(request);
    await storage.store('s', fp, request, new Response({ url: request.url, body: Buffer.from('<p>x</p>'), request }));
    const meta = join(dir, 's', fp.slice(0, 2), fp, 'meta.json');
    for (const damaged of ['null', '[]', '{"url": 5, "status": 200, "headers": [], "timestamp": 0}', '{"url": "http://127.0.0.1/page", "status": "ok", "headers": {"a": 1}, "timestamp": 0}']) {
      await writeFile(meta, damaged);
      assert.equal(await storage.retrieve('s', fp, request), null, damaged);
    }
  });

  it('spiders named "." and ".." keep their entries inside the cache folder', async () => {
    const dir = join(root, 'inner', 'cache');
    const storage = new FilesystemCacheStorage(dir, 0);
    const request = new Request('http://127.0.0.1/dots');
    const fp = requestFingerprint(request);
    for (const name of ['.', '..']) {
      await storage.store(name, fp, request, new Response({ url: request.url, body: Buffer.from('<p>d</p>'), request }));
      assert.ok(await storage.retrieve(name, fp, request));
    }
    assert.deepEqual(await readdir(join(root, 'inner')), ['cache']);
    assert.ok(!existsSync(join(dir, fp.slice(0, 2))), 'not at the top of the cache folder either');
  });
});
