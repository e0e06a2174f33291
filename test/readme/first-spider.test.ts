// README examples without a project: "Your first spider" (runspider), "Using tscrapy as a
// library", "Components" (a pipeline) and "Feeds". See readme.ts for how blocks are run.
//
// Substitutions: 127.0.0.1:8800 (`tscrapy practice`) → the practice site on a free port.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runProcess } from '../support/process.js';
import { assertOk, exampleEnv, jsonLines, practicePort, readmeBlock, runShell, startPractice, TSX, workspace, type Practice, type ShellResult } from './readme.js';

let site: Practice;
let ws: ReturnType<typeof workspace>;

/** Runs a TypeScript file with tsx (library examples), killed after 60 s. */
function runTs(file: string, cwd: string): Promise<ShellResult> {
  return runProcess(process.execPath, ['--import', TSX, file], { cwd, env: exampleEnv(ws), timeoutMs: 60_000 });
}

before(async () => {
  site = await startPractice({ pages: 3 });
  ws = workspace('first');
  const { lang, code } = readmeBlock('first-spider');
  assert.equal(lang, 'ts');
  writeFileSync(join(ws.dir, 'quotes.ts'), practicePort(code, site));
});
after(async () => {
  await site?.close();
  ws?.remove();
});

describe('README: your first spider', { timeout: 120_000 }, () => {
  it('first-crawl: runspider -o appends JSON Lines, -a tag=humor -O writes a CSV of that tag', async () => {
    const { lang, code } = readmeBlock('first-crawl');
    assert.equal(lang, 'sh');
    assertOk(await runShell(code, ws.dir, exampleEnv(ws)), 'first-crawl');
    const items = jsonLines(readFileSync(join(ws.dir, 'quotes.jsonl'), 'utf8'));
    assert.equal(items.length, site.total);
    assert.match(String(items[0]!.text), /^“.+”$/);
    assert.ok(Array.isArray(items[0]!.tags));
    const csv = readFileSync(join(ws.dir, 'humor.csv'), 'utf8').trim().split(/\r?\n/);
    assert.equal(csv[0], 'text,tags');
    assert.ok(csv.length > 1 && csv.slice(1).every((row) => row.includes('humor')), csv.join('\n'));
    assert.ok(site.hits.includes('/tag/humor/'));
  });
});

describe('README: generic spiders', { timeout: 120_000 }, () => {
  it('crawl-spider: rules follow the nav and scrape the product pages', async () => {
    const { lang, code } = readmeBlock('crawl-spider');
    assert.equal(lang, 'ts');
    writeFileSync(join(ws.dir, 'shop.ts'), practicePort(code, site));
    const r = await runShell('tscrapy runspider shop.ts -O shop.jsonl', ws.dir, exampleEnv(ws));
    assertOk(r, 'crawl-spider');
    const items = jsonLines(readFileSync(join(ws.dir, 'shop.jsonl'), 'utf8'));
    assert.equal(items.length, site.products);
    assert.ok(items.every((i) => /\/shop\/product\/\d+$/.test(String(i.url)) && String(i.name).startsWith('Product')), JSON.stringify(items[0]));
    assert.ok(site.hits.some((h) => h.startsWith('/shop/category/')), 'the rules followed the nav');
  });
});

describe('README: using tscrapy as a library', { timeout: 120_000 }, () => {
  it('library: await, for await, stop, CrawlerProcess', async () => {
    const { lang, code } = readmeBlock('library');
    assert.equal(lang, 'ts');
    // The check appended to the example (not part of the README): what each form returned.
    const check = `\nconsole.log('RESULT ' + JSON.stringify({ items: items.length, reason, scraped: stats.item_scraped_count, runs: results.length, perRun: results.map((r) => r.items.length) }));\n`;
    writeFileSync(join(ws.dir, 'library.ts'), code + check);
    const r = await runTs('library.ts', ws.dir);
    assertOk(r, 'library example');
    const result = JSON.parse(/^RESULT (.*)$/m.exec(r.stdout)![1]!) as { items: number; reason: string; scraped: number; runs: number; perRun: number[] };
    assert.equal(result.items, site.total);
    assert.equal(result.reason, 'finished');
    assert.equal(result.scraped, site.total);
    assert.equal(result.runs, 2);
    assert.ok(result.perRun.every((n) => n > 0), JSON.stringify(result.perRun));
    // `for await` printed the humor quotes as they arrived.
    assert.match(r.stdout, /text: '“/);
  });

  it('pipeline: PricePipeline drops items without a price (ITEM_PIPELINES with the class)', async () => {
    const { code } = readmeBlock('pipeline');
    writeFileSync(join(ws.dir, 'pipelines.ts'), code);
    // A harness around the example: a spider whose items have and lack prices.
    writeFileSync(
      join(ws.dir, 'pipeline-run.ts'),
      `import { crawl, Spider, MemorySink } from 'tscrapy';
import { PricePipeline, ITEM_PIPELINES } from './pipelines.js';
class Items extends Spider {
  name = 'items';
  startUrls = ['${site.origin}/'];
  parse() { return [{ name: 'a', price: 1 }, { name: 'b' }, { name: 'c', price: 3 }]; }
}
const r = await crawl(Items, { settings: { ITEM_PIPELINES: [[PricePipeline, 300]] }, logSink: new MemorySink() });
console.log('RESULT ' + JSON.stringify({ names: r.items.map((i: any) => i.name), dropped: r.stats['item_dropped_count'], byName: ITEM_PIPELINES }));
`,
    );
    const r = await runTs('pipeline-run.ts', ws.dir);
    assertOk(r, 'pipeline example');
    const result = JSON.parse(/^RESULT (.*)$/m.exec(r.stdout)![1]!) as { names: string[]; dropped: number; byName: Record<string, number> };
    assert.deepEqual(result.names, ['a', 'c']);
    assert.equal(result.dropped, 1);
    assert.deepEqual(result.byName, { PricePipeline: 300 });
  });

  it('feeds: FEEDS writes out/quotes.jsonl and a timestamped CSV', async () => {
    const { code } = readmeBlock('feeds');
    writeFileSync(join(ws.dir, 'feeds.ts'), code);
    const r = await runTs('feeds.ts', ws.dir);
    assertOk(r, 'feeds example');
    assert.equal(jsonLines(readFileSync(join(ws.dir, 'out', 'quotes.jsonl'), 'utf8')).length, site.total);
    const csv = readdirSync(join(ws.dir, 'out')).filter((f) => f.endsWith('.csv'));
    assert.equal(csv.length, 1);
    assert.match(csv[0]!, /^quotes-.+\.csv$/);
    const rows = readFileSync(join(ws.dir, 'out', csv[0]!), 'utf8').trim().split(/\r?\n/);
    assert.equal(rows[0], 'text');
    assert.equal(rows.length, site.total + 1);
    assert.ok(existsSync(join(ws.dir, 'out')));
  });
});
