import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { getSpider } from '../../src/project/load.js';
import { buildSpiderFile, spiderFileBundle } from '../../src/project/spider-file.js';

const spider = (label: string) =>
  `import { Spider } from 'tscrapy';\nimport { tag } from './helper.js';\nexport class Cached extends Spider {\n  override name = 'cached';\n  label() { return ${JSON.stringify(label)} + tag; }\n}\n`;

/** The runspider cache's lookup of unchanged files, which lets a cached spider start without esbuild. */
describe('runspider cache hits', { timeout: 60_000 }, () => {
  let dir: string;
  let cacheTmp: string;
  const savedTmp = process.env.TMPDIR;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tscrapy-spider-cache-'));
    // A cache of this test's own, so other tests' bundles neither help nor hinder.
    cacheTmp = await mkdtemp(join(tmpdir(), 'tscrapy-spider-cache-tmp-'));
    process.env.TMPDIR = cacheTmp;
  });
  after(async () => {
    if (savedTmp === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = savedTmp;
    await rm(dir, { recursive: true, force: true });
    await rm(cacheTmp, { recursive: true, force: true });
  });

  const label = async (file: string) => {
    const mod = await buildSpiderFile(file);
    return (new (getSpider(mod, 'cached'))() as unknown as { label(): string }).label();
  };

  test('an unchanged file is a hit; a change to it or to a module it imports is a rebuild that loads the new code', async () => {
    const file = join(dir, 'cached.ts');
    await writeFile(join(dir, 'helper.ts'), "export const tag = '-1';\n");
    await writeFile(file, spider('a'));
    const first = await spiderFileBundle(file);
    assert.equal(first.cached, false);
    const second = await spiderFileBundle(file);
    assert.equal(second.cached, true, 'the second build of an unchanged file comes from the cache');
    assert.equal(second.bundleFile, first.bundleFile);
    assert.equal(await label(file), 'a-1');

    await writeFile(file, spider('b'));
    assert.equal((await spiderFileBundle(file)).cached, false, 'the spider file changed');
    assert.equal(await label(file), 'b-1');

    await writeFile(join(dir, 'helper.ts'), "export const tag = '-2';\n");
    assert.equal((await spiderFileBundle(file)).cached, false, 'a module the spider imports changed');
    assert.equal(await label(file), 'b-2');
    assert.equal((await spiderFileBundle(file)).cached, true);
  });

  test('a damaged index or a missing bundle is a rebuild, not a failure', async () => {
    const file = join(dir, 'other.ts');
    await writeFile(join(dir, 'helper.ts'), "export const tag = '-3';\n");
    await writeFile(file, spider('c'));
    const built = await spiderFileBundle(file);
    const cache = join(built.bundleFile, '..', '..');
    for (const name of (await readdir(cache)).filter((n) => n.startsWith('index-'))) await writeFile(join(cache, name), '{"key": 1');
    assert.equal((await spiderFileBundle(file)).cached, false);
    await rm(join(built.bundleFile, '..'), { recursive: true });
    assert.equal((await spiderFileBundle(file)).cached, false);
    assert.equal(await label(file), 'c-3');
  });
});
