import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { SPIDER_TEMPLATES } from '../../src/scaffold/templates.js';
import { tempDir, tscrapy } from './scaffold-helpers.js';

let tmp: Awaited<ReturnType<typeof tempDir>>;
let project: string;
before(async () => {
  tmp = await tempDir('tscrapy-genspider-');
  const r = await tscrapy(['new', 'demo'], tmp.dir);
  assert.equal(r.code, 0, r.stderr);
  project = join(tmp.dir, 'demo');
});
after(() => tmp.remove());

describe('tscrapy genspider', { timeout: 60_000 }, () => {
  it('lists and prints templates', async () => {
    const l = await tscrapy(['genspider', '-l'], tmp.dir);
    assert.equal(l.code, 0, l.stderr);
    assert.equal(l.stdout, 'Available templates:\n  basic\n  crawl\n  sitemap\n  xmlfeed\n  csvfeed\n');
    const lj = await tscrapy(['genspider', '-l', '--json'], tmp.dir);
    assert.deepEqual(JSON.parse(lj.stdout), { templates: [...SPIDER_TEMPLATES] });
    const d = await tscrapy(['genspider', '-d', 'crawl'], tmp.dir);
    assert.equal(d.code, 0, d.stderr);
    assert.match(d.stdout, /extends CrawlSpider/);
    assert.match(d.stdout, /\{\{classname\}\}/);
    const unknown = await tscrapy(['genspider', '-d', 'nope'], tmp.dir);
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /Unknown spider template "nope"; available templates: basic, crawl, sitemap, xmlfeed, csvfeed/);
  });

  it('writes src/spiders/NAME.ts in a project (also from a subfolder), filling domain and URL per template', async () => {
    const r = await tscrapy(['genspider', 'books', 'books.toscrape.com', '--json'], join(project, 'src'));
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout);
    assert.equal(out.file, join(project, 'src', 'spiders', 'books.ts'));
    assert.equal(out.inProject, true);
    const text = await readFile(out.file, 'utf8');
    assert.match(text, /export class BooksSpider extends Spider/);
    assert.match(text, /name = 'books';/);
    assert.match(text, /allowedDomains = \['books\.toscrape\.com'\];/);
    assert.match(text, /startUrls = \['https:\/\/books\.toscrape\.com\/'\];/);

    const cases: Array<[string, string, RegExp]> = [
      ['crawl', 'https://shop.example:8443/catalogue/', /startUrls = \['https:\/\/shop\.example:8443\/catalogue\/'\][\s\S]*new Rule\(/],
      ['sitemap', 'shop.example', /sitemapUrls = \['https:\/\/shop\.example\/sitemap\.xml'\]/],
      ['xmlfeed', 'shop.example', /startUrls = \['https:\/\/shop\.example\/feed\.xml'\][\s\S]*itertag = 'item'/],
      ['csvfeed', 'http://127.0.0.1:9/prices.csv', /allowedDomains = \['127\.0\.0\.1'\][\s\S]*startUrls = \['http:\/\/127\.0\.0\.1:9\/prices\.csv'\]/],
    ];
    for (const [template, target, expected] of cases) {
      const g = await tscrapy(['genspider', `my-${template}`, target, '-t', template], project);
      assert.equal(g.code, 0, g.stderr);
      assert.match(g.stdout, new RegExp(`Created spider "my-${template}" \\(class My${template[0]!.toUpperCase()}${template.slice(1)}Spider\\) using template "${template}" in src/spiders/my-${template}\\.ts`));
      assert.match(await readFile(join(project, 'src', 'spiders', `my-${template}.ts`), 'utf8'), expected);
    }
  });

  it('refuses a spider name already used in the project, an existing file without --force, bad names and domains', async () => {
    const dup = await tscrapy(['genspider', 'quotes', 'other.example'], project);
    assert.equal(dup.code, 2);
    assert.match(dup.stderr, /Spider "quotes" already exists in src\/spiders\/quotes\.ts; spider names must be unique/);
    // A name set in another file than NAME.ts is found too.
    await writeFile(join(project, 'src', 'spiders', 'misc.ts'), "import { Spider } from 'tscrapy';\nexport class A extends Spider {\n  override readonly name = \"alpha\";\n}\n");
    const dup2 = await tscrapy(['genspider', 'alpha', 'a.example'], project);
    assert.equal(dup2.code, 2);
    assert.match(dup2.stderr, /Spider "alpha" already exists in src\/spiders\/misc\.ts/);

    const badName = await tscrapy(['genspider', '../evil', 'a.example'], project);
    assert.equal(badName.code, 2);
    assert.match(badName.stderr, /Spider name "\.\.\/evil" is not valid/);
    const badDomain = await tscrapy(['genspider', 'x', 'ftp://a.example/'], project);
    assert.equal(badDomain.code, 2);
    assert.match(badDomain.stderr, /genspider takes a domain or an http\(s\) URL/);
    const missing = await tscrapy(['genspider', 'x'], project);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /genspider needs NAME and DOMAIN_OR_URL/);
  });

  it('outside a project writes NAME.ts in the current folder, refusing to overwrite it without --force', async () => {
    const outside = join(tmp.dir);
    const r = await tscrapy(['genspider', 'solo', 'solo.example'], outside);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /in solo\.ts\nRun it with: tscrapy runspider solo\.ts/);
    assert.match(await readFile(join(outside, 'solo.ts'), 'utf8'), /class SoloSpider extends Spider/);
    const again = await tscrapy(['genspider', 'solo', 'solo.example'], outside);
    assert.equal(again.code, 2);
    assert.match(again.stderr, /solo\.ts already exists; choose another spider name, or use --force/);
    const forced = await tscrapy(['genspider', 'solo', 'other.example', '--force', '-t', 'crawl'], outside);
    assert.equal(forced.code, 0, forced.stderr);
    assert.match(await readFile(join(outside, 'solo.ts'), 'utf8'), /CrawlSpider[\s\S]*allowedDomains = \['other\.example'\]/);
  });
});
