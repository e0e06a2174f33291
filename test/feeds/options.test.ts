import assert from 'node:assert/strict';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { InvalidArgumentError, NotConfigured } from '../../src/crawler/errors.js';
import { FeedConfigError, FeedExporter, feedsFromCliOption, feedsFromCliOptions } from '../../src/feeds/index.js';
import { makeCrawler, tempDir } from './helpers.js';

describe('feedsFromCliOption (-o / -O)', () => {
  it('takes the format from the extension or from :format', () => {
    assert.deepEqual(feedsFromCliOption('out.json', false), { 'out.json': { format: 'json', overwrite: false } });
    assert.deepEqual(feedsFromCliOption('out.jl', true), { 'out.jl': { format: 'jsonl', overwrite: true } });
    assert.deepEqual(feedsFromCliOption('out.txt:csv', false), { 'out.txt': { format: 'csv', overwrite: false } });
    assert.deepEqual(feedsFromCliOption('file:///tmp/x.data:xml', false), { 'file:///tmp/x.data': { format: 'xml', overwrite: false } });
    assert.deepEqual(feedsFromCliOption('items-%(batch_id)d.jsonl', false), { 'items-%(batch_id)d.jsonl': { format: 'jsonl', overwrite: false } });
  });

  it('"-:format" is stdout; "-" alone needs a format', () => {
    assert.deepEqual(feedsFromCliOption('-:jsonl', false), { 'stdout:': { format: 'jsonl', overwrite: false } });
    assert.throws(() => feedsFromCliOption('-', false), (e: Error) => e instanceof InvalidArgumentError && /-o -:jsonl/.test(e.message));
  });

  it('an unknown extension names the valid formats', () => {
    assert.throws(
      () => feedsFromCliOption('out.txt', true),
      (e: Error) => e instanceof InvalidArgumentError && /-O out\.txt/.test(e.message) && /jsonl \(jl, jsonlines\), json, csv, xml/.test(e.message),
    );
  });

  it('merges several values', () => {
    assert.deepEqual(Object.keys(feedsFromCliOptions(['a.json', 'b.csv'], ['c.xml'])), ['a.json', 'b.csv', 'c.xml']);
  });
});

describe('FeedExporter configuration checks (before the crawl)', () => {
  let dir: string;
  let cleanup: () => void;
  before(() => ({ dir, cleanup } = tempDir()));
  after(() => cleanup());

  const fails = (feeds: unknown, pattern: RegExp, extra: Record<string, unknown> = {}): void => {
    assert.throws(
      () => FeedExporter.fromCrawler(makeCrawler({ FEEDS: feeds as never, ...extra })),
      (e: Error) => {
        assert.ok(e instanceof FeedConfigError, `FeedConfigError expected, got ${e.name}: ${e.message}`);
        assert.ok(e instanceof InvalidArgumentError);
        assert.match(e.message, pattern);
        return true;
      },
    );
  };

  it('is not configured without feeds', () => {
    assert.throws(() => FeedExporter.fromCrawler(makeCrawler({})), NotConfigured);
  });

  it('reads FEEDS from a JSON string (-s FEEDS=...)', () => {
    const path = join(dir, 'from-json.jsonl');
    const crawler = makeCrawler({});
    crawler.settings.set('FEEDS', JSON.stringify({ [path]: { format: 'jsonl' } }), 'cmdline');
    assert.ok(FeedExporter.fromCrawler(crawler) instanceof FeedExporter);
    assert.equal(existsSync(path), false, 'the writability probe leaves no file behind');
  });

  it('unknown format, listing the valid ones', () => {
    fails({ [join(dir, 'a.json')]: { format: 'yaml' } }, /Feed ".*a\.json": unknown format "yaml"; valid formats: jsonl \(jl, jsonlines\), json, csv, xml/);
    fails({ [join(dir, 'a.yaml')]: {} }, /extension "\.yaml"/);
  });

  it('unknown encoding', () => {
    fails({ [join(dir, 'a.json')]: { encoding: 'klingon' } }, /unsupported encoding "klingon"/);
  });

  it('unwritable path: the folder cannot be created, or the path is a folder', () => {
    const file = join(dir, 'plain-file');
    writeFileSync(file, 'x');
    fails({ [join(file, 'sub', 'out.json')]: {} }, /cannot create the folder .*plain-file/);
    mkdirSync(join(dir, 'a-folder.json'));
    fails({ [join(dir, 'a-folder.json')]: {} }, /is a folder, not a file/);
  });

  it('bad placeholders: unknown name, malformed, wrong type', () => {
    fails({ [join(dir, '%(nope)s.json')]: {} }, /unknown placeholder %\(nope\)s.*spider has no attribute "nope"/);
    fails({ [join(dir, '%(name.json')]: {} }, /malformed placeholder near "%\(name\.json"/);
    fails({ [join(dir, '%(name)d.json')]: {} }, /%\(name\)d needs a number, got "books"/);
  });

  it('a batch count without a batch placeholder', () => {
    fails({ [join(dir, 'b.jsonl')]: { batchItemCount: 10 } }, /no %\(batch_id\)d or %\(batch_time\)s placeholder/);
    fails({ [join(dir, 'c.jsonl')]: {} }, /batchItemCount is 5/, { FEED_EXPORT_BATCH_ITEM_COUNT: 5 });
  });

  it('two feeds on one file; unsupported storage schemes', () => {
    fails({ [join(dir, 'same.json')]: {}, [`file://${join(dir, 'same.json')}`]: { format: 'json' } }, /same file/);
    fails({ 'gs://bucket/x.json': {} }, /unsupported storage "gs:"; .*s3:\/\/bucket\/key/);
  });

  it('bad option values name the option', () => {
    fails({ [join(dir, 'i.json')]: { indent: -1 } }, /indent must be a whole number/);
    fails({ [join(dir, 'f.json')]: { fields: 3 } }, /fields must be a list of field names/);
    fails({ [join(dir, 'o.json')]: 'json' }, /options must be an object/);
  });
});
