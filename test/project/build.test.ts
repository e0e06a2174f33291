import assert from 'node:assert/strict';
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { Spider } from '../../src/index.js';
import { buildProject } from '../../src/project/build.js';
import { BuildError, DuplicateSpiderError, SpiderNotFoundError } from '../../src/project/errors.js';
import { getSpider, loadProjectModule } from '../../src/project/load.js';
import { findProject } from '../../src/project/project.js';
import { buildSpiderFile } from '../../src/project/spider-file.js';
import { makeProject, writeTree } from './fixture.js';

const env = { HOME: '/nonexistent-home' };
const sys = { env, systemFile: '/nonexistent/scrapy.cfg' };

describe('project build', () => {
  let root: string;
  before(async () => {
    root = await makeProject();
  });
  after(() => rm(root, { recursive: true, force: true }));

  test('findProject walks up to scrapy.cfg and resolves a dotted settings module', async () => {
    const p = await findProject(join(root, 'src/spiders/nested'), sys);
    assert.ok(p);
    assert.equal(p.root, root);
    assert.equal(p.settingsModule, 'myproject.settings');
    assert.equal(p.settingsFile, join(root, 'src/settings.ts'));
    assert.deepEqual(p.spiderPaths, [join(root, 'src/spiders')]);
    assert.equal(p.name, 'myproject');
    assert.equal(await findProject(tmpdir(), sys), null);
  });

  test('builds one ESM bundle with npm deps inside, tscrapy outside, and loads it', async () => {
    const p = (await findProject(root, sys))!;
    const built = await buildProject(p);
    assert.equal(built.cached, false);
    assert.ok(built.inputs.includes('node_modules/tiny-slug/index.js'));
    assert.ok(!built.inputs.some((f) => f.includes('.test.')));
    const code = await readFile(built.bundleFile, 'utf8');
    assert.match(code, /from "tscrapy"/);
    assert.doesNotMatch(code, /node_modules\/tiny-slug['"]/);
    assert.match(code, /sourceMappingURL=bundle\.mjs\.map/);
    const map = JSON.parse(await readFile(built.mapFile, 'utf8')) as { sources: string[] };
    assert.ok(map.sources.includes('src/spiders/a.ts'));

    const mod = await loadProjectModule(built.bundleFile);
    assert.deepEqual([...mod.spidersByName.keys()], ['a', 'b']);
    const A = getSpider(mod, 'a');
    assert.ok(A.prototype instanceof Spider, 'bundle spiders extend the running tscrapy Spider');
    assert.deepEqual(new A().startUrls, ['http://127.0.0.1/hello-world']);
    assert.deepEqual(mod.settings, { BOT_NAME: 'myproject', ITEM_PIPELINES: { PricePipeline: 300 } });
    assert.equal(mod.components.PricePipeline, mod.components['pipelines.PricePipeline']);
    assert.equal(mod.components.BSpider, mod.components['spiders.nested.b.BSpider']);
    assert.equal(mod.components.PricePipeline!.name, 'PricePipeline');
    assert.throws(() => getSpider(mod, 'zzz'), (e: unknown) => e instanceof SpiderNotFoundError && /Available spiders: a, b/.test(e.message));
  });

  test('a bundle moved beside another tscrapy still gets the running one', async () => {
    const built = await buildProject((await findProject(root, sys))!);
    const dir = await mkdtemp(join(tmpdir(), 'tscrapy-moved-'));
    try {
      await cp(built.bundleFile, join(dir, 'bundle.mjs'));
      // What an older tscrapy, or a copy installed elsewhere, would have left there.
      await mkdir(join(dir, 'node_modules', 'tscrapy'), { recursive: true });
      await writeFile(join(dir, 'node_modules', 'tscrapy', 'package.json'), '{"name":"tscrapy","type":"module","exports":"./index.js"}');
      await writeFile(join(dir, 'node_modules', 'tscrapy', 'index.js'), 'export class Spider {}\nexport class Request {}\n');
      const mod = await loadProjectModule(join(dir, 'bundle.mjs'));
      assert.ok(getSpider(mod, 'a').prototype instanceof Spider);
      assert.match(await readFile(join(dir, 'node_modules', 'tscrapy', 'index.js'), 'utf8'), /export \* from "file:\/\/.*\/index\.(ts|js)"/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  test('a second build with the same sources comes from the cache; a change rebuilds', async () => {
    const p = (await findProject(root, sys))!;
    const first = await buildProject(p);
    const again = await buildProject(p);
    assert.equal(again.cached, true);
    assert.equal(again.bundleFile, first.bundleFile);
    await writeFile(join(root, 'node_modules/tiny-slug/index.js'), "exports.slug = (s) => 'changed-' + s;\n");
    const changed = await buildProject(p);
    assert.equal(changed.cached, false);
    assert.notEqual(changed.hash, first.hash);
    const mod = await loadProjectModule(changed.bundleFile);
    assert.deepEqual(new (getSpider(mod, 'a'))().startUrls, ['http://127.0.0.1/changed-Hello World']);
  });

  test('default export settings object', async () => {
    const dir = await makeProject('', { 'src/settings.ts': 'export default { DOWNLOAD_DELAY: 2, custom: "x" };\nexport const BOT_NAME = "named";\n' });
    try {
      const mod = await loadProjectModule((await buildProject((await findProject(dir, sys))!)).bundleFile);
      assert.deepEqual(mod.settings, { BOT_NAME: 'named', DOWNLOAD_DELAY: 2, custom: 'x' });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  test('a syntax error is a BuildError with file:line:column', async () => {
    const dir = await makeProject('', { 'src/spiders/broken.ts': "import { Spider } from 'tscrapy';\nexport class X extends Spider {\n  name = 'x' +;\n}\n" });
    try {
      await assert.rejects(buildProject((await findProject(dir, sys))!), (e: unknown) => e instanceof BuildError && /src\/spiders\/broken\.ts:3:\d+: error:/.test(e.message));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  test('duplicate spider names name both files and classes', async () => {
    const dir = await makeProject('', { 'src/spiders/dup.ts': "import { Spider } from 'tscrapy';\nexport class Again extends Spider {\n  override name = 'a';\n}\n" });
    try {
      const built = await buildProject((await findProject(dir, sys))!);
      await assert.rejects(loadProjectModule(built.bundleFile), (e: unknown) => e instanceof DuplicateSpiderError && /"a": src\/spiders\/a\.ts \(class ASpider\) and src\/spiders\/dup\.ts \(class Again\)/.test(e.message));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  test('a native-addon package is left external with a warning; a .node import is refused', async () => {
    const dir = await makeProject('', {
      'node_modules/native-thing/package.json': JSON.stringify({ name: 'native-thing', version: '1.0.0', main: 'index.js', gypfile: true }),
      'node_modules/native-thing/index.js': 'exports.x = 1;\n',
      'src/uses-native.ts': "import { x } from 'native-thing';\nexport const y = x;\n",
    });
    try {
      const built = await buildProject((await findProject(dir, sys))!);
      assert.deepEqual(built.externals, ['native-thing']);
      assert.match(built.warnings.join('\n'), /"native-thing" is left external because it is built with node-gyp/);
      await writeTree(dir, { 'src/raw.ts': "// @ts-nocheck\nimport addon from './addon.node';\nexport const z = addon;\n", 'src/addon.node': 'binary' });
      await assert.rejects(buildProject((await findProject(dir, sys))!), (e: unknown) => e instanceof BuildError && /native addon \(\.node binary\)/.test(e.message));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('runspider files', () => {
  test('a spider file outside any node_modules imports tscrapy and loads', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tscrapy-file-'));
    try {
      const file = join(dir, 'quotes.ts');
      await writeFile(file, "import { Spider, Request } from 'tscrapy';\nexport class Quotes extends Spider {\n  override name = 'quotes';\n  make() { return new Request('http://127.0.0.1/'); }\n}\n");
      const mod = await buildSpiderFile(file);
      const Q = getSpider(mod, 'quotes');
      assert.ok(Q.prototype instanceof Spider);
      assert.equal((new Q() as unknown as { make(): { url: string } }).make().url, 'http://127.0.0.1/');
      assert.equal(mod.components.Quotes, Q);
      assert.deepEqual(mod.settings, {});
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
