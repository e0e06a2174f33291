/**
 * A new user's first hour, end to end: `tscrapy new`, an offline `npm install` against this
 * checkout, `genspider` with every template, the project's own `tsc --noEmit` and `npm test`,
 * then every generated spider crawls a local site and scrapes items (through the project
 * loader in-process, and through the `list`/`crawl` commands once they exist).
 *
 * Install choice: `npm install --offline --ignore-scripts`. `--link` makes tscrapy a `file:`
 * dependency (npm symlinks this checkout, whose own node_modules is already installed), so the
 * registry is needed only for the project's devDependencies (typescript, @types/node), which are
 * the versions this checkout uses, hence in npm's cache since its own `npm ci`. `--offline` makes
 * npm fail (ENOTCACHED) rather than reach the network; `--ignore-scripts` keeps npm from running
 * tscrapy's `prepare` (a rebuild of dist/ under the feet of other tests). If the cache lacks them
 * anyway, the test links them from this checkout's node_modules instead, and says so.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, readFile, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { crawl } from '../../src/crawler/crawl.js';
import { MemorySink } from '../../src/crawler/logger.js';
import { Settings } from '../../src/crawler/settings/settings.js';
import { buildProject } from '../../src/project/build.js';
import { getSpider, loadProjectModule } from '../../src/project/load.js';
import { findProject } from '../../src/project/project.js';
import { startFixtureSite, type FixtureSite } from '../spiders/site.js';
import { run, tempDir, TSCRAPY_ROOT, tscrapy } from './scaffold-helpers.js';

const page = (title: string, links: string[] = []) =>
  `<html><head><title>${title}</title></head><body><h1>${title}</h1>${links.map((l) => `<a href="${l}">${l}</a>`).join(' ')}</body></html>`;

let site: FixtureSite;
let tmp: Awaited<ReturnType<typeof tempDir>>;
let project: string;

/** Spider name → [template, start URL path, items expected]. */
const SPIDERS: Record<string, [string, string, number]> = {
  page: ['basic', '/items/1', 1],
  site: ['crawl', '/', 2],
  sm: ['sitemap', '/sitemap.xml', 2],
  rss: ['xmlfeed', '/feed.xml', 2],
  csv: ['csvfeed', '/feed.csv', 2],
};

before(async () => {
  const quotes = await readFile(join(TSCRAPY_ROOT, 'templates/project/test/fixtures/quotes.html.tmpl'), 'utf8');
  site = await startFixtureSite({
    '/': page('Home', ['/items/1', '/items/2', '/about']),
    '/about': page('About'),
    '/items/1': page('Item 1', ['/items/2']),
    '/items/2': page('Item 2', ['/items/1']),
    '/sitemap.xml': {
      type: 'application/xml',
      body: '<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>{origin}/items/1</loc></url><url><loc>{origin}/items/2</loc></url></urlset>',
    },
    '/feed.xml': {
      type: 'application/rss+xml',
      body: '<?xml version="1.0"?><rss><channel><item><title>One</title><link>{origin}/items/1</link></item><item><title>Two</title><link>{origin}/items/2</link></item></channel></rss>',
    },
    '/feed.csv': { type: 'text/csv', body: 'id,name\n1,Kettle\n2,Toaster\n' },
    '/quotes/': quotes,
  });
  tmp = await tempDir('tscrapy-e2e-');
  project = join(tmp.dir, 'demo');
});
after(async () => {
  await site?.close();
  await tmp?.remove();
});

