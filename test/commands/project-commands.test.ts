import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startCatalogueSite } from '../../src/demo/catalogue-site.js';
import { startFaultSite, type FaultSite } from '../support/fault-site.js';
import { runCli, SHOP_SPIDER, tempTree } from '../cli/helpers.js';

const PRODUCTS = 12;

describe('commands inside a project: crawl, list, settings, parse, fetch', { timeout: 120_000 }, () => {
  let site: Awaited<ReturnType<typeof startCatalogueSite>>;
  let faults: FaultSite;
  let project: Awaited<ReturnType<typeof tempTree>>;
  let outside: Awaited<ReturnType<typeof tempTree>>;

  before(async () => {
    site = await startCatalogueSite({ products: PRODUCTS });
    faults = await startFaultSite();
    project = await tempTree(
      {
        'scrapy.cfg': '[settings]\ndefault = myshop.settings\n',
        'src/settings.ts': `export const BOT_NAME = 'shopbot';\nexport const CONCURRENT_REQUESTS = 4;\nexport const USER_AGENT = 'shopbot/1.0 (project setting)';\nexport const ROBOTSTXT_OBEY = true;\nexport const ITEM_PIPELINES = { UpperName: 300 };\n`,
        'src/pipelines.ts': `export class UpperName {\n  processItem(item: Record<string, unknown>) { return { ...item, name: String(item.name).toUpperCase() }; }\n}\n`,
        'src/spiders/shop.ts': SHOP_SPIDER,
        'src/spiders/other.ts': `import { Spider } from 'tscrapy';\nexport class Other extends Spider {\n  override name = 'other';\n}\n`,
      },
      'tscrapy-proj-',
    );
    outside = await tempTree({}, 'tscrapy-noproj-');
  });
  after(async () => {
    await site.close();
    await faults.close();
    await project.cleanup();
    await outside.cleanup();
  });

  it('crawl NAME runs the spider with the project settings and pipelines; the second run reuses the build', async () => {
    const args = ['crawl', 'shop', '-a', `startUrl=${site.origin}/`, '-O', 'items.jsonl', '-L', 'INFO'];
    const first = await runCli(args, project.dir);
    assert.equal(first.code, 0, first.stderr);
    assert.match(first.stderr, /tscrapy 0\.1\.0 started \(bot: shopbot\)/);
    const items = readFileSync(join(project.dir, 'items.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { name: string });
    assert.equal(items.length, PRODUCTS);
    assert.ok(items.every((i) => i.name === i.name.toUpperCase()), 'the project pipeline ran');
    const buildDir = join(project.dir, '.tscrapy', 'build');
    const builds = () => readdirSync(buildDir).filter((d) => /^[0-9a-f]{16}$/.test(d));
    assert.equal(builds().length, 1);
    const bundle = join(buildDir, builds()[0]!, 'bundle.mjs');
    const mtime = statSync(bundle).mtimeMs;
    const second = await runCli(args, project.dir);
    assert.equal(second.code, 0, second.stderr);
    assert.deepEqual(builds().length, 1);
    assert.equal(statSync(bundle).mtimeMs, mtime, 'the cached bundle was not rebuilt');
  });

  it('crawl of an unknown spider lists the available ones (exit 2)', async () => {
    const r = await runCli(['crawl', 'nope'], project.dir);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /Spider not found: nope\. Available spiders: other, shop/);
  });

  it('outside a project, crawl and list say how to create one (exit 2)', async () => {
    for (const cmd of [['crawl', 'shop'], ['list']]) {
      const r = await runCli(cmd, outside.dir);
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, /no scrapy\.cfg in/);
      assert.match(r.stderr, /tscrapy new myproject/);
    }
  });

  it('list prints the spider names, and --json', async () => {
    const r = await runCli(['list'], project.dir);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'other\nshop\n');
    const j = await runCli(['list', '--json'], project.dir);
    assert.deepEqual(JSON.parse(j.stdout), { spiders: ['other', 'shop'] });
  });

  it('settings --get/--getint/--getbool/--getlist read the project settings and -s', async () => {
    const get = async (...args: string[]) => {
      const r = await runCli(['settings', ...args], project.dir);
      assert.equal(r.code, 0, r.stderr);
      return r.stdout;
    };
    assert.equal(await get('--get', 'BOT_NAME'), 'shopbot\n');
    assert.equal(await get('--getint', 'CONCURRENT_REQUESTS'), '4\n');
    assert.equal(await get('--getint', 'CONCURRENT_REQUESTS', '-s', 'CONCURRENT_REQUESTS=9'), '9\n');
    assert.equal(await get('--getbool', 'ROBOTSTXT_OBEY'), 'true\n');
    assert.equal(await get('--getlist', 'RETRY_HTTP_CODES'), '[500,502,503,504,522,524,408,429]\n');
    assert.deepEqual(JSON.parse(await get('--get', 'ITEM_PIPELINES', '--json')), { name: 'ITEM_PIPELINES', value: { UpperName: 300 } });
    const outsideBot = await runCli(['settings', '--get', 'BOT_NAME'], outside.dir);
    assert.equal(outsideBot.stdout, 'tscrapybot\n', 'outside a project: the defaults');
    const bad = await runCli(['settings', '--getint', 'BOT_NAME'], project.dir);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /BOT_NAME must be a number, got "shopbot"/);
    const none = await runCli(['settings'], project.dir);
    assert.equal(none.code, 2);
  });

  it('parse runs one callback and prints its items and requests; -d follows them; --json', async () => {
    const r = await runCli(['parse', `${site.origin}/`, '--spider', 'shop', '--nolog'], project.dir);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, />>> DEPTH LEVEL: 1 <<</);
    assert.match(r.stdout, /# Scraped Items \(0\)/);
    assert.match(r.stdout, new RegExp(`<GET ${site.origin}/product/1> callback=parseProduct`));
    const j = await runCli(['parse', `${site.origin}/`, '--spider', 'shop', '-d', '2', '--json', '--nolog'], project.dir);
    assert.equal(j.code, 0, j.stderr);
    const out = JSON.parse(j.stdout) as { levels: Array<{ depth: number; items: Array<{ name: string }>; requests: Array<{ url: string; callback: string | null }> }> };
    assert.equal(out.levels.length, 2);
    assert.equal(out.levels[0]!.items.length, 0);
    assert.ok(out.levels[0]!.requests.some((q) => q.callback === 'parseProduct'));
    assert.ok(out.levels[1]!.items.length >= 1);
    const cb = await runCli(['parse', `${site.origin}/product/3`, '--spider', 'shop', '--callback', 'parseProduct', '--json', '--nolog'], project.dir);
    const one = JSON.parse(cb.stdout) as { levels: Array<{ items: Array<{ url: string; name: string }> }> };
    assert.equal(one.levels[0]!.items[0]!.url, `${site.origin}/product/3`);
    assert.equal(one.levels[0]!.items[0]!.name, 'Product 3', 'parse does not run the item pipelines');
    const missing = await runCli(['parse', `${site.origin}/`, '--spider', 'shop', '--callback', 'nope', '--nolog'], project.dir);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /has no method "nope"/);
  });

  it('fetch uses the project settings (user agent, robots.txt)', async () => {
    faults.robots = 'User-agent: *\nDisallow: /status/\n';
    const r = await runCli(['fetch', faults.url('/echo'), '--nolog'], project.dir);
    assert.equal(r.code, 0, r.stderr);
    const echo = JSON.parse(r.stdout) as { headers: Record<string, string> };
    assert.equal(echo.headers['user-agent'], 'shopbot/1.0 (project setting)');
    const denied = await runCli(['fetch', faults.url('/status/200'), '-L', 'ERROR'], project.dir);
    assert.equal(denied.code, 1, 'ROBOTSTXT_OBEY from the project forbids it');
    assert.match(denied.stderr, /robots\.txt/i);
  });
});
