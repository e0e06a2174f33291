import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { runProcess } from '../support/process.js';
import { BIN, onePageSpider, startTitleSite, tempTree } from './helpers.js';


/**
 * runCrawl tunes V8's heap (HEAP_GROWING_PERCENT, src/crawler/heap.ts: a flag and one full
 * collection) once the crawl is under way instead of before its first request. Seen from outside
 * with --trace-gc, whose lines go to stdout with the `-` feed's and the spider's: the collection
 * it asks for (reason "testing") comes after the spider's start() ran, before the item of the
 * first response.
 */
describe('a crawl tunes the heap once it is under way', { timeout: 120_000 }, () => {
  let closeSite: () => void;
  let url: string;
  let tree: Awaited<ReturnType<typeof tempTree>>;

  before(async () => {
    ({ url, close: closeSite } = await startTitleSite('t'));
    tree = await tempTree({ 'once.ts': onePageSpider("console.log('start() runs');") });
  });
  after(async () => {
    closeSite();
    await tree.cleanup();
  });

  async function crawl(percent: number): Promise<string[]> {
    const args = ['--trace-gc', BIN, 'runspider', 'once.ts', '-a', `url=${url}`, '-s', `HEAP_GROWING_PERCENT=${percent}`, '-o', '-:jsonl', '--nolog'];
    const r = await runProcess(process.execPath, args, { cwd: tree.dir, env: { PATH: process.env.PATH ?? '', HOME: tree.dir, NO_COLOR: '1' }, timeoutMs: 60_000 });
    assert.equal(r.code, 0, r.stderr);
    return r.stdout.split('\n').filter((l) => /Mark-Compact.*testing|^\{|^start\(\)/.test(l));
  }

  it('HEAP_GROWING_PERCENT=30: one full collection, at the first response', async () => {
    const lines = await crawl(30);
    assert.equal(lines.length, 3, lines.join('\n'));
    assert.equal(lines[0], 'start() runs');
    assert.match(lines[1]!, /Mark-Compact.*testing/);
    assert.deepEqual(JSON.parse(lines[2]!), { title: 't' });
  });

  it('HEAP_GROWING_PERCENT=0: none', async () => {
    assert.deepEqual(await crawl(0), ['start() runs', '{"title":"t"}']);
  });
});
