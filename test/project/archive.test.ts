import assert from 'node:assert/strict';
import { rm } from 'node:fs/promises';
import { gzipSync } from 'node:zlib';
import { after, before, describe, test } from 'node:test';
import { buildDeployBundle } from '../../src/deploy/bundle.js';
import { BundleFormatError, manifestHash, readBundle, validateManifest, type Manifest } from '../../src/project/archive.js';
import { findProject } from '../../src/project/project.js';
import { makeProject } from './fixture.js';

const sys = { env: { HOME: '/nonexistent-home' }, systemFile: '/nonexistent/scrapy.cfg' };

describe('deploy bundle archive', () => {
  let root: string;
  before(async () => {
    root = await makeProject();
  });
  after(() => rm(root, { recursive: true, force: true }));

  test('building twice gives byte-identical archives (SOURCE_DATE_EPOCH set)', async () => {
    const info = (await findProject(root, sys))!;
    const env = { SOURCE_DATE_EPOCH: '1700000000' };
    const a = await buildDeployBundle(info, { project: 'myproject', version: 'v1', env });
    await rm(`${root}/.tscrapy`, { recursive: true, force: true }); // a cold rebuild, not the cache
    const b = await buildDeployBundle(info, { project: 'myproject', version: 'v1', env });
    assert.equal(b.built.cached, false);
    assert.ok(a.archive.equals(b.archive), 'archives differ');
    assert.equal(a.manifest.buildTime, '2023-11-14T22:13:20.000Z');
  });

  test('without SOURCE_DATE_EPOCH only buildTime differs, and it is outside the hash', async () => {
    const info = (await findProject(root, sys))!;
    const a = await buildDeployBundle(info, { project: 'myproject', version: 'v1', env: {} });
    const b = await buildDeployBundle(info, { project: 'myproject', version: 'v1', env: {} });
    assert.equal(a.manifest.sha256, b.manifest.sha256);
    assert.deepEqual({ ...a.manifest, buildTime: '' }, { ...b.manifest, buildTime: '' });
  });

  test('the archive holds the manifest, bundle and map; readBundle verifies them', async () => {
    const info = (await findProject(root, sys))!;
    const { archive, manifest } = await buildDeployBundle(info, { project: 'myproject', version: 'r3-main', env: {} });
    const read = await readBundle(archive);
    assert.deepEqual(read.manifest, manifest);
    assert.deepEqual(manifest.spiders, ['a', 'b']);
    assert.equal(manifest.settingsModule, 'myproject.settings');
    assert.equal(manifest.format, 1);
    const map = JSON.parse(read.files['bundle.mjs.map'].toString()) as { sourceRoot?: string; sources: string[] };
    assert.equal(map.sourceRoot, undefined);
    assert.ok(map.sources.includes('src/pipelines.ts'));
    await assert.rejects(readBundle(gzipSync(Buffer.from('not a tar'))), BundleFormatError);
  });
});

describe('validateManifest', () => {
  const good = (): Manifest => {
    const base = {
      format: 1 as const,
      project: 'p',
      version: '1',
      spiders: ['a'],
      settingsModule: 'src/settings.ts',
      tscrapyVersion: '0.1.0',
      buildTime: '2024-01-01T00:00:00.000Z',
      files: { 'bundle.mjs': 'a'.repeat(64), 'bundle.mjs.map': 'b'.repeat(64) },
    };
    return { ...base, sha256: manifestHash(base) };
  };

  test('accepts a good manifest; buildTime is not hashed', () => {
    assert.deepEqual(validateManifest(good()), good());
    assert.doesNotThrow(() => validateManifest({ ...good(), buildTime: '2030-01-01T00:00:00.000Z' }));
  });

  const cases: Array<[string, (m: Record<string, unknown>) => void, RegExp]> = [
    ['format', (m) => (m.format = 2), /"format" must be 1/],
    ['project', (m) => (m.project = '../x'), /"project" must be a name/],
    ['version', (m) => (m.version = 'a/b'), /"version" must be a version/],
    ['spiders', (m) => (m.spiders = ['..']), /"spiders\[0\]"/],
    ['buildTime', (m) => (m.buildTime = 'yesterday'), /"buildTime" must be an ISO 8601/],
    ['files', (m) => (m.files = { 'bundle.mjs': 'a'.repeat(64) }), /"files" must be exactly the keys/],
    ['sha256', (m) => (m.sha256 = 'c'.repeat(64)), /"sha256" must be the hash/],
    ['unknown', (m) => (m.extra = 1), /"extra" must be absent/],
  ];
  for (const [field, mutate, re] of cases) {
    test(`rejects a bad ${field}`, () => {
      const m = good() as unknown as Record<string, unknown>;
      mutate(m);
      assert.throws(() => validateManifest(m), (e: unknown) => e instanceof BundleFormatError && re.test(e.message));
    });
  }
});
