import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startFaultSite, type FaultSite } from '../support/fault-site.js';
import { runCli, tempTree } from '../cli/helpers.js';

describe('tscrapy fetch, shell and bench', { timeout: 120_000 }, () => {
  let site: FaultSite;
  let tree: Awaited<ReturnType<typeof tempTree>>;

  before(async () => {
    site = await startFaultSite();
    tree = await tempTree({ 'page.html': '<html><head><title>Saved page</title></head><body><p class="x">one</p><p class="x">two</p></body></html>' });
  });
  after(async () => {
    await site.close();
    await tree.cleanup();
  });

  it('fetch prints the body to stdout; any status is a download (exit 0)', async () => {
    const r = await runCli(['fetch', site.url('/html?title=Hello'), '-L', 'WARNING'], tree.dir);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /<title>Hello<\/title>/);
    const notFound = await runCli(['fetch', site.url('/status/404'), '--nolog'], tree.dir);
    assert.equal(notFound.code, 0, notFound.stderr);
  });

  it('fetch --headers, --no-redirect, --json', async () => {
    const followed = await runCli(['fetch', site.url('/redirect/302?to=/ok'), '--headers', '--nolog'], tree.dir);
    assert.equal(followed.code, 0, followed.stderr);
    assert.match(followed.stdout, /^> GET /m);
    assert.match(followed.stdout, /^> User-Agent: tscrapy\//m);
    assert.match(followed.stdout, new RegExp(`^< 200 ${site.url('/ok')}`, 'm'));
    const stay = await runCli(['fetch', site.url('/redirect/302?to=/ok'), '--headers', '--no-redirect', '--nolog'], tree.dir);
    assert.match(stay.stdout, /^< 302 /m);
    assert.match(stay.stdout, /^< location: \/ok/m);
    const j = await runCli(['fetch', site.url('/ok'), '--json', '--nolog'], tree.dir);
    const body = JSON.parse(j.stdout) as { status: number; body: string; bodyEncoding: string; headers: Record<string, string> };
    assert.equal(body.status, 200);
    assert.equal(body.bodyEncoding, 'text');
    assert.match(body.body, /<title>ok<\/title>/);
  });

  it('fetch exits 1 when the download fails, 2 for a URL without a scheme', async () => {
    const r = await runCli(['fetch', site.url('/drop'), '-s', 'RETRY_ENABLED=false', '-L', 'CRITICAL'], tree.dir);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /Fetching .*\/drop failed/);
    const noScheme = await runCli(['fetch', 'example.com/page'], tree.dir);
    assert.equal(noScheme.code, 2);
    assert.match(noScheme.stderr, /did you mean "https:\/\/example\.com\/page"/);
  });

  it('shell: a REPL driven through stdin, with response, fetch() and selectors', async () => {
    const input = [
      'response.status',
      "response.css('title::text').get()",
      "response.xpath('//title/text()').get() + '|' + response.css('title').xpath('string()').get()",
      `await fetch('${site.url('/html?title=Second')}')`,
      "response.css('title::text').get()",
      'request.url',
      "typeof spider.name + ':' + spider.name",
      "new Selector({ text: '<b>x</b>' }).css('b::text').get()",
      '.exit',
      '',
    ].join('\n');
    const r = await runCli(['shell', site.url('/html?title=First')], tree.dir, { input });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /\[s\] response: <200 .*title=First>/);
    assert.match(r.stdout, /'First'/);
    assert.match(r.stdout, /'First\|First'/, 'response.xpath works in the shell, as its banner says');
    assert.match(r.stdout, /<200 .*title=Second>/);
    assert.match(r.stdout, /'Second'/);
    assert.match(r.stdout, /'string:default'/);
    assert.match(r.stdout, /'x'/);
    assert.ok(r.stdout.indexOf("'First'") < r.stdout.indexOf("'Second'"));
  });

  it('shell FILE loads a local file', async () => {
    const r = await runCli(['shell', './page.html', '--nolog'], tree.dir, { input: "response.css('p.x::text').getall()\n" });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /\[ 'one', 'two' \]/);
  });

  it('bench crawls the demo shop in a child process and reports pages/min (--json)', async () => {
    const r = await runCli(['bench', '--timeout', '2', '--products', '300', '--json', '-L', 'WARNING'], tree.dir);
    assert.equal(r.code, 0, r.stderr);
    const b = JSON.parse(r.stdout) as { pages: number; items: number; pagesPerMin: number; reason: string };
    assert.ok(b.pages > 0 && b.items > 0 && b.pagesPerMin > 0, r.stdout);
    assert.ok(['finished', 'closespider_timeout'].includes(b.reason));
  });
});
