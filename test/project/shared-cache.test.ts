import assert from 'node:assert/strict';
import { chmod, chown, mkdir, mkdtemp, readFile, readdir, rm, stat, symlink, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { buildProject, writeOutputs } from '../../src/project/build.js';
import { bundle } from '../../src/project/bundler.js';
import { ensureFile, removeStaleTemps, STALE_TEMP_MS } from '../../src/project/cache-file.js';
import { ProjectLoadError } from '../../src/project/errors.js';
import { generateEntry } from '../../src/project/entry.js';
import { linkTscrapy } from '../../src/project/load.js';
import { findProject } from '../../src/project/project.js';
import { buildSpiderFile } from '../../src/project/spider-file.js';
import { makeProject, writeTree } from './fixture.js';

const sys = { env: { HOME: '/nonexistent-home' }, systemFile: '/nonexistent/scrapy.cfg' };

/** Sets a file's or folder's times to `ms` before now. */
async function age(path: string, ms: number): Promise<void> {
  const t = new Date(Date.now() - ms);
  await utimes(path, t, t);
}

describe('cache folders shared by several processes', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tscrapy-shared-cache-'));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  test('ensureFile leaves an identical file as it is, replaces a different one, and leaves no temporary file', async () => {
    const file = join(dir, 'ensure', 'a.txt');
    await mkdir(join(dir, 'ensure'));
    assert.equal(await ensureFile(file, 'one'), true);
    const before = await stat(file);
    assert.equal(await ensureFile(file, 'one'), false);
    assert.equal((await stat(file)).ino, before.ino, 'the identical file was not replaced');
    assert.equal(await ensureFile(file, Buffer.from('two')), true);
    assert.equal(await readFile(file, 'utf8'), 'two');
    await Promise.all(Array.from({ length: 16 }, (_, i) => ensureFile(file, `writer ${i % 2}`)));
    assert.match(await readFile(file, 'utf8'), /^writer [01]$/);
    assert.deepEqual(await readdir(join(dir, 'ensure')), ['a.txt']);
  });

  test('ensureFile onto a path it cannot replace fails and leaves no temporary file behind', async () => {
    const d = join(dir, 'blocked');
    await mkdir(join(d, 'bundle.mjs'), { recursive: true });
    await assert.rejects(ensureFile(join(d, 'bundle.mjs'), 'code'), /EISDIR|ENOTDIR|EEXIST|EPERM|is a directory/i);
    assert.deepEqual(await readdir(d), ['bundle.mjs']);
  });

  test('removeStaleTemps removes only temporary files older than STALE_TEMP_MS, never a live writer\'s or a user\'s file', async () => {
    const d = join(dir, 'temps');
    await writeTree(d, {
      'bundle.mjs.123-0a1b2c3d.tmp': 'crashed writer',
      'bundle.mjs.456-9f8e7d6c.tmp': 'writer still running',
      'index.js.0f1e2d3c-aaaa-bbbb-cccc-0123456789ab.tmp': 'crashed writer (uuid name)',
      'notes.tmp': 'a file of the user',
    });
    await mkdir(join(d, '0123456789abcdef.tmp-77-1700000000000'));
    for (const old of ['bundle.mjs.123-0a1b2c3d.tmp', 'index.js.0f1e2d3c-aaaa-bbbb-cccc-0123456789ab.tmp', 'notes.tmp', '0123456789abcdef.tmp-77-1700000000000']) {
      await age(join(d, old), STALE_TEMP_MS + 60_000);
    }
    await removeStaleTemps(d);
    assert.deepEqual((await readdir(d)).sort(), ['bundle.mjs.456-9f8e7d6c.tmp', 'notes.tmp']);
  });

  test('writing a content-addressed build another process is loading keeps what it added there (its node_modules/tscrapy link)', async () => {
    const base = join(dir, 'src');
    await writeTree(base, { 'spider.ts': "import { Spider } from 'tscrapy';\nexport class S extends Spider {\n  override name = 's';\n}\n" });
    const out = await bundle(generateEntry({ baseDir: base, settingsFile: undefined, spiderFiles: [join(base, 'spider.ts')], modules: [{ name: 'spider', file: join(base, 'spider.ts') }] }), base);
    const target = join(dir, 'cache', '0123456789abcdef');
    await writeOutputs(out, target, base);
    await linkTscrapy(target);
    const linked = await readFile(join(target, 'node_modules', 'tscrapy', 'index.js'), 'utf8');
    const bundleIno = (await stat(join(target, 'bundle.mjs'))).ino;
    // Seven more processes of the same spider, building and linking at the same time.
    await Promise.all(Array.from({ length: 7 }, async () => {
      await writeOutputs(out, target, base);
      await linkTscrapy(target);
    }));
    assert.equal(await readFile(join(target, 'node_modules', 'tscrapy', 'index.js'), 'utf8'), linked);
    assert.equal((await stat(join(target, 'bundle.mjs'))).ino, bundleIno, 'an identical bundle already there counts as written');
    assert.deepEqual((await readdir(target)).sort(), ['bundle.mjs', 'bundle.mjs.map', 'node_modules']);
  });

  test('builds another crawl may be loading are not pruned: only folders unused for STALE_TEMP_MS beyond the newest five', async () => {
    const root = await makeProject();
    try {
      const project = (await findProject(root, sys))!;
      const hashes: string[] = [];
      for (let i = 0; i < 7; i++) {
        await writeFile(join(root, 'src/version.ts'), `export const VERSION = ${i};\n`);
        hashes.push((await buildProject(project)).hash);
      }
      const builds = async () => (await readdir(join(root, '.tscrapy', 'build'))).filter((n) => /^[0-9a-f]{16}$/.test(n)).sort();
      assert.deepEqual(await builds(), [...hashes].sort(), 'seven recent builds are all kept');
      await age(join(root, '.tscrapy', 'build', hashes[0]!), STALE_TEMP_MS + 60_000);
      await age(join(root, '.tscrapy', 'build', hashes[1]!), STALE_TEMP_MS + 60_000);
      await writeFile(join(root, 'src/version.ts'), 'export const VERSION = 7;\n');
      hashes.push((await buildProject(project)).hash);
      assert.deepEqual(await builds(), hashes.slice(2).sort());
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });

  test('a cached build is marked as used, so pruning keeps it', async () => {
    const root = await makeProject();
    try {
      const project = (await findProject(root, sys))!;
      const first = await buildProject(project);
      const folder = join(root, '.tscrapy', 'build', first.hash);
      await age(folder, STALE_TEMP_MS + 60_000);
      const again = await buildProject(project);
      assert.equal(again.cached, true);
      assert.ok(Date.now() - (await stat(folder)).mtimeMs < STALE_TEMP_MS);
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});

describe('the runspider cache in the shared temp folder', () => {
  let tmp: string;
  let savedTmpdir: string | undefined;
  let spiderFile: string;
  const cacheName = `tscrapy-runspider-${process.getuid?.() ?? 'user'}`;
  before(async () => {
    tmp = await mkdtemp(join(tmpdir(), 'tscrapy-tmpdir-'));
    spiderFile = join(tmp, 'spider.ts');
    await writeFile(spiderFile, "import { Spider } from 'tscrapy';\nexport class S extends Spider {\n  override name = 's';\n}\n");
    savedTmpdir = process.env.TMPDIR;
    process.env.TMPDIR = tmp;
  });
  after(async () => {
    if (savedTmpdir === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = savedTmpdir;
    await rm(tmp, { recursive: true, force: true });
  });

  test('a link put at its name (by another user, say) is refused, not followed', async () => {
    const elsewhere = join(tmp, 'elsewhere');
    await mkdir(elsewhere);
    await symlink(elsewhere, join(tmp, cacheName));
    try {
      await assert.rejects(buildSpiderFile(spiderFile), (e: unknown) => e instanceof ProjectLoadError && /runspider cache .* is not a folder .*TMPDIR/.test((e as Error).message));
      assert.deepEqual(await readdir(elsewhere), []);
    } finally {
      await rm(join(tmp, cacheName), { force: true });
    }
  });

  test('a folder of another user is refused', { skip: process.getuid?.() !== 0 && 'only root can give a folder to another user' }, async () => {
    await mkdir(join(tmp, cacheName), { mode: 0o700 });
    await chown(join(tmp, cacheName), 65534, 65534);
    try {
      await assert.rejects(buildSpiderFile(spiderFile), (e: unknown) => e instanceof ProjectLoadError && /belongs to another user \(uid 65534\)/.test((e as Error).message));
    } finally {
      await rm(join(tmp, cacheName), { recursive: true, force: true });
    }
  });

  test('its own folder made under a loose umask is made private, then used', async () => {
    await mkdir(join(tmp, cacheName));
    await chmod(join(tmp, cacheName), 0o777);
    const mod = await buildSpiderFile(spiderFile);
    assert.equal(mod.spiders.length, 1);
    assert.ok(mod.bundleFile.startsWith(join(tmp, cacheName)));
    assert.equal((await stat(join(tmp, cacheName))).mode & 0o777, 0o700);
  });
});
