import assert from 'node:assert/strict';
import { rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { createGzip } from 'node:zlib';
import { readBundle } from '../../src/project/archive.js';
import { client, makeBundle, processServer, rawTarEntry, startTestServer, tempDir, testConfig } from './helpers.js';

/** A tar.gz of `count` empty files (~3 MB for 500,000): cheap to send, costly to parse whole. */
async function manyEntries(count: number): Promise<Buffer> {
  const gz = createGzip();
  const out: Buffer[] = [];
  gz.on('data', (c: Buffer) => out.push(c));
  const done = new Promise((resolve) => gz.on('end', resolve));
  const batch = 1000;
  for (let i = 0; i < count; i += batch) {
    const chunk = Buffer.concat(Array.from({ length: Math.min(batch, count - i) }, (_, k) => rawTarEntry(`e${String(i + k).padStart(7, '0')}`)));
    if (!gz.write(chunk)) await new Promise((r) => gz.once('drain', r));
  }
  gz.end(Buffer.alloc(1024));
  await done;
  return Buffer.concat(out);
}

let cached: Promise<Buffer> | undefined;
/** The 500,000-entry archive, built once for the tests that need it. */
const halfMillion = () => (cached ??= manyEntries(500_000));

describe('hostile uploads', { timeout: 180_000 }, () => {
  it('a 500,000-entry archive is refused at the entry limit while other requests are answered', async () => {
    const egg = await halfMillion();
    const dir = tempDir();
    const { proc, url } = await processServer(testConfig(dir));
    try {
      const c = client(url);
      let uploadDone = false;
      const upload = c.upload('demo', '1', egg).finally(() => (uploadDone = true));
      let answered = 0;
      let slowest = 0;
      // At least one request goes out while the upload is in flight. The issue asks for answers
      // within 1 s; the bound here is 5 s so a busy CI machine cannot fail it, and still far
      // below the minutes a synchronous parse of 500,000 entries took.
      do {
        const started = Date.now();
        const r = await c.get('/daemonstatus.json', {}, {});
        slowest = Math.max(slowest, Date.now() - started);
        assert.equal(r.body.status, 'ok');
        answered++;
      } while (!uploadDone);
      const r = await upload;
      assert.equal(r.body.status, 'error');
      assert.match(r.body.message, /more than 1000 entries/);
      assert.ok(answered >= 1);
      assert.ok(slowest < 5000, `a request during the upload took ${slowest} ms`);
      assert.deepEqual((await c.get('/listprojects.json')).body.projects, []);
    } finally {
      const gone = new Promise((r) => proc.once('exit', r));
      proc.kill('SIGTERM');
      await gone;
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('strips setuid, setgid and execute bits from uploaded files', async () => {
    const t = await startTestServer();
    try {
      assert.equal((await t.upload('demo', '1', await makeBundle({ mode: 0o6755 }))).body.status, 'ok');
      for (const name of ['manifest.json', 'bundle.mjs', 'bundle.mjs.map']) {
        assert.equal(statSync(join(t.config.eggs_dir, 'demo', '1', name)).mode & 0o7777, 0o644, name);
      }
    } finally {
      await t.close();
    }
  });

  it('readBundle (deploy --egg) stops at the first unexpected entry of a 500,000-entry archive', { timeout: 60_000 }, async () => {
    await assert.rejects(readBundle(await halfMillion()), /Bad bundle: unexpected entry "e0000000"/);
  });
});
