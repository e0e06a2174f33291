import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startCatalogueSite } from '../../src/demo/catalogue-site.js';
import { runCli, SHOP_SPIDER, tempTree, waitFor } from '../cli/helpers.js';

const PRODUCTS = 30;

describe('tscrapy runspider', { timeout: 120_000 }, () => {
  let site: Awaited<ReturnType<typeof startCatalogueSite>>;
  let tree: Awaited<ReturnType<typeof tempTree>>;

  before(async () => {
    site = await startCatalogueSite({ products: PRODUCTS });
    // No node_modules in this folder: `tscrapy` must resolve to the running CLI.
    tree = await tempTree({
      'shop.ts': SHOP_SPIDER,
      'broken.ts': `import { Spider } from 'tscrapy';\nexport class Broken extends Spider {\n  override name = 'broken';\n  count = 1 +;\n}\n`,
      'thrower.ts': `import { Spider, Request } from 'tscrapy';\nexport class T extends Spider {\n  override name = 't';\n  declare startUrl: string;\n  override async *start() { yield new Request(this.startUrl); }\n  override parse(): never { throw new Error('boom in callback'); }\n}\n`,
      'a-file': 'not a folder',
    });
  });
  after(async () => {
    await site.close();
    await tree.cleanup();
  });

  it('runs a TypeScript spider file from a folder without node_modules; -o -:jsonl is clean JSONL on stdout', async () => {
    assert.ok(!existsSync(join(tree.dir, 'node_modules')));
    const r = await runCli(['runspider', 'shop.ts', '-a', `startUrl=${site.origin}/`, '-o', '-:jsonl', '-L', 'INFO'], tree.dir);
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stdout.split('\n').filter(Boolean);
    assert.equal(lines.length, PRODUCTS);
    const items = lines.map((l) => JSON.parse(l) as { url: string; name: string });
    assert.ok(items.every((i) => i.url.startsWith(site.origin) && typeof i.name === 'string'));
    assert.doesNotMatch(r.stdout, /INFO|\x1b\[/, 'no log lines or escape codes on stdout');
    assert.match(r.stderr, /Spider closed \(finished\)/);
    assert.match(r.stderr, /Crawled \d+ pages \(at \d+ pages\/min\)/, 'not a TTY: Scrapy-style stats lines');
    assert.doesNotMatch(r.stderr, /\x1b\[/, 'no escape codes when stderr is not a terminal');
  });

  it('round-trips every feed format (parse the file back and compare), and writes --json-stats', async () => {
    const r = await runCli(
      ['runspider', 'shop.ts', '-a', `startUrl=${site.origin}/`, '-O', 'out.jsonl', '-O', 'out.json', '-O', 'out.csv', '-O', 'out.data:xml', '--json-stats', 'stats/final.json', '--nolog'],
      tree.dir,
    );
    assert.equal(r.code, 0, r.stderr);
    const read = (f: string) => readFileSync(join(tree.dir, f), 'utf8');
    const jsonl = read('out.jsonl').trim().split('\n').map((l) => JSON.parse(l) as Record<string, any>);
    const json = JSON.parse(read('out.json')) as Array<Record<string, any>>;
    assert.equal(jsonl.length, PRODUCTS);
    assert.deepEqual(json, jsonl);
    const byUrl = (a: Array<Record<string, any>>) => [...a].sort((x, y) => (x.url < y.url ? -1 : 1));
    // CSV: header from the first item's fields; lists joined with commas (as Scrapy), objects as JSON.
    const csv = parseCsv(read('out.csv'));
    assert.deepEqual(csv[0], ['url', 'name', 'price', 'tags', 'meta']);
    const fromCsv = csv.slice(1).map((row) => ({ url: row[0], name: row[1], price: Number(row[2]), tags: row[3] ? row[3].split(',') : [], meta: JSON.parse(row[4]!) }));
    assert.deepEqual(byUrl(fromCsv), byUrl(jsonl));
    // XML: <items><item><field>…</field></item></items>, arrays as repeated <value>.
    const xml = read('out.data');
    assert.match(xml, /^<\?xml version="1.0" encoding="utf-8"\?>\n<items>/);
    const fromXml = [...xml.matchAll(/<item>([\s\S]*?)<\/item>/g)].map(([, body]) => ({
      url: tag(body!, 'url'),
      name: tag(body!, 'name'),
      price: Number(tag(body!, 'price')),
      tags: [...tag(body!, 'tags').matchAll(/<value>(.*?)<\/value>/g)].map((m) => m[1]),
      meta: { sku: tag(tag(body!, 'meta'), 'sku') },
    }));
    assert.deepEqual(byUrl(fromXml), byUrl(jsonl));
    const stats = JSON.parse(read('stats/final.json')) as Record<string, unknown>;
    assert.equal(stats.finish_reason, 'finished');
    assert.equal(stats.item_scraped_count, PRODUCTS);
    assert.equal(r.stdout, '');
  });

  it('points at file:line when the spider file does not compile (exit 2)', async () => {
    const r = await runCli(['runspider', 'broken.ts'], tree.dir);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /broken\.ts:4:\d+: error: Unexpected ";"/);
  });

  it('exits 2 for usage and configuration errors, before crawling', async () => {
    const cases: Array<[string[], RegExp]> = [
      [['runspider', 'shop.ts', '--bogus'], /Nonexistent flag: --bogus/],
      [['runspider', 'shop.ts', '-s', 'NOEQUALS'], /-s expects NAME=VALUE, got "NOEQUALS"/],
      [['runspider', 'shop.ts', '-a', `startUrl=${site.origin}/`, '-s', 'CONCURRENT_REQUESTS=lots'], /CONCURRENT_REQUESTS must be a number, got "lots"/],
      [['runspider', 'shop.ts', '-L', 'LOUD'], /Expected --loglevel=LOUD to be one of/],
      [['runspider', 'missing.ts'], /Spider file not found: .*missing\.ts/],
      [['runspider', 'shop.ts', '-o', 'items.weird'], /cannot tell the format .*jsonl/],
      [['runspider', 'shop.ts', '-o', 'items.txt:yaml'], /yaml|format/],
      [['runspider', 'shop.ts', '-a', `startUrl=${site.origin}/`, '-o', 'a-file/items.json'], /Feed "a-file\/items.json": cannot create the folder/],
      [['runspider', 'shop.ts', '--redis', 'http://127.0.0.1:6379'], /--redis expects a redis:\/\/ or rediss:\/\/ URL/],
    ];
    for (const [args, message] of cases) {
      const r = await runCli(args, tree.dir);
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, message, args.join(' '));
      assert.doesNotMatch(r.stderr, /Spider opened/, `${args.join(' ')} failed before crawling`);
    }
  });

  it('exits 1 when the crawl has failures (a callback error) above EXIT_ERROR_THRESHOLD, 0 when the threshold allows them', async () => {
    const r = await runCli(['runspider', 'thrower.ts', '-a', `startUrl=${site.origin}/`, '-L', 'WARNING'], tree.dir);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /boom in callback/);
    assert.match(r.stderr, /Crawl failed: the crawl had 1 callback error \(EXIT_ERROR_THRESHOLD is 0/);
    const ok = await runCli(['runspider', 'thrower.ts', '-a', `startUrl=${site.origin}/`, '-L', 'WARNING', '-s', 'EXIT_ERROR_THRESHOLD=-1'], tree.dir);
    assert.equal(ok.code, 0, ok.stderr);
  });

  it('stops gracefully on SIGINT: exit 0, finish reason shutdown, the JSON feed is a valid array', async () => {
    const slow = await startCatalogueSite({ products: 2000, latencyMs: 100 });
    try {
      const r = await runCli(
        ['runspider', 'shop.ts', '-a', `startUrl=${slow.origin}/`, '-O', 'stopped.json', '--json-stats', 'stopped-stats.json', '-s', 'CONCURRENT_REQUESTS=4', '-L', 'INFO'],
        tree.dir,
        {
          onSpawn: (child, out) => {
            void waitFor(() => /Spider opened/.test(out.stderr()), 15_000, 'the spider to open').then(async () => {
              await new Promise((r) => setTimeout(r, 700));
              child.kill('SIGINT');
            });
          },
        },
      );
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stderr, /Received SIGINT, shutting down gracefully/);
      const items = JSON.parse(readFileSync(join(tree.dir, 'stopped.json'), 'utf8')) as unknown[];
      assert.ok(Array.isArray(items));
      const stats = JSON.parse(readFileSync(join(tree.dir, 'stopped-stats.json'), 'utf8')) as Record<string, unknown>;
      assert.equal(stats.finish_reason, 'shutdown');
      assert.equal(items.length, stats.item_scraped_count ?? 0);
    } finally {
      await slow.close();
    }
  });
});

function tag(body: string, name: string): string {
  const m = new RegExp(`<${name}>([\\s\\S]*?)</${name}>`).exec(body);
  return m ? m[1]!.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&') : '';
}

/** RFC 4180 CSV: quoted fields with doubled quotes, CRLF or LF rows. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') (field += '"'), i++;
      else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') (row.push(field), (field = ''));
    else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += c;
  }
  if (field !== '' || row.length) (row.push(field), rows.push(row));
  return rows;
}
