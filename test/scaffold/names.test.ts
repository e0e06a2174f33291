import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InvalidNameError, TemplateError } from '../../src/scaffold/errors.js';
import { parseSpiderTarget, pascalCase, spiderClassName, validateProjectName, validateSpiderName } from '../../src/scaffold/names.js';
import { renderTemplate } from '../../src/scaffold/render.js';
import { projectTemplateFiles, readSpiderTemplate, spiderTemplateNames } from '../../src/scaffold/templates.js';

describe('scaffold names', () => {
  it('accepts Scrapy-style project names and rejects the rest', () => {
    for (const ok of ['shop', 'Shop2', 'my_shop']) validateProjectName(ok, process.cwd());
    for (const bad of ['my-shop', '_shop', '2shop', 'a b', '', 'shop.x']) {
      assert.throws(() => validateProjectName(bad, process.cwd()), InvalidNameError, bad);
    }
    // Installed packages (here: this checkout's dependencies) and built-ins are existing modules.
    assert.throws(() => validateProjectName('undici', process.cwd()), /the npm package "undici" is installed here/);
    assert.throws(() => validateProjectName('fs', process.cwd()), /Node\.js built-in/);
  });

  it('checks spider names and builds class names', () => {
    for (const ok of ['books', 'books-fr', 'example.com', '2shop']) validateSpiderName(ok);
    for (const bad of ['', '-x', '../x', 'a/b', 'a b', 'x'.repeat(101)]) assert.throws(() => validateSpiderName(bad), InvalidNameError, bad);
    assert.equal(spiderClassName('books-fr'), 'BooksFrSpider');
    assert.equal(spiderClassName('example.com'), 'ExampleComSpider');
    assert.equal(spiderClassName('newsSpider'), 'NewsSpider');
    assert.match(spiderClassName('2shop'), /^[A-Za-z_]\w*$/);
    assert.equal(pascalCase('my_shop'), 'MyShop');
  });

  it('splits a domain or URL into allowed domain and start URL', () => {
    assert.deepEqual(parseSpiderTarget('example.com'), { domain: 'example.com', url: 'https://example.com/', explicitUrl: false });
    assert.deepEqual(parseSpiderTarget('example.com/shop'), { domain: 'example.com', url: 'https://example.com/shop', explicitUrl: true });
    assert.deepEqual(parseSpiderTarget('http://127.0.0.1:8080/feed.xml'), { domain: '127.0.0.1', url: 'http://127.0.0.1:8080/feed.xml', explicitUrl: true });
    assert.throws(() => parseSpiderTarget('mailto://x'), InvalidNameError);
    assert.throws(() => parseSpiderTarget("exa'mple.com"), InvalidNameError);
  });
});

describe('scaffold templates', () => {
  it('renders placeholders and fails on one without a value', () => {
    assert.equal(renderTemplate('a {{x}} {{ y }}', { x: '1', y: '2' }, 't'), 'a 1 2');
    assert.throws(() => renderTemplate('{{nope}}', { x: '1' }, 'spiders/t.ts.tmpl'), (e: unknown) => e instanceof TemplateError && /spiders\/t\.ts\.tmpl uses \{\{nope\}\}/.test((e as Error).message));
  });

  it('ships every spider template and a project template whose placeholders are all known', async () => {
    assert.deepEqual(await spiderTemplateNames(), ['basic', 'crawl', 'sitemap', 'xmlfeed', 'csvfeed']);
    for (const t of await spiderTemplateNames()) {
      renderTemplate(await readSpiderTemplate(t), { name: 'n', classname: 'NSpider', domain: 'd', url: 'https://d/' }, t);
    }
    const vars = { project: 'p', packageName: 'p', ProjectClass: 'P', tscrapyDependency: '^0', typescriptVersion: '5', typesNodeVersion: '20' };
    const files = await projectTemplateFiles();
    for (const f of files) renderTemplate(f.text, vars, f.path);
    assert.ok(files.some((f) => f.path === '.gitignore'));
  });
});
