import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { after, before, describe, it } from 'node:test';
import { makeBundle, rawTarEntry, rawTarGz, startTestServer, type TestServer } from './helpers.js';

describe('addversion.json upload safety', { timeout: 60_000 }, () => {
  let t: TestServer;
  before(async () => {
    t = await startTestServer({ max_upload_size: 2 * 1024 * 1024 }, { extractLimits: { maxUnpackedSize: 4 * 1024 * 1024, maxEntries: 20 } });
    assert.equal((await t.upload('demo', '1.0', await makeBundle())).body.status, 'ok');
  });
  after(() => t.close());

  /** Uploads `egg` as demo 2.0 and checks it was refused with `message` and left 1.0 alone. */
  async function refused(egg: Buffer, message: RegExp) {
    const r = await t.upload('demo', '2.0', egg);
    assert.equal(r.body.status, 'error', JSON.stringify(r.body));
    assert.match(r.body.message, message);
    assert.deepEqual((await t.get('/listversions.json', { project: 'demo' })).body.versions, ['1.0']);
    assert.ok(existsSync(join(t.config.eggs_dir, 'demo', '1.0', 'bundle.mjs')));
    assert.deepEqual(readdirSync(join(t.config.eggs_dir, '.tmp')), [], 'temp folders are cleaned up');
    assert.ok(!existsSync(join(t.dir, 'escaped')), 'nothing escaped the temp folder');
  }

  it('refuses path traversal with ..', async () => {
    await refused(rawTarGz([rawTarEntry('../../escaped', { body: 'x' })]), /contains \.\./);
  });

  it('refuses absolute paths', async () => {
    await refused(rawTarGz([rawTarEntry(`${t.dir}/escaped`, { body: 'x' })]), /is absolute/);
  });

  it('refuses symlinks and hard links', async () => {
    await refused(rawTarGz([rawTarEntry('link', { type: '2', linkname: '/etc/passwd' })]), /is a SymbolicLink/);
    await refused(rawTarGz([rawTarEntry('hard', { type: '1', linkname: '../../escaped' })]), /is a Link/);
  });

  it('refuses devices and FIFOs', async () => {
    await refused(rawTarGz([rawTarEntry('dev', { type: '3' })]), /is a CharacterDevice/);
    await refused(rawTarGz([rawTarEntry('fifo', { type: '6' })]), /is a FIFO/);
  });

  it('refuses a decompression bomb and huge entries', async () => {
    const bomb = gzipSync(Buffer.alloc(64 * 1024 * 1024));
    assert.ok(bomb.length < 2 * 1024 * 1024);
    await refused(bomb, /unpacks to more than/);
    await refused(rawTarGz([rawTarEntry('big', { body: Buffer.alloc(5 * 1024 * 1024) })]), /unpacks to more than|more than \d+ bytes/);
  });

  it('refuses too many entries and too deep paths', async () => {
    await refused(rawTarGz(Array.from({ length: 30 }, (_, i) => rawTarEntry(`f${i}`, { body: 'x' }))), /more than 20 entries/);
    await refused(rawTarGz([rawTarEntry('a/b/c/d/e/f/g/h/i/j', { body: 'x' })]), /deeper than 8 levels/);
  });

  it('refuses an upload over max_upload_size', async () => {
    await refused(Buffer.alloc(3 * 1024 * 1024, 1), /larger than the limit of 2097152 bytes/);
  });

  it('refuses data that is not tar.gz, and a truncated archive', async () => {
    await refused(Buffer.from('PK\x03\x04 this is a zip'), /not a tar\.gz bundle/);
    const good = await makeBundle();
    await refused(good.subarray(0, good.length - 40), /not a valid (gzip|tar)/);
  });

  it('refuses bad manifests, hash mismatches and unlisted files', async () => {
    await refused(rawTarGz([rawTarEntry('bundle.mjs', { body: 'x' })]), /no manifest\.json/);
    await refused(await makeBundle({ mutateManifest: (m) => (m.format = 2) }), /"format" must be 1/);
    await refused(await makeBundle({ mutateManifest: (m) => (m.spiders = ['ok', 'added-after-hashing']) }), /"sha256" must be the hash of the manifest's other fields/);
    await refused(await makeBundle({ mutateManifest: (m) => delete m.files }), /"files" must be an object/);
    await refused(await makeBundle({ corruptBundle: true }), /bundle\.mjs does not match its sha256/);
    await refused(await makeBundle({ extraFiles: { 'evil.mjs': 'x' } }), /does not list: evil\.mjs/);
  });

  it('re-uploading a version replaces it atomically', async () => {
    const r = await t.upload('demo', '1.0', await makeBundle({ spiders: ['only'] }));
    assert.equal(r.body.spiders, 1);
    assert.deepEqual((await t.get('/listspiders.json', { project: 'demo' })).body.spiders, ['only']);
  });

  it('concurrent uploads to one project all land', async () => {
    const bundle = await makeBundle();
    const rs = await Promise.all(['3', '4', '5', '6'].map((v) => t.upload('demo', v, bundle)));
    assert.ok(rs.every((r) => r.body.status === 'ok'));
    assert.deepEqual((await t.get('/listversions.json', { project: 'demo' })).body.versions, ['1.0', '3', '4', '5', '6']);
  });
});

describe('one name rule for manifest and schedule.json', { timeout: 30_000 }, () => {
  it('refuses at upload a spider name that schedule.json would refuse, and schedules every name it accepts', async () => {
    const t = await startTestServer();
    try {
      for (const bad of ['my spider', 'a:b', '.hidden', '-x', 'é', 'x'.repeat(129)]) {
        const r = await t.upload('demo', '1', await makeBundle({ spiders: [bad] }));
        assert.equal(r.body.status, 'error', bad);
        assert.match(r.body.message, /spiders\[0\].*1-128 characters from A-Z a-z 0-9 \. _ \+ -/, bad);
      }
      const names = ['a', 'Quotes.v2', 'shop_1+x', 'x'.repeat(128)];
      assert.equal((await t.upload('demo', '1', await makeBundle({ spiders: names }))).body.status, 'ok');
      for (const spider of names) assert.equal((await t.post('/schedule.json', { project: 'demo', spider, items: '0' })).body.status, 'ok', spider);
    } finally {
      await t.close();
    }
  });
});