describe('new project, end to end', { timeout: 400_000 }, () => {
  it('new → offline install → genspider ×5 → tsc → npm test → every spider scrapes items', async (t) => {
    const created = await tscrapy(['new', 'demo', '--link', '--json'], tmp.dir);
    assert.equal(created.code, 0, created.stderr);

    const npmEnv = { npm_config_audit: 'false', npm_config_fund: 'false', npm_config_update_notifier: 'false' };
    const install = await run('npm', ['install', '--offline', '--ignore-scripts', '--no-audit', '--no-fund'], project, { timeoutMs: 180_000, env: npmEnv });
    if (install.code !== 0) {
      t.diagnostic(`npm install --offline failed (${install.stderr.trim().split('\n').pop()}); linking typescript and @types/node from this checkout instead`);
      await mkdir(join(project, 'node_modules', '@types'), { recursive: true });
      await mkdir(join(project, 'node_modules', '.bin'), { recursive: true });
      const link = async (name: string, target: string) => {
        if (!existsSync(join(project, 'node_modules', name))) await symlink(target, join(project, 'node_modules', name), 'dir');
      };
      await link('tscrapy', TSCRAPY_ROOT);
      await link('typescript', join(TSCRAPY_ROOT, 'node_modules', 'typescript'));
      await link('@types/node', join(TSCRAPY_ROOT, 'node_modules', '@types', 'node'));
      await link('undici-types', join(TSCRAPY_ROOT, 'node_modules', 'undici-types'));
      // `npm test` runs `tsc` from node_modules/.bin, as npm install would have linked it.
      if (!existsSync(join(project, 'node_modules', '.bin', 'tsc'))) await symlink('../typescript/bin/tsc', join(project, 'node_modules', '.bin', 'tsc'));
    }
    assert.ok(existsSync(join(project, 'node_modules', 'tscrapy', 'package.json')), 'tscrapy is installed in the project');

    for (const [name, [template, path]] of Object.entries(SPIDERS)) {
      const g = await tscrapy(['genspider', name, site.origin + path, '-t', template], project);
      assert.equal(g.code, 0, `genspider ${name} -t ${template}: ${g.stderr}`);
    }
    // The example spider points at the practice site (127.0.0.1:8800): point it at the local copy of its fixture.
    const quotesFile = join(project, 'src', 'spiders', 'quotes.ts');
    const quotesSrc = (await readFile(quotesFile, 'utf8'))
      .replace('http://127.0.0.1:8800/', `${site.origin}/quotes/`);
    await writeFile(quotesFile, quotesSrc);

    const tsc = await run(process.execPath, [join(project, 'node_modules', 'typescript', 'bin', 'tsc'), '--noEmit'], project, { timeoutMs: 120_000 });
    assert.equal(tsc.code, 0, `tsc --noEmit:\n${tsc.stdout}${tsc.stderr}`);
    const test = await run('npm', ['test'], project, { timeoutMs: 120_000, env: npmEnv });
    assert.equal(test.code, 0, `npm test:\n${test.stdout}${test.stderr}`);
    assert.match(test.stdout, /# pass 1\n# fail 0/);

    // Every spider against the local site, loaded the way `crawl` loads a project.
    const info = await findProject(project, { env: { HOME: tmp.dir }, systemFile: join(tmp.dir, 'none.cfg') });
    assert.ok(info);
    const mod = await loadProjectModule((await buildProject(info)).bundleFile);
    const expected = { ...SPIDERS, quotes: ['basic', '/quotes/', 3] as [string, string, number] };
    assert.deepEqual([...mod.spidersByName.keys()], Object.keys(expected).sort());
    assert.equal(mod.settings.ROBOTSTXT_OBEY, true);
    for (const [name, [, , count]] of Object.entries(expected)) {
      const settings = new Settings(mod.settings, 'project');
      settings.update({ DOWNLOAD_DELAY: 0, LOG_LEVEL: 'WARNING', LOGSTATS_INTERVAL: 0, STATS_DUMP: false }, 'cmdline');
      const result = await crawl(getSpider(mod, name), { settings, components: mod.components, logSink: new MemorySink() });
      assert.equal(result.items.length, count, `${name}: ${JSON.stringify(result.items)}`);
    }

    // The CLI's list and crawl, as the new user runs them.
    const list = await tscrapy(['list'], project, { timeoutMs: 60_000 });
    assert.equal(list.code, 0, list.stderr);
    assert.deepEqual(list.stdout.trim().split('\n'), Object.keys(expected).sort());
    for (const [name, [, , count]] of Object.entries(expected)) {
      const out = join(tmp.dir, `${name}.jsonl`);
      const c = await tscrapy(['crawl', name, '-o', out, '-s', 'DOWNLOAD_DELAY=0', '-s', 'LOG_LEVEL=WARNING'], project, { timeoutMs: 60_000 });
      assert.equal(c.code, 0, `crawl ${name}: ${c.stderr}`);
      const lines = (await readFile(out, 'utf8')).trim().split('\n').filter(Boolean);
      assert.equal(lines.length, count, `crawl ${name}: ${lines.join('\n')}`);
    }
  });
});
