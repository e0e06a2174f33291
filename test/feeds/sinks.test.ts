import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { FeedExporter } from '../../src/feeds/index.js';
import { makeCrawler, tempDir } from './helpers.js';

/** Resolves once `check()` is true; fails after `ms` (a generous bound, not a speed claim). */
async function eventually(check: () => boolean, ms: number, what: string): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    assert.ok(Date.now() < deadline, `${what}: not seen within ${ms / 1000} s`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const read = (path: string): string => {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
};

describe('feed sinks: a slow crawl shows its items as they come', () => {
  let dir: string;
  let cleanup: () => void;
  before(() => ({ dir, cleanup } = tempDir()));
  after(() => cleanup());

  it('an item reaches the file while the crawl goes on, without a flush, a close or 64K of other items', async () => {
    const file = join(dir, 'slow.jsonl');
    const crawler = makeCrawler({ FEEDS: { [file]: { format: 'jsonlines' } } });
    FeedExporter.fromCrawler(crawler);
    const spider = crawler.spider;
    await crawler.signals.sendAsync('spiderOpened', { spider });
    try {
      await crawler.signals.sendAsync('itemScraped', { item: { n: 1 }, response: null, spider });
      // `tail -f` on the feed: the item shows up although nothing else happens.
      await eventually(() => read(file) === '{"n":1}\n', 30_000, 'the first item in the file');
      await crawler.signals.sendAsync('itemScraped', { item: { n: 2 }, response: null, spider });
      await eventually(() => read(file) === '{"n":1}\n{"n":2}\n', 30_000, 'the second item in the file');
    } finally {
      await crawler.signals.sendAsync('spiderClosed', { spider, reason: 'finished' });
    }
    assert.equal(read(file), '{"n":1}\n{"n":2}\n');
  });
});
