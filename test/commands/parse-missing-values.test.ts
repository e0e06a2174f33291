import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startCatalogueSite } from '../../src/demo/catalogue-site.js';
import { runCli, tempTree } from '../cli/helpers.js';

describe('tscrapy parse shows missing values', { timeout: 120_000 }, () => {
  let site: Awaited<ReturnType<typeof startCatalogueSite>>;
  let project: Awaited<ReturnType<typeof tempTree>>;

  before(async () => {
    site = await startCatalogueSite({ products: 1, productBytes: 100 });
    project = await tempTree(
      {
        'scrapy.cfg': '[settings]\ndefault = p.settings\n',
        'src/settings.ts': `export const BOT_NAME = 'p';\n`,
        'src/spiders/pages.ts': `import { Spider, type Response } from 'tscrapy';\nexport class Pages extends Spider {\n  override name = 'pages';\n  override parse(r: Response) {\n    return [{ title: r.css('h1::text').get(), price: r.css('.price::text').get() }];\n  }\n}\n`,
      },
      'tscrapy-parse-',
    );
  });
  after(async () => {
    await site.close();
    await project.cleanup();
  });

  it('prints a .get() with no match as null (as the feeds write it), in text and --json', async () => {
    const text = await runCli(['parse', `${site.origin}/about`, '--spider', 'pages', '--nolog'], project.dir);
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stdout, /"title": "About",\n\s+"price": null/);
    const json = await runCli(['parse', `${site.origin}/about`, '--spider', 'pages', '--nolog', '--json'], project.dir);
    assert.equal(json.code, 0, json.stderr);
    assert.deepEqual((JSON.parse(json.stdout) as { levels: Array<{ items: unknown[] }> }).levels[0]!.items, [{ title: 'About', price: null }]);
  });
});
