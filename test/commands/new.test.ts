import assert from 'node:assert/strict';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { findProject } from '../../src/project/project.js';
import { TSCRAPY_ROOT, tempDir, tscrapy } from './scaffold-helpers.js';

let tmp: Awaited<ReturnType<typeof tempDir>>;
before(async () => {
  tmp = await tempDir('tscrapy-new-');
});
after(() => tmp.remove());

const EXPECTED_FILES = [
  '.gitignore',
  'README.md',
  'package.json',
  'scrapy.cfg',
  'src/items.ts',
  'src/middlewares.ts',
  'src/pipelines.ts',
  'src/settings.ts',
  'src/spiders/quotes.ts',
  'test/fixtures/quotes.html',
  'test/quotes.test.ts',
  'tsconfig.json',
];

describe('tscrapy new', { timeout: 60_000 }, () => {
  it('creates the project layout, prints next steps, and the project loads as a tscrapy project', async () => {
    const r = await tscrapy(['new', 'shop'], tmp.dir);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /New tscrapy project "shop" created in .*shop/);
    assert.match(r.stdout, /Next steps:\n  cd shop\n  npm install\n  tscrapy practice {4}# in another terminal: the site the quotes spider crawls\n  tscrapy crawl quotes -o quotes.jsonl\n  npm test/);
    const dir = join(tmp.dir, 'shop');
    const pkg = JSON.parse(await readFile(join(dir, 'package.json'), 'utf8'));
    assert.equal(pkg.name, 'shop');
    assert.equal(pkg.type, 'module');
    assert.deepEqual(Object.keys(pkg.scripts).sort(), ['build', 'crawl', 'deploy', 'list', 'test', 'typecheck']);
    // This tscrapy is a checkout, not a registry install: the project depends on it by path (issue 16).
    assert.match(pkg.dependencies.tscrapy, /^file:/);
    assert.match(r.stdout, new RegExp(`tscrapy dependency: ${pkg.dependencies.tscrapy} \\(the running tscrapy is the folder `));
    assert.ok(pkg.devDependencies.typescript && pkg.devDependencies['@types/node']);
    const cfg = await readFile(join(dir, 'scrapy.cfg'), 'utf8');
    assert.match(cfg, /\[settings\]\n(?:#.*\n)*default = shop\.settings\n/);
    assert.match(cfg, /\[deploy\]\n(?:#.*\n)*url = http:\/\/localhost:6800\/\nproject = shop/);
    const settings = await readFile(join(dir, 'src/settings.ts'), 'utf8');
    assert.match(settings, /BOT_NAME: 'shop'/);
    assert.match(settings, /\n  ROBOTSTXT_OBEY: true,/);
    assert.match(settings, /\/\/ CONCURRENT_REQUESTS: 16,/);
    assert.match(await readFile(join(dir, 'src/pipelines.ts'), 'utf8'), /export class ShopPipeline/);
    assert.match(await readFile(join(dir, '.gitignore'), 'utf8'), /node_modules\//);
    // What crawl/list/deploy see: the settings module and the spiders folder resolve.
    const project = await findProject(dir, { env: { HOME: tmp.dir }, systemFile: join(tmp.dir, 'none.cfg') });
    assert.ok(project);
    assert.equal(project.name, 'shop');
    assert.equal(project.settingsFile, join(dir, 'src', 'settings.ts'));
    assert.deepEqual(project.spiderPaths, [join(dir, 'src', 'spiders')]);
  });

  it('--json lists the files; --link makes tscrapy a file: dependency on this installation', async () => {
    const r = await tscrapy(['new', 'linked', 'sub/linked', '--link', '--json'], tmp.dir);
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout);
    assert.equal(out.project, 'linked');
    assert.equal(out.directory, join(tmp.dir, 'sub', 'linked'));
    assert.deepEqual(out.files, EXPECTED_FILES);
    assert.match(out.tscrapyDependency, /^file:/);
    const pkg = JSON.parse(await readFile(join(out.directory, 'package.json'), 'utf8'));
    assert.equal(pkg.dependencies.tscrapy, out.tscrapyDependency);
    const target = out.tscrapyDependency.slice('file:'.length);
    assert.equal(resolve(out.directory, target), resolve(TSCRAPY_ROOT));
  });

  it('refuses bad names, existing modules and non-empty folders with exit code 2; --force writes anyway', async () => {
    const bad = await tscrapy(['new', 'my-shop'], tmp.dir);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /Project name "my-shop" is not valid: project names must begin with a letter and contain only letters, numbers and underscores \(e\.g\. my_shop\)/);
    const digit = await tscrapy(['new', '1shop'], tmp.dir);
    assert.equal(digit.code, 2);
    const builtin = await tscrapy(['new', 'http'], tmp.dir);
    assert.equal(builtin.code, 2);
    assert.match(builtin.stderr, /"http" is the name of an existing module \(a Node\.js built-in\)/);
    const self = await tscrapy(['new', 'tscrapy'], tmp.dir);
    assert.equal(self.code, 2);

    const busy = join(tmp.dir, 'busy');
    await mkdir(busy);
    await writeFile(join(busy, 'notes.txt'), 'mine');
    const refused = await tscrapy(['new', 'busy'], tmp.dir);
    assert.equal(refused.code, 2);
    assert.match(refused.stderr, /Folder .*busy is not empty.*notes\.txt.*--force/s);
    const forced = await tscrapy(['new', 'busy', '--force', '--json'], tmp.dir);
    assert.equal(forced.code, 0, forced.stderr);
    assert.equal(await readFile(join(busy, 'notes.txt'), 'utf8'), 'mine');
    assert.ok(JSON.parse(forced.stdout).files.includes('scrapy.cfg'));

    const again = await tscrapy(['new', 'shop2', 'busy'], tmp.dir);
    assert.equal(again.code, 2);
    assert.match(again.stderr, /already holds a project: scrapy\.cfg/);

    const notTscrapy = await tscrapy(['new', 'other', '--tscrapy', tmp.dir], tmp.dir);
    assert.equal(notTscrapy.code, 2);
    assert.match(notTscrapy.stderr, /is not a tscrapy package folder/);
  });
});
