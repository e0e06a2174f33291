import assert from 'node:assert/strict';
import { createReadStream, statSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { after, before, describe, it } from 'node:test';
import { FeedExporter } from '../../src/feeds/index.js';
import { errors, makeCrawler, tempDir } from './helpers.js';

const N = 200_000;

describe('large feeds are streamed', () => {
  let dir: string;
  let cleanup: () => void;
  before(() => ({ dir, cleanup } = tempDir()));
  after(() => cleanup());

  it(`${N} items to jsonl, json and csv with bounded heap`, async () => {
    const base = join(dir, 'large');
    const crawler = makeCrawler({ FEEDS: { [`${base}.jsonl`]: {}, [`${base}.json`]: {}, [`${base}.csv`]: {} } });
    FeedExporter.fromCrawler(crawler);
    const spider = crawler.spider;
    await crawler.signals.sendAsync('spiderOpened', { spider });
    const text = 'x'.repeat(200);
    global.gc?.();
    const heapBefore = process.memoryUsage().heapUsed;
    let peak = heapBefore;
    for (let i = 0; i < N; i++) {
      await crawler.signals.sendAsync('itemScraped', { item: { i, text, tags: ['a', 'b'] }, response: null, spider });
      if (i % 10_000 === 0) peak = Math.max(peak, process.memoryUsage().heapUsed);
    }
    await crawler.signals.sendAsync('spiderClosed', { spider, reason: 'finished' });
    peak = Math.max(peak, process.memoryUsage().heapUsed);
    const size = statSync(`${base}.jsonl`).size;
    assert.ok(size > N * 200, `jsonl holds every item (${size} bytes)`);
    // The three files hold ~140 MB; keeping them in memory would grow the heap far past this.
    const growth = peak - heapBefore;
    assert.ok(growth < 64 * 1024 * 1024, `heap grew by ${(growth / 1e6).toFixed(1)} MB for ${(3 * size / 1e6).toFixed(0)} MB written`);
    assert.deepEqual(errors(crawler), []);

    let count = 0;
    for await (const line of createInterface({ input: createReadStream(`${base}.jsonl`) })) {
      assert.equal((JSON.parse(line) as { i: number }).i, count++);
    }
    assert.equal(count, N);
    // The JSON array: first and last elements and the element count by line.
    let lines = 0;
    let last = '';
    for await (const line of createInterface({ input: createReadStream(`${base}.json`) })) {
      lines++;
      if (line !== ']') last = line;
    }
    assert.equal(lines, N + 2);
    assert.deepEqual(JSON.parse(last), { i: N - 1, text, tags: ['a', 'b'] });
  });
});
