import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { FeedExporter, resolveFeed } from '../../src/feeds/index.js';
import { Settings } from '../../src/crawler/settings/settings.js';
import { feedTime } from '../../src/feeds/uri.js';
import { TestSpider, collector, errors, makeCrawler, runFeeds, tempDir } from './helpers.js';

const items = (n: number): Array<{ i: number }> => Array.from({ length: n }, (_, i) => ({ i }));

describe('feed storage, placeholders and batches', () => {
  let dir: string;
  let cleanup: () => void;
  before(() => ({ dir, cleanup } = tempDir()));
  after(() => cleanup());

  it('%(name)s, %(time)s and spider attributes; relative paths and file:// URIs', async () => {
    const sub = join(dir, 'names');
    const prev = process.cwd();
    process.chdir(dir);
    try {
      const crawler = makeCrawler({
        FEEDS: {
          'names/%(name)s-%(category)s.jsonl': {},
          [`${pathToFileURL(sub).href}/%(time)s.json`]: {},
          [`file://names/rel%20uri.csv`]: {},
        },
      });
      const before = feedTime(new Date());
      await runFeeds(crawler, items(2));
      const files = readdirSync(sub).sort();
      assert.equal(files.length, 3, files.join(', '));
      assert.ok(files.includes('books-fiction.jsonl'));
      assert.ok(files.includes('rel uri.csv'));
      const timed = files.find((f) => f.endsWith('.json'))!;
      assert.match(timed, /^\d{4}-\d\d-\d\dT\d\d-\d\d-\d\d\+00-00\.json$/);
      assert.ok(timed >= before);
      assert.deepEqual(errors(crawler), []);
    } finally {
      process.chdir(prev);
    }
  });

  it('FEED_EXPORT_BATCH_ITEM_COUNT: a new file every N items, %(batch_id)05d', async () => {
    const crawler = makeCrawler({ FEEDS: { [join(dir, 'batch', 'part-%(batch_id)05d.json')]: {} }, FEED_EXPORT_BATCH_ITEM_COUNT: 3 });
    await runFeeds(crawler, items(7));
    const files = readdirSync(join(dir, 'batch')).sort();
    assert.deepEqual(files, ['part-00001.json', 'part-00002.json', 'part-00003.json']);
    const all = files.map((f) => JSON.parse(readFileSync(join(dir, 'batch', f), 'utf8')) as unknown[]);
    assert.deepEqual(all.map((a) => a.length), [3, 3, 1]);
    assert.deepEqual(all.flat(), items(7));
  });

  it('per-feed batchItemCount with %(batch_time)s gives distinct files', async () => {
    const crawler = makeCrawler({ FEEDS: { [join(dir, 'bt', '%(batch_time)s.csv')]: { batchItemCount: 1 } } });
    await runFeeds(crawler, items(5));
    const files = readdirSync(join(dir, 'bt')).sort();
    assert.equal(files.length, 5);
    for (const f of files) assert.match(f, /^\d{4}-\d\d-\d\dT\d\d-\d\d-\d\d\.\d{6}\+00-00\.csv$/);
    assert.deepEqual(files.map((f) => readFileSync(join(dir, 'bt', f), 'utf8').split('\r\n')[1]), ['0', '1', '2', '3', '4']);
  });

  it('append (-o) continues a JSON feed as one array; overwrite (-O) truncates', async () => {
    const path = join(dir, 'again.json');
    await runFeeds(makeCrawler({ FEEDS: { [path]: { overwrite: false } } }), items(2));
    await runFeeds(makeCrawler({ FEEDS: { [path]: { overwrite: false } } }), [{ i: 2 }]);
    assert.deepEqual(JSON.parse(readFileSync(path, 'utf8')), items(3));
    await runFeeds(makeCrawler({ FEEDS: { [path]: { overwrite: true } } }), [{ i: 9 }]);
    assert.deepEqual(JSON.parse(readFileSync(path, 'utf8')), [{ i: 9 }]);
    // A compact array written by another tool is continued too.
    writeFileSync(path, '[{"i":0}]');
    await runFeeds(makeCrawler({ FEEDS: { [path]: {} } }), [{ i: 1 }]);
    assert.deepEqual(JSON.parse(readFileSync(path, 'utf8')), items(2));
  });

  it('a special file (/dev/null, a FIFO) takes a feed: it has nothing to sync to disk', async () => {
    for (const overwrite of [false, true]) {
      const crawler = makeCrawler({ FEEDS: { '/dev/null': { format: 'jsonl', overwrite } } });
      await runFeeds(crawler, items(3));
      assert.deepEqual(errors(crawler), []);
    }
  });

  it('append keeps one CSV header and one XML root', async () => {
    const csv = join(dir, 'again.csv');
    const xml = join(dir, 'again.xml');
    for (let run = 0; run < 2; run++) await runFeeds(makeCrawler({ FEEDS: { [csv]: {}, [xml]: {} } }), [{ i: run }]);
    assert.equal(readFileSync(csv, 'utf8'), 'i\r\n0\r\n1\r\n');
    assert.equal(readFileSync(xml, 'utf8'), '<?xml version="1.0" encoding="utf-8"?>\n<items>\n<item><i>0</i></item>\n<item><i>1</i></item>\n</items>\n');
  });

  it('stdout (constructor injection)', async () => {
    const out = collector();
    const crawler = makeCrawler({});
    const exporter = new FeedExporter({
      feeds: [resolveFeed('stdout:', { format: 'jsonl' }, new Settings())],
      spider: new TestSpider(),
      logger: crawler.logger,
      stats: crawler.stats,
      stdout: out.stream,
    });
    exporter.connect(crawler.signals);
    const spider = crawler.spider;
    await crawler.signals.sendAsync('spiderOpened', { spider });
    for (const item of items(3)) await crawler.signals.sendAsync('itemScraped', { item, response: null, spider });
    await crawler.signals.sendAsync('spiderClosed', { spider, reason: 'finished' });
    assert.equal(out.text(), '{"i":0}\n{"i":1}\n{"i":2}\n');
  });

  it('stdout of a real process ("-" from -o -:json)', () => {
    const script = join(dir, 'to-stdout.mts');
    const helpers = pathToFileURL(join(import.meta.dirname, 'helpers.ts')).href;
    const feeds = pathToFileURL(join(import.meta.dirname, '../../src/feeds/index.ts')).href;
    writeFileSync(
      script,
      `import { makeCrawler, runFeeds } from ${JSON.stringify(helpers)};
       import { feedsFromCliOption } from ${JSON.stringify(feeds)};
       const crawler = makeCrawler({ FEEDS: feedsFromCliOption('-:json', true) });
       await runFeeds(crawler, [{ a: 1 }, { a: 2 }]);`,
    );
    const res = spawnSync(process.execPath, ['--import', 'tsx', script], { encoding: 'utf8', timeout: 60_000 });
    assert.equal(res.status, 0, res.stderr);
    assert.deepEqual(JSON.parse(res.stdout), [{ a: 1 }, { a: 2 }]);
  });
});
