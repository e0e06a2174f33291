import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { FilesystemCacheStorage } from '../../../src/crawler/downloader/middlewares/http-cache-storage.js';
import { requestFingerprint } from '../../../src/crawler/fingerprint.js';
import { Request } from '../../../src/crawler/http/request.js';
import { Response } from '../../../src/crawler/http/response.js';

function response(request: Request, id: string): Response {
  return new Response({ url: request.url, headers: [['x-body-id', id]], body: Buffer.from(`<p>${id}</p>`), request });
}

describe('FilesystemCacheStorage shared by several processes', { timeout: 30_000 }, () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tscrapy-cache-storage-'));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('an entry whose body comes from another writer than its meta.json is a miss, not a mixed response', async () => {
    const storage = new FilesystemCacheStorage(dir, 0);
    const request = new Request('http://127.0.0.1/page');
    const fp = requestFingerprint(request);
    await storage.store('s', fp, request, response(request, 'first'));
    assert.equal((await storage.retrieve('s', fp, request))?.headers.get('x-body-id'), 'first');

    // A second process storing the same entry has renamed its body into place, not yet its meta.json.
    await writeFile(join(dir, 's', fp.slice(0, 2), fp, 'body'), '<p>second</p>');
    assert.equal(await storage.retrieve('s', fp, request), null);

    await storage.store('s', fp, request, response(request, 'second'));
    const cached = await storage.retrieve('s', fp, request);
    assert.equal(cached?.headers.get('x-body-id'), 'second');
    assert.equal(Buffer.from(cached.body).toString(), '<p>second</p>');
  });

  it('stores of one entry racing with reads: every hit is one whole response, and no temporary file is left', async () => {
    const storage = new FilesystemCacheStorage(dir, 0);
    const request = new Request('http://127.0.0.1/raced');
    const fp = requestFingerprint(request);
    const ops: Array<Promise<unknown>> = [];
    for (let i = 0; i < 40; i++) {
      ops.push(storage.store('s', fp, request, response(request, `w${i}`)));
      ops.push(
        storage.retrieve('s', fp, request).then((r) => {
          if (r) assert.equal(Buffer.from(r.body).toString(), `<p>${r.headers.get('x-body-id')}</p>`);
        }),
      );
    }
    await Promise.all(ops);
    assert.deepEqual((await readdir(join(dir, 's', fp.slice(0, 2), fp))).sort(), ['body', 'meta.json']);
  });
});
